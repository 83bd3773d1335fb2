// Message-waiting subscriptions on nta (sofia thread only): the server side of RFC 6665 for
// the message-summary package (RFC 3842). A SUBSCRIBE outside a dialog becomes a server
// transaction whose contents go to the call loop (SubscribeHandler decides); an accepted one
// becomes a dialog (an nta leg with our tag), answered 200 and followed at once by a NOTIFY with
// the mailbox's counts. Refreshes and unsubscribes inside the dialog are answered here; so are
// expiry (a final NOTIFY, reason=timeout) and NOTIFYs that fail (the subscription goes). The
// counts of later changes arrive from the call loop as values (mailbox_changed).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "junction/logger.hpp"
#include "junction/mailboxes.hpp"
#include "junction/metrics.hpp"
#include "mwi_summary.hpp"
#include "mwi_table.hpp"
#include "sip_messages.hpp"
#include "sofia_timer.hpp"
#include "subscribe_handler.hpp"

struct nta_agent_s;
struct nta_leg_s;
struct nta_incoming_s;
struct nta_outgoing_s;
struct msg_s;
struct su_root_s;

namespace junction::sip {

class MwiSubscriptions;

/// One subscription's dialog (sofia thread only).
struct MwiSubscription {
  MwiSubscriptions* owner = nullptr;
  MwiTable::Id id = 0;
  std::string box;
  std::string account;   ///< Message-Account
  std::string event;     ///< the Event value NOTIFYs carry ("message-summary", with the subscriber's id)
  std::string contact;   ///< our Contact in this dialog
  std::string route;     ///< next hop of our NOTIFYs ("" = the subscriber's Contact): NAT
  MailboxCounts counts;  ///< the latest counts (sent, or to be sent)
  nta_leg_s* leg = nullptr;
  nta_outgoing_s* notify = nullptr;  ///< the NOTIFY waiting for its answer (one at a time)
  bool notify_again = false;         ///< the state changed meanwhile: send it once the answer is in
  bool final_sent = false;           ///< the NOTIFY in flight says terminated
  bool ending = false;               ///< the next NOTIFY is the last (terminated)
  bool doomed = false;               ///< removed at the next sweep
  std::string end_reason;            ///< Subscription-State reason of the final NOTIFY ("" = none)
};

/// Where the subscriptions count (metric objects of the host; thread-safe).
struct MwiMetrics {
  Gauge* subscriptions = nullptr;
  Counter* notify_ok = nullptr;
  Counter* notify_failed = nullptr;
  Counter* subscribe_ok = nullptr;
  Counter* subscribe_challenged = nullptr;
  Counter* subscribe_other = nullptr;
};

class MwiSubscriptions {
 public:
  /// A SUBSCRIBE waiting for the call loop's decision.
  using Pending = std::uint64_t;
  struct Events {
    /// A new SUBSCRIBE; it waits for answer() with the same `pending` (on the sofia thread).
    std::function<void(Pending pending, SubscribeRequest request)> subscribe;
    /// Something worth a log line (called on the sofia thread; hand it to the call loop).
    std::function<void(LogLevel level, std::string line)> log;
  };
  /// Our Contact for a request that came over `transport` to `request_host`.
  using ContactFor = std::function<std::string(const std::string& transport, const std::string& request_host)>;

  MwiSubscriptions(su_root_s* root, nta_agent_s* agent, MwiPolicy policy, ContactFor contact_for, MwiMetrics metrics,
                   Events events);
  ~MwiSubscriptions();  // answers pending SUBSCRIBEs 503, drops every dialog without a NOTIFY
  MwiSubscriptions(const MwiSubscriptions&) = delete;
  MwiSubscriptions& operator=(const MwiSubscriptions&) = delete;

  /// A SUBSCRIBE that no dialog took; takes `msg`.
  void on_subscribe(msg_s* msg, const void* sip, const MessageSource& source);
  /// The call loop's decision on a pending SUBSCRIBE. Unknown ones are ignored.
  void answer(Pending pending, const SubscribeDecision& decision);
  /// New counts for `box`: every subscription of it gets a NOTIFY.
  void mailbox_changed(const std::string& box, const MailboxCounts& counts);

  std::size_t active() const { return table_.active_count(); }

  // nta callbacks (public for the C trampolines).
  int on_dialog_request(MwiSubscription& subscription, nta_incoming_s* irq, const void* sip);
  int on_notify_response(MwiSubscription& subscription, nta_outgoing_s* orq, const void* sip);

 private:
  struct PendingRequest {
    nta_incoming_s* irq = nullptr;
    MessageSource source;
    std::string request_host;
  };

  void accept(const PendingRequest& pending, const SubscribeDecision& decision);
  /// Sends the subscription's state now, or once the NOTIFY in flight is answered.
  void notify(MwiSubscription& subscription);
  void send_notify(MwiSubscription& subscription);
  /// The subscription ends: its final NOTIFY (terminated) goes out, then it is removed.
  void terminate(MwiSubscription& subscription, std::string reason);
  /// Destroys the dialog and forgets the subscription.
  void remove(MwiSubscription& subscription);
  /// remove() once the current callback is over (nta's leg callbacks must not destroy their leg).
  void discard(MwiSubscription& subscription);
  void sweep();
  void expire();
  void rearm();
  void answered(int status);
  void update_gauge();
  void log(LogLevel level, std::string line);
  MwiSubscription* find(MwiTable::Id id);

  nta_agent_s* agent_;
  MwiPolicy policy_;
  ContactFor contact_for_;
  MwiMetrics metrics_;
  Events events_;
  MwiTable table_;
  Pending next_pending_ = 1;
  std::unordered_map<Pending, PendingRequest> pending_;
  std::unordered_map<MwiTable::Id, std::unique_ptr<MwiSubscription>> subscriptions_;
  std::vector<MwiTable::Id> doomed_;
  SofiaTimer expiry_timer_;
  SofiaTimer sweep_timer_;
};

}  // namespace junction::sip
