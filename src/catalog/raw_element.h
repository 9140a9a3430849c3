// restock::catalog — an input element as it arrives from JSON, CSV or XML, before
// validation. Adapters translate their format into these neutral values so the rules
// about what is valid live here, once, and not in each adapter.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace restock::catalog {

struct RawValue {
  enum class Kind { kNull, kBool, kInt, kDouble, kBigInt, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::int64_t integer = 0;
  double number = 0;  // kDouble; also an approximation for kBigInt
  std::string text;   // kString

  static RawValue Null() { return {}; }
  static RawValue Bool(bool b) { return {Kind::kBool, b, 0, 0, {}}; }
  static RawValue Int(std::int64_t i) { return {Kind::kInt, false, i, static_cast<double>(i), {}}; }
  static RawValue Double(double d) { return {Kind::kDouble, false, 0, d, {}}; }
  static RawValue String(std::string s) { return {Kind::kString, false, 0, 0, std::move(s)}; }
  static RawValue Of(Kind k) { return {k, false, 0, 0, {}}; }
};

// One element of a batch. `is_object` is false when the element was not an object at all.
struct RawElement {
  bool is_object = true;
  std::vector<std::pair<std::string, RawValue>> fields;  // last occurrence of a key wins
};

}  // namespace restock::catalog
