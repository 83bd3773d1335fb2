// E-mail for a spooled message (RFC 5322 with MIME, RFC 2045-2047): the subject and body from
// templates filled with the message's fields, each part attached in base64, a Message-ID made
// from the message id (so a mailbox that got it once recognises it again), and the addresses of
// the recipients (extensions become their users' e-mail addresses); WAV recordings optionally as
// Opus in Ogg (ogg_opus.hpp). Shared by the mail connectors, with the config keys they share.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "junction/config.hpp"
#include "junction/directory.hpp"
#include "junction/messages.hpp"
#include "ogg_opus.hpp"

namespace junction::mail {

struct MailSettings {
  std::string from = "Junction <voicemail@junction.invalid>";
  std::string subject = "{kind} message from {sender}";
  std::string body = "You have a new {kind} message from {sender} ({Caller-Name}), received {date}.\n";
  std::string domain = "junction.invalid";  ///< the right-hand side of Message-IDs
  /// How WAV parts (audio/wav, or named *.wav) are attached: as they are, or as Opus in Ogg
  /// (audio/ogg, message.wav named message.opus); a part that is no valid WAV goes as it is.
  enum class Audio { wav, opus } audio = Audio::wav;
  int opus_bitrate = kDefaultOpusBitrate;  ///< bits/s, kMinOpusBitrate to kMaxOpusBitrate
};

/// The schema of the keys every mail connector takes for its attachments: `audio` (wav | opus)
/// and `opus_bitrate`; a connector adds them to its own block's schema.
std::vector<ConfigSchema::Field> audio_config_fields();
/// Reads those keys from a connector's block into `settings`; a bad value is a ConfigError
/// naming the key (the schema catches it first, this is for blocks that skipped validation).
void read_audio_config(const ConfigNode& config, MailSettings& settings);

/// `text` with {field} replaced: {id}, {kind}, {sender}, {date}, and any header of the message
/// by its name ({Caller-Name}); unknown fields become empty, "{{" is a literal brace.
std::string fill_template(std::string_view text, const MessageRecord& message);

/// The recipients as e-mail addresses: one with an '@' stands for itself, an extension for its
/// user's `email`. Sets `problem` (and returns what it could) for those that have none.
std::vector<std::string> mail_addresses(const MessageRecord& message, const Directory& directory, std::string& problem);

/// "<id@domain>": stable for the message, whatever attempt sends it.
std::string message_id(const MessageRecord& message, std::string_view domain);

/// The whole mail, CRLF line ends, ready for a pickup folder or an SMTP DATA. With
/// `settings.audio` opus, each WAV part is converted (falling back to the part as it is).
std::string compose_mail(const MessageRecord& message, const std::vector<std::string>& parts,
                         const std::vector<std::string>& to, const MailSettings& settings);

/// RFC 2045 base64 in lines of 76 characters, each ended by CRLF.
std::string base64_lines(std::string_view bytes);
/// RFC 5322 date-time ("Sun, 22 Nov 2026 13:45:00 +0000").
std::string mail_date(std::chrono::system_clock::time_point when);
/// An unstructured header value: as it is when ASCII, else RFC 2047 encoded words (UTF-8, B).
std::string header_text(std::string_view text);

}  // namespace junction::mail
