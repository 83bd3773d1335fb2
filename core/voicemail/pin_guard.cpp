#include "core/voicemail/pin_guard.hpp"

#include <algorithm>
#include <random>

#include "core/text/sha256.hpp"

namespace junction {

namespace {

// Compares without stopping at the first difference, so the time taken tells nothing.
bool same(std::string_view a, std::string_view b) {
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

// Stored as "pbkdf2-sha256:<iterations>:<hex>", so that the cost can grow without losing PINs.
constexpr int kIterations = 100'000;

std::string stored_form(std::string_view salt, std::string_view pin, int iterations) {
  return "pbkdf2-sha256:" + std::to_string(iterations) + ":" + pbkdf2_sha256_hex(pin, salt, iterations);
}

bool matches_stored(const PinState& state, std::string_view entered) {
  constexpr std::string_view kPrefix = "pbkdf2-sha256:";
  if (!state.hash.starts_with(kPrefix)) return false;
  const auto colon = state.hash.find(':', kPrefix.size());
  if (colon == std::string::npos) return false;
  int iterations = 0;
  for (std::size_t i = kPrefix.size(); i < colon; ++i) {
    if (state.hash[i] < '0' || state.hash[i] > '9' || iterations > 10'000'000) return false;
    iterations = iterations * 10 + (state.hash[i] - '0');
  }
  return iterations > 0 && same(stored_form(state.salt, entered, iterations), state.hash);
}

std::string new_salt() {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  char text[33];
  std::snprintf(text, sizeof text, "%016llx%016llx", static_cast<unsigned long long>(random()),
                static_cast<unsigned long long>(random()));
  return text;
}

}  // namespace

std::optional<PinCheck> pin_gate(const PinState& state, std::string_view configured,
                                 std::chrono::system_clock::time_point now) {
  if (now < state.locked_until)
    return PinCheck{PinVerdict::locked, std::chrono::ceil<std::chrono::seconds>(state.locked_until - now)};
  if (state.hash.empty() && configured.empty()) return PinCheck{PinVerdict::no_pin, {}};
  return std::nullopt;
}

bool pin_matches(const PinState& state, std::string_view configured, std::string_view entered) {
  if (entered.empty()) return false;
  return state.hash.empty() ? same(entered, configured) : matches_stored(state, entered);
}

PinCheck record_attempt(PinState& state, bool right, std::chrono::system_clock::time_point now,
                        const PinPolicy& policy) {
  if (right) {
    state.failures = 0;
    state.lockouts = 0;
    return {PinVerdict::accepted, {}};
  }
  if (++state.failures < policy.failures_before_lockout) return {PinVerdict::wrong, {}};
  state.failures = 0;
  ++state.lockouts;
  auto lockout = policy.lockout;
  for (int i = 1; i < state.lockouts && lockout < policy.lockout_max; ++i) lockout *= 2;
  lockout = std::min(lockout, policy.lockout_max);
  state.locked_until = now + lockout;
  return {PinVerdict::wrong, lockout};
}

PinCheck check_pin(PinState& state, std::string_view configured, std::string_view entered,
                   std::chrono::system_clock::time_point now, const PinPolicy& policy) {
  if (auto refused = pin_gate(state, configured, now)) return *refused;
  return record_attempt(state, pin_matches(state, configured, entered), now, policy);
}

void store_pin(PinState& state, std::string_view pin) {
  state.salt = new_salt();
  state.hash = stored_form(state.salt, pin, kIterations);
  state.failures = 0;
  state.lockouts = 0;
  state.locked_until = {};
}

std::string pin_problem(std::string_view pin) {
  if (pin.size() < 4 || pin.size() > 12 ||
      !std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return "a PIN is 4 to 12 digits";
  return {};
}

}  // namespace junction
