#include "core/location/location_registry.hpp"

#include <algorithm>

namespace junction {

namespace {
constexpr std::chrono::milliseconds kSweepInterval{1000};
// Batches collect for this long; a burst of REGISTERs becomes one transaction.
constexpr std::chrono::milliseconds kFlushDelay{100};
}  // namespace

LocationRegistry::LocationRegistry(Executor& loop, WorkerPool& workers, Logger& logger, Metrics& metrics,
                                   WallClock clock)
    : loop_(loop),
      workers_(workers),
      persistence_(std::make_shared<Persistence>()),
      logger_(logger),
      clock_(std::move(clock)),
      self_(std::make_shared<LocationRegistry*>(this)),
      bindings_gauge_(metrics.gauge("junction_location_bindings", "Registered contacts")),
      store_errors_(metrics.counter("junction_location_store_errors_total",
                                    "Failed writes of registrations to the location store (retried)")) {}

LocationRegistry::~LocationRegistry() {
  stop();
  *self_ = nullptr;
}

void LocationRegistry::start(std::unique_ptr<LocationStore> store) {
  std::vector<ContactBinding> stored = store->load();
  {
    std::lock_guard lock(persistence_->mutex);
    persistence_->store = std::move(store);
  }
  const auto now = clock_();
  std::size_t kept = 0;
  for (auto& binding : stored) {
    if (binding.expires <= now) continue;
    bindings_[binding.extension].push_back(std::move(binding));
    ++kept;
  }
  count_ = kept;
  for (auto& [extension, list] : bindings_)
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.expires > b.expires; });
  if (kept != stored.size()) record({LocationChange::Kind::erase_expired, {}, now});
  bindings_gauge_.set(static_cast<double>(size()));
  logger_.info("location: " + std::to_string(kept) + " registrations restored");
  stopped_ = false;
  sweep_timer_ = loop_.call_after(kSweepInterval, [this] { sweep(); });
}

void LocationRegistry::stop() {
  if (stopped_) return;
  stopped_ = true;
  loop_.cancel(sweep_timer_);
  loop_.cancel(flush_timer_);
  // Waits for a batch a worker may be writing, then writes the rest here.
  std::lock_guard lock(persistence_->mutex);
  try {
    persistence_->store->apply(pending_);
    pending_.clear();
  } catch (const std::exception& e) {
    store_errors_.add();
    logger_.error(std::string("location: could not save registrations at shutdown: ") + e.what());
  }
}

void LocationRegistry::bind(ContactBinding binding) {
  auto& list = bindings_[binding.extension];
  count_ -= std::erase_if(list, [&](const ContactBinding& b) { return b.contact == binding.contact; });
  list.insert(list.begin(), binding);
  ++count_;
  record({LocationChange::Kind::upsert, std::move(binding), {}});
  bindings_gauge_.set(static_cast<double>(size()));
}

bool LocationRegistry::unbind(std::string_view extension, std::string_view contact) {
  auto it = bindings_.find(extension);
  if (it == bindings_.end()) return false;
  const auto removed = std::erase_if(it->second, [&](const ContactBinding& b) { return b.contact == contact; });
  if (it->second.empty()) bindings_.erase(it);
  if (removed == 0) return false;
  count_ -= removed;
  ContactBinding key;
  key.extension = std::string(extension);
  key.contact = std::string(contact);
  record({LocationChange::Kind::erase, std::move(key), {}});
  bindings_gauge_.set(static_cast<double>(size()));
  return true;
}

std::size_t LocationRegistry::unbind_all(std::string_view extension) {
  auto it = bindings_.find(extension);
  if (it == bindings_.end()) return 0;
  const std::size_t removed = it->second.size();
  bindings_.erase(it);
  count_ -= removed;
  ContactBinding key;
  key.extension = std::string(extension);
  record({LocationChange::Kind::erase_all, std::move(key), {}});
  bindings_gauge_.set(static_cast<double>(size()));
  return removed;
}

std::vector<ContactBinding> LocationRegistry::lookup(std::string_view extension) const {
  auto it = bindings_.find(extension);
  if (it == bindings_.end()) return {};
  const auto now = clock_();
  std::vector<ContactBinding> live;
  for (const auto& b : it->second)
    if (b.expires > now) live.push_back(b);
  return live;
}

std::size_t LocationRegistry::size() const { return count_; }

void LocationRegistry::sweep() {
  const auto now = clock_();
  std::size_t expired = 0;
  for (auto it = bindings_.begin(); it != bindings_.end();) {
    expired += std::erase_if(it->second, [&](const ContactBinding& b) { return b.expires <= now; });
    it = it->second.empty() ? bindings_.erase(it) : std::next(it);
  }
  count_ -= expired;
  if (expired) {
    logger_.debug("location: " + std::to_string(expired) + " registrations expired");
    record({LocationChange::Kind::erase_expired, {}, now});
    bindings_gauge_.set(static_cast<double>(size()));
  }
  if (!stopped_) sweep_timer_ = loop_.call_after(kSweepInterval, [this] { sweep(); });
}

void LocationRegistry::record(LocationChange change) {
  pending_.push_back(std::move(change));
  schedule_flush();
}

void LocationRegistry::schedule_flush() {
  if (stopped_ || flushing_ || flush_scheduled_ || pending_.empty()) return;
  flush_scheduled_ = true;
  flush_timer_ = loop_.call_after(kFlushDelay, [this] {
    flush_scheduled_ = false;
    flush();
  });
}

void LocationRegistry::flush() {
  if (stopped_ || flushing_ || pending_.empty()) return;
  flushing_ = true;
  auto batch = std::make_shared<std::vector<LocationChange>>(std::move(pending_));
  pending_.clear();
  auto error = std::make_shared<std::string>();
  workers_.run(
      [persistence = persistence_, batch, error] {
        std::lock_guard lock(persistence->mutex);
        try {
          persistence->store->apply(*batch);
        } catch (const std::exception& e) {
          *error = e.what();
        }
      },
      loop_,
      [weak = std::weak_ptr<LocationRegistry*>(self_), batch, error] {
        auto self = weak.lock();
        if (!self || !*self) return;
        LocationRegistry& registry = **self;
        registry.flushing_ = false;
        if (!error->empty()) {
          // Keep the batch, in front of what came since, and try again later.
          registry.store_errors_.add();
          registry.logger_.error("location: could not save registrations (will retry): " + *error);
          batch->insert(batch->end(), std::make_move_iterator(registry.pending_.begin()),
                        std::make_move_iterator(registry.pending_.end()));
          registry.pending_ = std::move(*batch);
        }
        registry.schedule_flush();
      });
}

}  // namespace junction
