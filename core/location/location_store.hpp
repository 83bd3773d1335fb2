// Where registrations are kept across restarts. The location registry applies changes in
// batches from a worker thread, in the order they happened.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "junction/location.hpp"

namespace junction {

struct LocationChange {
  enum class Kind { upsert, erase, erase_all, erase_expired };
  Kind kind = Kind::upsert;
  ContactBinding binding;                       ///< upsert: all of it; erase: extension + contact; erase_all: extension
  std::chrono::system_clock::time_point now{};  ///< erase_expired: what counts as expired
};

class LocationStore {
 public:
  virtual ~LocationStore() = default;
  /// Every stored binding (expired ones too; the caller filters). Throws std::runtime_error.
  virtual std::vector<ContactBinding> load() = 0;
  /// Applies the changes atomically, in order. Throws std::runtime_error.
  virtual void apply(const std::vector<LocationChange>& changes) = 0;
};

}  // namespace junction
