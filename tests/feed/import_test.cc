#include "feed/import.h"

#include <gtest/gtest.h>

#include <sstream>

#include "feed/csv_reader.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::feed {
namespace {

TEST(CsvReaderTest, ReadsQuotedFieldsAndLineEndings) {
  std::istringstream in("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\nlast");
  CsvReader reader(in);
  auto r1 = reader.Next();
  ASSERT_TRUE(r1);
  EXPECT_EQ(*r1, (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  auto r2 = reader.Next();
  ASSERT_TRUE(r2);
  EXPECT_EQ(*r2, (std::vector<std::string>{"multi\nline", "", "x"}));
  auto r3 = reader.Next();
  ASSERT_TRUE(r3);
  EXPECT_EQ(*r3, std::vector<std::string>{"last"});
  EXPECT_FALSE(reader.Next());
}

TEST(CsvReaderTest, FlagsMalformedQuoting) {
  std::istringstream in("ab\"c,d\n\"open");
  CsvReader reader(in);
  ASSERT_TRUE(reader.Next());
  EXPECT_TRUE(reader.malformed());
  ASSERT_TRUE(reader.Next());
  EXPECT_TRUE(reader.malformed());
}

class ImportTest : public ::testing::Test {
 protected:
  Result<ImportSummary> Import(const std::string& text, Format format) {
    std::istringstream in(text);
    ImportOptions options;
    options.chunk_size = 2;
    return ImportProducts(in, format, 1, stock_, options);
  }
  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  catalog::StockService stock_{db_, clock_};
};

TEST_F(ImportTest, JsonLinesCreatesUpdatesAndRejectsWithLineNumbers) {
  auto summary = Import(
      "{\"product_id\":\"a\",\"price\":\"1.50\",\"inventory\":3}\n"
      "\n"
      "{\"product_id\":\"b\",\"live\":\"yes\"}\n"
      "not json\n"
      "{\"product_id\":\"c\"}\n"
      "{\"product_id\":\"a\",\"inventory\":2}\n"
      "{\"product_id\":\"c\"}\n",
      Format::kJsonLines);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 2u);
  EXPECT_EQ(summary->updated, 1u);
  EXPECT_EQ(summary->unchanged, 1u);
  ASSERT_EQ(summary->rejected.size(), 2u);
  EXPECT_EQ(summary->rejected[0].line, 3u);
  EXPECT_EQ(summary->rejected[0].errors[0].first, "live");
  EXPECT_EQ(summary->rejected[1].line, 4u);
  EXPECT_EQ(db_.state().products.at({1, "a"}).inventory, 2);
  ASSERT_EQ(db_.state().stock_events.size(), 1u);
  EXPECT_EQ(db_.state().stock_events[0].source, model::StockSource::kFeed);
}

TEST_F(ImportTest, CsvMapsColumnsToTypedFields) {
  auto summary = Import(
      "product_id,name,price,live,inventory\n"
      "a,\"Coffee, dark\",12.99,false,\n"
      "b,Tea,abc,true,5\n"
      "c,Short\n",
      Format::kCsv);
  ASSERT_TRUE(summary.ok());
  EXPECT_EQ(summary->created, 1u);
  ASSERT_EQ(summary->rejected.size(), 2u);
  EXPECT_EQ(summary->rejected[0].line, 3u);
  EXPECT_EQ(summary->rejected[0].errors[0].first, "price");
  EXPECT_EQ(summary->rejected[1].line, 4u);
  const auto& a = db_.state().products.at({1, "a"});
  EXPECT_EQ(a.name, "Coffee, dark");
  EXPECT_EQ(a.price_cents, 1299);
  EXPECT_FALSE(a.live);
  EXPECT_FALSE(a.inventory.has_value());
}

// docs/decisions.md (CLI): "an empty CSV cell clears a text field, `price`, `inventory` or
// `low_stock_threshold` (`null` also works for the last three). CSV booleans are `true`,
// `false`, `1` or `0` exactly; an empty boolean cell is rejected."
TEST_F(ImportTest, CsvEmptyCellsClearTextPriceAndCounts) {
  const std::string full =
      "product_id,sku,name,price,image_url,detail_url,inventory,low_stock_threshold\n"
      "a,SKU-A,Coffee,12.99,https://i.example/a.png,https://d.example/a,7,2\n"
      "b,SKU-B,Tea,3.50,https://i.example/b.png,https://d.example/b,9,4\n";
  ASSERT_EQ(Import(full, Format::kCsv)->created, 2u);
  const auto& before = db_.state().products.at({1, "a"});
  ASSERT_EQ(before.price_cents, 1299);
  ASSERT_EQ(before.inventory, 7);
  ASSERT_EQ(before.low_stock_threshold, 2);

  auto summary = Import(
      "product_id,sku,name,price,image_url,detail_url,inventory,low_stock_threshold\n"
      "a,,,,,,,\n"                       // every cell empty but the id
      "b,null,null,null,,,null,null\n",  // null: the nullable three only; text stays text
      Format::kCsv);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->updated, 2u);
  EXPECT_TRUE(summary->rejected.empty());
  const auto& a = db_.state().products.at({1, "a"});
  EXPECT_EQ(a.sku, "");
  EXPECT_EQ(a.name, "");
  EXPECT_FALSE(a.price_cents.has_value());
  EXPECT_EQ(a.image_url, "");
  EXPECT_EQ(a.detail_url, "");
  EXPECT_FALSE(a.inventory.has_value());
  EXPECT_FALSE(a.low_stock_threshold.has_value());
  const auto& b = db_.state().products.at({1, "b"});
  EXPECT_EQ(b.sku, "null");
  EXPECT_EQ(b.name, "null");
  EXPECT_FALSE(b.price_cents.has_value());
  EXPECT_FALSE(b.inventory.has_value());
  EXPECT_FALSE(b.low_stock_threshold.has_value());
}

TEST_F(ImportTest, CsvEmptyBooleanCellIsRejectedAndChangesNothing) {
  ASSERT_EQ(Import("product_id,name,live\na,Coffee,false\n", Format::kCsv)->created, 1u);
  for (const char* column : {"live", "discontinued", "autoship_enabled"}) {
    SCOPED_TRACE(column);
    auto summary =
        Import(std::string("product_id,name,") + column + "\na,Renamed,\n", Format::kCsv);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    EXPECT_EQ(summary->updated + summary->created + summary->unchanged, 0u);
    ASSERT_EQ(summary->rejected.size(), 1u);
    EXPECT_EQ(summary->rejected[0].line, 2u);
    ASSERT_EQ(summary->rejected[0].errors.size(), 1u);
    EXPECT_EQ(summary->rejected[0].errors[0].first, column);
    EXPECT_EQ(db_.state().products.at({1, "a"}).name, "Coffee");
  }
  // The accepted spellings, exactly: true/false/1/0.
  auto ok = Import("product_id,live,discontinued,autoship_enabled\na,1,true,0\n", Format::kCsv);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->rejected.empty());
  const auto& a = db_.state().products.at({1, "a"});
  EXPECT_TRUE(a.live);
  EXPECT_TRUE(a.discontinued);
  EXPECT_FALSE(a.autoship_enabled);
  auto bad = Import("product_id,live\na,TRUE\n", Format::kCsv);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->rejected.size(), 1u);
}

