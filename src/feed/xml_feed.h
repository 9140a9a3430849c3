// restock::feed — a streaming reader of Ordergroove's XML Product Feed:
//   <products><product><product_id><![CDATA[…]]></product_id><name>…</name>…</product>…
//   </products>
// It hands out one <product> at a time as tag -> text pairs, reading the input in 64 KiB
// pieces, so memory stays bounded whatever the feed size. This file set is the only one
// that includes expat.
//
// What it accepts: any XML encoding expat knows (text comes out as UTF-8), entities and
// CDATA, attributes (ignored), elements it does not know (ignored, with everything inside).
// Memory per product is bounded: only the child tags the caller wants are kept (others are
// skipped without being stored), at most kMaxFieldsPerProduct of them, each's text cut at
// 64 KiB; the work per product is linear in its size.
// What it refuses, for the whole feed: malformed XML, a DOCTYPE (no entity declarations, so
// no entity-expansion bombs), a root other than <products>.
// Not thread-safe; reads from a stream it does not own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace restock::feed {

// Most child elements of one <product> kept; a product with more is marked `overflowed`.
inline constexpr std::size_t kMaxFieldsPerProduct = 100;

// One <product> element.
struct FeedProduct {
  std::size_t element = 0;  // 1-based position among the feed's <product> elements
  std::size_t line = 0;     // line of its start tag
  // Its child elements as (tag, text) in document order, text with surrounding whitespace
  // trimmed. Children with element content (e.g. <extra_data><field key=…>) have empty text
  // and are listed in `structured`.
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> structured;
  // More than kMaxFieldsPerProduct wanted children: the rest were dropped.
  bool overflowed = false;
};

class XmlFeedReader {
 public:
  // Keeps the children of a <product> whose tag is in `wanted` (all of them when empty).
  explicit XmlFeedReader(std::istream& in, std::vector<std::string> wanted = {});
  ~XmlFeedReader();
  XmlFeedReader(const XmlFeedReader&) = delete;
  XmlFeedReader& operator=(const XmlFeedReader&) = delete;

  // The next product, or nullopt once the document ended well-formed. InvalidArgument
  // ("XML error at line N: …") when the feed is malformed or refused; after an error every
  // call returns the same error.
  Result<std::optional<FeedProduct>> Next();

  // Bytes of the input consumed so far.
  std::uint64_t bytes_read() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace restock::feed
