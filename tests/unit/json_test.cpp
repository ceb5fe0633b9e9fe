#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "protocol/json.hpp"

namespace stratus {
namespace {

std::string nested_arrays(int depth) {
  return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']');
}

}  // namespace

TEST(Json, RoundTripsNestedDocuments) {
  Value v = json::parse(R"({"a":[1,2.5,"x",true,null],"b":{"c":"d"}})");
  EXPECT_EQ(json::write(v), R"({"a":[1,2.5,"x",true,null],"b":{"c":"d"}})");
}

TEST(Json, ParsesEveryScalarTypeToTheMatchingValueKind) {
  Value v = json::parse(R"({"i":-7,"d":0.25,"s":"t","t":true,"f":false,"n":null,"a":[],"o":{}})");
  ASSERT_TRUE(v.is_object());
  EXPECT_TRUE(v.find("i")->is_int());
  EXPECT_EQ(v.find("i")->as_int(), -7);
  EXPECT_TRUE(v.find("d")->is_double());
  EXPECT_DOUBLE_EQ(v.find("d")->as_double(), 0.25);
  EXPECT_EQ(v.find("s")->as_string(), "t");
  EXPECT_TRUE(v.find("t")->as_bool());
  EXPECT_FALSE(v.find("f")->as_bool());
  EXPECT_TRUE(v.find("n")->is_null());
  EXPECT_TRUE(v.find("a")->is_array());
  EXPECT_TRUE(v.find("a")->as_array().empty());
  EXPECT_TRUE(v.find("o")->is_object());
  EXPECT_TRUE(v.find("o")->as_object().empty());
}

TEST(Json, KeepsObjectMembersInDocumentOrder) {
  Value v = json::parse(R"({"z":1,"a":2,"m":3})");
  const Object& o = v.as_object();
  ASSERT_EQ(o.size(), 3u);
  EXPECT_EQ(o[0].first, "z");
  EXPECT_EQ(o[1].first, "a");
  EXPECT_EQ(o[2].first, "m");
  EXPECT_EQ(json::write(v), R"({"z":1,"a":2,"m":3})");
}

TEST(Json, WriteThenParseGivesBackTheSameValue) {
  Value v = Value::object();
  v.set("quote\"back\\slash", "line\nbreak\ttab\r\x01\x1f");
  v.set("utf8", "h\xc3\xa9llo \xf0\x9f\x98\x80");
  v.set("nested", Value(Array{Value(Object{{"k", Value(std::int64_t{-1})}}), Value(), Value(false)}));
  v.set("empty", "");
  v.set("nul", std::string("a\0b", 3));
  std::string text = json::write(v);
  EXPECT_EQ(json::parse(text), v);
  // Control characters never appear raw in the output.
  for (char c : text) EXPECT_GE(static_cast<unsigned char>(c), 0x20) << text;
}

TEST(Json, WritesEscapesForQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json::write(Value("a\"b\\c\nd")), R"("a\"b\\c\nd")");
  EXPECT_EQ(json::write(Value(std::string("\x01", 1))), R"("\u0001")");
  // Every byte that needs it, at every place within and across eight-byte steps, next
  // to bytes that do not (0x1f/0x20, 0x21/0x22/0x23, 0x5b/0x5c/0x5d, 0x7f, 0xff).
  const std::pair<char, std::string> kCases[] = {{'"', "\\\""}, {'\\', "\\\\"}, {'\x1f', "\\u001F"}, {'\0', "\\u0000"}};
  for (const auto& [special, escaped] : kCases) {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string text = std::string("\x20\x21\x23\x5b\x5d\x7f\xff", 7) + std::string(13, 'y');
      text.insert(at, 1, special);
      std::string expected = text.substr(0, at) + escaped + text.substr(at + 1);
      EXPECT_EQ(json::write(Value(text)), "\"" + expected + "\"") << at;
    }
  }
}

