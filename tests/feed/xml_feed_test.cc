// The XML product feed: the streaming reader on its own, and the import through it.
#include "feed/xml_feed.h"

#include <gtest/gtest.h>

#include <sstream>

#include "feed/import.h"
#include "support/fake_clock.h"
#include "support/fake_database.h"

namespace restock::feed {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

// Every product of `xml`, or the reader's error.
Result<std::vector<FeedProduct>> ReadAll(const std::string& xml) {
  std::istringstream in(xml);
  XmlFeedReader reader(in);
  std::vector<FeedProduct> products;
  for (;;) {
    RESTOCK_ASSIGN_OR_RETURN(std::optional<FeedProduct> p, reader.Next());
    if (!p) break;
    products.push_back(std::move(*p));
  }
  EXPECT_EQ(reader.bytes_read(), xml.size());
  return products;
}

TEST(XmlFeedReaderTest, ReadsEntitiesCdataAndUtf8) {
  auto products = ReadAll(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<products>\n"
      "  <product>\n"
      "    <product_id><![CDATA[A&B <1>]]></product_id>\n"
      "    <name>Caf\xc3\xa9 &amp; th\xc3\xa9 &lt;bio&gt; &#x2603; &#233;</name>\n"
      "    <sku>  padded  </sku>\n"
      "  </product>\n"
      "  <product><product_id>2</product_id><name><![CDATA[]]]]><![CDATA[>]]></name></product>\n"
      "</products>\n");
  ASSERT_TRUE(products.ok()) << products.status().ToString();
  ASSERT_EQ(products->size(), 2u);
  EXPECT_EQ((*products)[0].element, 1u);
  EXPECT_EQ((*products)[0].line, 3u);
  EXPECT_EQ((*products)[0].fields,
            (Fields{{"product_id", "A&B <1>"},
                    {"name", "Caf\xc3\xa9 & th\xc3\xa9 <bio> \xe2\x98\x83 \xc3\xa9"},
                    {"sku", "padded"}}));
  EXPECT_EQ((*products)[1].element, 2u);
  EXPECT_EQ((*products)[1].line, 8u);
  EXPECT_EQ((*products)[1].fields, (Fields{{"product_id", "2"}, {"name", "]]>"}}));
}

TEST(XmlFeedReaderTest, ConvertsDeclaredEncodingToUtf8) {
  auto products = ReadAll(
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
      "<products><product><name>Caf\xe9</name></product></products>");
  ASSERT_TRUE(products.ok()) << products.status().ToString();
  ASSERT_EQ(products->size(), 1u);
  EXPECT_EQ((*products)[0].fields, (Fields{{"name", "Caf\xc3\xa9"}}));
}

TEST(XmlFeedReaderTest, StructuredFieldsAndStrangersAreMarkedOrSkipped) {
  auto products = ReadAll(
      "<products><header>x</header><product id=\"attr ignored\"><product_id>p</product_id>"
      "<extra_data><field key=\"color\">red</field></extra_data></product></products>");
  ASSERT_TRUE(products.ok()) << products.status().ToString();
  ASSERT_EQ(products->size(), 1u);
  EXPECT_EQ((*products)[0].fields, (Fields{{"product_id", "p"}, {"extra_data", ""}}));
  EXPECT_EQ((*products)[0].structured, std::vector<std::string>{"extra_data"});
}

TEST(XmlFeedReaderTest, UnwantedChildrenAreSkippedWithoutBeingKept) {
  // 200,000 unknown children (some with element content) in one product: nothing of them is
  // kept, so memory per product does not grow with them.
  std::string xml = "<products><product><product_id>p</product_id>";
  for (int i = 0; i < 100'000; ++i) xml += "<a/><b><c/></b>";
  xml += "<name>Tea</name></product></products>";
  std::istringstream in(xml);
  XmlFeedReader reader(in, {"product_id", "name"});
  auto product = reader.Next();
  ASSERT_TRUE(product.ok() && *product) << product.status().ToString();
  EXPECT_EQ((*product)->fields, (Fields{{"product_id", "p"}, {"name", "Tea"}}));
  EXPECT_TRUE((*product)->structured.empty());
  EXPECT_FALSE((*product)->overflowed);
}

TEST(XmlFeedReaderTest, ManyWantedChildrenAreCappedAndFlagged) {
  std::string xml = "<products><product>";
  for (std::size_t i = 0; i < kMaxFieldsPerProduct * 50; ++i) xml += "<name><x/></name>";
  xml += "</product></products>";
  std::istringstream in(xml);
  XmlFeedReader reader(in, {"name"});
  auto product = reader.Next();
  ASSERT_TRUE(product.ok() && *product);
  EXPECT_EQ((*product)->fields.size(), kMaxFieldsPerProduct);
  EXPECT_EQ((*product)->structured.size(), kMaxFieldsPerProduct);
  EXPECT_TRUE((*product)->overflowed);
}

TEST(XmlFeedReaderTest, ReadsAFeedLargerThanOneBuffer) {
  std::string xml = "<products>";
  for (int i = 0; i < 5000; ++i) {
    xml += "<product><product_id>id-" + std::to_string(i) + "</product_id></product>\n";
  }
  xml += "</products>";
  auto products = ReadAll(xml);
  ASSERT_TRUE(products.ok()) << products.status().ToString();
  ASSERT_EQ(products->size(), 5000u);
  EXPECT_EQ(products->back().fields, (Fields{{"product_id", "id-4999"}}));
  EXPECT_EQ(products->back().element, 5000u);
}

TEST(XmlFeedReaderTest, RefusesMalformedAndUnsafeDocuments) {
  struct Case {
    const char* xml;
    const char* message_part;
  };
  for (const Case& c : {
           Case{"", "no element found"},
           Case{"<products><product><product_id>1</product_id></product>", "line 1"},
           Case{"<products><product></products>", "mismatched tag"},
           Case{"<catalog><product/></catalog>", "root element must be <products>"},
           Case{"<?xml version=\"1.0\"?><!DOCTYPE products [<!ENTITY a \"aaaa\">]>"
                "<products/>",
                "DOCTYPE"},
           Case{"<products><product><name>&nope;</name></product></products>", "undefined entity"},
           Case{"<products><product><name>\xff\xfe</name></product></products>", "invalid token"},
       }) {
    auto products = ReadAll(c.xml);
    ASSERT_FALSE(products.ok()) << c.xml;
    EXPECT_EQ(products.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(products.status().message().find(c.message_part), std::string::npos)
        << products.status().message();
    EXPECT_EQ(products.status().message().rfind("XML error at line ", 0), 0u);
  }
}

class XmlImportTest : public ::testing::Test {
 protected:
  Result<ImportSummary> Import(const std::string& xml) {
    std::istringstream in(xml);
    ImportOptions options;
    options.chunk_size = 2;
    options.progress = [this](const ImportProgress& p) { progress_.push_back(p); };
    return ImportProducts(in, Format::kXml, kMerchant, stock_, options);
  }
  const model::Product& Product(const std::string& id) {
    return db_.state().products.at({kMerchant, id});
  }
  // "field: message" of each rejection's errors, for compact comparisons.
  static std::vector<std::string> Reasons(const Rejection& r) {
    std::vector<std::string> out;
    for (const auto& [field, messages] : r.errors) {
      for (const auto& m : messages) out.push_back(field + ": " + m);
    }
    return out;
  }

  static constexpr model::MerchantId kMerchant = 1;
  testing::FakeClock clock_;
  testing::FakeDatabase db_;
  catalog::StockService stock_{db_, clock_};
  std::vector<ImportProgress> progress_;
};

TEST_F(XmlImportTest, MapsFeedTagsToProductFields) {
  auto summary = Import(
      "<products><product>"
      "<product_id>p1</product_id><sku>S1</sku><name><![CDATA[Tea & <more>]]></name>"
      "<price>12.99</price><in_stock>0</in_stock><discontinued>1</discontinued>"
      "<autoship_eligible>0</autoship_eligible>"
      "<details_url>https://x.test/p1?a=1&amp;b=2</details_url>"
      "<image_url>https://x.test/p1.png</image_url><every>2</every><every_period>2</every_period>"
      "<extra_data><field key=\"k\">v</field></extra_data>"
      "</product></products>");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 1u);
  EXPECT_TRUE(summary->rejected.empty());
  const model::Product& p = Product("p1");
  EXPECT_EQ(p.sku, "S1");
  EXPECT_EQ(p.name, "Tea & <more>");
  EXPECT_EQ(p.price_cents, 1299);
  EXPECT_FALSE(p.live);
  EXPECT_TRUE(p.discontinued);
  EXPECT_FALSE(p.autoship_enabled);
  EXPECT_EQ(p.detail_url, "https://x.test/p1?a=1&b=2");
  EXPECT_EQ(p.image_url, "https://x.test/p1.png");
}

TEST_F(XmlImportTest, AbsentOptionalTagsKeepStoredValues) {
  ASSERT_TRUE(Import("<products><product><product_id>p1</product_id><name>N</name>"
                     "<price>1.00</price><in_stock>1</in_stock></product></products>")
                  .ok());
  auto summary = Import(
      "<products><product><product_id>p1</product_id><in_stock>0</in_stock>"
      "</product></products>");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->updated, 1u);
  const model::Product& p = Product("p1");
  EXPECT_EQ(p.name, "N");
  EXPECT_EQ(p.price_cents, 100);
  EXPECT_FALSE(p.live);
  // The in_stock change is a stock event with source feed.
  ASSERT_EQ(db_.state().stock_events.size(), 1u);
  const model::StockEvent& e = db_.state().stock_events[0];
  EXPECT_EQ(e.source, model::StockSource::kFeed);
  EXPECT_TRUE(e.previous.live);
  EXPECT_FALSE(e.current.live);
  // The same feed again changes nothing and writes no event.
  auto again = Import(
      "<products><product><product_id>p1</product_id><in_stock>0</in_stock>"
      "</product></products>");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 1u);
  EXPECT_EQ(db_.state().stock_events.size(), 1u);
}

