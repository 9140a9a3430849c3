#include "catalog/validation.h"

#include <gtest/gtest.h>

namespace restock::catalog {
namespace {

RawElement Element(std::vector<std::pair<std::string, RawValue>> fields) {
  return RawElement{true, std::move(fields)};
}

RawElement WithId(std::string field, RawValue value) {
  return Element({{"product_id", RawValue::String("p1")}, {std::move(field), std::move(value)}});
}

TEST(ValidateElementTest, SeedElementIsValid) {
  auto v = ValidateElement(WithId("live", RawValue::Bool(false)));
  ASSERT_TRUE(v.patch.has_value());
  EXPECT_EQ(v.patch->product_id, "p1");
  EXPECT_EQ(v.patch->live, false);
  EXPECT_FALSE(v.patch->name.has_value());
}

TEST(ValidateElementTest, AcceptsEveryUpdatableField) {
  auto v = ValidateElement(Element({
      {"product_id", RawValue::String("p1")},
      {"live", RawValue::Bool(true)},
      {"discontinued", RawValue::Bool(true)},
      {"autoship_enabled", RawValue::Bool(false)},
      {"name", RawValue::String("Coffee")},
      {"sku", RawValue::String("C-1")},
      {"price", RawValue::String("12.50")},
      {"image_url", RawValue::String("https://x/y.png")},
      {"detail_url", RawValue::Null()},
      {"inventory", RawValue::Int(7)},
      {"low_stock_threshold", RawValue::Null()},
      {"unknown_field", RawValue::Of(RawValue::Kind::kObject)},
  }));
  ASSERT_TRUE(v.patch.has_value()) << v.errors.size();
  EXPECT_EQ(v.patch->price_cents, std::optional<std::int64_t>(1250));
  EXPECT_EQ(v.patch->inventory, std::optional<std::int64_t>(7));
  ASSERT_TRUE(v.patch->low_stock_threshold.has_value());  // given, as null
  EXPECT_FALSE(v.patch->low_stock_threshold->has_value());
  EXPECT_EQ(v.patch->detail_url, "");
  EXPECT_EQ(v.patch->autoship_enabled, false);
}

struct BadCase {
  const char* label;
  RawElement element;
  const char* field;
  const char* message;
};

class ValidateElementBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ValidateElementBadTest, ReportsTheField) {
  const BadCase& c = GetParam();
  auto v = ValidateElement(c.element);
  EXPECT_FALSE(v.patch.has_value());
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0].first, c.field);
  ASSERT_EQ(v.errors[0].second.size(), 1u);
  EXPECT_EQ(v.errors[0].second[0], c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ValidateElementBadTest,
    ::testing::Values(
        BadCase{"not_object", RawElement{false, {}}, "non_field_errors", "must be an object"},
        BadCase{"missing_id", Element({{"live", RawValue::Bool(true)}}), "product_id", "is required"},
        BadCase{"id_number", Element({{"product_id", RawValue::Int(5)}}), "product_id",
                "must be a string"},
        BadCase{"id_empty", Element({{"product_id", RawValue::String("")}}), "product_id",
                "must be 1 to 64 bytes long"},
        BadCase{"id_too_long", Element({{"product_id", RawValue::String(std::string(65, 'x'))}}),
                "product_id", "must be 1 to 64 bytes long"},
        BadCase{"id_control", Element({{"product_id", RawValue::String(std::string("a\0b", 3))}}),
                "product_id", "must not contain control characters"},
        BadCase{"live_string", WithId("live", RawValue::String("false")), "live",
                "must be a boolean"},
        BadCase{"live_null", WithId("live", RawValue::Null()), "live", "must be a boolean"},
        BadCase{"discontinued_int", WithId("discontinued", RawValue::Int(1)), "discontinued",
                "must be a boolean"},
        BadCase{"name_number", WithId("name", RawValue::Int(1)), "name", "must be a string"},
        BadCase{"name_too_long", WithId("name", RawValue::String(std::string(1025, 'n'))), "name",
                "must be at most 1024 bytes"},
        BadCase{"sku_too_long", WithId("sku", RawValue::String(std::string(65, 's'))), "sku",
                "must be at most 64 bytes"},
        BadCase{"url_too_long", WithId("image_url", RawValue::String(std::string(401, 'u'))),
                "image_url", "must be at most 400 bytes"},
        BadCase{"inventory_negative", WithId("inventory", RawValue::Int(-1)), "inventory",
                "must be a non-negative integer or null"},
        BadCase{"inventory_fraction", WithId("inventory", RawValue::Double(1.5)), "inventory",
                "must be a non-negative integer or null"},
        BadCase{"inventory_huge", WithId("inventory", RawValue::Of(RawValue::Kind::kBigInt)),
                "inventory", "is out of range"},
        BadCase{"threshold_string", WithId("low_stock_threshold", RawValue::String("3")),
                "low_stock_threshold", "must be a non-negative integer or null"},
        BadCase{"price_negative", WithId("price", RawValue::Double(-1)), "price",
                "must be a non-negative number or decimal string with at most two decimal "
                "places, up to 99999999.99"},
        BadCase{"price_three_places", WithId("price", RawValue::String("1.999")), "price",
                "must be a non-negative number or decimal string with at most two decimal "
                "places, up to 99999999.99"},
        BadCase{"price_bool", WithId("price", RawValue::Bool(true)), "price",
                "must be a non-negative number or decimal string with at most two decimal "
                "places, up to 99999999.99"},
        BadCase{"adjust_null", WithId("inventory_adjust", RawValue::Null()), "inventory_adjust",
                "must be an integer"},
        BadCase{"adjust_fraction", WithId("inventory_adjust", RawValue::Double(-1.5)),
                "inventory_adjust", "must be an integer"},
        BadCase{"adjust_huge", WithId("inventory_adjust", RawValue::Of(RawValue::Kind::kBigInt)),
                "inventory_adjust", "is out of range"},
        BadCase{"if_inventory_negative", WithId("if_inventory", RawValue::Int(-1)), "if_inventory",
                "must be a non-negative integer or null"},
        BadCase{"if_inventory_string", WithId("if_inventory", RawValue::String("3")),
                "if_inventory", "must be a non-negative integer or null"}),
    [](const auto& test_info) { return std::string(test_info.param.label); });

