#include "feed/xml_feed.h"

#include <expat.h>

#include <deque>
#include <string_view>

namespace restock::feed {
namespace {

constexpr std::size_t kReadBytes = 64 * 1024;
// Longer field text is cut here (and fails validation, whose limits are far lower), so one
// huge element cannot exhaust memory.
constexpr std::size_t kMaxFieldBytes = 64 * 1024;

std::string_view Trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

struct XmlFeedReader::Impl {
  std::istream& in;
  XML_Parser parser = nullptr;
  std::deque<FeedProduct> ready;
  std::optional<Status> error;
  bool done = false;
  std::uint64_t bytes = 0;

  // Where the parser is: depth 1 is <products>, 2 a <product>, 3 one of its fields.
  int depth = 0;
  bool in_product = false;
  FeedProduct current;
  std::size_t products = 0;
  std::string field_name;
  std::string field_text;
  bool field_has_elements = false;
  std::string refusal;  // set by a handler that stops the parser

  std::vector<std::string> wanted;  // empty: every child
  bool skipping_field = false;      // the current depth-3 child is not wanted

  Impl(std::istream& stream, std::vector<std::string> tags) : in(stream), wanted(std::move(tags)) {}

  bool Wanted(std::string_view tag) const {
    if (wanted.empty()) return true;
    for (const std::string& w : wanted) {
      if (w == tag) return true;
    }
    return false;
  }

  void Refuse(std::string message) {
    refusal = std::move(message);
    XML_StopParser(parser, XML_FALSE);
  }

  Status ErrorAt(std::string_view message) const {
    return InvalidArgumentError("XML error at line " +
                                std::to_string(XML_GetCurrentLineNumber(parser)) + ": " +
                                std::string(message));
  }

  void OnStart(const XML_Char* name) {
    ++depth;
    std::string_view tag(name);
    if (depth == 1) {
      if (tag != "products")
        Refuse("the root element must be <products>, not <" + std::string(tag) + ">");
      return;
    }
    if (depth == 2) {
      in_product = tag == "product";
      if (!in_product) return;  // something else beside the products: ignored
      current = FeedProduct{};
      current.element = ++products;
      current.line = static_cast<std::size_t>(XML_GetCurrentLineNumber(parser));
      return;
    }
    if (!in_product) return;
    if (depth == 3) {
      // An unknown child, or one past the limit, is skipped with all it contains: nothing
      // about it is kept, so no number of them can grow the product.
      skipping_field = !Wanted(tag) || current.fields.size() >= kMaxFieldsPerProduct;
      if (skipping_field && Wanted(tag)) current.overflowed = true;
      field_name.assign(tag);
      field_text.clear();
      field_has_elements = false;
      return;
    }
    field_has_elements = true;  // depth 4+: structured content of a field
  }

  void OnEnd() {
    if (in_product && depth == 3 && skipping_field) {
      skipping_field = false;
    } else if (in_product && depth == 3) {
      if (field_has_elements) {
        current.structured.push_back(field_name);
        current.fields.emplace_back(field_name, std::string());
      } else {
        current.fields.emplace_back(field_name, std::string(Trim(field_text)));
      }
    } else if (in_product && depth == 2) {
      ready.push_back(std::move(current));
      in_product = false;
    }
    --depth;
  }

  void OnText(const XML_Char* s, int len) {
    if (!in_product || depth != 3 || field_has_elements || skipping_field) return;
    std::size_t room = kMaxFieldBytes - std::min(kMaxFieldBytes, field_text.size());
    field_text.append(s, std::min(room, static_cast<std::size_t>(len)));
  }
};

namespace {

XmlFeedReader::Impl& Of(void* data) { return *static_cast<XmlFeedReader::Impl*>(data); }

void XMLCALL StartElement(void* data, const XML_Char* name, const XML_Char** /*attributes*/) {
  Of(data).OnStart(name);
}
void XMLCALL EndElement(void* data, const XML_Char* /*name*/) { Of(data).OnEnd(); }
void XMLCALL CharacterData(void* data, const XML_Char* s, int len) { Of(data).OnText(s, len); }
void XMLCALL StartDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  Of(data).Refuse("a DOCTYPE is not allowed in a product feed");
}

}  // namespace

XmlFeedReader::XmlFeedReader(std::istream& in, std::vector<std::string> wanted)
    : impl_(std::make_unique<Impl>(in, std::move(wanted))) {
  impl_->parser = XML_ParserCreate(nullptr);
  if (impl_->parser == nullptr) {
    impl_->error = InternalError("out of memory creating the XML parser");
    return;
  }
  XML_SetUserData(impl_->parser, impl_.get());
  XML_SetElementHandler(impl_->parser, StartElement, EndElement);
  XML_SetCharacterDataHandler(impl_->parser, CharacterData);
  XML_SetStartDoctypeDeclHandler(impl_->parser, StartDoctype);
  XML_SetParamEntityParsing(impl_->parser, XML_PARAM_ENTITY_PARSING_NEVER);
}

XmlFeedReader::~XmlFeedReader() {
  if (impl_->parser != nullptr) XML_ParserFree(impl_->parser);
}

std::uint64_t XmlFeedReader::bytes_read() const { return impl_->bytes; }

Result<std::optional<FeedProduct>> XmlFeedReader::Next() {
  Impl& s = *impl_;
  std::string buffer;
  while (s.ready.empty()) {
    if (s.error) return *s.error;
    if (s.done) return std::optional<FeedProduct>();
    buffer.resize(kReadBytes);
    s.in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::size_t n = static_cast<std::size_t>(s.in.gcount());
    if (s.in.bad()) {
      s.error = UnavailableError("cannot read the feed");
      continue;
    }
    bool last = n < buffer.size();
    s.bytes += n;
    if (XML_Parse(s.parser, buffer.data(), static_cast<int>(n), last ? XML_TRUE : XML_FALSE) !=
        XML_STATUS_OK) {
      s.error =
          s.ErrorAt(!s.refusal.empty() ? s.refusal : XML_ErrorString(XML_GetErrorCode(s.parser)));
      s.ready.clear();  // nothing from a refused document
      continue;
    }
    s.done = last;
  }
  FeedProduct product = std::move(s.ready.front());
  s.ready.pop_front();
  return std::optional<FeedProduct>(std::move(product));
}

}  // namespace restock::feed
