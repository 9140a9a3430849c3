// restock::handoff — reading a merchant platform's answer to a hand-off request
// (docs/handoff.md, "Answers"): Ordergroove's XML reply (<order><code>…</code>…</order>) or
// its JSON form, whatever the target's format (the body decides). Pure functions,
// thread-safe. answer.cc is, with feed/xml_feed.cc, one of the two files including expat.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace restock::handoff {

enum class AnswerKind {
  kSuccess,     // SUCCESS with an order id
  kProcessing,  // PROCESSING, or SUCCESS with responseCode 010: finalized later
  kError,       // ERROR with one of the known error codes
  kNoAnswer,    // no connection, timeout, reset, or a 5xx without a readable body
  kUnreadable,  // anything else: rejected as response_processing, not retried
};

struct Answer {
  AnswerKind kind = AnswerKind::kUnreadable;
  std::string order_id;                   // kSuccess: the platform's order id
  std::string error_code;                 // kError: "020", "140", "999", …
  std::string error_message;              // kError: the platform's message
  std::vector<std::string> out_of_stock;  // kError 999: product ids the platform named
  std::string reason;                     // kNoAnswer / kUnreadable: why, safe to log
};

// The error codes of Ordergroove's placement API: 020, 100, 110, 120, 130, 140, 150, 160,
// 170, 180, 999.
bool IsKnownErrorCode(std::string_view code);

// Largest answer body kept; a longer complete one is unreadable.
inline constexpr std::size_t kMaxAnswerBytes = 1 << 20;

// Classifies one HTTP exchange. `status` is nullopt when no complete HTTP response arrived
// (`transport_error` says why). A readable body decides whatever the status; a 5xx without
// one is kNoAnswer; any other status without one is kUnreadable. `body_too_large`: the
// complete body was longer than kMaxAnswerBytes (and dropped): not readable.
Answer ClassifyAnswer(std::optional<int> status, std::string_view transport_error,
                      std::string_view body, bool body_too_large = false);

// The body alone: XML (first non-blank byte '<') or JSON ('{'); nullopt when it is neither
// or cannot be read as an answer (no code, unknown code, malformed, DOCTYPE, too large).
std::optional<Answer> ParseAnswerBody(std::string_view body);

}  // namespace restock::handoff
