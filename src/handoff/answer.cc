#include "handoff/answer.h"

#include <expat.h>

#include <algorithm>
#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <memory>

namespace restock::handoff {
namespace {

constexpr std::array<std::string_view, 11> kKnownCodes = {
    "020", "100", "110", "120", "130", "140", "150", "160", "170", "180", "999"};

// What an answer document says, in either format.
struct Fields {
  std::string code, order_id, response_code, error_code, error_message;
  std::vector<std::string> out_of_stock;
};

std::optional<Answer> FromFields(Fields f) {
  Answer a;
  if (f.code == "SUCCESS" && f.response_code == "010") f.code = "PROCESSING";
  if (f.code == "SUCCESS") {
    if (f.order_id.empty()) return std::nullopt;
    a.kind = AnswerKind::kSuccess;
    a.order_id = std::move(f.order_id);
    return a;
  }
  if (f.code == "PROCESSING") {
    a.kind = AnswerKind::kProcessing;
    return a;
  }
  if (f.code != "ERROR" || !IsKnownErrorCode(f.error_code)) return std::nullopt;
  a.kind = AnswerKind::kError;
  a.error_code = std::move(f.error_code);
  a.error_message = std::move(f.error_message);
  if (a.error_code == "999") a.out_of_stock = std::move(f.out_of_stock);
  return a;
}

// ---- XML: <order> with children code, orderId, responseCode, errorCode, errorMsg and
// outOfStock/product_id; anything else is ignored.
struct XmlState {
  std::vector<std::string> path;  // open elements
  std::string text;
  Fields fields;
  bool refused = false;
};

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char**) {
  auto* s = static_cast<XmlState*>(data);
  s->path.emplace_back(name);
  s->text.clear();
  if (s->path.size() == 1 && s->path[0] != "order") s->refused = true;
}

std::string Trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

void XMLCALL OnEnd(void* data, const XML_Char*) {
  auto* s = static_cast<XmlState*>(data);
  std::string value = Trimmed(s->text);
  s->text.clear();
  const std::size_t depth = s->path.size();
  const std::string& name = s->path.back();
  if (depth == 2) {
    static const std::map<std::string, std::string Fields::*> kChildren = {
        {"code", &Fields::code},
        {"orderId", &Fields::order_id},
        {"responseCode", &Fields::response_code},
        {"errorCode", &Fields::error_code},
        {"errorMsg", &Fields::error_message}};
    auto it = kChildren.find(name);
    if (it != kChildren.end()) s->fields.*(it->second) = std::move(value);
  } else if (depth == 3 && s->path[1] == "outOfStock" && name == "product_id") {
    s->fields.out_of_stock.push_back(std::move(value));
  }
  s->path.pop_back();
}

void XMLCALL OnText(void* data, const XML_Char* text, int len) {
  auto* s = static_cast<XmlState*>(data);
  s->text.append(text, static_cast<std::size_t>(len));
}

void XMLCALL OnDoctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  static_cast<XmlState*>(data)->refused = true;
}

std::optional<Fields> ParseXml(std::string_view body) {
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate("UTF-8"), &XML_ParserFree);
  if (!parser) return std::nullopt;
  XmlState state;
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), &OnStart, &OnEnd);
  XML_SetCharacterDataHandler(parser.get(), &OnText);
  XML_SetStartDoctypeDeclHandler(parser.get(), &OnDoctype);
  XML_Status ok = XML_Parse(parser.get(), body.data(), static_cast<int>(body.size()), 1);
  if (ok != XML_STATUS_OK || state.refused) return std::nullopt;
  return state.fields;
}

// ---- JSON: {"code","order_id","response_code","error_code","error_message","out_of_stock"}.
std::string JsonText(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64() && v->as_int64() >= 0 && v->as_int64() < 1000) {
    std::string digits = std::to_string(v->as_int64());
    return std::string(3 - std::min<std::size_t>(3, digits.size()), '0') + digits;
  }
  return "";
}

std::optional<Fields> ParseJson(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const boost::json::object& o = doc.as_object();
  Fields f{JsonText(o, "code"), JsonText(o, "order_id"), JsonText(o, "response_code"),
           JsonText(o, "error_code"), JsonText(o, "error_message"), {}};
  if (const boost::json::value* oos = o.if_contains("out_of_stock")) {
    if (!oos->is_array()) return std::nullopt;
    for (const boost::json::value& id : oos->as_array()) {
      if (!id.is_string()) return std::nullopt;
      f.out_of_stock.emplace_back(id.as_string());
    }
  }
  return f;
}

}  // namespace

bool IsKnownErrorCode(std::string_view code) {
  return std::find(kKnownCodes.begin(), kKnownCodes.end(), code) != kKnownCodes.end();
}

std::optional<Answer> ParseAnswerBody(std::string_view body) {
  if (body.size() > kMaxAnswerBytes) return std::nullopt;
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  std::optional<Fields> fields;
  if (body[first] == '<') fields = ParseXml(body);
  if (body[first] == '{') fields = ParseJson(body);
  if (!fields) return std::nullopt;
  return FromFields(std::move(*fields));
}

Answer ClassifyAnswer(std::optional<int> status, std::string_view transport_error,
                      std::string_view body, bool body_too_large) {
  Answer a;
  if (!status) {
    a.kind = AnswerKind::kNoAnswer;
    a.reason = transport_error.empty() ? "no answer" : std::string(transport_error);
    return a;
  }
  if (!body_too_large) {
    if (std::optional<Answer> parsed = ParseAnswerBody(body)) return std::move(*parsed);
  }
  a.kind = *status >= 500 ? AnswerKind::kNoAnswer : AnswerKind::kUnreadable;
  a.reason = "HTTP " + std::to_string(*status) +
             (body_too_large ? " with an answer over 1 MiB" : " without a readable answer");
  return a;
}

}  // namespace restock::handoff
