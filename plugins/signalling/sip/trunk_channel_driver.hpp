// The "trunk" channel driver: targets "trunk/<selection>/<number>" (selection "a", "a,b" for
// failover in order, "a|b" for shares by weight) go out through the SIP plugin's trunks. Its
// legs are SIP dialogs like any other, so everything but originate is the SIP driver's.
#pragma once

#include <memory>

#include "sip_channel_driver.hpp"

namespace junction::sip {

class TrunkChannelDriver final : public ChannelDriver {
 public:
  explicit TrunkChannelDriver(std::shared_ptr<SipChannelDriver> sip) : sip_(std::move(sip)) {}

  std::string_view name() const override { return "trunk"; }
  void originate(LegId leg, const OriginateRequest& request) override { sip_->originate_trunk(leg, request); }
  void answer(LegId leg, const SessionDescription& session) override { sip_->answer(leg, session); }
  void alert(LegId leg, const SessionDescription& early) override { sip_->alert(leg, early); }
  void reject(LegId leg, int cause) override { sip_->reject(leg, cause); }
  void redirect(LegId leg, const std::string& destination) override { sip_->redirect(leg, destination); }
  void hangup(LegId leg, int cause) override { sip_->hangup(leg, cause); }
  bool update_session(LegId leg, const SessionDescription& offer) override { return sip_->update_session(leg, offer); }
  bool send_digit(LegId leg, char key) override { return sip_->send_digit(leg, key); }
  void answer_session(LegId leg, const SessionDescription& answer, int cause) override {
    sip_->answer_session(leg, answer, cause);
  }

 private:
  std::shared_ptr<SipChannelDriver> sip_;
};

}  // namespace junction::sip
