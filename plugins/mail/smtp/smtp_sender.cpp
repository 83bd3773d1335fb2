#include "smtp_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

namespace junction::mail {

namespace {

struct Upload {
  const std::string* text;
  std::size_t at = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->text->size() - upload->at);
  std::memcpy(buffer, upload->text->data() + upload->at, n);
  upload->at += n;
  return n;
}

using List = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

// Easy handles kept between mails: each keeps the connection its last mail used, so the next
// mail on that handle skips connect, greeting, EHLO and TLS. A handle is used by one thread at a
// time (libcurl does not support sharing connections between threads that send at once).
struct SmtpSender::ConnectionCache {
  ~ConnectionCache() {
    for (CURL* handle : idle) curl_easy_cleanup(handle);  // closes their connections (QUIT)
  }
  CURL* take() {
    {
      std::lock_guard guard(mutex);
      if (!idle.empty()) {
        CURL* handle = idle.back();
        idle.pop_back();
        return handle;
      }
    }
    return curl_easy_init();
  }
  void give_back(CURL* handle) {
    curl_easy_reset(handle);  // forgets this mail's options, keeps the connection
    std::lock_guard guard(mutex);
    idle.push_back(handle);
  }

  std::mutex mutex;
  std::vector<CURL*> idle;  // under mutex
};

SmtpSender::SmtpSender(std::vector<SmtpServer> servers, std::string envelope_from, std::chrono::seconds timeout,
                       std::chrono::seconds failback)
    : servers_(std::move(servers)),
      envelope_from_(std::move(envelope_from)),
      timeout_(timeout),
      failback_(failback),
      passed_over_until_(servers_.size()),
      connections_(std::make_unique<ConnectionCache>()) {}

SmtpSender::~SmtpSender() = default;

SmtpSender::Attempt SmtpSender::send_to(const SmtpServer& server, const std::string& mail,
                                        const std::vector<std::string>& recipients) {
  Attempt attempt;
  std::unique_ptr<CURL, std::function<void(CURL*)>> curl(connections_->take(),
                                                         [this](CURL* handle) { connections_->give_back(handle); });
  if (!curl) {
    attempt.detail = "libcurl could not start";
    return attempt;
  }
  List rcpt(nullptr, &curl_slist_free_all);
  for (const auto& r : recipients) rcpt.reset(curl_slist_append(rcpt.release(), ("<" + r + ">").c_str()));
  Upload upload{&mail};
  char error[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, server.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + envelope_from_ + ">").c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mail.size()));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_USE_SSL,
                   server.starttls == "required" ? static_cast<long>(CURLUSESSL_ALL)
                   : server.starttls == "off"    ? static_cast<long>(CURLUSESSL_NONE)
                                                 : static_cast<long>(CURLUSESSL_TRY));
  if (!server.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, server.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, server.password.c_str());
  }
  const CURLcode result = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &attempt.reply);
  attempt.reached = attempt.reply > 0;
  attempt.sent = result == CURLE_OK;
  if (result == CURLE_OK) {
    attempt.detail = std::to_string(attempt.reply ? attempt.reply : 250) + " accepted by " + server.url;
  } else {
    attempt.detail = server.url + ": " + (error[0] ? error : curl_easy_strerror(result)) +
                     (attempt.reply ? " (SMTP " + std::to_string(attempt.reply) + ")" : "");
  }
  if (result == CURLE_OK) attempt.reply = attempt.reply ? attempt.reply : 250;
  return attempt;
}

DeliveryResult SmtpSender::send(const std::string& mail, const std::vector<std::string>& recipients) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::size_t> order;
  {
    std::lock_guard guard(lock_);
    // Servers not passed over first, in their configured order; the passed-over ones last.
    for (std::size_t i = 0; i < servers_.size(); ++i)
      if (passed_over_until_[i] <= now) order.push_back(i);
    for (std::size_t i = 0; i < servers_.size(); ++i)
      if (passed_over_until_[i] > now) order.push_back(i);
  }
  std::string details;
  for (std::size_t i : order) {
    const Attempt attempt = send_to(servers_[i], mail, recipients);
    // Delivered only when the whole transaction went through: a failure after a 2xx (STARTTLS
    // required but not offered after EHLO's 250, a TLS error after 220, a drop after RCPT's 250)
    // leaves a 2xx behind and is no delivery.
    if (attempt.sent) return {DeliveryResult::Outcome::delivered, attempt.detail};
    if (attempt.reply >= 500 && attempt.reply < 600) return {DeliveryResult::Outcome::failed, attempt.detail};
    details += (details.empty() ? "" : "; ") + attempt.detail;
    if (attempt.reached) return {DeliveryResult::Outcome::retry, details};  // 4xx: the server said later
    std::lock_guard guard(lock_);
    passed_over_until_[i] = now + failback_;  // unreachable: the next server, this one later
  }
  return {DeliveryResult::Outcome::retry, details.empty() ? "no SMTP server configured" : details};
}

}  // namespace junction::mail
