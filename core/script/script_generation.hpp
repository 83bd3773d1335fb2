// One loaded set of scripts (flow + routing) and the sandboxed environment they run in.
// SIGHUP loads a new generation; calls that started earlier keep theirs until they end.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <lua.hpp>

#include "core/plugins/service_registry.hpp"

namespace junction {

class ScriptRuntime;

/// A script could not be loaded; what() names the file and line.
class ScriptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ScriptSettings {
  std::filesystem::path directory;  ///< require() is confined to it
  std::filesystem::path flow;       ///< defines on_call(call) and optionally on_finish(call, reason)
  std::filesystem::path routing;    ///< defines route(request)
  std::uint64_t instruction_limit = 10'000'000;
  std::size_t memory_limit_bytes = 256u << 20;
};

/// A verb as bound into one generation: the declaration and whom to call.
struct BoundVerb {
  VerbSpec spec;
  ScriptRuntime* runtime = nullptr;
};

class ScriptGeneration {
 public:
  /// Loads the scripts into a fresh sandboxed environment of `L`. Throws ScriptError.
  ScriptGeneration(lua_State* L, std::uint64_t number, const ScriptSettings& settings, const ServiceRegistry& registry,
                   ScriptRuntime* runtime);
  ~ScriptGeneration();  // releases its registry references (must run on the loop thread)
  ScriptGeneration(const ScriptGeneration&) = delete;
  ScriptGeneration& operator=(const ScriptGeneration&) = delete;

  std::uint64_t number() const { return number_; }
  /// Pushes the named function defined by the scripts (or nil).
  void push_function(const char* name) const;
  bool has_function(const char* name) const;

 private:
  void load_file(const std::filesystem::path& file, const ScriptSettings& settings);

  lua_State* L_;
  std::uint64_t number_;
  ScriptRuntime* runtime_;
  std::vector<std::unique_ptr<BoundVerb>> verbs_;  // light userdata in the verb closures
  int env_ref_ = LUA_NOREF;                        // the proxy every chunk sees as _ENV
  int globals_ref_ = LUA_NOREF;                    // what the scripts defined at load time
};

}  // namespace junction
