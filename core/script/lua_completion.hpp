// The Completion handed to a verb invoked from a call flow.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/script/script_context.hpp"
#include "junction/executor.hpp"
#include "junction/script.hpp"

namespace junction {

class ScriptRuntime;

class LuaCompletion final : public Completion {
 public:
  LuaCompletion(ScriptRuntime& runtime, std::weak_ptr<FlowInstance> flow, Executor& loop)
      : runtime_(runtime), flow_(std::move(flow)), loop_(loop) {}

  void resolve(ScriptValues results) override { settle(std::move(results), std::nullopt); }
  void reject(std::string reason) override { settle({}, std::move(reason)); }
  void on_cancel(std::function<void()> cancel) override { cancel_ = std::move(cancel); }
  bool done() const override { return done_; }

  /// The flow no longer waits (hang-up, shutdown): runs the verb's cancel hook once.
  void cancel() {
    if (done_) return;
    done_ = true;
    if (auto cancel = std::move(cancel_)) cancel();
  }

  // While the handler runs, a resolution is returned to the script without yielding.
  bool in_handler = false;
  ScriptValues sync_results;
  std::optional<std::string> sync_rejection;

 private:
  void settle(ScriptValues results, std::optional<std::string> rejection);

  ScriptRuntime& runtime_;
  std::weak_ptr<FlowInstance> flow_;
  Executor& loop_;
  std::function<void()> cancel_;
  bool done_ = false;
};

}  // namespace junction
