// restock::core — Result<T>: a value or a non-OK Status.
// Thread-safety: value type.
#pragma once

#include <cassert>
#include <cstdlib>
#include <utility>
#include <variant>

#include "core/status.h"

namespace restock {

template <typename T>
class [[nodiscard]] Result {
 public:
  // REQUIRES: !status.ok(). An OK status without a value is a programming error.
  Result(Status status) : v_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(v_).ok()) std::abort();
  }
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  // Returns OK when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  // REQUIRES: ok().
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace restock

// Declares `lhs` from a Result expression, or returns its Status from the enclosing function.
#define RESTOCK_ASSIGN_OR_RETURN(lhs, expr)                                  \
  auto RESTOCK_CONCAT_(restock_result_, __LINE__) = (expr);                  \
  if (!RESTOCK_CONCAT_(restock_result_, __LINE__).ok())                      \
    return RESTOCK_CONCAT_(restock_result_, __LINE__).status();              \
  lhs = std::move(RESTOCK_CONCAT_(restock_result_, __LINE__)).value()