TEST_F(ImportTest, CsvWithoutHeaderIsAnError) {
  EXPECT_EQ(Import("", Format::kCsv).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(ImportTest, CsvRejectsInvalidUtf8WithLineAndColumn) {
  auto summary = Import(
      "product_id,name\n"
      "a,Caf\xc3\xa9\n"
      "b,Bad \xff byte\n"
      "c,Truncated \xe2\x82\n"
      "\xc0\xaf,Overlong id\n",
      Format::kCsv);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 1u);
  ASSERT_EQ(summary->rejected.size(), 3u);
  EXPECT_EQ(summary->rejected[0].line, 3u);
  EXPECT_EQ(summary->rejected[0].errors[0].second[0], "invalid UTF-8 in column 'name' at byte 5");
  EXPECT_EQ(summary->rejected[1].line, 4u);
  EXPECT_EQ(summary->rejected[2].line, 5u);
  EXPECT_EQ(summary->rejected[2].errors[0].second[0],
            "invalid UTF-8 in column 'product_id' at byte 1");
  EXPECT_EQ(db_.state().products.size(), 1u);
  EXPECT_EQ(db_.state().products.at({1, "a"}).name, "Caf\xc3\xa9");
}

TEST_F(ImportTest, ByteOrderMarkAtTheStartIsAccepted) {
  auto csv = Import("\xEF\xBB\xBFproduct_id,name\na,Tea\n", Format::kCsv);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->created, 1u);
  EXPECT_TRUE(csv->rejected.empty());
  auto jsonl = Import("\xEF\xBB\xBF{\"product_id\":\"b\"}\n", Format::kJsonLines);
  ASSERT_TRUE(jsonl.ok()) << jsonl.status().ToString();
  EXPECT_EQ(jsonl->created, 1u);
  EXPECT_TRUE(jsonl->rejected.empty());
  // Only at the start: elsewhere it is part of the data.
  auto later =
      Import("{\"product_id\":\"c\"}\n\xEF\xBB\xBF{\"product_id\":\"d\"}\n", Format::kJsonLines);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->rejected.size(), 1u);
}

