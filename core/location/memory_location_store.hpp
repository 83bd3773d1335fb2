// A LocationStore that forgets everything at exit: for tests, and for deployments that want
// registrations kept in memory only.
#pragma once

#include <mutex>

#include "core/location/location_store.hpp"

namespace junction {

class MemoryLocationStore final : public LocationStore {
 public:
  std::vector<ContactBinding> load() override {
    std::lock_guard lock(mutex_);
    return bindings_;
  }
  void apply(const std::vector<LocationChange>& changes) override {
    std::lock_guard lock(mutex_);
    for (const auto& change : changes) {
      const ContactBinding& b = change.binding;
      switch (change.kind) {
        case LocationChange::Kind::upsert:
          std::erase_if(bindings_,
                        [&](const ContactBinding& x) { return x.extension == b.extension && x.contact == b.contact; });
          bindings_.push_back(b);
          break;
        case LocationChange::Kind::erase:
          std::erase_if(bindings_,
                        [&](const ContactBinding& x) { return x.extension == b.extension && x.contact == b.contact; });
          break;
        case LocationChange::Kind::erase_all:
          std::erase_if(bindings_, [&](const ContactBinding& x) { return x.extension == b.extension; });
          break;
        case LocationChange::Kind::erase_expired:
          std::erase_if(bindings_, [&](const ContactBinding& x) { return x.expires <= change.now; });
          break;
      }
    }
  }

 private:
  std::mutex mutex_;
  std::vector<ContactBinding> bindings_;
};

}  // namespace junction
