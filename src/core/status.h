// restock::core — the error model shared by every module.
//
// A Status is either OK or a (code, message) pair. Messages are safe to show to
// clients: they never contain secrets or SQL. Pick codes like this:
//   InvalidArgument     the caller's input is wrong whatever the state (bad JSON, bad field)
//   NotFound            the named thing does not exist (for this merchant)
//   AlreadyExists       a create collided with an existing row
//   FailedPrecondition  the input is fine but the current state forbids it
//   Aborted             a concurrency conflict; retrying the whole unit of work may succeed
//   Unauthenticated     no valid credentials
//   PermissionDenied    valid credentials that may not do this
//   ResourceExhausted   a size or rate limit was exceeded
//   Unavailable         a transient fault (database down); retry later
//   Internal            a broken invariant or an unexpected library failure
// Thread-safety: value type, safe to copy between threads.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace restock {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kAborted,
  kUnauthenticated,
  kPermissionDenied,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

// Returns the lower-case name of `code`, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", for logs.
  std::string ToString() const;

  bool operator==(const Status&) const = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgumentError(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status UnauthenticatedError(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

}  // namespace restock

#define RESTOCK_CONCAT_INNER_(a, b) a##b
#define RESTOCK_CONCAT_(a, b) RESTOCK_CONCAT_INNER_(a, b)

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define RESTOCK_RETURN_IF_ERROR(expr)                                                    \
  do {                                                                                   \
    ::restock::Status RESTOCK_CONCAT_(restock_status_, __LINE__) = (expr);               \
    if (!RESTOCK_CONCAT_(restock_status_, __LINE__).ok())                                \
      return RESTOCK_CONCAT_(restock_status_, __LINE__);                                 \
  } while (0)
