// The SNS filter-policy engine: every operator, both scopes, and the errors SNS gives
// for policies it refuses.
#include <gtest/gtest.h>

#include "protocol/api_error.hpp"
#include "services/filter_policy.hpp"

namespace stratus::sns {
namespace {

using Attributes = std::vector<FilterAttribute>;

bool on_attributes(const std::string& policy, const Attributes& attributes) {
  return FilterPolicy::parse(policy, FilterScope::MessageAttributes)
      .matches(FilterPolicy::attributes_document(attributes));
}

bool on_body(const std::string& policy, const std::string& body) {
  return FilterPolicy::parse(policy, FilterScope::MessageBody).matches(FilterPolicy::body_document(body));
}

FilterAttribute text(std::string name, std::string value) { return {std::move(name), "String", std::move(value)}; }
FilterAttribute number(std::string name, std::string value) { return {std::move(name), "Number", std::move(value)}; }
FilterAttribute array(std::string name, std::string json) { return {std::move(name), "String.Array", std::move(json)}; }

std::string refusal(const std::string& policy, FilterScope scope = FilterScope::MessageAttributes) {
  try {
    FilterPolicy::parse(policy, scope);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code, "InvalidParameterException");
    return e.what();
  }
  return "accepted";
}

TEST(FilterPolicy, ExactStringsMatchAnyListedValue) {
  std::string policy = R"({"color": ["red", "blue"]})";
  EXPECT_TRUE(on_attributes(policy, {text("color", "red")}));
  EXPECT_TRUE(on_attributes(policy, {text("color", "blue")}));
  EXPECT_FALSE(on_attributes(policy, {text("color", "green")}));
  EXPECT_FALSE(on_attributes(policy, {text("colour", "red")}));
  EXPECT_FALSE(on_attributes(policy, {}));
}

TEST(FilterPolicy, EveryKeyMustMatch) {
  std::string policy = R"({"color": ["red"], "size": ["L"]})";
  EXPECT_TRUE(on_attributes(policy, {text("color", "red"), text("size", "L")}));
  EXPECT_FALSE(on_attributes(policy, {text("color", "red"), text("size", "M")}));
  EXPECT_FALSE(on_attributes(policy, {text("color", "red")}));
}

TEST(FilterPolicy, NumbersCompareByValueAndNotWithStrings) {
  std::string policy = R"({"price": [100]})";
  EXPECT_TRUE(on_attributes(policy, {number("price", "100")}));
  EXPECT_TRUE(on_attributes(policy, {number("price", "100.0")}));
  EXPECT_TRUE(on_attributes(policy, {number("price", "1e2")}));
  EXPECT_FALSE(on_attributes(policy, {number("price", "101")}));
  EXPECT_FALSE(on_attributes(policy, {text("price", "100")}));
  EXPECT_FALSE(on_attributes(R"({"price": ["100"]})", {number("price", "100")}));
}

TEST(FilterPolicy, PrefixSuffixAndEqualsIgnoreCase) {
  EXPECT_TRUE(on_attributes(R"({"region": [{"prefix": "us-"}]})", {text("region", "us-west-2")}));
  EXPECT_FALSE(on_attributes(R"({"region": [{"prefix": "us-"}]})", {text("region", "eu-west-1")}));
  EXPECT_TRUE(on_attributes(R"({"file": [{"suffix": ".png"}]})", {text("file", "cat.png")}));
  EXPECT_FALSE(on_attributes(R"({"file": [{"suffix": ".png"}]})", {text("file", "cat.jpg")}));
  EXPECT_TRUE(on_attributes(R"({"name": [{"equals-ignore-case": "ALICE"}]})", {text("name", "alice")}));
  EXPECT_FALSE(on_attributes(R"({"name": [{"equals-ignore-case": "ALICE"}]})", {text("name", "alicia")}));
}

TEST(FilterPolicy, AnythingButValuesListsPrefixesAndSuffixes) {
  EXPECT_FALSE(on_attributes(R"({"color": [{"anything-but": "red"}]})", {text("color", "red")}));
  EXPECT_TRUE(on_attributes(R"({"color": [{"anything-but": "red"}]})", {text("color", "blue")}));
  EXPECT_FALSE(on_attributes(R"({"color": [{"anything-but": ["red", "blue"]}]})", {text("color", "blue")}));
  EXPECT_TRUE(on_attributes(R"({"color": [{"anything-but": ["red", "blue"]}]})", {text("color", "green")}));
  EXPECT_FALSE(on_attributes(R"({"n": [{"anything-but": [1, 2]}]})", {number("n", "2")}));
  EXPECT_TRUE(on_attributes(R"({"n": [{"anything-but": [1, 2]}]})", {number("n", "3")}));
  EXPECT_FALSE(on_attributes(R"({"id": [{"anything-but": {"prefix": "test-"}}]})", {text("id", "test-1")}));
  EXPECT_TRUE(on_attributes(R"({"id": [{"anything-but": {"prefix": "test-"}}]})", {text("id", "prod-1")}));
  EXPECT_FALSE(on_attributes(R"({"f": [{"anything-but": {"suffix": ".tmp"}}]})", {text("f", "a.tmp")}));
  EXPECT_TRUE(on_attributes(R"({"f": [{"anything-but": {"suffix": ".tmp"}}]})", {text("f", "a.txt")}));
  // anything-but needs the attribute to be there
  EXPECT_FALSE(on_attributes(R"({"color": [{"anything-but": "red"}]})", {}));
}

TEST(FilterPolicy, NumericRangesAndEquality) {
  std::string range = R"({"price": [{"numeric": [">", 0, "<=", 150]}]})";
  EXPECT_FALSE(on_attributes(range, {number("price", "0")}));
  EXPECT_TRUE(on_attributes(range, {number("price", "0.5")}));
  EXPECT_TRUE(on_attributes(range, {number("price", "150")}));
  EXPECT_FALSE(on_attributes(range, {number("price", "150.01")}));
  EXPECT_FALSE(on_attributes(range, {text("price", "100")}));
  EXPECT_TRUE(on_attributes(R"({"p": [{"numeric": ["=", 3.5]}]})", {number("p", "3.50")}));
  EXPECT_TRUE(on_attributes(R"({"p": [{"numeric": ["<", 0]}]})", {number("p", "-1")}));
  EXPECT_TRUE(on_attributes(R"({"p": [{"numeric": [">=", 10]}]})", {number("p", "10")}));
}

TEST(FilterPolicy, ExistsTrueAndFalse) {
  EXPECT_TRUE(on_attributes(R"({"store": [{"exists": true}]})", {text("store", "x")}));
  EXPECT_FALSE(on_attributes(R"({"store": [{"exists": true}]})", {text("other", "x")}));
  EXPECT_TRUE(on_attributes(R"({"store": [{"exists": false}]})", {text("other", "x")}));
  EXPECT_FALSE(on_attributes(R"({"store": [{"exists": false}]})", {text("store", "x")}));
}

TEST(FilterPolicy, CidrMatchesAddressesInTheNetwork) {
  std::string v4 = R"({"source_ip": [{"cidr": "10.0.0.0/24"}]})";
  EXPECT_TRUE(on_attributes(v4, {text("source_ip", "10.0.0.255")}));
  EXPECT_FALSE(on_attributes(v4, {text("source_ip", "10.0.1.0")}));
  EXPECT_FALSE(on_attributes(v4, {text("source_ip", "not an address")}));
  std::string v6 = R"({"ip": [{"cidr": "2001:db8::/32"}]})";
  EXPECT_TRUE(on_attributes(v6, {text("ip", "2001:db8:1::1")}));
  EXPECT_FALSE(on_attributes(v6, {text("ip", "2001:db9::1")}));
}

TEST(FilterPolicy, StringArrayAttributesMatchOnAnyElement) {
  std::string policy = R"({"sizes": ["M"]})";
  EXPECT_TRUE(on_attributes(policy, {array("sizes", R"(["S", "M"])")}));
  EXPECT_FALSE(on_attributes(policy, {array("sizes", R"(["S", "L"])")}));
  EXPECT_TRUE(on_attributes(R"({"n": [{"numeric": [">", 5]}]})", {array("n", "[1, 7]")}));
}

TEST(FilterPolicy, BinaryAttributesOnlyExist) {
  FilterAttribute blob{"data", "Binary", ""};
  EXPECT_FALSE(on_attributes(R"({"data": ["x"]})", {blob}));
  EXPECT_TRUE(on_attributes(R"({"data": [{"exists": true}]})", {blob}));
}

TEST(FilterPolicy, OrCombinesAlternatives) {
  std::string policy = R"({"source": ["aws.cloudwatch"], "$or": [{"metric": ["CPU"]}, {"namespace": ["AWS/EC2"]}]})";
  EXPECT_TRUE(on_attributes(policy, {text("source", "aws.cloudwatch"), text("metric", "CPU")}));
  EXPECT_TRUE(on_attributes(policy, {text("source", "aws.cloudwatch"), text("namespace", "AWS/EC2")}));
  EXPECT_FALSE(on_attributes(policy, {text("source", "aws.cloudwatch"), text("metric", "Disk")}));
  EXPECT_FALSE(on_attributes(policy, {text("source", "other"), text("metric", "CPU")}));
}

TEST(FilterPolicy, BodyScopeMatchesNestedKeysAndArrays) {
  std::string policy = R"({"order": {"status": ["paid"], "total": [{"numeric": [">=", 100]}]}})";
  EXPECT_TRUE(on_body(policy, R"({"order": {"status": "paid", "total": 250}})"));
  EXPECT_FALSE(on_body(policy, R"({"order": {"status": "paid", "total": 50}})"));
  EXPECT_FALSE(on_body(policy, R"({"order": {"status": "open", "total": 250}})"));
  EXPECT_FALSE(on_body(policy, R"({"status": "paid", "total": 250})"));
  EXPECT_TRUE(on_body(R"({"tags": ["blue"]})", R"({"tags": ["red", "blue"]})"));
  EXPECT_TRUE(on_body(R"({"flag": [true]})", R"({"flag": true})"));
  EXPECT_TRUE(on_body(R"({"gone": [null]})", R"({"gone": null})"));
  EXPECT_TRUE(on_body(R"({"missing": [{"exists": false}]})", R"({"other": 1})"));
}

TEST(FilterPolicy, BodyThatIsNotJsonMatchesNothing) {
  EXPECT_FALSE(on_body(R"({"a": ["b"]})", "plain text"));
  EXPECT_FALSE(on_body(R"({"a": ["b"]})", "[1, 2]"));
}

TEST(FilterPolicy, RefusesMalformedPolicies) {
  EXPECT_EQ(refusal("not json"), "Invalid parameter: FilterPolicy: failed to parse JSON.");
  EXPECT_EQ(refusal("[1]"), "Invalid parameter: FilterPolicy: Filter policy must be a JSON object");
  EXPECT_EQ(refusal(R"({"a": []})"), "Invalid parameter: FilterPolicy: Empty arrays are not allowed");
  EXPECT_EQ(refusal(R"({"a": [{"wildcard-ish": "x"}]})"),
            "Invalid parameter: FilterPolicy: Unrecognized match type wildcard-ish");
  EXPECT_EQ(refusal(R"({"a": [{"prefix": 5}]})"), "Invalid parameter: FilterPolicy: prefix match pattern must be a string");
  EXPECT_EQ(refusal(R"({"a": [{"exists": "yes"}]})"),
            "Invalid parameter: FilterPolicy: exists match pattern must be either true or false.");
  EXPECT_EQ(refusal(R"({"a": [{"numeric": [">", "five"]}]})"), "Invalid parameter: FilterPolicy: Value of > must be numeric");
  EXPECT_EQ(refusal(R"({"a": [{"numeric": ["<", 5, ">", 1]}]})"),
            "Invalid parameter: FilterPolicy: Too many elements in numeric expression");
  EXPECT_EQ(refusal(R"({"a": [{"numeric": [">", 5, "<", 1]}]})"), "Invalid parameter: FilterPolicy: Bottom must be less than top");
  EXPECT_EQ(refusal(R"({"a": [{"cidr": "10.0.0.0"}]})"), "Invalid parameter: FilterPolicy: Malformed CIDR, one '/' required");
  EXPECT_EQ(refusal(R"({"a": [[1]]})"),
            "Invalid parameter: FilterPolicy: Match value must be String, number, true, false, or null");
}

TEST(FilterPolicy, AttributeScopeRefusesNesting) {
  EXPECT_EQ(refusal(R"({"a": {"b": ["c"]}})"),
            "Invalid parameter: FilterPolicy: Filter policy scope MessageAttributes does not support nested filter "
            "policy");
  EXPECT_EQ(refusal(R"({"a": {"b": ["c"]}})", FilterScope::MessageBody), "accepted");
}

TEST(FilterPolicy, EnforcesKeyAndCombinationLimits) {
  EXPECT_EQ(refusal(R"({"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"], "f": ["1"]})"),
            "Invalid parameter: FilterPolicy: Filter policy can not have more than 5 keys");
  EXPECT_EQ(refusal(R"({"a": ["1"], "b": ["1"], "c": ["1"], "d": ["1"], "e": ["1"]})"), "accepted");
  // 6 x 6 x 5 = 180 combinations, over the 150 AWS allows
  EXPECT_EQ(refusal(R"({"a": ["1","2","3","4","5","6"], "b": ["1","2","3","4","5","6"], "c": ["1","2","3","4","5"]})"),
            "Invalid parameter: FilterPolicy: Filter policy is too complex");
}

}  // namespace
}  // namespace stratus::sns
