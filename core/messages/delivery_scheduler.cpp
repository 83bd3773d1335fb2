#include "core/messages/delivery_scheduler.hpp"

#include <algorithm>
#include <cmath>

namespace junction {

namespace {
std::string context(const std::string& id) { return "message=" + id; }
}  // namespace

DeliveryScheduler::DeliveryScheduler(MessageSpoolService& spool, std::filesystem::path spool_directory,
                                     ServiceRegistry& registry, Executor& loop, WorkerPool& workers, Logger& log,
                                     Metrics& metrics, DeliverySettings settings)
    : spool_(spool),
      directory_(std::move(spool_directory)),
      registry_(registry),
      loop_(loop),
      workers_(workers),
      log_(log),
      settings_(std::move(settings)),
      delivered_(metrics.counter("junction_spool_delivered_total", "messages a connector delivered")),
      retried_(metrics.counter("junction_spool_retries_total", "delivery attempts that will be tried again")),
      dead_(metrics.counter("junction_spool_dead_total", "messages given up (dead letters)")),
      breaker_open_(metrics.gauge("junction_spool_breaker_open", "1 while deliveries pause after failures in a row")) {}

DeliveryScheduler::~DeliveryScheduler() {
  *alive_ = false;
  if (poll_timer_) loop_.cancel(poll_timer_);
  // Outcomes not yet recorded go now (the spool finishes its jobs before it closes).
  if (!outcomes_.empty()) spool_.run([changes = std::move(outcomes_)](MessageStore& store) { store.apply(changes); });
}

void DeliveryScheduler::start() { poll(); }

void DeliveryScheduler::kick() {
  if (!looking_) poll();
}

std::chrono::milliseconds DeliveryScheduler::backoff(int attempt) {
  // retry_min doubling per failed attempt, capped at retry_max, then ±20 % so that messages
  // that failed together do not all come back together.
  const double base = std::min<double>(
      static_cast<double>(settings_.retry_min.count()) * std::pow(2.0, std::max(0, std::min(attempt, 40) - 1)),
      static_cast<double>(settings_.retry_max.count()));
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return std::chrono::milliseconds(static_cast<std::int64_t>(base * 1000 * jitter(random_)));
}

void DeliveryScheduler::schedule_poll() {
  if (poll_timer_) loop_.cancel(poll_timer_);
  poll_timer_ = loop_.call_after(settings_.poll, [this, alive = std::weak_ptr<bool>(alive_)] {
    if (!alive.lock()) return;
    poll_timer_ = 0;
    poll();
  });
}

void DeliveryScheduler::poll() {
  schedule_poll();  // whatever happens now, look again later
  if (looking_ || in_flight_ >= settings_.parallel || loop_.now() < breaker_until_) return;
  auto connector = registry_.connector(settings_.connector);
  if (!connector) {
    // Said once, and only when a message is waiting for it (a deployment without mail is fine).
    if (missing_connector_logged_) return;
    spool_.run([this, &loop = loop_, alive = std::weak_ptr<bool>(alive_)](MessageStore& store) {
      const bool waiting = !store.due(std::chrono::system_clock::now(), 1).empty();
      loop.post([this, alive, waiting] {
        if (!alive.lock() || !waiting || missing_connector_logged_) return;
        missing_connector_logged_ = true;
        log_.error("no message connector '" + settings_.connector + "' is loaded: messages wait in the spool");
      });
    });
    return;
  }
  missing_connector_logged_ = false;
  // Half-open after a pause: one delivery tests the way out before the rest follow.
  if (breaker_trips_ > 0 && in_flight_ > 0) return;  // the one test delivery is still out
  const std::size_t limit = breaker_trips_ > 0 ? 1 : settings_.parallel - in_flight_;
  looking_ = true;
  // The job may run after this scheduler is gone (the spool drains at shutdown): it uses the
  // loop, which outlives both, and `this` only once `alive` says it is still there.
  spool_.run([this, &loop = loop_, alive = std::weak_ptr<bool>(alive_), limit,
              name = settings_.connector](MessageStore& store) {
    std::vector<MessageRecord> due;
    try {
      due = store.due(std::chrono::system_clock::now(), limit);
      std::vector<MessageStore::StateChange> marks;
      for (auto& record : due) {
        marks.push_back({record.id, MessageState::delivering, "to " + name, {}, false});
        record.state = MessageState::delivering;
      }
      store.apply(marks);
    } catch (const std::exception&) {
      due.clear();  // nothing was marked (one transaction): the next poll tries again
    }
    loop.post([this, alive, due = std::move(due)]() mutable {
      if (!alive.lock()) return;
      looking_ = false;
      auto connector = registry_.connector(settings_.connector);
      for (auto& record : due) {
        if (connector) {
          deliver(std::move(record), connector);
        } else {
          finished(record, Outcome::retry, "the connector went away");
        }
      }
    });
  });
}

void DeliveryScheduler::deliver(MessageRecord record, std::shared_ptr<MessageConnector> connector) {
  ++in_flight_;
  struct Attempt {
    MessageRecord record;
    Outcome outcome = Outcome::retry;
    std::string detail;
  };
  auto attempt = std::make_shared<Attempt>();
  attempt->record = std::move(record);
  workers_.run(
      [attempt, connector, directory = directory_] {
        std::vector<std::string> parts;
        try {
          for (const StoredPart& part : attempt->record.parts)
            parts.push_back(read_stored_part(directory, attempt->record, part));
        } catch (const std::exception& e) {
          attempt->outcome = Outcome::quarantine;
          attempt->detail = e.what();
          return;
        }
        try {
          const DeliveryResult result = connector->deliver(attempt->record, parts);
          attempt->outcome = result.outcome == DeliveryResult::Outcome::delivered ? Outcome::delivered
                             : result.outcome == DeliveryResult::Outcome::failed  ? Outcome::failed
                                                                                  : Outcome::retry;
          attempt->detail = result.detail;
        } catch (const std::exception& e) {
          attempt->outcome = Outcome::retry;
          attempt->detail = std::string("connector error: ") + e.what();
        }
      },
      loop_,
      [this, alive = std::weak_ptr<bool>(alive_), attempt] {
        if (!alive.lock()) return;
        --in_flight_;
        finished(attempt->record, attempt->outcome, attempt->detail);
      });
}

void DeliveryScheduler::finished(const MessageRecord& record, Outcome outcome, const std::string& detail) {
  const int attempts = record.attempts + 1;
  MessageState state = MessageState::delivered;
  std::string why = detail;
  auto next = std::chrono::system_clock::time_point{};
  switch (outcome) {
    case Outcome::delivered:
      delivered_.add();
      log_.info("delivered via " + settings_.connector + ": " + detail, context(record.id));
      failures_in_a_row_ = 0;
      breaker_trips_ = 0;
      breaker_open_.set(0);
      break;
    case Outcome::failed:
      state = MessageState::dead;
      dead_.add();
      log_.error("dead: " + detail, context(record.id));
      break;
    case Outcome::quarantine:
      state = MessageState::quarantined;
      log_.error("quarantined: " + detail, context(record.id));
      break;
    case Outcome::retry:
      if (attempts >= settings_.max_attempts) {
        state = MessageState::dead;
        why = "gave up after " + std::to_string(attempts) + " attempts: " + detail;
        dead_.add();
        log_.error("dead: " + why, context(record.id));
      } else {
        state = MessageState::retrying;
        const auto delay = backoff(attempts);
        next = std::chrono::system_clock::now() + delay;
        retried_.add();
        log_.warn("attempt " + std::to_string(attempts) + " failed (" + detail + "); next in " +
                      std::to_string(delay.count() / 1000) + " s",
                  context(record.id));
      }
      if (++failures_in_a_row_ >= settings_.breaker_failures) {
        const auto pause = backoff(++breaker_trips_);
        breaker_until_ = loop_.now() + pause;
        breaker_open_.set(1);
        log_.warn(std::to_string(failures_in_a_row_) + " deliveries via " + settings_.connector +
                  " failed in a row: pausing for " + std::to_string(pause.count() / 1000) + " s");
        failures_in_a_row_ = 0;
      }
      break;
  }
  // Outcomes that end in the same turn of the loop are committed together.
  outcomes_.push_back({record.id, state, why, next, true});
  if (outcomes_.size() == 1)
    loop_.post([this, alive = std::weak_ptr<bool>(alive_)] {
      if (!alive.lock()) return;
      spool_.run([changes = std::exchange(outcomes_, {})](MessageStore& store) { store.apply(changes); });
    });
  poll();
}

}  // namespace junction
