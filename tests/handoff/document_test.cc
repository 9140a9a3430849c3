// The order document (handoff/document.h): the XML elements and their JSON twins, CDATA
// around every text value, the optional customer and payment fields.
#include "handoff/document.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace restock::handoff {
namespace {

DocumentInput Input() {
  DocumentInput in;
  in.request.order_id = 42;
  in.request.sequence = 1;
  in.order.id = 42;
  in.order.customer_id = "cust-1";
  in.order.place_date = CivilDate{2030, 1, 15};
  model::Product p;
  p.product_id = "A1";
  p.sku = "SKU-A";
  p.name = "Tea <green> & ]]> more";
  p.price_cents = 1299;
  model::Subscription s;
  s.id = 7;
  s.start = CivilDate{2029, 12, 15};
  s.frequency = {2, model::Period::kWeek};
  in.items.push_back({model::OrderItem{7, "A1", 3}, p, s});
  return in;
}

TEST(DocumentTest, XmlCarriesTheHeadItemsAndSubscription) {
  std::string xml = RenderXml(Input());
  for (const char* part :
       {"<order><head>", "<orderOgId><![CDATA[42]]></orderOgId>",
        "<orderPublicId><![CDATA[42]]></orderPublicId>",
        "<orderOgDate><![CDATA[2030-01-15]]></orderOgDate>",
        "<orderItemsCount><![CDATA[3]]></orderItemsCount>",
        "<orderSubtotalValue><![CDATA[38.97]]></orderSubtotalValue>",
        "<orderTotalValue><![CDATA[38.97]]></orderTotalValue>",
        "<customerPartnerId><![CDATA[cust-1]]></customerPartnerId>", "<items><item>",
        "<publicId><![CDATA[42-7]]></publicId>", "<qty><![CDATA[3]]></qty>",
        "<sku><![CDATA[SKU-A]]></sku>", "<product_id><![CDATA[A1]]></product_id>",
        "<price><![CDATA[12.99]]></price>", "<finalPrice><![CDATA[38.97]]></finalPrice>",
        "<discount><![CDATA[0.00]]></discount>", "<subscription><publicId><![CDATA[7]]>",
        "<startDate><![CDATA[2029-12-15]]></startDate>", "<every><![CDATA[2]]></every>",
        "<everyPeriod><![CDATA[2]]></everyPeriod>",
        "<frequencyDays><![CDATA[14]]></frequencyDays>"}) {
    EXPECT_NE(xml.find(part), std::string::npos) << part << "\n" << xml;
  }
  // "]]>" inside a value is split across two CDATA sections, so the document stays valid.
  EXPECT_NE(xml.find("<name><![CDATA[Tea <green> & ]]]]><![CDATA[> more]]></name>"),
            std::string::npos)
      << xml;
  // Unknown contact details and no payment token: no elements for them.
  EXPECT_EQ(xml.find("orderTokenId"), std::string::npos);
  EXPECT_EQ(xml.find("customerEmail"), std::string::npos);
}

TEST(DocumentTest, ResendCarriesItsOwnPublicId) {
  DocumentInput in = Input();
  in.request.sequence = 3;
  EXPECT_NE(RenderXml(in).find("<orderPublicId><![CDATA[42-3]]></orderPublicId>"),
            std::string::npos);
}

TEST(DocumentTest, ContactAndTokenAppearWhenKnown) {
  DocumentInput in = Input();
  in.contact.name = "Ann";
  in.contact.email = "ann@example.com";
  in.contact.shipping.city = "Paris";
  in.contact.billing.address1 = "1 Main St";
  in.contact.payment_token = "tok_1";
  std::string xml = RenderXml(in);
  for (const char* part : {"<orderTokenId><![CDATA[tok_1]]></orderTokenId>",
                           "<customerName><![CDATA[Ann]]></customerName>",
                           "<customerEmail><![CDATA[ann@example.com]]></customerEmail>",
                           "<customerShippingCity><![CDATA[Paris]]></customerShippingCity>",
                           "<customerBillingAddress1><![CDATA[1 Main St]]>"}) {
    EXPECT_NE(xml.find(part), std::string::npos) << part;
  }
  EXPECT_EQ(xml.find("customerShippingZip"), std::string::npos);
}

TEST(DocumentTest, JsonHasTheSameFieldsInSnakeCase) {
  DocumentInput in = Input();
  in.contact.shipping.city = "Paris";
  boost::json::value doc = boost::json::parse(RenderJson(in));
  const auto& head = doc.at("head").as_object();
  EXPECT_EQ(head.at("order_og_id"), "42");
  EXPECT_EQ(head.at("order_public_id"), "42");
  EXPECT_EQ(head.at("order_subtotal_value"), "38.97");
  EXPECT_FALSE(head.contains("order_token_id"));
  EXPECT_EQ(doc.at("customer").at("customer_partner_id"), "cust-1");
  EXPECT_EQ(doc.at("customer").at("customer_shipping_city"), "Paris");
  const auto& item = doc.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("final_price"), "38.97");
  EXPECT_EQ(item.at("name"), "Tea <green> & ]]> more");
  EXPECT_EQ(item.at("subscription").at("frequency_days"), "14");
}

TEST(DocumentTest, AMissingProductStillRendersItsLine) {
  DocumentInput in = Input();
  in.items[0].product.reset();
  in.items[0].subscription.reset();
  std::string xml = RenderXml(in);
  EXPECT_NE(xml.find("<price><![CDATA[0.00]]></price>"), std::string::npos);
  EXPECT_EQ(xml.find("<subscription>"), std::string::npos);
}

}  // namespace
}  // namespace restock::handoff
