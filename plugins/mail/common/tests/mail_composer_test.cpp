#include "mail_composer.hpp"

#include <gtest/gtest.h>

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

TEST(MailComposer, HeaderTextCannotInjectLines) {
  EXPECT_EQ(header_text("a\r\nBcc: x"), "a  Bcc: x");
  EXPECT_EQ(header_text("Müller").substr(0, 10), "=?UTF-8?B?");
}

}  // namespace
}  // namespace junction::mail
