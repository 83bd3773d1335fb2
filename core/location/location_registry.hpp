// The LocationService of junctiond: bindings in memory on the call loop, expired on a timer,
// written behind to a LocationStore in ordered batches on a worker thread, so a REGISTER
// never waits for the disk and a restart finds the registrations again.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "core/location/location_store.hpp"
#include "junction/executor.hpp"
#include "junction/location.hpp"
#include "junction/logger.hpp"
#include "junction/metrics.hpp"

namespace junction {

class LocationRegistry final : public LocationService {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  LocationRegistry(Executor& loop, WorkerPool& workers, Logger& logger, Metrics& metrics,
                   WallClock clock = &std::chrono::system_clock::now);
  ~LocationRegistry() override;

  /// Loads the bindings kept in `store` (dropping expired ones), keeps writing changes there
  /// and starts the expiry sweep. Throws std::runtime_error when the store cannot be read.
  /// Until then (e.g. `junctiond --check`) bindings live in memory only.
  void start(std::unique_ptr<LocationStore> store);
  /// Stops the timers and writes what is pending, waiting for the disk. Idempotent.
  void stop();

  void bind(ContactBinding binding) override;
  bool unbind(std::string_view extension, std::string_view contact) override;
  std::size_t unbind_all(std::string_view extension) override;
  std::vector<ContactBinding> lookup(std::string_view extension) const override;
  std::size_t size() const override;

  /// Removes expired bindings now (the sweep timer calls it every second).
  void sweep();
  std::size_t pending_changes() const { return pending_.size(); }

 private:
  struct Persistence {
    std::mutex mutex;  // one batch at a time reaches the store
    std::unique_ptr<LocationStore> store;
  };

  void record(LocationChange change);
  void schedule_flush();
  void flush();

  Executor& loop_;
  WorkerPool& workers_;
  std::shared_ptr<Persistence> persistence_;
  Logger& logger_;
  WallClock clock_;
  std::map<std::string, std::vector<ContactBinding>, std::less<>> bindings_;  // newest first
  std::size_t count_ = 0;  // bindings in total (size() is asked on every change, for the gauge)
  std::vector<LocationChange> pending_;
  bool flushing_ = false;
  bool flush_scheduled_ = false;
  bool stopped_ = true;
  TimerId sweep_timer_ = 0;
  TimerId flush_timer_ = 0;
  std::shared_ptr<LocationRegistry*> self_;  // lets late worker completions see we are gone
  Gauge& bindings_gauge_;
  Counter& store_errors_;
};

}  // namespace junction
