// Ordergroove's XML Product Feed -> validated product patches (see import.h for the rules).
#include <istream>
#include <string_view>
#include <vector>

#include "feed/chunked_upsert.h"
#include "feed/xml_feed.h"

namespace restock::feed {
namespace {

// Feed tag -> the product field it sets (empty: not a product field restock stores).
struct TagMapping {
  std::string_view tag;
  std::string_view field;
};
constexpr TagMapping kTags[] = {
    {"product_id", "product_id"},
    {"sku", "sku"},
    {"name", "name"},
    {"price", "price"},
    {"in_stock", "live"},
    {"discontinued", "discontinued"},
    {"autoship_eligible", "autoship_enabled"},
    {"details_url", "detail_url"},
    {"image_url", "image_url"},
};

// Rejections name the feed's tags, not restock's fields.
std::string TagForField(std::string_view field) {
  for (const auto& m : kTags) {
    if (m.field == field) return std::string(m.tag);
  }
  return std::string(field);
}

void AddError(catalog::FieldErrors& errors, std::string_view field, std::string message) {
  for (auto& [name, messages] : errors) {
    if (name == field) {
      messages.push_back(std::move(message));
      return;
    }
  }
  errors.emplace_back(std::string(field), std::vector<std::string>{std::move(message)});
}

bool IsPositiveInteger(std::string_view s) {
  if (s.empty() || s.size() > 4 || s.front() == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// 1..4 as in Ordergroove's API (day, week, month, year), or those names.
bool IsPeriod(std::string_view s) {
  return s == "1" || s == "2" || s == "3" || s == "4" || s == "day" || s == "week" ||
         s == "month" || s == "year";
}

// A set of 64-bit hashes of the product ids seen so far: open addressing, 16 bytes per id
// at most (load <= 1/2). Two different ids with the same 64-bit hash would be taken for a
// duplicate; for a million ids the chance is about 3e-8 (n^2 / 2^65).
class SeenIds {
 public:
  // True when `id` was not seen before (and remembers it).
  bool Insert(std::string_view id) {
    std::uint64_t h = std::hash<std::string_view>{}(id);
    if (h == 0) h = 1;  // 0 marks an empty slot
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = Mix(h) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++size_;
        return true;
      }
    }
  }

 private:
  static std::size_t Mix(std::uint64_t h) {
    return static_cast<std::size_t>(h * 0x9E3779B97F4A7C15ull >> 17);
  }

  void Grow() {
    std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    std::size_t mask = slots_.size() - 1;
    for (std::uint64_t h : old) {
      if (h == 0) continue;
      std::size_t i = Mix(h) & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = h;
    }
  }

  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
};

// The feed tags the import reads; the reader skips every other child of a <product>.
std::vector<std::string> WantedTags() {
  std::vector<std::string> tags = {"every", "every_period", "extra_data", "relationships"};
  for (const auto& m : kTags) tags.emplace_back(m.tag);
  return tags;
}

catalog::ValidatedElement Validate(const FeedProduct& product, SeenIds& seen) {
  catalog::RawElement element;
  catalog::FieldErrors extra;
  if (product.overflowed) {
    AddError(extra, "product", "has more than " + std::to_string(kMaxFieldsPerProduct) + " fields");
  }
  for (const auto& [tag, text] : product.fields) {
    bool structured = false;
    for (const auto& s : product.structured) structured = structured || s == tag;
    if (tag == "extra_data" || tag == "relationships") continue;  // not stored
    if (tag == "every") {
      if (!IsPositiveInteger(text)) AddError(extra, tag, "must be a positive integer");
      continue;
    }
    if (tag == "every_period") {
      if (!IsPeriod(text)) AddError(extra, tag, "must be 1 (day), 2 (week), 3 (month) or 4 (year)");
      continue;
    }
    for (const auto& m : kTags) {
      if (m.tag != tag) continue;
      if (structured) {
        AddError(extra, tag, "must be text, not elements");
      } else {
        element.fields.emplace_back(std::string(m.field), RawValueFromText(m.field, text));
      }
    }
    // Other tags are not part of the feed format restock reads: ignored.
  }
  catalog::ValidatedElement v = catalog::ValidateElement(element);
  for (auto& [field, messages] : v.errors) field = TagForField(field);
  for (auto& [field, messages] : extra) {
    for (auto& m : messages) AddError(v.errors, field, std::move(m));
  }
  if (v.patch && !seen.Insert(v.patch->product_id)) {
    AddError(v.errors, "product_id", "appears more than once in the feed (the first one counts)");
  }
  if (!v.errors.empty()) v.patch.reset();
  return v;
}

}  // namespace

Status ImportXml(std::istream& in, ChunkedUpsert& sink) {
  {
    // First pass: a malformed or refused feed changes nothing.
    XmlFeedReader check(in, WantedTags());
    for (;;) {
      RESTOCK_ASSIGN_OR_RETURN(std::optional<FeedProduct> product, check.Next());
      if (!product) break;
    }
  }
  in.clear();
  in.seekg(0);
  if (!in) return InvalidArgumentError("the feed must be a regular file (it is read twice)");
  XmlFeedReader reader(in, WantedTags());
  sink.set_position([&reader] { return reader.bytes_read(); });
  SeenIds seen;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<FeedProduct> product, reader.Next());
    if (!product) break;
    RESTOCK_RETURN_IF_ERROR(sink.Add(product->line, product->element, Validate(*product, seen)));
  }
  sink.set_position(nullptr);
  return Status::Ok();
}

}  // namespace restock::feed
