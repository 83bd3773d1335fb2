#include "mail_composer.hpp"

#include <gtest/gtest.h>

#include "ogg_opus_test_support.hpp"

namespace junction::mail {
namespace {

class Users final : public Directory {
 public:
  Users() {
    users_.push_back({"1001", "Alice", "alice@example.com", "", "", {}, ""});
    users_.push_back({"1002", "Bob", "", "", "", {}, ""});
  }
  const User* find(std::string_view extension) const override {
    for (const auto& user : users_)
      if (user.extension == extension) return &user;
    return nullptr;
  }
  const std::vector<User>& users() const override { return users_; }

 private:
  std::vector<User> users_;
};

MessageRecord voicemail() {
  MessageRecord m;
  m.id = "20261122T134500-00000000000000ab";
  m.kind = MessageKind::voice;
  m.sender = "+4930123456";
  m.recipients = {"1001"};
  m.headers = {{"Caller-Name", "Jürgen Müller"}, {"Duration", "12"}};
  m.parts = {{"message.wav", "audio/wav", 5, ""}};
  m.created = std::chrono::system_clock::time_point(std::chrono::seconds(1795355100));
  return m;
}

TEST(MailComposer, TemplatesTakeFieldsAndHeaders) {
  EXPECT_EQ(fill_template("{kind} from {sender} ({Caller-Name}, {Duration} s) {{literal} {Nope}.", voicemail()),
            "voice from +4930123456 (Jürgen Müller, 12 s) {literal} .");
}

TEST(MailComposer, ExtensionsBecomeTheirUsersAddresses) {
  Users users;
  MessageRecord m = voicemail();
  m.recipients = {"1001", "1002", "9999", "ops@example.com"};
  std::string problem;
  EXPECT_EQ(mail_addresses(m, users, problem), (std::vector<std::string>{"alice@example.com", "ops@example.com"}));
  EXPECT_EQ(problem, "user 1002 has no email; no user 9999");
}

TEST(MailComposer, TheMailIsMimeWithTheRecordingInBase64AndAStableMessageId) {
  MailSettings settings;
  settings.domain = "pbx.example.com";
  settings.subject = "Voicemail from {Caller-Name}";
  const std::string mail = compose_mail(voicemail(), {"RIFF!"}, {"alice@example.com"}, settings);
  EXPECT_NE(mail.find("Message-ID: <20261122T134500-00000000000000ab@pbx.example.com>\r\n"), std::string::npos);
  EXPECT_NE(mail.find("To: alice@example.com\r\n"), std::string::npos);
  EXPECT_NE(mail.find("Subject: =?UTF-8?B?"), std::string::npos) << "non-ASCII subjects are encoded words";
  EXPECT_NE(mail.find("Date: Sun, 22 Nov 2026 "), std::string::npos);
  EXPECT_NE(mail.find("Content-Disposition: attachment; filename=\"message.wav\""), std::string::npos);
  EXPECT_NE(mail.find("\r\n\r\nUklGRiE=\r\n"), std::string::npos) << "RIFF! in base64";
  EXPECT_TRUE(mail.ends_with("--=_junction_20261122T134500-00000000000000ab--\r\n"));
  for (std::size_t at = mail.find('\n'); at != std::string::npos; at = mail.find('\n', at + 1))
    ASSERT_EQ(mail[at - 1], '\r') << "every line ends in CRLF";
}

TEST(MailComposer, Base64LinesAreAtMost76Characters) {
  const std::string lines = base64_lines(std::string(1000, '\xff'));
  std::size_t start = 0;
  while (start < lines.size()) {
    const auto end = lines.find("\r\n", start);
    ASSERT_LE(end - start, 76u);
    start = end + 2;
  }
  EXPECT_EQ(base64_lines(""), "");
  EXPECT_EQ(base64_lines("ab"), "YWI=\r\n");
}

// The bytes of the attachment named `name` (base64 decoded), empty when there is none.
std::string attachment(const std::string& mail, const std::string& name) {
  const auto header = mail.find("filename=\"" + name + "\"");
  if (header == std::string::npos) return {};
  const auto start = mail.find("\r\n\r\n", header) + 4;
  const auto end = mail.find("--", start);
  std::string out;
  unsigned value = 0;
  int count = 0;
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = start; i < end; ++i) {
    const auto at = alphabet.find(mail[i]);
    if (at == std::string_view::npos) continue;                  // CRLF, padding
    value = (value << 6 | static_cast<unsigned>(at)) & 0xffffu;  // never more than 14 bits pending
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((value >> count) & 0xff);
    }
  }
  return out;
}

TEST(MailComposer, WithAudioOpusAWavRecordingIsAttachedAsOggOpus) {
  MailSettings settings;
  settings.audio = MailSettings::Audio::opus;
  const std::string wav = test::tone_wav(8000, 1, 8000, 440);
  const std::string mail = compose_mail(voicemail(), {wav}, {"alice@example.com"}, settings);
  EXPECT_NE(mail.find("Content-Type: audio/ogg; name=\"message.opus\"\r\n"), std::string::npos) << mail.substr(0, 900);
  EXPECT_NE(mail.find("Content-Disposition: attachment; filename=\"message.opus\"\r\n"), std::string::npos);
  EXPECT_EQ(mail.find("message.wav"), std::string::npos);
  EXPECT_EQ(mail.find("audio/wav"), std::string::npos);
  const std::string ogg = attachment(mail, "message.opus");
  EXPECT_EQ(std::optional<std::string>(ogg), wav_to_ogg_opus(wav, kDefaultOpusBitrate));
  const test::OggFile parsed = test::parse_ogg(ogg);
  ASSERT_TRUE(parsed.valid) << parsed.problem;
  EXPECT_EQ(parsed.last_granule - parsed.pre_skip, 48000);
  EXPECT_LT(mail.size() * 3, wav.size()) << "the mail is much smaller than the recording";
}

