// The SIP side of calls, on nta (sofia thread only): the server side of inbound INVITEs and
// the client side of outbound ones, with their dialogs: provisional and final responses, ACK,
// CANCEL, BYE and re-INVITE. Bodies pass through untouched (media bypass). What happens is
// reported as values through Events; what to do arrives as calls from the driver.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "invite_request.hpp"
#include "sip_dialog.hpp"
#include "sip_settings.hpp"

struct nta_agent_s;
struct msg_s;
struct su_root_s;

namespace junction::sip {

struct MessageSource;

/// An outbound INVITE as the driver asks for it.
struct OutboundInvite {
  std::string request_uri;  ///< "sip:1001@192.168.1.20:5062"
  std::string route;        ///< where to send it ("sip:203.0.113.7:40612;transport=udp"), "" for the URI
  std::string from;         ///< From header value
  std::string to;           ///< To header value
  SessionDescription offer;
  /// The caller's Max-Forwards less one: a B2BUA still must not let calls loop for ever.
  unsigned max_forwards = 70;
  std::string auth_user;  ///< answer 401/407 challenges with these credentials (trunks)
  std::string auth_password;
  /// No response at all (not even 100 Trying) by then: give up with recovery_on_timer_expiry.
  std::chrono::milliseconds answer_timeout{0};
};

class CallSignalling {
 public:
  struct Events {
    /// A new INVITE (not yet authenticated). The dialog waits for refuse() or the engine.
    std::function<void(std::shared_ptr<SipDialog>, InviteRequest)> incoming;
    /// Something happened on a dialog the driver knows.
    std::function<void(std::shared_ptr<SipDialog>, LegEvent)> event;
  };

  CallSignalling(su_root_s* root, nta_agent_s* agent, std::vector<ListenAddress> listen, Events events);
  ~CallSignalling();  // drops every dialog without sending anything more
  CallSignalling(const CallSignalling&) = delete;
  CallSignalling& operator=(const CallSignalling&) = delete;

  /// An INVITE outside any dialog; takes `msg`.
  void on_invite(msg_s* msg, const void* sip, const MessageSource& source);

  // Commands from the driver. Each is ignored when the dialog has already ended.
  void refuse(const std::shared_ptr<SipDialog>& dialog, int status, const std::string& reason,
              const std::string& headers);
  void alert(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& early_media);
  void answer(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& session);
  void reject(const std::shared_ptr<SipDialog>& dialog, int cause);
  void redirect(const std::shared_ptr<SipDialog>& dialog, const std::string& destination);
  void hangup(const std::shared_ptr<SipDialog>& dialog, int cause);
  void originate(const std::shared_ptr<SipDialog>& dialog, const OutboundInvite& invite);
  void update_session(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& offer);
  void answer_session(const std::shared_ptr<SipDialog>& dialog, const SessionDescription& answer, int cause);
  /// An INFO with application/dtmf-relay; its answer only ends the transaction.
  void send_digit(const std::shared_ptr<SipDialog>& dialog, char key);

  std::size_t live_dialogs() const { return live_.size(); }

  /// Our Contact for requests over `transport`; `request_host` replaces a wildcard address.
  std::string contact_for(const std::string& transport, const std::string& request_host,
                          const std::string& user = "junction") const;

  // nta callbacks (public for the C trampolines).
  int on_server_transaction(SipDialog& dialog, nta_incoming_s* irq, const void* sip);
  int on_dialog_request(SipDialog& dialog, nta_incoming_s* irq, const void* sip);
  int on_invite_response(SipDialog& dialog, nta_outgoing_s* orq, const void* sip);
  int on_offer_response(SipDialog& dialog, nta_outgoing_s* orq, const void* sip);
  void send_offer(SipDialog& dialog, const SessionDescription& offer);
  int on_bye_response(SipDialog& dialog, nta_outgoing_s* orq, const void* sip);

 private:
  std::shared_ptr<SipDialog> adopt(std::shared_ptr<SipDialog> dialog);
  std::shared_ptr<SipDialog> live(SipDialog& dialog) const;
  void post(SipDialog& dialog, LegEvent event);
  /// Sends BYE on a dialog that has one; ends it at once otherwise.
  void send_bye(SipDialog& dialog, int cause);
  /// Sends the ACK for a 2xx to our INVITE (initial or re-INVITE).
  void acknowledge(SipDialog& dialog, const void* response);
  /// Destroys every nta object of the dialog and forgets it.
  void end(SipDialog& dialog);
  /// Sends (or re-sends, with credentials) the dialog's INVITE.
  bool send_invite(SipDialog& dialog, const void* challenge);

  su_root_s* root_;
  nta_agent_s* agent_;
  std::vector<ListenAddress> listen_;
  Events events_;
  std::unordered_map<SipDialog*, std::shared_ptr<SipDialog>> live_;
};

}  // namespace junction::sip
