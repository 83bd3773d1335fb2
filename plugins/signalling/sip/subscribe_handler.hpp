// Whether a SUBSCRIBE for message-waiting indication (RFC 3842) is taken, decided on the call
// loop from plain values, free of any SIP stack: the event package, digest authentication (401,
// like REGISTER, with the same throttle), the rule that users watch only their own mailbox, the
// interval, and the counts of the mailbox at the moment of acceptance. The sofia glue
// (mwi_subscriptions) turns the decision into the answer and the dialog.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "junction/mailboxes.hpp"
#include "mwi_summary.hpp"
#include "request_authenticator.hpp"

namespace junction::sip {

/// A SUBSCRIBE outside any dialog, copied out of the message.
struct SubscribeRequest {
  std::string event;                ///< the Event header's type ("" when there is none)
  std::vector<std::string> accept;  ///< Accept media types ("type/subtype"), empty when none
  std::string request_user;         ///< user part of the Request-URI: the mailbox
  std::string to_user;
  std::string from_user;  ///< who subscribes (must be the digest user)
  std::optional<long long> expires;
  std::string source_address;                    ///< the sender's IP, what the throttle counts
  std::string received;                          ///< "udp:203.0.113.7:40612", for the log
  std::optional<DigestCredentials> credentials;  ///< from the Authorization header
};

struct SubscribeDecision {
  int status = 200;
  std::string reason = "OK";
  std::vector<std::string> www_authenticate;  ///< 401
  std::optional<long long> min_expires;       ///< 423
  bool allow_events = false;                  ///< 489: name the package we serve
  bool accept = false;                        ///< 406: name the body type we send
  // 200:
  std::string box;        ///< the mailbox watched
  std::string account;    ///< its Message-Account URI, "sip:1001@junction"
  long long expires = 0;  ///< granted; 0: one final NOTIFY and the subscription ends (unsubscribe, fetch)
  MailboxCounts counts;   ///< the mailbox's counts now, for the first NOTIFY
  std::string log_detail;
};

class SubscribeHandler {
 public:
  /// `domain`: the host part of Message-Account (the realm, the domain of the users' addresses).
  SubscribeHandler(RequestAuthenticator& authenticator, const Mailboxes& mailboxes, std::string domain,
                   MwiPolicy policy)
      : auth_(authenticator), mailboxes_(mailboxes), domain_(std::move(domain)), policy_(policy) {}

  SubscribeDecision handle(const SubscribeRequest& request, std::chrono::system_clock::time_point now,
                           AuthThrottle::Clock::time_point steady_now);

  const MwiPolicy& policy() const { return policy_; }

 private:
  RequestAuthenticator& auth_;
  const Mailboxes& mailboxes_;
  std::string domain_;
  MwiPolicy policy_;
};

/// Extra header lines for the answer ("Name: value" joined by CRLF), or "" when none.
std::string subscribe_response_headers(const SubscribeDecision& decision);

}  // namespace junction::sip