TEST(Json, WritesNumbersAndLongRunsAsBefore) {
  EXPECT_EQ(json::write(Value(1.0)), "1.0");
  EXPECT_EQ(json::write(Value(0.5)), "0.5");
  EXPECT_EQ(json::write(Value(std::int64_t{-9223372036854775807LL - 1})), "-9223372036854775808");
  std::string body(1000, 'x');
  body[500] = '\x01';
  EXPECT_EQ(json::write(Value(body)), "\"" + std::string(500, 'x') + "\\u0001" + std::string(499, 'x') + "\"");
  EXPECT_EQ(json::write(Value(Object{{"a\"b", Value(Array{Value(true), Value(), Value("")})}})), R"({"a\"b":[true,null,""]})");
}

TEST(Json, DecodesUnicodeEscapesToUtf8) {
  EXPECT_EQ(json::parse(R"("\u0041")").as_string(), "A");
  EXPECT_EQ(json::parse(R"("\u00e9")").as_string(), "\xc3\xa9");
  EXPECT_EQ(json::parse(R"("\u20AC")").as_string(), "\xe2\x82\xac");
  // A surrogate pair is one code point above the BMP.
  EXPECT_EQ(json::parse(R"("\ud83d\ude00")").as_string(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(json::parse(R"("\u0000")").as_string(), std::string(1, '\0'));
}

TEST(Json, PassesRawUtf8ThroughUnchanged) {
  std::string text = "\"h\xc3\xa9\xe2\x82\xac\"";
  EXPECT_EQ(json::parse(text).as_string(), "h\xc3\xa9\xe2\x82\xac");
  EXPECT_EQ(json::write(json::parse(text)), text);
}

TEST(Json, RejectsInvalidUnicode) {
  EXPECT_THROW(json::parse(R"("\ud800")"), json::ParseError);        // lone high surrogate
  EXPECT_THROW(json::parse(R"("\ud800\u0041")"), json::ParseError);  // high surrogate, no low one
  EXPECT_THROW(json::parse(R"("\u12")"), json::ParseError);          // short escape
  EXPECT_THROW(json::parse(R"("\uzzzz")"), json::ParseError);
  EXPECT_THROW(json::parse("\"\xff\""), json::ParseError);      // not UTF-8
  EXPECT_THROW(json::parse("\"\xc3\""), json::ParseError);      // truncated sequence
  EXPECT_THROW(json::parse("\"\xc0\xaf\""), json::ParseError);  // overlong '/'
  EXPECT_THROW(json::parse("\"\xe0\x80\xaf\""), json::ParseError);
  EXPECT_THROW(json::parse("\"\xed\xa0\x80\""), json::ParseError);      // an encoded surrogate
  EXPECT_THROW(json::parse("\"\xf4\x90\x80\x80\""), json::ParseError);  // past U+10FFFF
  EXPECT_THROW(json::parse("\"\x80\""), json::ParseError);                 // a lone continuation
  // Far into a long ASCII run, and split across eight-byte steps.
  for (std::size_t at : {8u, 13u, 998u}) {
    std::string body = "\"" + std::string(1000, 'a') + "\"";
    body[at] = '\xe2';
    EXPECT_THROW(json::parse(body), json::ParseError) << at;
    body[at + 1] = '\x82';
    body[at + 2] = '\xac';
    EXPECT_EQ(json::parse(body).as_string().substr(at - 1, 3), "\xe2\x82\xac") << at;
  }
}

TEST(Json, RejectsMalformedDocuments) {
  for (const char* text : {"", " ", "{", "}", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{'a':1}", "{a:1}",
                           "tru", "nul", "\"unterminated", "[\"a\nb\"]", "-", "1.", ".5", "+1", "{\"a\":1,}",
                           "\"bad \\x escape\"", "NaN", "Infinity"}) {
    EXPECT_THROW(json::parse(text), json::ParseError) << "accepted: " << text;
  }
}

TEST(Json, RejectsTrailingGarbage) {
  EXPECT_THROW(json::parse("{} x"), json::ParseError);
  EXPECT_THROW(json::parse("{}{}"), json::ParseError);
  EXPECT_THROW(json::parse("1 2"), json::ParseError);
  EXPECT_THROW(json::parse("[1]]"), json::ParseError);
  EXPECT_THROW(json::parse("01"), json::ParseError);
  EXPECT_THROW(json::parse(std::string("{}\0", 3)), json::ParseError);
}

TEST(Json, AllowsSurroundingWhitespace) {
  EXPECT_EQ(json::parse(" \t\r\n{\"a\" : [ 1 , 2 ] } \n\t\r "),
            Value(Object{{"a", Value(Array{Value(1), Value(2)})}}));
}

TEST(Json, ParsesScalarsAtTheTopLevel) {
  EXPECT_EQ(json::parse("42"), Value(42));
  EXPECT_EQ(json::parse("\"s\""), Value("s"));
  EXPECT_EQ(json::parse("null"), Value());
  EXPECT_EQ(json::parse("true"), Value(true));
}

TEST(Json, EnforcesTheMaximumNestingDepth) {
  EXPECT_NO_THROW(json::parse(nested_arrays(3), 3));
  EXPECT_THROW(json::parse(nested_arrays(4), 3), json::ParseError);
  EXPECT_NO_THROW(json::parse(R"({"a":{"b":{}}})", 3));
  EXPECT_THROW(json::parse(R"({"a":{"b":{"c":{}}}})", 3), json::ParseError);
  EXPECT_THROW(json::parse(R"({"a":[{"c":[]}]})", 3), json::ParseError);
  // Scalars do not count as a level.
  EXPECT_NO_THROW(json::parse("[[1]]", 2));
  // The default allows 128 levels.
  EXPECT_NO_THROW(json::parse(nested_arrays(128)));
  EXPECT_THROW(json::parse(nested_arrays(129)), json::ParseError);
}

TEST(Json, RejectsPathologicalNestingWithoutExhaustingTheStack) {
  EXPECT_THROW(json::parse(std::string(1'000'000, '[')), json::ParseError);
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  EXPECT_THROW(json::parse(objects), json::ParseError);
}

TEST(Json, KeepsInt64ExtremesExact) {
  Value max = json::parse("9223372036854775807");
  ASSERT_TRUE(max.is_int());
  EXPECT_EQ(max.as_int(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(json::write(max), "9223372036854775807");

  Value min = json::parse("-9223372036854775808");
  ASSERT_TRUE(min.is_int());
  EXPECT_EQ(min.as_int(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(json::write(min), "-9223372036854775808");

  Value u32 = json::parse("4294967295");
  ASSERT_TRUE(u32.is_int());
  EXPECT_EQ(u32.as_int(), 4294967295LL);
}

TEST(Json, IntegersBeyondInt64BecomeDoubles) {
  Value above = json::parse("9223372036854775808");
  ASSERT_TRUE(above.is_double());
  EXPECT_DOUBLE_EQ(above.as_double(), 9223372036854775808.0);

  Value u64max = json::parse("18446744073709551615");
  ASSERT_TRUE(u64max.is_double());
  EXPECT_DOUBLE_EQ(u64max.as_double(), 18446744073709551615.0);

  Value huge = json::parse("123456789012345678901234567890");
  ASSERT_TRUE(huge.is_double());
  EXPECT_DOUBLE_EQ(huge.as_double(), 1.2345678901234568e29);
}

TEST(Json, RejectsNumbersOutsideDoubleRange) {
  EXPECT_THROW(json::parse("1e400"), json::ParseError);
}

TEST(Json, ReportsTheOffsetOfAParseError) {
  try {
    json::parse(R"({"a":1,})");
    FAIL() << "no error";
  } catch (const json::ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos) << e.what();
  }
}

}  // namespace stratus
