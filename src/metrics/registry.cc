#include "metrics/registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace restock::metrics {
namespace {

// Misuse of the registry is a bug in the caller, never something input can cause.
[[noreturn]] void Die(std::string_view what, std::string_view name) {
  std::fprintf(stderr, "restock::metrics: %.*s: %.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(name.size()), name.data());
  std::abort();
}

bool IsNameChar(char c, bool first, bool allow_colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (alpha || (allow_colon && c == ':')) return true;
  return !first && c >= '0' && c <= '9';
}

bool IsValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, allow_colon)) return false;
  }
  return true;
}

Labels CanonicalLabels(Labels labels) {
  std::sort(labels.begin(), labels.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::string& name = labels[i].first;
    // "__" names are reserved by Prometheus; "le" is ours for histogram buckets.
    if (!IsValidName(name, false) || name.starts_with("__") || name == "le") {
      Die("invalid label name", name);
    }
    if (i > 0 && labels[i - 1].first == name) Die("duplicate label name", name);
  }
  return labels;
}

void ValidateBounds(const std::vector<double>& bounds) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      Die("histogram bounds must be finite and strictly increasing", "");
    }
  }
}

void AppendDouble(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    // Shortest round-trip digits; fixed notation in the everyday range so bucket bounds read
    // "0.0005", as other Prometheus clients print them, not "5e-04".
    char buf[400];
    const double magnitude = std::fabs(v);
    const bool fixed = v == 0 || (magnitude >= 1e-4 && magnitude < 1e15);
    const auto result = fixed ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                              : std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, result.ptr);
  }
}

// HELP text escapes backslash and newline; label values additionally the double quote.
void AppendEscaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// Appends `{a="x",b="y"}` (with an optional trailing `le`), or nothing when there are none.
void AppendLabels(std::string& out, const Labels& labels, std::string_view le = {}) {
  if (labels.empty() && le.empty()) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    AppendEscaped(out, value, true);
    out += '"';
  }
  if (!le.empty()) {
    if (!first) out += ',';
    out += "le=\"";
    out += le;
    out += '"';
  }
  out += '}';
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  ValidateBounds(bounds_);
}

void Histogram::Observe(double v) {
  // Buckets are inclusive upper bounds: v lands in the first bucket with bound >= v.
  // NaN compares false everywhere and so lands in +Inf.
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

Registry::Family& Registry::FamilyLocked(std::string_view name, std::string_view help, Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    if (!IsValidName(name, true)) Die("invalid metric name", name);
    it =
        families_.emplace(std::string(name), Family{type, std::string(help), {}, {}, {}, {}}).first;
  } else if (it->second.type != type) {
    Die("metric registered with two types", name);
  }
  return it->second;
}

Counter& Registry::GetCounter(std::string_view name, std::string_view help, Labels labels) {
  Labels key = CanonicalLabels(std::move(labels));
  std::lock_guard lock(mu_);
  Family& family = FamilyLocked(name, help, Type::kCounter);
  auto& slot = family.counters[std::move(key)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::GetHistogram(std::string_view name, std::string_view help,
                                  std::vector<double> bounds, Labels labels) {
  Labels key = CanonicalLabels(std::move(labels));
  ValidateBounds(bounds);
  std::lock_guard lock(mu_);
  Family& family = FamilyLocked(name, help, Type::kHistogram);
  if (family.histograms.empty()) {
    family.bounds = bounds;
  } else if (family.bounds != bounds) {
    Die("histogram family created with different bounds", name);
  }
  auto& slot = family.histograms[std::move(key)];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

void Registry::SetGauge(std::string_view name, std::string_view help,
                        std::function<double()> read) {
  auto shared = std::make_shared<const std::function<double()>>(std::move(read));
  std::lock_guard lock(mu_);
  Family& family = FamilyLocked(name, help, Type::kGauge);
  family.help = std::string(help);
  family.gauge = std::move(shared);
}

std::string Registry::RenderPrometheus() const {
  // Copy what is needed under the lock; sample gauges after releasing it so a gauge callback
  // may itself use the registry. Metric objects are never removed, so pointers stay valid.
  struct Item {
    const std::string* name;
    const Family* family;
    std::shared_ptr<const std::function<double()>> gauge;
  };
  std::vector<Item> items;
  std::vector<std::pair<const Labels*, const Counter*>> counters;
  std::vector<std::pair<const Labels*, const Histogram*>> histograms;
  std::vector<std::size_t> counter_end, histogram_end;
  std::vector<std::string> helps;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, family] : families_) {
      items.push_back({&name, &family, family.gauge});
      helps.push_back(family.help);
      for (const auto& [labels, c] : family.counters) counters.emplace_back(&labels, c.get());
      for (const auto& [labels, h] : family.histograms) histograms.emplace_back(&labels, h.get());
      counter_end.push_back(counters.size());
      histogram_end.push_back(histograms.size());
    }
  }
  // Family names and label keys are immutable once inserted, and std::map nodes are stable,
  // so reading them without the lock is safe.
  std::string out;
  std::size_t ci = 0, hi = 0;
  for (std::size_t f = 0; f < items.size(); ++f) {
    const std::string& name = *items[f].name;
    const Type type = items[f].family->type;
    out += "# HELP " + name + ' ';
    AppendEscaped(out, helps[f], false);
    out += "\n# TYPE " + name + ' ';
    out += type == Type::kCounter ? "counter" : type == Type::kHistogram ? "histogram" : "gauge";
    out += '\n';
    for (; ci < counter_end[f]; ++ci) {
      out += name;
      AppendLabels(out, *counters[ci].first);
      out += ' ' + std::to_string(counters[ci].second->Value()) + '\n';
    }
    for (; hi < histogram_end[f]; ++hi) {
      const Labels& labels = *histograms[hi].first;
      const Histogram::Snapshot s = histograms[hi].second->Read();
      for (std::size_t b = 0; b < s.cumulative.size(); ++b) {
        std::string le;
        if (b < s.bounds.size()) {
          AppendDouble(le, s.bounds[b]);
        } else {
          le = "+Inf";
        }
        out += name + "_bucket";
        AppendLabels(out, labels, le);
        out += ' ' + std::to_string(s.cumulative[b]) + '\n';
      }
      out += name + "_sum";
      AppendLabels(out, labels);
      out += ' ';
      AppendDouble(out, s.sum);
      out += '\n' + name + "_count";
      AppendLabels(out, labels);
      out += ' ' + std::to_string(s.count) + '\n';
    }
    if (items[f].gauge) {
      out += name + ' ';
      AppendDouble(out, (*items[f].gauge)());
      out += '\n';
    }
  }
  return out;
}

}  // namespace restock::metrics