TEST_F(ImportTest, CsvHeaderCellWithBlanksIsAnErrorAndChangesNothing) {
  auto summary = Import("product_id, live\na,false\n", Format::kCsv);
  EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("' live'"), std::string::npos);
  EXPECT_TRUE(db_.state().products.empty());
}

TEST_F(ImportTest, OverlongRecordsAreRejectedAndTheRestImported) {
  const std::string huge(kMaxRecordBytes + 10, 'x');
  auto jsonl = Import("{\"product_id\":\"a\"}\n{\"product_id\":\"b\",\"name\":\"" + huge +
                          "\"}\n{\"product_id\":\"c\"}",
                      Format::kJsonLines);
  ASSERT_TRUE(jsonl.ok()) << jsonl.status().ToString();
  EXPECT_EQ(jsonl->created, 2u);
  ASSERT_EQ(jsonl->rejected.size(), 1u);
  EXPECT_EQ(jsonl->rejected[0].line, 2u);
  EXPECT_EQ(jsonl->rejected[0].errors[0].second[0],
            "longer than " + std::to_string(kMaxRecordBytes) + " bytes");
  // CSV: a quoted cell with newlines counts whole, and the line numbers after it stay right.
  auto csv = Import("product_id,name\nd,\"" + huge + "\n\n\"\ne,Tea\n", Format::kCsv);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->created, 1u);
  ASSERT_EQ(csv->rejected.size(), 1u);
  EXPECT_EQ(csv->rejected[0].line, 2u);
  EXPECT_TRUE(db_.state().products.count({1, "e"}));
  EXPECT_FALSE(db_.state().products.count({1, "d"}));
}

TEST(JsonLinesLineEndsTest, LinesAcrossTheReadBufferKeepTheirBytes) {
  // A valid line longer than the reader's 64 KiB buffer is read whole.
  testing::FakeClock clock;
  testing::FakeDatabase db;
  catalog::StockService stock{db, clock};
  const std::string name(200'000, 'n');
  std::istringstream in("{\"product_id\":\"a\",\"name\":\"" + name + "\"}\n\n");
  auto summary = ImportProducts(in, Format::kJsonLines, 1, stock, ImportOptions{});
  ASSERT_TRUE(summary.ok());
  // Names are capped by validation, so this one is rejected for its length, not split.
  ASSERT_EQ(summary->rejected.size(), 1u);
  EXPECT_EQ(summary->rejected[0].errors[0].first, "name");
}

TEST(FormatForPathTest, PicksByExtension) {
  EXPECT_EQ(*FormatForPath("x.jsonl"), Format::kJsonLines);
  EXPECT_EQ(*FormatForPath("dir/x.csv"), Format::kCsv);
  EXPECT_FALSE(FormatForPath("x.json").ok());
}

}  // namespace
}  // namespace restock::feed
