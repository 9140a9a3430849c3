// restock::metrics — a small Prometheus registry: counters, histograms and sampled gauges,
// rendered in the text exposition format 0.0.4 for GET /metrics.
//
// Hot paths (Counter::Inc, Histogram::Observe) are lock-free: a relaxed atomic add each.
// Looking a metric up by name takes a mutex, so callers look up once and keep the reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace restock::metrics {

// Label (name, value) pairs. Names must match [a-zA-Z_][a-zA-Z0-9_]*; values are any bytes
// (escaped at render). The order does not matter: a series is identified by the set.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count.
// Thread-safety: all methods are safe to call concurrently.
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  // Returns the current count.
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A distribution over fixed buckets (Prometheus histogram: cumulative `le` buckets, sum, count).
// Thread-safety: all methods are safe to call concurrently. A snapshot taken while observations
// race may count an observation in `count` but not yet in `sum`; each is exact on its own.
class Histogram {
 public:
  // REQUIRES: `bounds` are finite and strictly increasing (aborts otherwise). The +Inf bucket is
  // implicit and must not be listed.
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Records one observation `v` (in the unit of the bounds, e.g. seconds).
  void Observe(double v);

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // bounds.size() + 1 entries; the last is +Inf
    double sum = 0;
    std::uint64_t count = 0;  // == cumulative.back()
  };
  // Returns the current state with cumulative bucket counts.
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  // Per-bucket (not cumulative) counts; index bounds_.size() is the +Inf bucket.
  const std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

// Request-latency buckets in seconds, 0.5 ms .. 10 s.
std::vector<double> DefaultLatencyBuckets();

// Owns every metric created through it; returned references stay valid for its lifetime.
// Thread-safety: all methods are safe to call concurrently.
// Misuse is a programming error and aborts: an invalid metric or label name, one name used
// for two types, or one histogram family created with two different bucket layouts.
class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Returns the counter `name{labels}`, creating it on first use. The same name and label set
  // return the same object. `help` is taken from the first call for the family.
  Counter& GetCounter(std::string_view name, std::string_view help, Labels labels = {});

  // Returns the histogram `name{labels}`, creating it with `bounds` on first use.
  // REQUIRES: `bounds` as for Histogram, equal for every series of the family.
  Histogram& GetHistogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                          Labels labels = {});

  // Registers (or replaces) the gauge `name`, whose value is `read()` sampled at each render.
  // `read` is called without the registry's lock held, from the rendering thread; it must be
  // thread-safe and must outlive the registry or be replaced.
  void SetGauge(std::string_view name, std::string_view help, std::function<double()> read);

  // Returns every metric in the Prometheus text format 0.0.4: families sorted by name, one
  // # HELP and # TYPE line each, label values escaped.
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kHistogram, kGauge };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;  // histograms only
    // Keyed by labels sorted by name.
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::shared_ptr<const std::function<double()>> gauge;
  };
  // REQUIRES: mu_ held.
  Family& FamilyLocked(std::string_view name, std::string_view help, Type type);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;  // guarded by mu_
};

}  // namespace restock::metrics
