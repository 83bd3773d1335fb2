// Plugin "smtp": the mail connector for a mail server. The mail is the one the pickup connector
// writes (mail_composer), sent with libcurl to the first of the configured servers that takes
// it; see smtp_sender.hpp for failover and the outcomes.
#include <curl/curl.h>

#include "junction/junction.hpp"
#include "mail_composer.hpp"
#include "smtp_sender.hpp"

namespace junction::mail {
namespace {

ConfigSchema smtp_config_schema() {
  using S = ConfigSchema;
  auto server = S::map({
      {"url", S::string().with_doc("smtp://host:port (STARTTLS as `starttls` says) or smtps://host:port"), required},
      {"starttls", S::one_of({"optional", "required", "off"}).with_default("optional")},
      {"username", S::string().with_doc("empty: no authentication")},
      {"password", S::string()},
  });
  std::vector<ConfigSchema::Field> fields{
      {"servers", S::list(server).with_doc("tried in order; an unreachable one is passed over for failback_s")},
      {"envelope_from", S::string().with_default("voicemail@junction.invalid").with_doc("MAIL FROM")},
      {"from", S::string().with_default("Junction <voicemail@junction.invalid>").with_doc("the mails' From")},
      {"subject", S::string().with_default("{kind} message from {sender}").with_doc("template, as pickup's")},
      {"body", S::string().with_doc("template of the text part, as pickup's")},
      {"domain", S::string().with_default("junction.invalid").with_doc("the right-hand side of Message-IDs")},
      {"timeout_s", S::integer(1, 600).with_default("60").with_doc("per attempt and server")},
      {"failback_s", S::integer(1, 86400).with_default("60").with_doc("how long an unreachable server is passed over")},
  };
  for (auto& field : audio_config_fields()) fields.push_back(std::move(field));  // audio, opus_bitrate
  return S::map(std::move(fields));
}

class SmtpConnector final : public MessageConnector {
 public:
  SmtpConnector(std::shared_ptr<SmtpSender> sender, MailSettings settings, const Directory& directory)
      : sender_(std::move(sender)), settings_(std::move(settings)), directory_(directory) {}

  std::string_view name() const override { return "smtp"; }

  DeliveryResult deliver(const MessageRecord& message, const std::vector<std::string>& parts) override {
    std::string problem;
    const auto to = mail_addresses(message, directory_, problem);
    if (to.empty()) return {DeliveryResult::Outcome::failed, "no address to deliver to: " + problem};
    return sender_->send(compose_mail(message, parts, to, settings_), to);
  }

 private:
  std::shared_ptr<SmtpSender> sender_;
  MailSettings settings_;
  const Directory& directory_;
};

class SmtpPlugin final : public Plugin {
 public:
  void configure(const ConfigNode& config) override {
    servers_.clear();
    if (const ConfigNode* list = config.find("servers"))
      for (const ConfigNode& item : list->items()) {
        SmtpServer server{item.get_string("url"), item.get_string("starttls", "optional"), item.get_string("username"),
                          item.get_string("password")};
        if (server.url.rfind("smtp://", 0) != 0 && server.url.rfind("smtps://", 0) != 0)
          throw ConfigError(item.mark(), item.path() + ".url", "'" + server.url + "' is not smtp:// or smtps://");
        servers_.push_back(std::move(server));
      }
    if (servers_.empty()) throw ConfigError(config.mark(), config.path() + ".servers", "at least one server is needed");
    envelope_from_ = config.get_string("envelope_from", "voicemail@junction.invalid");
    settings_.from = config.get_string("from", settings_.from);
    settings_.subject = config.get_string("subject", settings_.subject);
    if (const std::string body = config.get_string("body"); !body.empty()) settings_.body = body;
    settings_.domain = config.get_string("domain", settings_.domain);
    read_audio_config(config, settings_);
    timeout_ = std::chrono::seconds(config.get_int("timeout_s", 60));
    failback_ = std::chrono::seconds(config.get_int("failback_s", 60));
  }

  void start(Host& host) override {
    curl_global_init(CURL_GLOBAL_DEFAULT);  // once, before any thread uses libcurl
    auto sender = std::make_shared<SmtpSender>(servers_, envelope_from_, timeout_, failback_);
    host.registrar().add_message_connector(std::make_shared<SmtpConnector>(sender, settings_, host.directory()));
    host.logger().info(
        "mail goes to " + servers_.front().url +
        (servers_.size() > 1 ? " (and " + std::to_string(servers_.size() - 1) + " more)" : std::string()) +
        (settings_.audio == MailSettings::Audio::opus ? ", voice as Opus in Ogg" : ""));
  }

  void stop() override {}

 private:
  std::vector<SmtpServer> servers_;
  std::string envelope_from_;
  MailSettings settings_;
  std::chrono::seconds timeout_{60};
  std::chrono::seconds failback_{60};
};

}  // namespace
}  // namespace junction::mail

JUNCTION_PLUGIN(junction::mail::SmtpPlugin, "smtp", "0.1.0",
                "mail connector: messages as MIME mails over SMTP (libcurl), STARTTLS, authentication, failover",
                JUNCTION_REQUIRES(), JUNCTION_OPTIONAL(), &junction::mail::smtp_config_schema);
