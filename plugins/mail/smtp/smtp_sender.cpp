#include "smtp_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
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

using Easy = std::unique_ptr<CURL, decltype(&curl_easy_cleanup)>;
using List = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

struct SmtpSender::ConnectionCache {
  ConnectionCache() : share(curl_share_init()) {
    if (!share) return;
    curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &ConnectionCache::lock);
    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &ConnectionCache::unlock);
    curl_share_setopt(share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  }
  ~ConnectionCache() {
    if (share) curl_share_cleanup(share);  // closes the cached connections (QUIT)
  }
  // One lock per kind of shared data: libcurl may hold one (the share itself) while it takes another.
  static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
    static_cast<ConnectionCache*>(self)->mutexes[data].lock();
  }
  static void unlock(CURL*, curl_lock_data data, void* self) {
    static_cast<ConnectionCache*>(self)->mutexes[data].unlock();
  }

  std::mutex mutexes[CURL_LOCK_DATA_LAST];
  CURLSH* share = nullptr;
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
  Easy curl(curl_easy_init(), &curl_easy_cleanup);
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
  if (connections_->share) curl_easy_setopt(c, CURLOPT_SHARE, connections_->share);
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
    if (attempt.reply >= 200 && attempt.reply < 300) return {DeliveryResult::Outcome::delivered, attempt.detail};
    if (attempt.reply >= 500 && attempt.reply < 600) return {DeliveryResult::Outcome::failed, attempt.detail};
    details += (details.empty() ? "" : "; ") + attempt.detail;
    if (attempt.reached) return {DeliveryResult::Outcome::retry, details};  // 4xx: the server said later
    std::lock_guard guard(lock_);
    passed_over_until_[i] = now + failback_;  // unreachable: the next server, this one later
  }
  return {DeliveryResult::Outcome::retry, details.empty() ? "no SMTP server configured" : details};
}

}  // namespace junction::mail
