#include <gtest/gtest.h>

#include "protocol/json.hpp"

namespace stratus {

TEST(Json, RoundTripsNestedDocuments) {
  Value v = json::parse(R"({"a":[1,2.5,"x",true,null],"b":{"c":"d"}})");
  EXPECT_EQ(json::write(v), R"({"a":[1,2.5,"x",true,null],"b":{"c":"d"}})");
}

}  // namespace stratus
