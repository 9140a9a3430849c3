#include "core/redact.h"

#include <gtest/gtest.h>

namespace restock::core {
namespace {

TEST(RedactUrlPasswordTest, MasksTheUserInfoPasswordAndPasswordParameters) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"postgresql://u:s3cret@db:5432/restock", "postgresql://u:***@db:5432/restock"},
      {"postgres://u:p%40ss@h", "postgres://u:***@h"},
      {"postgresql://u:a@b@h/db", "postgresql://u:***@h/db"},  // '@' inside the password
      {"postgresql://u:@h/db", "postgresql://u:***@h/db"},
      {"postgresql://u@h/db?password=s3cret&sslmode=require",
       "postgresql://u@h/db?password=***&sslmode=require"},
      {"postgresql://h/db?sslmode=require&PASSWORD=x#f", "postgresql://h/db?sslmode=require&PASSWORD=***#f"},
      {"postgresql://u@h:5432/db", "postgresql://u@h:5432/db"},
      {"postgresql://h?password=x", "postgresql://h?password=***"},
      {"./restock.db", "./restock.db"},
      {"sqlite:/var/lib/restock/r.db", "sqlite:/var/lib/restock/r.db"},
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(RedactUrlPassword(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace restock::core
