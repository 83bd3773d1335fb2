// The spool as plugins reach it (Host::messages()): the daemon's MessageSpoolService once the
// state directory is open, a clear refusal before that (and in `--check`, which opens nothing).
#pragma once

#include "core/messages/message_spool.hpp"
#include "junction/messages.hpp"

namespace junction {

class SpoolAccess final : public MessageSpool {
 public:
  explicit SpoolAccess(Executor& loop) : loop_(loop) {}
  /// `accepted` runs after each message the service accepted (to wake deliveries).
  void attach(MessageSpoolService* service, std::function<void()> accepted = {}) {
    service_ = service;
    accepted_ = std::move(accepted);
  }
  MessageSpoolService* service() const { return service_; }

  void accept(NewMessage message,
              std::function<void(const std::string& id, const std::string& error)> done) override {
    if (!service_) {
      loop_.post([done = std::move(done)] { done({}, "the message spool is not open"); });
      return;
    }
    service_->accept(std::move(message),
                     [done = std::move(done), accepted = accepted_](const std::string& id, const std::string& error) {
                       done(id, error);
                       if (error.empty() && accepted) accepted();
                     });
  }

 private:
  Executor& loop_;
  MessageSpoolService* service_ = nullptr;
  std::function<void()> accepted_;
};

}  // namespace junction
