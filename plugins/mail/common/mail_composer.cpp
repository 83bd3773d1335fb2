#include "mail_composer.hpp"

#include <cctype>
#include <charconv>
#include <ctime>
#include <optional>

namespace junction::mail {

namespace {
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const auto b0 = static_cast<unsigned char>(bytes[i]);
    const auto b1 = i + 1 < bytes.size() ? static_cast<unsigned char>(bytes[i + 1]) : 0u;
    const auto b2 = i + 2 < bytes.size() ? static_cast<unsigned char>(bytes[i + 2]) : 0u;
    out += kBase64[b0 >> 2];
    out += kBase64[((b0 & 3) << 4) | (b1 >> 4)];
    out += i + 1 < bytes.size() ? kBase64[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    out += i + 2 < bytes.size() ? kBase64[b2 & 63] : '=';
  }
  return out;
}

bool ascii(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// Mail lines end in CRLF (RFC 5322 2.1): bare LFs become CRLF, stray CRs go.
std::string crlf_lines(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') {
      out += "\r\n";
      continue;
    }
    out += text[i];
  }
  if (!out.ends_with("\r\n")) out += "\r\n";
  return out;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// audio/wav and its aliases (parameters ignored), or a name ending in .wav.
bool wav_part(const StoredPart& part) {
  std::string type = lowercase(part.content_type.substr(0, part.content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  return type == "audio/wav" || type == "audio/x-wav" || type == "audio/wave" || type == "audio/vnd.wave" ||
         lowercase(part.name).ends_with(".wav");
}

// message.wav becomes message.opus; a name without .wav gets .opus added.
std::string opus_name(std::string_view name) {
  if (name.empty()) return "message.opus";
  if (lowercase(name).ends_with(".wav")) name.remove_suffix(4);
  return std::string(name) + ".opus";
}

std::string quoted_name(std::string_view name) {
  std::string out;
  for (char c : name)
    if (c != '"' && c != '\\' && c != '\r' && c != '\n') out += c;
  return out;
}
}  // namespace

std::string base64_lines(std::string_view bytes) {
  const std::string encoded = base64(bytes);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

std::string header_text(std::string_view text) {
  std::string clean;
  for (char c : text) clean += (c == '\r' || c == '\n') ? ' ' : c;
  if (ascii(clean)) return clean;
  // Encoded words of at most 75 characters (RFC 2047 2): 45 bytes of UTF-8 each, split only
  // between characters.
  std::string out;
  std::size_t at = 0;
  while (at < clean.size()) {
    std::size_t end = std::min(clean.size(), at + 45);
    while (end > at && end < clean.size() && (static_cast<unsigned char>(clean[end]) & 0xC0) == 0x80) --end;
    if (end == at) end = std::min(clean.size(), at + 45);  // not UTF-8 at all: split anywhere
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(std::string_view(clean).substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string mail_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return text;
}

std::string fill_template(std::string_view text, const MessageRecord& message) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const auto close = text[i] == '{' ? text.find('}', i) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += text[i];
      continue;
    }
    const std::string_view field = text.substr(i + 1, close - i - 1);
    if (field == "id") {
      out += message.id;
    } else if (field == "kind") {
      out += to_string(message.kind);
    } else if (field == "sender") {
      out += message.sender.empty() ? "unknown" : message.sender;
    } else if (field == "date") {
      out += mail_date(message.created);
    } else {
      for (const auto& [name, value] : message.headers)
        if (name == field) out += value;
    }
    i = close;
  }
  return out;
}

std::vector<std::string> mail_addresses(const MessageRecord& message, const Directory& directory,
                                        std::string& problem) {
  std::vector<std::string> addresses;
  for (const std::string& recipient : message.recipients) {
    if (recipient.find('@') != std::string::npos) {
      addresses.push_back(recipient);
      continue;
    }
    const User* user = directory.find(recipient);
    if (user && !user->email.empty()) {
      addresses.push_back(user->email);
    } else {
      problem += (problem.empty() ? "" : "; ") + std::string(user ? "user " : "no user ") + recipient +
                 (user ? " has no email" : "");
    }
  }
  return addresses;
}

std::vector<ConfigSchema::Field> audio_config_fields() {
  using S = ConfigSchema;
  return {
      {"audio", S::one_of({"wav", "opus"})
                    .with_default("wav")
                    .with_doc("voice recordings attached as they are (wav) or as Opus in Ogg (opus: audio/ogg, "
                              "message.opus, about an eighth of the size at 16000 bits/s)")},
      {"opus_bitrate", S::integer(kMinOpusBitrate, kMaxOpusBitrate)
                           .with_default(std::to_string(kDefaultOpusBitrate))
                           .with_doc("bits/s of the Opus attachments (audio: opus)")},
  };
}

void read_audio_config(const ConfigNode& config, MailSettings& settings) {
  const std::string audio = config.get_string("audio", "wav");
  if (audio == "wav") {
    settings.audio = MailSettings::Audio::wav;
  } else if (audio == "opus") {
    settings.audio = MailSettings::Audio::opus;
  } else {
    const ConfigNode* node = config.find("audio");
    throw ConfigError(node->mark(), node->path(), "expected one of wav, opus, got '" + audio + "'");
  }
  settings.opus_bitrate = kDefaultOpusBitrate;
  if (const ConfigNode* node = config.find("opus_bitrate")) {
    const std::string& text = node->text();
    int bitrate = -1;
    if (std::from_chars(text.data(), text.data() + text.size(), bitrate).ptr != text.data() + text.size()) bitrate = -1;
    if (bitrate < kMinOpusBitrate || bitrate > kMaxOpusBitrate)
      throw ConfigError(node->mark(), node->path(),
                        "expected bits/s between " + std::to_string(kMinOpusBitrate) + " and " +
                            std::to_string(kMaxOpusBitrate) + ", got '" + text + "'");
    settings.opus_bitrate = bitrate;
  }
}

std::string message_id(const MessageRecord& message, std::string_view domain) {
  return "<" + message.id + "@" + std::string(domain) + ">";
}

std::string compose_mail(const MessageRecord& message, const std::vector<std::string>& parts,
                         const std::vector<std::string>& to, const MailSettings& settings) {
  // The boundary comes from the id: it cannot occur in base64 or in a body line we wrote.
  const std::string boundary = "=_junction_" + message.id;
  std::string to_line;
  for (const auto& address : to) to_line += (to_line.empty() ? "" : ", ") + address;
  std::string mail;
  mail += "Message-ID: " + message_id(message, settings.domain) + "\r\n";
  mail += "Date: " + mail_date(message.created) + "\r\n";
  mail += "From: " + header_text(settings.from) + "\r\n";
  mail += "To: " + to_line + "\r\n";
  mail += "Subject: " + header_text(fill_template(settings.subject, message)) + "\r\n";
  mail += "MIME-Version: 1.0\r\n";
  mail += "X-Junction-Message: " + message.id + "\r\n";
  mail += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  mail += "--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  mail += crlf_lines(fill_template(settings.body, message));
  for (std::size_t i = 0; i < message.parts.size() && i < parts.size(); ++i) {
    const StoredPart& part = message.parts[i];
    std::optional<std::string> opus;
    if (settings.audio == MailSettings::Audio::opus && wav_part(part))
      opus = wav_to_ogg_opus(parts[i], settings.opus_bitrate);  // nullopt: not a WAV, goes as it is
    const std::string name = quoted_name(opus ? opus_name(part.name) : part.name);
    mail += "--" + boundary + "\r\nContent-Type: " + (opus ? std::string("audio/ogg") : part.content_type) +
            "; name=\"" + name + "\"\r\nContent-Disposition: attachment; filename=\"" + name +
            "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    mail += base64_lines(opus ? *opus : parts[i]);
  }
  mail += "--" + boundary + "--\r\n";
  return mail;
}

}  // namespace junction::mail
