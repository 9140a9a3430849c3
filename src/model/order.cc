#include "model/order.h"

#include "model/enum_names.h"

namespace restock::model {
namespace {

constexpr EnumNames<OrderStatus, 5> kStatusNames{{{OrderStatus::kUnsent, "unsent"},
                                                  {OrderStatus::kPlaced, "placed"},
                                                  {OrderStatus::kOutOfStock, "out_of_stock"},
                                                  {OrderStatus::kCancelled, "cancelled"},
                                                  {OrderStatus::kRejected, "rejected"}}};

constexpr EnumNames<OrderEventType, 7> kEventNames{
    {{OrderEventType::kPlaced, "order.placed"},
     {OrderEventType::kOutOfStock, "order.out_of_stock"},
     {OrderEventType::kOosNotice, "order.oos_notice"},
     {OrderEventType::kCancelled, "order.cancelled"},
     {OrderEventType::kCycleSkipped, "subscription.cycle_skipped"},
     {OrderEventType::kItemSkipped, "order.item_skipped"},
     {OrderEventType::kOversold, "order.oversold"}}};

}  // namespace

std::string_view OrderStatusName(OrderStatus s) { return NameOf(kStatusNames, s); }
std::optional<OrderStatus> ParseOrderStatus(std::string_view name) {
  return ValueNamed(kStatusNames, name);
}
std::string_view OrderEventTypeName(OrderEventType t) { return NameOf(kEventNames, t); }
std::optional<OrderEventType> ParseOrderEventType(std::string_view name) {
  return ValueNamed(kEventNames, name);
}

}  // namespace restock::model
