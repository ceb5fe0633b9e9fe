#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/api_error.hpp"
#include "protocol/checksums.hpp"
#include "services/sqs/message_attributes.hpp"

namespace stratus::sqs {
namespace {

// AWS's documented digest of message attributes, built here independently of the
// service: for each attribute in name order, the 4-byte big-endian length and bytes
// of the name, the same for the data type, one transport byte (1 String/Number,
// 2 Binary), then the length and bytes of the value; MD5 over the concatenation.
struct Attr {
  std::string name, type;
  std::string value;
  bool binary;
};

void put_length_prefixed(std::vector<unsigned char>& out, const std::string& bytes) {
  auto n = static_cast<std::uint32_t>(bytes.size());
  out.push_back(static_cast<unsigned char>((n >> 24) & 0xff));
  out.push_back(static_cast<unsigned char>((n >> 16) & 0xff));
  out.push_back(static_cast<unsigned char>((n >> 8) & 0xff));
  out.push_back(static_cast<unsigned char>(n & 0xff));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

std::string openssl_md5_hex(const std::vector<unsigned char>& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

// `attrs` must already be in name order.
std::string expected_md5(const std::vector<Attr>& attrs) {
  std::vector<unsigned char> buffer;
  for (const auto& a : attrs) {
    put_length_prefixed(buffer, a.name);
    put_length_prefixed(buffer, a.type);
    buffer.push_back(a.binary ? 2 : 1);
    put_length_prefixed(buffer, a.value);
  }
  return openssl_md5_hex(buffer);
}

Value string_attr(const std::string& type, const std::string& value) {
  return Value(Object{{"DataType", Value(type)}, {"StringValue", Value(value)}});
}

Value binary_attr(const std::string& type, const std::string& base64) {
  return Value(Object{{"DataType", Value(type)}, {"BinaryValue", Value(base64)}});
}

void expect_invalid(const Value& input) {
  try {
    parse_message_attributes(&input);
    ADD_FAILURE() << "accepted " << input.as_object().front().first;
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code, "InvalidParameterValue");
    EXPECT_EQ(e.status, 400);
    EXPECT_TRUE(e.sender);
  }
}

void expect_invalid_name(const std::string& name) {
  SCOPED_TRACE("name '" + name + "'");
  expect_invalid(Value(Object{{name, string_attr("String", "v")}}));
}

std::vector<std::string> names_of(const MessageAttributes& attributes) {
  std::vector<std::string> names;
  for (const auto& [name, a] : attributes) names.push_back(name);
  return names;
}

}  // namespace

TEST(MessageAttributesMd5, BodyDigestIsPlainMd5) {
  EXPECT_EQ(checksums::md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
}

TEST(MessageAttributesMd5, MatchesTheValueTheAwsCliVerifiesForOneStringAttribute) {
  MessageAttributes attributes{{"a", {"String", "x"}}};
  EXPECT_EQ(attributes_md5(attributes), "a512aac9938034acb0b3c3d965944bf1");
  EXPECT_EQ(expected_md5({{"a", "String", "x", false}}), "a512aac9938034acb0b3c3d965944bf1");
}

TEST(MessageAttributesMd5, IsEmptyWithoutAttributes) { EXPECT_EQ(attributes_md5({}), ""); }

TEST(MessageAttributesMd5, CoversSeveralAttributesInNameOrder) {
  Value input(Object{{"zeta", string_attr("Number", "42")},
                     {"alpha", string_attr("String", "first")},
                     {"Mid", string_attr("String.custom", "m")}});
  MessageAttributes attributes = parse_message_attributes(&input);
  // Byte order: "Mid" < "alpha" < "zeta".
  EXPECT_EQ(attributes_md5(attributes), expected_md5({{"Mid", "String.custom", "m", false},
                                                      {"alpha", "String", "first", false},
                                                      {"zeta", "Number", "42", false}}));
}

TEST(MessageAttributesMd5, UsesTransportTypeTwoAndTheRawBytesForBinary) {
  // "AAEC/w==" is 00 01 02 ff.
  Value input(Object{{"bin", binary_attr("Binary", "AAEC/w==")}, {"s", string_attr("String", "v")}});
  MessageAttributes attributes = parse_message_attributes(&input);
  EXPECT_EQ(attributes.at("bin").value, std::string("\x00\x01\x02\xff", 4));
  EXPECT_EQ(attributes_md5(attributes), expected_md5({{"bin", "Binary", std::string("\x00\x01\x02\xff", 4), true},
                                                      {"s", "String", "v", false}}));
  // The transport byte matters: the same bytes as a String digest differently.
  EXPECT_NE(attributes_md5(attributes), expected_md5({{"bin", "Binary", std::string("\x00\x01\x02\xff", 4), false},
                                                      {"s", "String", "v", false}}));
}

TEST(MessageAttributesMd5, CustomBinaryTypesAreStillBinary) {
  MessageAttributes attributes{{"img", {"Binary.png", std::string("\x89PNG", 4)}}};
  EXPECT_EQ(attributes_md5(attributes), expected_md5({{"img", "Binary.png", std::string("\x89PNG", 4), true}}));
}

TEST(MessageAttributesMd5, LengthsAreFourByteBigEndian) {
  std::string long_value(300, 'v');  // 0x0000012c: a single length byte would not do
  MessageAttributes attributes{{"n", {"String", long_value}}};
  EXPECT_EQ(attributes_md5(attributes), expected_md5({{"n", "String", long_value, false}}));
}

TEST(MessageAttributesMd5, TraceHeaderDigestIsTheSystemAttributeDigest) {
  EXPECT_EQ(trace_header_md5(""), "");
  EXPECT_EQ(trace_header_md5("Root=1-5759e988-bd862e3fe1be46a994272793"),
            expected_md5({{"AWSTraceHeader", "String", "Root=1-5759e988-bd862e3fe1be46a994272793", false}}));
}

TEST(MessageAttributesParse, NoInputMeansNoAttributes) {
  EXPECT_TRUE(parse_message_attributes(nullptr).empty());
  Value empty = Value::object();
  EXPECT_TRUE(parse_message_attributes(&empty).empty());
}

TEST(MessageAttributesParse, KeepsTypesAndValues) {
  Value input(Object{{"s", string_attr("String", "text")},
                     {"n", string_attr("Number.float", "-1.5e3")},
                     {"b", binary_attr("Binary", "aGk=")}});
  MessageAttributes a = parse_message_attributes(&input);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.at("s"), (MessageAttribute{"String", "text"}));
  EXPECT_EQ(a.at("n"), (MessageAttribute{"Number.float", "-1.5e3"}));
  EXPECT_EQ(a.at("b"), (MessageAttribute{"Binary", "hi"}));
  EXPECT_TRUE(a.at("b").is_binary());
  EXPECT_FALSE(a.at("s").is_binary());
}

TEST(MessageAttributesParse, AllowsTenAttributesButNotEleven) {
  Value ten = Value::object();
  for (int i = 0; i < 10; ++i) ten.set("a" + std::to_string(i), string_attr("String", "v"));
  EXPECT_EQ(parse_message_attributes(&ten).size(), 10u);
  Value eleven = ten;
  eleven.set("a10", string_attr("String", "v"));
  expect_invalid(eleven);
}

TEST(MessageAttributesParse, RejectsReservedAndMalformedNames) {
  for (const char* name : {"AWS.x", "aws.x", "Aws.Thing", "Amazon.y", "amazon.y", ".a", "a.", "a..b", "", "a b",
                           "a/b", "a:b"})
    expect_invalid_name(name);
  expect_invalid_name(std::string(257, 'n'));
}

TEST(MessageAttributesParse, AcceptsValidNames) {
  for (const char* name : {"a", "a.b", "A-b_c.1", "AWSx", "Amazonian", "x.AWS.y"}) {
    Value input(Object{{name, string_attr("String", "v")}});
    EXPECT_NO_THROW(parse_message_attributes(&input)) << name;
  }
  Value longest(Object{{std::string(256, 'n'), string_attr("String", "v")}});
  EXPECT_NO_THROW(parse_message_attributes(&longest));
}

TEST(MessageAttributesParse, RejectsMissingOrUnknownDataTypes) {
  expect_invalid(Value(Object{{"a", Value(Object{{"StringValue", Value("v")}})}}));
  expect_invalid(Value(Object{{"a", string_attr("", "v")}}));
  expect_invalid(Value(Object{{"a", string_attr("Text", "v")}}));
  expect_invalid(Value(Object{{"a", string_attr("string", "v")}}));
  expect_invalid(Value(Object{{"a", string_attr("String." + std::string(250, 'x'), "v")}}));
}

TEST(MessageAttributesParse, AcceptsCustomTypeSuffixes) {
  Value input(Object{{"a", string_attr("String.json", "{}")},
                     {"b", string_attr("Number.int", "7")},
                     {"c", binary_attr("Binary.gif", "R0lG")}});
  EXPECT_EQ(parse_message_attributes(&input).size(), 3u);
}

TEST(MessageAttributesParse, RejectsEmptyOrMissingValues) {
  expect_invalid(Value(Object{{"a", string_attr("String", "")}}));
  expect_invalid(Value(Object{{"a", Value(Object{{"DataType", Value("String")}})}}));
  expect_invalid(Value(Object{{"a", binary_attr("Binary", "")}}));
  // A Binary attribute's value must be in BinaryValue, a String's in StringValue.
  expect_invalid(Value(Object{{"a", string_attr("Binary", "aGk=")}}));
  expect_invalid(Value(Object{{"a", binary_attr("String", "aGk=")}}));
}

TEST(MessageAttributesParse, RejectsInvalidBase64) {
  expect_invalid(Value(Object{{"a", binary_attr("Binary", "not base64!")}}));
  expect_invalid(Value(Object{{"a", binary_attr("Binary", "abc")}}));
}

TEST(MessageAttributesParse, RejectsNonNumericNumbers) {
  for (const char* text : {"abc", "1.2.3", "1e", "e5", "--1", "1,5", "0x10", "+", ".", "1-"})
    expect_invalid(Value(Object{{"n", string_attr("Number", text)}}));
  // At most 38 digits of precision.
  expect_invalid(Value(Object{{"n", string_attr("Number", std::string(39, '9'))}}));
  Value digits38(Object{{"n", string_attr("Number", std::string(38, '9'))}});
  EXPECT_NO_THROW(parse_message_attributes(&digits38));
}

TEST(MessageAttributesParse, AcceptsNumbersAwsAccepts) {
  for (const char* text : {"0", "-1", "1.5", "0.25", "1e10", "1E-3", "-2.5e+7"}) {
    Value input(Object{{"n", string_attr("Number", text)}});
    EXPECT_NO_THROW(parse_message_attributes(&input)) << text;
  }
}

TEST(MessageAttributesParse, TraceHeaderComesFromTheSystemAttribute) {
  EXPECT_EQ(parse_trace_header(nullptr), "");
  Value input(Object{{"AWSTraceHeader", string_attr("String", "Root=1-abc")}});
  EXPECT_EQ(parse_trace_header(&input), "Root=1-abc");
  Value other(Object{{"Other", string_attr("String", "x")}});
  EXPECT_THROW(parse_trace_header(&other), ApiError);
  Value wrong_type(Object{{"AWSTraceHeader", string_attr("Number", "1")}});
  EXPECT_THROW(parse_trace_header(&wrong_type), ApiError);
}

TEST(MessageAttributesSize, CountsNameTypeAndValueBytes) {
  MessageAttributes attributes{{"ab", {"String", "xyz"}}, {"b", {"Binary", std::string(4, '\0')}}};
  EXPECT_EQ(attributes_size(attributes), 2u + 6 + 3 + 1 + 6 + 4);
}

class SelectAttributes : public ::testing::Test {
 protected:
  MessageAttributes attributes{{"foo", {"String", "1"}},
                               {"foo.bar", {"String", "2"}},
                               {"foobar", {"String", "3"}},
                               {"other", {"Number", "4"}},
                               {"Foo.caps", {"String", "5"}}};
};

TEST_F(SelectAttributes, AllSelectsEverything) {
  EXPECT_EQ(select_attributes(attributes, {"All"}), attributes);
}

TEST_F(SelectAttributes, DotStarSelectsEverything) {
  EXPECT_EQ(select_attributes(attributes, {".*"}), attributes);
}

TEST_F(SelectAttributes, PrefixStarSelectsNamesStartingWithThePrefix) {
  EXPECT_EQ(names_of(select_attributes(attributes, {"foo.*"})),
            (std::vector<std::string>{"foo", "foo.bar", "foobar"}));
}

TEST_F(SelectAttributes, ExactNamesSelectOnlyThoseNames) {
  EXPECT_EQ(names_of(select_attributes(attributes, {"other", "foo", "missing"})),
            (std::vector<std::string>{"foo", "other"}));
  EXPECT_TRUE(select_attributes(attributes, {"fo"}).empty());
  EXPECT_TRUE(select_attributes(attributes, {"FOO"}).empty());
}

TEST_F(SelectAttributes, NoNamesSelectNothing) {
  EXPECT_TRUE(select_attributes(attributes, {}).empty());
}

TEST_F(SelectAttributes, KeepsValuesAndTypes) {
  auto selected = select_attributes(attributes, {"other"});
  EXPECT_EQ(selected.at("other"), (MessageAttribute{"Number", "4"}));
}

TEST(MessageAttributesToValue, WritesBinaryAsBase64AndStringsAsText) {
  MessageAttributes attributes{{"b", {"Binary", std::string("\x00\xff", 2)}}, {"s", {"String", "x"}}};
  Value v = attributes_to_value(attributes);
  EXPECT_EQ(v, Value(Object{{"b", Value(Object{{"BinaryValue", Value("AP8=")}, {"DataType", Value("Binary")}})},
                            {"s", Value(Object{{"StringValue", Value("x")}, {"DataType", Value("String")}})}}));
}

TEST(MessageAttributesParse, StringValuesFollowTheBodyCharacterRules) {
  expect_invalid(Value(Object{{"s", string_attr("String", std::string("a\x01z", 3))}}));
  expect_invalid(Value(Object{{"s", string_attr("String", "\xC3\x28")}}));  // malformed UTF-8
  Value ok(Object{{"s", string_attr("String", "tab\there \xE2\x82\xAC\n")}});
  EXPECT_NO_THROW(parse_message_attributes(&ok));
}

TEST(MessageText, AcceptsExactlyTheCharactersAwsAllows) {
  EXPECT_TRUE(valid_message_text("plain \t\r\n text"));
  EXPECT_TRUE(valid_message_text("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_FALSE(valid_message_text(std::string(1, '\0')));
  EXPECT_FALSE(valid_message_text("\x1F"));
  EXPECT_FALSE(valid_message_text("\xEF\xBF\xBE"));  // U+FFFE
  EXPECT_FALSE(valid_message_text("\xED\xA0\x80"));  // a UTF-16 surrogate
  EXPECT_FALSE(valid_message_text("\xE2\x82"));      // truncated
}

}  // namespace stratus::sqs