TEST(MailComposer, OpusTakesWavByTypeOrNameAndLeavesOtherPartsAlone) {
  MailSettings settings;
  settings.audio = MailSettings::Audio::opus;
  settings.opus_bitrate = 24000;
  MessageRecord m = voicemail();
  m.parts = {{"greeting.WAV", "application/octet-stream", 0, ""},
             {"recording", "audio/x-wav; codecs=1", 0, ""},
             {"fax.tif", "image/tiff", 0, ""}};
  const std::string wav = test::tone_wav(8000, 1, 4000, 440);
  const std::string mail = compose_mail(m, {wav, wav, std::string("II*\0tiff", 8)}, {"alice@example.com"}, settings);
  EXPECT_NE(mail.find("Content-Type: audio/ogg; name=\"greeting.opus\""), std::string::npos);
  EXPECT_NE(mail.find("Content-Type: audio/ogg; name=\"recording.opus\""), std::string::npos);
  EXPECT_NE(mail.find("Content-Type: image/tiff; name=\"fax.tif\""), std::string::npos);
  EXPECT_EQ(attachment(mail, "fax.tif"), std::string("II*\0tiff", 8));
  EXPECT_EQ(std::optional<std::string>(attachment(mail, "recording.opus")), wav_to_ogg_opus(wav, 24000))
      << "at the configured bitrate";
}

TEST(MailComposer, APartThatIsNoValidWavIsAttachedAsItIs) {
  MailSettings settings;
  settings.audio = MailSettings::Audio::opus;
  const std::string mail = compose_mail(voicemail(), {"RIFF!"}, {"alice@example.com"}, settings);
  EXPECT_NE(mail.find("Content-Type: audio/wav; name=\"message.wav\""), std::string::npos);
  EXPECT_NE(mail.find("\r\n\r\nUklGRiE=\r\n"), std::string::npos) << "RIFF! in base64, unchanged";
  EXPECT_EQ(mail.find("opus"), std::string::npos);
}

TEST(MailComposer, WavIsTheDefault) {
  const std::string wav = test::tone_wav(8000, 1, 800, 440);
  const std::string mail = compose_mail(voicemail(), {wav}, {"alice@example.com"}, MailSettings{});
  EXPECT_NE(mail.find("Content-Type: audio/wav; name=\"message.wav\""), std::string::npos);
  EXPECT_EQ(attachment(mail, "message.wav"), wav);
}

ConfigNode block(std::vector<std::pair<std::string, std::string>> entries) {
  ConfigNode node = ConfigNode::map({"junction.yaml", 7, 5}, "plugins[0].config");
  int line = 8;
  for (auto& [key, value] : entries)
    node.add_entry(key, ConfigNode::scalar(value, {"junction.yaml", line++, 15}, "plugins[0].config." + key));
  return node;
}

TEST(MailComposer, BothConnectorsReadAudioAndOpusBitrate) {
  MailSettings settings;
  read_audio_config(block({}), settings);
  EXPECT_EQ(settings.audio, MailSettings::Audio::wav);
  EXPECT_EQ(settings.opus_bitrate, 16000);
  read_audio_config(block({{"audio", "opus"}, {"opus_bitrate", "24000"}}), settings);
  EXPECT_EQ(settings.audio, MailSettings::Audio::opus);
  EXPECT_EQ(settings.opus_bitrate, 24000);

  auto problem = [](std::vector<std::pair<std::string, std::string>> entries) {
    MailSettings ignored;
    try {
      read_audio_config(block(std::move(entries)), ignored);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(problem({{"audio", "mp3"}}),
            "junction.yaml:8:15: plugins[0].config.audio: expected one of wav, opus, got 'mp3'");
  EXPECT_EQ(problem({{"audio", "opus"}, {"opus_bitrate", "500"}}),
            "junction.yaml:9:15: plugins[0].config.opus_bitrate: expected bits/s between 6000 and 128000, got '500'");
  EXPECT_NE(problem({{"opus_bitrate", "16k"}}), "no error");

  // The schema both connectors add to their blocks says the same.
  const auto fields = audio_config_fields();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].key, "audio");
  EXPECT_EQ(fields[0].schema.choices(), (std::vector<std::string>{"wav", "opus"}));
  EXPECT_EQ(fields[0].schema.default_value(), "wav");
  EXPECT_EQ(fields[1].key, "opus_bitrate");
  EXPECT_EQ(fields[1].schema.min(), 6000);
  EXPECT_EQ(fields[1].schema.max(), 128000);
  EXPECT_EQ(fields[1].schema.default_value(), "16000");
}

TEST(MailComposer, HeaderTextCannotInjectLines) {
  EXPECT_EQ(header_text("a\r\nBcc: x"), "a  Bcc: x");
  EXPECT_EQ(header_text("Müller").substr(0, 10), "=?UTF-8?B?");
}

// A caller's display name comes from the network: bytes that are not UTF-8 (a run of
// continuation bytes longer than one encoded word) are encoded all the same, and end.
TEST(MailComposer, HeaderTextEndsOnBytesThatAreNotUtf8) {
  const std::string garbage(100, '\x80');
  const std::string encoded = header_text(garbage);
  EXPECT_EQ(encoded.substr(0, 10), "=?UTF-8?B?");
  std::size_t words = 0;
  for (std::size_t at = 0; (at = encoded.find("=?UTF-8?B?", at)) != std::string::npos; ++at) ++words;
  EXPECT_EQ(words, 3u);  // 45 + 45 + 10 bytes
}

}  // namespace
}  // namespace junction::mail
