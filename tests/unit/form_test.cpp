#include <gtest/gtest.h>

#include "protocol/form.hpp"

namespace stratus {

TEST(FormUrlDecode, LeavesPlainTextAlone) {
  EXPECT_EQ(form::url_decode("abc-_.~XYZ09"), "abc-_.~XYZ09");
  EXPECT_EQ(form::url_decode(""), "");
}

TEST(FormUrlDecode, TurnsPlusIntoSpace) {
  EXPECT_EQ(form::url_decode("a+b++c"), "a b  c");
  EXPECT_EQ(form::url_decode("+"), " ");
}

TEST(FormUrlDecode, DecodesPercentEscapesInEitherCase) {
  EXPECT_EQ(form::url_decode("%41%42"), "AB");
  EXPECT_EQ(form::url_decode("%2b%2B"), "++");  // an escaped plus stays a plus
  EXPECT_EQ(form::url_decode("%3d%3D%26"), "==&");
  EXPECT_EQ(form::url_decode("x%20y"), "x y");
  EXPECT_EQ(form::url_decode("%25"), "%");
  EXPECT_EQ(form::url_decode("%C3%A9"), "\xc3\xa9");
  EXPECT_EQ(form::url_decode("%00"), std::string(1, '\0'));
  EXPECT_EQ(form::url_decode("%ff"), "\xff");
  EXPECT_EQ(form::url_decode("end%41"), "endA");
}

TEST(FormUrlDecode, RejectsMalformedEscapes) {
  for (const char* text : {"%", "%4", "abc%", "abc%4", "%zz", "%4g", "%g4", "%%41", "% 41", "%-1"}) {
    EXPECT_EQ(form::url_decode(text), std::nullopt) << text;
  }
}

TEST(FormParse, SplitsNamesAndDecodedValues) {
  auto params = form::parse("Action=SendMessage&MessageBody=hello+world%21&QueueUrl=http%3A%2F%2Fh%2F1%2Fq");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->size(), 3u);
  EXPECT_EQ(params->at("Action"), "SendMessage");
  EXPECT_EQ(params->at("MessageBody"), "hello world!");
  EXPECT_EQ(params->at("QueueUrl"), "http://h/1/q");
}

TEST(FormParse, EmptyValuesAndBareNamesGiveEmptyStrings) {
  auto params = form::parse("Entries=&Flag&Other=x");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->size(), 3u);
  EXPECT_EQ(params->at("Entries"), "");
  EXPECT_EQ(params->at("Flag"), "");
  EXPECT_EQ(params->at("Other"), "x");
}

TEST(FormParse, ARepeatedNameKeepsItsLastValue) {
  auto params = form::parse("a=1&b=2&a=3");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->size(), 2u);
  EXPECT_EQ(params->at("a"), "3");
  EXPECT_EQ(params->at("b"), "2");
}

TEST(FormParse, SkipsEmptyPairs) {
  auto params = form::parse("&&a=1&&&b=2&");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->size(), 2u);
  EXPECT_EQ(params->at("a"), "1");
  EXPECT_EQ(params->at("b"), "2");
}

TEST(FormParse, OnlyTheFirstEqualsSignSeparates) {
  auto params = form::parse("Policy=a=b=c");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->at("Policy"), "a=b=c");
}

TEST(FormParse, DecodesNamesToo) {
  auto params = form::parse("Message%41ttribute.1.Name=x&a+b=y");
  ASSERT_TRUE(params);
  EXPECT_EQ(params->at("MessageAttribute.1.Name"), "x");
  EXPECT_EQ(params->at("a b"), "y");
}

TEST(FormParse, EmptyBodyGivesNoParams) {
  auto params = form::parse("");
  ASSERT_TRUE(params);
  EXPECT_TRUE(params->empty());
}

TEST(FormParse, RejectsAMalformedEscapeInANameOrValue) {
  EXPECT_EQ(form::parse("a=1&b=%zz"), std::nullopt);
  EXPECT_EQ(form::parse("a%=1"), std::nullopt);
  EXPECT_EQ(form::parse("a=100%"), std::nullopt);
}

}  // namespace stratus
