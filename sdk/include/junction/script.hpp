// Lua verbs as plugins declare them, without any Lua header.
//
// A verb is declared once, as a VerbSpec: name, typed parameters, documentation and a handler.
// The runtime checks the arguments against the declaration before the handler runs (a wrong
// argument ends the call with "script:line: verb: problem"), generates docs/lua-api.md from the
// same table and suspends the calling coroutine until the handler's Completion is resolved.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "junction/call.hpp"

namespace junction {

struct ScriptValue;

/// A Lua table: array part (1..n) and string-keyed fields.
struct ScriptTable {
  std::vector<ScriptValue> array;
  std::vector<std::pair<std::string, ScriptValue>> fields;
};

/// A Lua value crossing the SDK boundary (functions and userdata do not cross).
struct ScriptValue {
  using Variant = std::variant<std::monostate, bool, std::int64_t, double, std::string, ScriptTable>;
  Variant value;

  ScriptValue() = default;
  ScriptValue(bool v) : value(v) {}
  ScriptValue(int v) : value(std::int64_t{v}) {}
  ScriptValue(std::int64_t v) : value(v) {}
  ScriptValue(double v) : value(v) {}
  ScriptValue(std::string v) : value(std::move(v)) {}
  ScriptValue(const char* v) : value(std::string(v)) {}
  ScriptValue(ScriptTable v) : value(std::move(v)) {}

  bool is_nil() const { return std::holds_alternative<std::monostate>(value); }
  const std::string* string() const { return std::get_if<std::string>(&value); }
  const std::int64_t* integer() const { return std::get_if<std::int64_t>(&value); }
  const ScriptTable* table() const { return std::get_if<ScriptTable>(&value); }
  /// Field of a table value, or nullptr.
  const ScriptValue* field(const std::string& key) const {
    if (const ScriptTable* t = table())
      for (const auto& [k, v] : t->fields)
        if (k == key) return &v;
    return nullptr;
  }
};

using ScriptValues = std::vector<ScriptValue>;

enum class ParamType { string, integer, number, boolean, table, any };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::any;
  bool optional = false;
  std::string doc;
};

/// How a verb finishes. Resolve or reject exactly once, on the call loop; both are no-ops after
/// the verb was cancelled (hang-up), so a late completion from a driver is harmless.
class Completion {
 public:
  virtual ~Completion() = default;
  /// The verb succeeded; these values are returned to the script.
  virtual void resolve(ScriptValues results) = 0;
  /// The verb failed in a way the script can handle: it returns `nil, reason`.
  virtual void reject(std::string reason) = 0;
  /// Called if the verb is cancelled before it completes (the caller hung up, the flow was
  /// stopped). Use it to stop timers and operations; do not resolve from it.
  virtual void on_cancel(std::function<void()> cancel) = 0;
  virtual bool done() const = 0;
};

/// What a verb handler gets for one invocation.
struct VerbCall {
  std::string call_id;  ///< for logs
  LegId leg = 0;        ///< the call's inbound (A) leg, 0 for calls without one
  ScriptValues args;    ///< already checked against the VerbSpec's params
  std::shared_ptr<Completion> completion;
  std::string caller;  ///< the calling number (a user's extension when a user calls)
  std::string callee;  ///< the number called
};

/// Raised by a handler when an argument is wrong in a way the type check could not see; the
/// call's flow ends with this message and the script position.
class VerbArgumentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct VerbSpec {
  std::string name;  ///< global function name, e.g. "play"
  std::vector<ParamSpec> params;
  std::string returns;  ///< documentation of the results
  std::string doc;      ///< one paragraph of reference documentation
  /// Runs on the call loop. May resolve the completion before returning (the script then
  /// continues without yielding) or later (the script's coroutine waits).
  std::function<void(VerbCall&)> handler;
};

}  // namespace junction