TEST(ValidateElementTest, InventoryGuardsAreRead) {
  auto v = ValidateElement(Element({{"product_id", RawValue::String("p1")},
                                    {"inventory_adjust", RawValue::Int(-3)},
                                    {"if_inventory", RawValue::Null()}}));
  ASSERT_TRUE(v.patch.has_value());
  EXPECT_EQ(v.patch->inventory_adjust, std::optional<std::int64_t>(-3));
  ASSERT_TRUE(v.patch->if_inventory.has_value());
  EXPECT_FALSE(v.patch->if_inventory->has_value());
}

TEST(ValidateElementTest, InventoryAndAdjustTogetherNameBoth) {
  // Refused whatever the values, null included.
  auto v = ValidateElement(Element({{"product_id", RawValue::String("p1")},
                                    {"inventory", RawValue::Null()},
                                    {"inventory_adjust", RawValue::Int(1)}}));
  EXPECT_FALSE(v.patch.has_value());
  ASSERT_EQ(v.errors.size(), 2u);
  EXPECT_EQ(v.errors[0].first, "inventory");
  EXPECT_EQ(v.errors[1].first, "inventory_adjust");
}

TEST(ValidateElementTest, ReportsEveryBadField) {
  auto v = ValidateElement(Element({{"live", RawValue::Int(1)}, {"name", RawValue::Bool(true)}}));
  ASSERT_EQ(v.errors.size(), 3u);
  EXPECT_EQ(v.errors[0].first, "live");
  EXPECT_EQ(v.errors[1].first, "name");
  EXPECT_EQ(v.errors[2].first, "product_id");
}

}  // namespace
}  // namespace restock::catalog
