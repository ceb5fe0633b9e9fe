// AttributeValue: the wire form in and out, DynamoDB's validation messages, item size
// as DynamoDB counts it, and key bytes that sort as DynamoDB sorts keys.
#include <gtest/gtest.h>

#include "protocol/api_error.hpp"
#include "protocol/json.hpp"
#include "services/dynamodb/attribute_value.hpp"
#include "services/dynamodb/item_codec.hpp"

namespace stratus::dynamodb {
namespace {

AttributeValue parse(const char* json_text) { return AttributeValue::parse(json::parse(json_text)); }

std::string error_of(const char* json_text) {
  try {
    parse(json_text);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code, "ValidationException");
    return e.what();
  }
  return "no error";
}

TEST(DynamoAttributeValue, EveryTypeRoundTrips) {
  for (const char* text : {R"({"S":"hello"})", R"({"N":"-12.5"})", R"({"B":"AAEC"})", R"({"BOOL":true})",
                           R"({"NULL":true})", R"({"SS":["a","b"]})", R"({"NS":["1","2.5"]})", R"({"BS":["AA==","AQ=="]})",
                           R"({"L":[{"S":"x"},{"N":"1"}]})", R"({"M":{"a":{"S":"x"},"b":{"L":[]}}})"}) {
    EXPECT_EQ(json::write(parse(text).to_value()), text);
  }
}

TEST(DynamoAttributeValue, NumbersComeBackNormalized) {
  EXPECT_EQ(json::write(parse(R"({"N":"001.50"})").to_value()), R"({"N":"1.5"})");
  EXPECT_EQ(json::write(parse(R"({"N":"1e3"})").to_value()), R"({"N":"1000"})");
}

TEST(DynamoAttributeValue, ExactlyOneType) {
  EXPECT_EQ(error_of("{}"), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(error_of(R"({"S":"a","N":"1"})"),
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
}

TEST(DynamoAttributeValue, NullMustBeTrue) {
  EXPECT_EQ(error_of(R"({"NULL":false})"),
            "One or more parameter values were invalid: Null attribute value types must have the value of true");
}

TEST(DynamoAttributeValue, SetsAreNeitherEmptyNorRepeated) {
  EXPECT_EQ(error_of(R"({"SS":[]})"), "One or more parameter values were invalid: An string set  may not be empty");
  EXPECT_EQ(error_of(R"({"NS":[]})"), "One or more parameter values were invalid: An number set  may not be empty");
  EXPECT_EQ(error_of(R"({"BS":[]})"), "One or more parameter values were invalid: Binary sets should not be empty");
  EXPECT_EQ(error_of(R"({"SS":["a","b","a"]})"),
            "One or more parameter values were invalid: Input collection [a, b, a] contains duplicates.");
  // Numbers are compared by value: 1 and 1.0 are the same number.
  EXPECT_EQ(error_of(R"({"NS":["1","1.0"]})"),
            "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.");
}

TEST(DynamoAttributeValue, BadNumbersAreRefused) {
  EXPECT_NE(error_of(R"({"N":"abc"})"), "no error");
  EXPECT_NE(error_of(R"({"N":"1e126"})"), "no error");
}

TEST(DynamoAttributeValue, NestingIsLimitedTo32Levels) {
  std::string deep = R"({"S":"x"})";
  for (int i = 0; i < 32; ++i) deep = R"({"L":[)" + deep + "]}";
  EXPECT_NO_THROW(parse(deep.c_str()));
  deep = R"({"L":[)" + deep + "]}";
  EXPECT_EQ(error_of(deep.c_str()), "Nesting Levels have exceeded supported limits");
}

TEST(DynamoAttributeValue, SizesAsDynamoDbCountsThem) {
  EXPECT_EQ(parse(R"({"S":"héllo"})").size(), 6u);  // UTF-8 bytes
  EXPECT_EQ(parse(R"({"B":"AAECAw=="})").size(), 4u);
  EXPECT_EQ(parse(R"({"BOOL":false})").size(), 1u);
  EXPECT_EQ(parse(R"({"NULL":true})").size(), 1u);
  EXPECT_EQ(parse(R"({"N":"12345"})").size(), 4u);    // 5 digits: 3 bytes + 1
  EXPECT_EQ(parse(R"({"N":"1000"})").size(), 2u);     // trailing zeros are not stored
  EXPECT_EQ(parse(R"({"L":[]})").size(), 3u);
  EXPECT_EQ(parse(R"({"L":[{"S":"ab"}]})").size(), 3u + 1 + 2);
  EXPECT_EQ(parse(R"({"M":{"k":{"S":"ab"}}})").size(), 3u + 1 + 1 + 2);
  EXPECT_EQ(parse(R"({"SS":["a","bc"]})").size(), 3u);
  Item item = AttributeValue::parse_item(json::parse(R"({"id":{"S":"abc"},"n":{"N":"1"}})"));
  EXPECT_EQ(item_size(item), 2u + 3 + 1 + 2);
}

TEST(DynamoAttributeValue, KeyBytesSortAsDynamoDbSorts) {
  auto key = [](const char* text) { return parse(text).key_bytes(); };
  EXPECT_LT(key(R"({"N":"-10"})"), key(R"({"N":"-9.5"})"));
  EXPECT_LT(key(R"({"N":"-1"})"), key(R"({"N":"0"})"));
  EXPECT_LT(key(R"({"N":"2"})"), key(R"({"N":"10"})"));
  EXPECT_LT(key(R"({"S":"B"})"), key(R"({"S":"a"})"));   // by UTF-8 bytes
  EXPECT_LT(key(R"({"S":"a"})"), key(R"({"S":"ab"})"));
  EXPECT_LT(key(R"({"S":"z"})"), key(R"({"S":"é"})"));
  EXPECT_LT(key(R"({"B":"AA=="})"), key(R"({"B":"/w=="})"));
}

TEST(DynamoAttributeValue, EqualityIgnoresSetOrder) {
  EXPECT_EQ(parse(R"({"SS":["a","b"]})"), parse(R"({"SS":["b","a"]})"));
  EXPECT_EQ(parse(R"({"NS":["1","2"]})"), parse(R"({"NS":["2.0","1"]})"));
  EXPECT_FALSE(parse(R"({"S":"1"})") == parse(R"({"N":"1"})"));
  EXPECT_EQ(parse(R"({"M":{"a":{"L":[{"N":"1"}]}}})"), parse(R"({"M":{"a":{"L":[{"N":"1.0"}]}}})"));
}

TEST(DynamoItemCodec, EveryTypeComesBackAsItWasStored) {
  std::string text = R"({"s":{"S":"text"},"empty":{"S":""},"n":{"N":"-12.5E3"},"b":{"B":"AP8="},"t":{"BOOL":true},)"
                     R"("f":{"BOOL":false},"z":{"NULL":true},"ss":{"SS":["a","b"]},"ns":{"NS":["1","2.5"]},"bs":{"BS":["AA=="]},)"
                     R"("l":{"L":[{"S":"x"},{"L":[]},{"M":{}}]},"m":{"M":{"deep":{"M":{"k":{"N":"1"}}}}},"long":{"S":")" +
                     std::string(300, 'x') + R"("}})";
  Item item = AttributeValue::parse_item(json::parse(text));
  std::string stored = encode_item(item);
  EXPECT_EQ(decode_item(stored), item);
  EXPECT_EQ(json::write(AttributeValue::item_value(decode_item(stored))), json::write(AttributeValue::item_value(item)));
}

TEST(DynamoItemCodec, ItemsStoredAsJsonStillRead) {
  Item item = decode_item(R"({"k":{"S":"v"},"n":{"N":"1"}})");
  EXPECT_EQ(item.at("k").as_string(), "v");
  EXPECT_THROW(decode_item(std::string(1, '\x7f')), std::runtime_error);
  EXPECT_THROW(decode_item(encode_item(item).substr(0, 4)), std::runtime_error);
}

}  // namespace
}  // namespace stratus::dynamodb
