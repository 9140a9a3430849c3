#include "core/target_policy.h"

#include <gtest/gtest.h>

namespace restock::core {
namespace {

IpAddress Ip(std::string_view text) {
  std::optional<IpAddress> a = ParseIpLiteral(text);
  EXPECT_TRUE(a) << text;
  return a.value_or(IpAddress{});
}

TEST(TargetPolicyTest, RefusesEachRestrictedKindByDefault) {
  const TargetPolicy policy;
  struct Case {
    const char* address;
    const char* kind;
  };
  for (const Case& c :
       {Case{"127.0.0.1", "loopback"}, Case{"127.255.0.9", "loopback"}, Case{"::1", "loopback"},
        Case{"[::1]", "loopback"}, Case{"::ffff:127.0.0.1", "loopback"},
        Case{"169.254.169.254", "link-local"}, Case{"fe80::1", "link-local"},
        Case{"10.0.0.1", "private"}, Case{"172.31.255.255", "private"},
        Case{"192.168.1.1", "private"}, Case{"100.64.0.1", "private"}, Case{"fd12::1", "private"},
        Case{"0.0.0.0", "unspecified"}, Case{"::", "unspecified"}}) {
    SCOPED_TRACE(c.address);
    Status s = policy.Check(Ip(c.address));
    EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
    EXPECT_NE(s.message().find(c.kind), std::string::npos) << s.message();
  }
  for (const char* ok : {"93.184.216.34", "172.32.0.1", "192.169.0.1", "2606:4700::1111",
                         "11.0.0.1", "::ffff:8.8.8.8"}) {
    EXPECT_TRUE(policy.Check(Ip(ok)).ok()) << ok;
  }
}

TEST(TargetPolicyTest, ParsesNumericHostsAsTheResolverDoes) {
  EXPECT_EQ(Ip("127.1").ToString(), "127.0.0.1");
  EXPECT_EQ(Ip("2130706433").ToString(), "127.0.0.1");
  EXPECT_EQ(Ip("0x7f.0.0.1").ToString(), "127.0.0.1");
  EXPECT_FALSE(ParseIpLiteral("localhost"));
  EXPECT_FALSE(ParseIpLiteral("example.com"));
  EXPECT_FALSE(ParseIpLiteral(""));
}

TEST(TargetPolicyTest, AllowsExactlyTheListedRanges) {
  auto ranges = ParseCidrList(" 127.0.0.0/8 , ::1/128,10.1.0.0/16");
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  const TargetPolicy policy(*ranges);
  EXPECT_TRUE(policy.Check(Ip("127.0.0.1")).ok());
  EXPECT_TRUE(policy.Check(Ip("::1")).ok());
  EXPECT_TRUE(policy.Check(Ip("10.1.200.3")).ok());
  EXPECT_FALSE(policy.Check(Ip("10.2.0.1")).ok());
  EXPECT_FALSE(policy.Check(Ip("169.254.169.254")).ok());
  // An IPv4-mapped IPv6 address is inside the IPv4 range.
  EXPECT_TRUE(policy.Check(Ip("::ffff:127.0.0.1")).ok());
}

TEST(TargetPolicyTest, RefusesMalformedRanges) {
  for (const char* bad :
       {"10.0.0.0/33", "::/129", "10.0.0/8", "x", "10.0.0.0/", "10.0.0.0/a", "127.0.0.0/8,,"}) {
    EXPECT_EQ(ParseCidrList(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(ParseCidrList("").ok());
  EXPECT_TRUE(ParseCidrList("10.0.0.1").ok());
}

TEST(TargetPolicyTest, HostLiteralRefusalIsInvalidArgumentAndNamesPass) {
  const TargetPolicy policy;
  EXPECT_EQ(policy.CheckHostLiteral("127.0.0.1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(policy.CheckHostLiteral("[::1]").code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(policy.CheckHostLiteral("localhost").ok());  // checked when connecting
  EXPECT_TRUE(policy.CheckHostLiteral("8.8.8.8").ok());
}


}  // namespace
}  // namespace restock::core