TEST_F(XmlImportTest, AProductWithTooManyFieldsIsRejectedAndTheOthersImported) {
  std::string xml = "<products><product><product_id>big</product_id>";
  for (std::size_t i = 0; i < kMaxFieldsPerProduct + 1; ++i) xml += "<name>n</name>";
  xml += "</product><product><product_id>small</product_id><unknown>";
  for (int i = 0; i < 10'000; ++i) xml += "<a><b/></a>";
  xml += "</unknown></product></products>";
  auto summary = Import(xml);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 1u);
  ASSERT_EQ(summary->rejected.size(), 1u);
  EXPECT_EQ(summary->rejected[0].element, 1u);
  EXPECT_EQ(Reasons(summary->rejected[0]),
            std::vector<std::string>{"product: has more than 100 fields"});
}

TEST_F(XmlImportTest, RejectsBadRowsWithElementNumberAndFeedTagNames) {
  auto summary = Import(
      "<products>\n"
      "<product><product_id>ok1</product_id><price>3.50</price></product>\n"
      "<product><product_id>bad-price</product_id><price>12.999</price></product>\n"
      "<product><name>no id</name></product>\n"
      "<product><product_id>bad-bool</product_id><in_stock>yes</in_stock>"
      "<autoship_eligible>2</autoship_eligible></product>\n"
      "<product><product_id>ok1</product_id><price>9.99</price></product>\n"
      "<product><product_id>bad-freq</product_id><every>0</every>"
      "<every_period>fortnight</every_period></product>\n"
      "<product><product_id>nested</product_id><name><b>x</b></name></product>\n"
      "<product><product_id>ok2</product_id></product>\n"
      "</products>\n");
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->created, 2u);
  ASSERT_EQ(summary->rejected.size(), 6u);
  const auto& r = summary->rejected;
  EXPECT_EQ(r[0].element, 2u);
  EXPECT_EQ(r[0].line, 3u);
  EXPECT_EQ(Reasons(r[0]).size(), 1u);
  EXPECT_EQ(Reasons(r[0])[0].rfind("price: ", 0), 0u);
  EXPECT_EQ(r[1].element, 3u);
  EXPECT_EQ(Reasons(r[1]), std::vector<std::string>{"product_id: is required"});
  EXPECT_EQ(r[2].element, 4u);
  EXPECT_EQ(Reasons(r[2]), (std::vector<std::string>{"in_stock: must be a boolean",
                                                     "autoship_eligible: must be a boolean"}));
  EXPECT_EQ(r[3].element, 5u);
  EXPECT_EQ(Reasons(r[3]),
            std::vector<std::string>{
                "product_id: appears more than once in the feed (the first one counts)"});
  EXPECT_EQ(r[4].element, 6u);
  EXPECT_EQ(Reasons(r[4]), (std::vector<std::string>{
                               "every: must be a positive integer",
                               "every_period: must be 1 (day), 2 (week), 3 (month) or 4 (year)"}));
  EXPECT_EQ(r[5].element, 7u);
  EXPECT_EQ(Reasons(r[5]), std::vector<std::string>{"name: must be text, not elements"});
  // The duplicate did not overwrite the first.
  EXPECT_EQ(Product("ok1").price_cents, 350);
  EXPECT_EQ(db_.state().products.size(), 2u);
  // Progress was reported after each chunk and ends with every record.
  ASSERT_FALSE(progress_.empty());
  EXPECT_EQ(progress_.back().records, 8u);
  for (std::size_t i = 1; i < progress_.size(); ++i) {
    EXPECT_GE(progress_[i].bytes, progress_[i - 1].bytes);
  }
}

TEST_F(XmlImportTest, MalformedFeedChangesNothing) {
  std::string xml = "<products>";
  for (int i = 0; i < 10; ++i) {
    xml += "<product><product_id>p" + std::to_string(i) + "</product_id></product>";
  }
  xml += "<product><product_id>broken</product_id></produkt></products>";
  auto summary = Import(xml);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(summary.status().message().find("mismatched tag"), std::string::npos);
  EXPECT_TRUE(db_.state().products.empty());
  EXPECT_EQ(db_.transactions, 0);
}

TEST(FormatForPathTest, XmlByExtension) {
  EXPECT_EQ(*FormatForPath("feed.xml"), Format::kXml);
  EXPECT_EQ(*FormatForPath("a.jsonl"), Format::kJsonLines);
  EXPECT_EQ(FormatForPath("feed.txt").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace restock::feed
