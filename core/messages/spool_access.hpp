// The spool as plugins reach it (Host::messages()): the daemon's MessageSpoolService once the
// state directory is open, a clear refusal before that (and in `--check`, which opens nothing).
#pragma once

#include <filesystem>
#include <map>
#include <vector>

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

  void file_in_progress(const std::string& file) override { ++writing_[key(file)]; }
  void file_written(const std::string& written) override {
    const std::string file = key(written);
    auto it = writing_.find(file);
    if (it == writing_.end() || --it->second > 0) return;
    writing_.erase(it);
    auto [first, last] = waiting_.equal_range(file);
    std::vector<std::function<void()>> ready;
    for (auto w = first; w != last; ++w) ready.push_back(std::move(w->second));
    waiting_.erase(file);
    for (auto& then : ready) then();
  }
  /// Runs `then` once nobody is writing `file` any more (at once when nobody is).
  void when_written(const std::string& file, std::function<void()> then) {
    if (!writing_.count(key(file))) return then();
    waiting_.emplace(key(file), std::move(then));
  }

  void accept(NewMessage message, std::function<void(const std::string& id, const std::string& error)> done) override {
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
  // One spelling per file: "recordings/./vm.wav" and "recordings/vm.wav" are the same recording.
  static std::string key(const std::string& file) { return std::filesystem::path(file).lexically_normal().string(); }

  Executor& loop_;
  MessageSpoolService* service_ = nullptr;
  std::function<void()> accepted_;
  std::map<std::string, int> writing_;                         // call loop only
  std::multimap<std::string, std::function<void()>> waiting_;  // call loop only
};

}  // namespace junction
