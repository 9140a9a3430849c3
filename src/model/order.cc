#include "model/order.h"

#include <array>
#include <utility>

namespace restock::model {
namespace {

constexpr std::array<std::pair<OrderStatus, std::string_view>, 5> kStatusNames{{
    {OrderStatus::kUnsent, "unsent"},
    {OrderStatus::kPlaced, "placed"},
    {OrderStatus::kOutOfStock, "out_of_stock"},
    {OrderStatus::kCancelled, "cancelled"},
    {OrderStatus::kRejected, "rejected"},
}};

constexpr std::array<std::pair<OrderEventType, std::string_view>, 7> kEventNames{{
    {OrderEventType::kPlaced, "order.placed"},
    {OrderEventType::kOutOfStock, "order.out_of_stock"},
    {OrderEventType::kOosNotice, "order.oos_notice"},
    {OrderEventType::kCancelled, "order.cancelled"},
    {OrderEventType::kCycleSkipped, "subscription.cycle_skipped"},
    {OrderEventType::kItemSkipped, "order.item_skipped"},
    {OrderEventType::kOversold, "order.oversold"},
}};

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return table[0].second;
}

template <typename Enum, std::size_t N>
std::optional<Enum> Parse(const std::array<std::pair<Enum, std::string_view>, N>& table,
                          std::string_view name) {
  for (const auto& [value, text] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view OrderStatusName(OrderStatus s) { return NameOf(kStatusNames, s); }
std::optional<OrderStatus> ParseOrderStatus(std::string_view name) {
  return Parse(kStatusNames, name);
}
std::string_view OrderEventTypeName(OrderEventType t) { return NameOf(kEventNames, t); }
std::optional<OrderEventType> ParseOrderEventType(std::string_view name) {
  return Parse(kEventNames, name);
}

}  // namespace restock::model
