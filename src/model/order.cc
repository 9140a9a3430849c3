#include "model/order.h"

#include "model/enum_names.h"

namespace restock::model {
namespace {

constexpr EnumNames<OrderStatus, 6> kStatusNames{{{OrderStatus::kUnsent, "unsent"},
                                                  {OrderStatus::kPlaced, "placed"},
                                                  {OrderStatus::kOutOfStock, "out_of_stock"},
                                                  {OrderStatus::kCancelled, "cancelled"},
                                                  {OrderStatus::kRejected, "rejected"},
                                                  {OrderStatus::kPending, "pending"}}};

constexpr EnumNames<OrderEventType, 9> kEventNames{
    {{OrderEventType::kPlaced, "order.placed"},
     {OrderEventType::kOutOfStock, "order.out_of_stock"},
     {OrderEventType::kOosNotice, "order.oos_notice"},
     {OrderEventType::kCancelled, "order.cancelled"},
     {OrderEventType::kCycleSkipped, "subscription.cycle_skipped"},
     {OrderEventType::kItemSkipped, "order.item_skipped"},
     {OrderEventType::kOversold, "order.oversold"},
     {OrderEventType::kRejected, "order.rejected"},
     {OrderEventType::kOosPredicted, "order.oos_predicted"}}};

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
