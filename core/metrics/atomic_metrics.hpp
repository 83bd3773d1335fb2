// The Counter and Gauge the registry hands out. Updates are lock-free so that hot paths
// (every call, every message) never contend with registration or rendering.
#pragma once

#include <atomic>
#include <cstdint>

#include "junction/metrics.hpp"

namespace junction {

class AtomicCounter final : public Counter {
 public:
  // Relaxed: a counter orders nothing else; readers only need an eventually exact total.
  void add(std::uint64_t amount = 1) override { value_.fetch_add(amount, std::memory_order_relaxed); }
  std::uint64_t value() const override { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class AtomicGauge final : public Gauge {
 public:
  void set(double value) override { value_.store(value, std::memory_order_relaxed); }

  // A CAS loop rather than atomic<double>::fetch_add, which not every toolchain lowers
  // lock-free; this one always is where atomic<double> is.
  void add(double delta) override {
    double current = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
    }
  }

  double value() const override { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

}  // namespace junction
