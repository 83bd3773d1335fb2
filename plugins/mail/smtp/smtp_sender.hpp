// Sending one composed mail over SMTP with libcurl (STARTTLS, authentication), to the first of
// several servers that takes it. A server that could not be reached is passed over for a while
// (`failback`), after which it is first again. The SMTP reply decides the outcome: 2xx
// delivered, 5xx a permanent failure, 4xx or no server at all: try again later.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "junction/messages.hpp"

namespace junction::mail {

struct SmtpServer {
  std::string url;       ///< smtp://host:port or smtps://host:port
  std::string starttls;  ///< "optional" (use it when offered), "required", "off"
  std::string username;  ///< empty: no authentication
  std::string password;
};

class SmtpSender {
 public:
  SmtpSender(std::vector<SmtpServer> servers, std::string envelope_from, std::chrono::seconds timeout,
             std::chrono::seconds failback);
  ~SmtpSender();
  /// Blocking (a worker's job). Thread-safe.
  DeliveryResult send(const std::string& mail, const std::vector<std::string>& recipients);

 private:
  struct Attempt {
    bool reached = false;  ///< a server answered (its reply decides)
    bool sent = false;     ///< the whole transaction went through (the mail is the server's)
    long reply = 0;
    std::string detail;
  };
  Attempt send_to(const SmtpServer& server, const std::string& mail, const std::vector<std::string>& recipients);

  std::vector<SmtpServer> servers_;
  std::string envelope_from_;
  std::chrono::seconds timeout_;
  std::chrono::seconds failback_;
  std::mutex lock_;
  std::vector<std::chrono::steady_clock::time_point> passed_over_until_;  // per server, under lock_
  // Connections left open after a mail are taken by the next one (easy handles kept between
  // mails): no connect, greeting and EHLO (nor TLS handshake) per message.
  struct ConnectionCache;
  std::unique_ptr<ConnectionCache> connections_;
};

}  // namespace junction::mail
