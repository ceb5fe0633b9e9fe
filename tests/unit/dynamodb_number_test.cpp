// DynamoDB numbers: what the parser accepts and refuses (with DynamoDB's messages), the
// canonical text, exact arithmetic at the edges of the range and precision, comparison,
// and the byte keys whose order must be numeric order.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/api_error.hpp"
#include "services/dynamodb/number.hpp"

namespace stratus::dynamodb {
namespace {

const std::string kNotNumeric = "The parameter cannot be converted to a numeric value: ";
const std::string kTooPrecise = "Attempting to store more than 38 significant digits in a Number";
const std::string kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
const std::string kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

const std::string kLargest = "9.9999999999999999999999999999999999999E+125";  // 38 nines

Number n(std::string_view text) { return Number::parse(text); }

std::string canonical(std::string_view text) { return n(text).to_string(); }

// The message of the ValidationException that `action` throws, or "accepted".
template <typename Action>
std::string refusal_of(Action action) {
  try {
    action();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code, "ValidationException");
    EXPECT_EQ(e.status, 400);
    EXPECT_TRUE(e.sender);
    return e.what();
  }
  return "accepted";
}

std::string refusal(std::string_view text) {
  return refusal_of([&] { Number::parse(text); });
}

std::string sum(std::string_view a, std::string_view b) { return n(a).add(n(b)).to_string(); }
std::string difference(std::string_view a, std::string_view b) { return n(a).subtract(n(b)).to_string(); }
std::string sum_refusal(std::string_view a, std::string_view b) {
  return refusal_of([&] { n(a).add(n(b)); });
}
std::string difference_refusal(std::string_view a, std::string_view b) {
  return refusal_of([&] { n(a).subtract(n(b)); });
}

// SQLite's BLOB order: memcmp over the common length, then the shorter first.
int compare_blobs(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c < 0 ? -1 : 1;
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

int sign_of(int c) { return (c > 0) - (c < 0); }

// An ordering written without Number, on plain decimal text such as "-12.5": by sign,
// then by the length of the whole part, then digit by digit.
int compare_plain(std::string_view a, std::string_view b) {
  auto sign = [](std::string_view s) { return s == "0" ? 0 : s.front() == '-' ? -1 : 1; };
  if (sign(a) != sign(b)) return sign(a) < sign(b) ? -1 : 1;
  if (sign(a) == 0) return 0;
  auto split = [](std::string_view s) {
    if (s.front() == '-') s.remove_prefix(1);
    auto point = s.find('.');
    std::string_view fraction = point == std::string_view::npos ? std::string_view() : s.substr(point + 1);
    return std::pair{s.substr(0, point), std::string(fraction)};
  };
  auto [whole_a, fraction_a] = split(a);
  auto [whole_b, fraction_b] = split(b);
  int magnitude = 0;
  if (whole_a.size() != whole_b.size()) {
    magnitude = whole_a.size() < whole_b.size() ? -1 : 1;
  } else if (int c = whole_a.compare(whole_b); c != 0) {
    magnitude = sign_of(c);
  } else {
    std::size_t length = std::max(fraction_a.size(), fraction_b.size());
    fraction_a.resize(length, '0');
    fraction_b.resize(length, '0');
    magnitude = sign_of(fraction_a.compare(fraction_b));
  }
  return sign(a) * magnitude;
}

// Spellings of numbers of every shape: both signs, 1 to 38 digits, the whole exponent
// range, and clusters that share leading digits and exponents, where an encoding is
// most likely to slip. Fixed seed, so a failure repeats.
std::vector<std::string> generated_texts() {
  std::vector<std::string> texts = {"0", "-0", "1", "-1", "1.0", "10", "1.01", "1.1", "1.09", "-1.01", "-1.1",
                                    "-10", "0.1", "-0.1", "99", "100", "101", "-99", "-100", "-101", "1e-130",
                                    "-1e-130", "1e125", "-1e125", kLargest, "-" + kLargest};
  std::mt19937 random(20260311);
  auto between = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(random); };
  auto digit = [&](int low) { return static_cast<char>('0' + between(low, 9)); };
  while (texts.size() < 450) {
    std::string base(1, digit(1));
    for (int extra = between(0, 37); extra > 0; --extra) base.push_back(digit(0));
    int exponent = between(-130, 125);
    // The base, shorter and longer numbers starting with its digits, one differing in
    // its last digit, each at the base's exponent and at an exponent next to it.
    std::vector<std::string> family = {base, base.substr(0, static_cast<std::size_t>(between(1, 38)))};
    if (base.size() < 38) family.push_back(base + digit(0));
    std::string changed = base;
    changed.back() = digit(changed.size() == 1 ? 1 : 0);
    family.push_back(changed);
    for (const auto& digits : family) {
      for (int e : {exponent, std::clamp(exponent + between(-1, 1), -130, 125)}) {
        std::string sign = between(0, 1) ? "-" : "";
        texts.push_back(sign + digits.substr(0, 1) + "." + digits.substr(1) + "e" + std::to_string(e));
      }
    }
  }
  return texts;
}

std::vector<Number> generated_numbers() {
  std::vector<Number> numbers;
  for (const auto& text : generated_texts()) numbers.push_back(n(text));
  return numbers;
}

}  // namespace

// ---- parsing and canonical text ------------------------------------------------------

TEST(DynamoDbNumber, PrintsEveryAcceptedSpellingInCanonicalForm) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"3", "3"},
      {"+3", "3"},
      {"-7.1234", "-7.1234"},
      {"-17e5", "-1700000"},
      {"-17.4E37", "-174" + std::string(36, '0')},
      {".123", "0.123"},
      {"-.5", "-0.5"},
      {"0001.23", "1.23"},
      {"1e+5", "100000"},
      {"1E+2", "100"},
      {"1E2", "100"},
      {"1.50", "1.5"},
      {"1.", "1"},
      {"5.e1", "50"},
      {".5e1", "5"},
      {"100", "100"},
      {"1e-3", "0.001"},
      {"12.345e1", "123.45"},
      {"12.345e-1", "1.2345"},
      {"123.45e-5", "0.0012345"},
      {"1200.0500", "1200.05"},
      {"000120.000", "120"},
      {"1e0", "1"},
      {"1e-0", "1"},
      {"1e+0000002", "100"},
      {"0.1e1", "1"},
      {"-0.000100", "-0.0001"},
      {"123456789", "123456789"},
      {"1.23456789e4", "12345.6789"},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(canonical(text), expected) << text;
}

TEST(DynamoDbNumber, ZeroInEverySpellingIsPlainZero) {
  for (std::string text :
       {"0", "-0", "+0", "0.000", "000", ".0", "0.", "-0.0e-5", "0e1000", "0E-99999999999", "-00.00"}) {
    EXPECT_EQ(canonical(text), "0") << text;
    EXPECT_EQ(n(text), Number()) << text;
  }
}

TEST(DynamoDbNumber, RefusesTextThatIsNotANumberQuotingItVerbatim) {
  const std::vector<std::string> texts = {
      "", " 1", "1 ", "\t1", "1\n", "abc", "dog", "-dog", "NaN", "-NaN", "inf", "Infinity", "-Infinity", "0x10",
      "0b1", "1d", "1f", "1.2.3", "1..2", "1e", "1e+", "1e-", "e5", "E5", ".", "-.", ".e1", "-", "+", "+-1", "-+1",
      "--1", "++1", "1e1.5", "1e5e5", "1e+-5", "1e 5", "1,5", "1_000",
      "\xd9\xa1"};  // ARABIC-INDIC DIGIT ONE
  for (const auto& text : texts) EXPECT_EQ(refusal(text), kNotNumeric + text) << text;
  // what() ends at a NUL, so only the start of this message can be compared.
  EXPECT_TRUE(refusal(std::string("1\0", 2)).starts_with(kNotNumeric));
}

TEST(DynamoDbNumber, AnExponentBeyond64BitsIsNotANumber) {
  EXPECT_EQ(refusal("1e99999999999999999999"), kNotNumeric + "1e99999999999999999999");
  EXPECT_EQ(refusal("0e99999999999999999999"), kNotNumeric + "0e99999999999999999999");
  EXPECT_EQ(refusal("1e9223372036854775808"), kNotNumeric + "1e9223372036854775808");
  EXPECT_EQ(refusal("1e-9223372036854775809"), kNotNumeric + "1e-9223372036854775809");
}

TEST(DynamoDbNumber, AcceptsTheLargestAndSmallestMagnitudes) {
  std::string largest = std::string(38, '9') + std::string(88, '0');
  std::string smallest = "0." + std::string(129, '0') + "1";
  EXPECT_EQ(canonical(kLargest), largest);
  EXPECT_EQ(canonical("-" + kLargest), "-" + largest);
  EXPECT_EQ(canonical("1e125"), "1" + std::string(125, '0'));
  EXPECT_EQ(canonical("1e-130"), smallest);
  EXPECT_EQ(canonical("-1e-130"), "-" + smallest);
  EXPECT_EQ(canonical("0.001e128"), "1" + std::string(125, '0'));
  EXPECT_EQ(canonical("9.99999999e125"), "999999999" + std::string(117, '0'));
  EXPECT_EQ(canonical("1000e-133"), smallest);
  EXPECT_EQ(canonical(largest), largest);
  EXPECT_EQ(canonical(smallest), smallest);
}

TEST(DynamoDbNumber, OverflowsPastTheLargestMagnitude) {
  const std::vector<std::string> texts = {"1e126",    "-1e126", "11e125", "10E125", "1000e123", "0.01e128",
                                          "1" + std::string(126, '0'), "-1" + std::string(126, '0') + ".5"};
  for (const auto& text : texts) EXPECT_EQ(refusal(text), kOverflow) << text;
}

TEST(DynamoDbNumber, UnderflowsBelowTheSmallestMagnitude) {
  const std::vector<std::string> texts = {"1e-131",         "-1e-131", "0.9e-130", "-0.9e-130",
                                          "0.0000001e-125", "100e-133", "0." + std::string(130, '0') + "1"};
  for (const auto& text : texts) EXPECT_EQ(refusal(text), kUnderflow) << text;
}

TEST(DynamoDbNumber, RangeChecksAnyExponentThatFits64Bits) {
  EXPECT_EQ(refusal("1e99999999999"), kOverflow);
  EXPECT_EQ(refusal("-1e99999999999"), kOverflow);
  EXPECT_EQ(refusal("1e-99999999999"), kUnderflow);
  EXPECT_EQ(refusal("1e2147483647"), kOverflow);
  EXPECT_EQ(refusal("1e2147483648"), kOverflow);
  EXPECT_EQ(refusal("1e-2147483648"), kUnderflow);
  EXPECT_EQ(refusal("1e9223372036854775807"), kOverflow);
  EXPECT_EQ(refusal("1e-9223372036854775808"), kUnderflow);
  // Digits can pull a huge exponent back only as far as their own count.
  EXPECT_EQ(refusal("0.0001e9223372036854775807"), kOverflow);
  EXPECT_EQ(refusal("10000e-9223372036854775808"), kUnderflow);
}

TEST(DynamoDbNumber, ThirtyEightSignificantDigitsFit) {
  const std::vector<std::string> texts = {"3.1415926535897932384626433832795028841",
                                          "314159265358979323846.26433832795028841", "1" + std::string(36, '0') + "1",
                                          "-0.00012345678901234567890123456789012345678"};
  for (const auto& text : texts) EXPECT_EQ(canonical(text), text) << text;
  EXPECT_EQ(canonical("31415926535897932384626433832795028841e30"),
            "31415926535897932384626433832795028841" + std::string(30, '0'));
}

TEST(DynamoDbNumber, ThirtyNineSignificantDigitsDoNot) {
  const std::vector<std::string> texts = {
      "3.14159265358979323846264338327950288419", "314159265358979323846.264338327950288419",
      "314159265358979323846264338327950288419e30", "1" + std::string(37, '0') + "1",
      "123456789012345678901234567890123456789",  "-1.23456789012345678901234567890123456789",
      "1234567890123456789012345678901234567890"};
  for (const auto& text : texts) EXPECT_EQ(refusal(text), kTooPrecise) << text;
}

TEST(DynamoDbNumber, LeadingAndTrailingZerosAreNotSignificant) {
  std::string many_zeros(60, '0');
  EXPECT_EQ(canonical("1" + many_zeros), "1" + many_zeros);
  EXPECT_EQ(canonical("0." + many_zeros + "1"), "0." + many_zeros + "1");
  EXPECT_EQ(canonical(many_zeros + "1.1" + many_zeros), "1.1");
  EXPECT_EQ(canonical(many_zeros + "1234567890123456789012345678901234567.8" + many_zeros),
            "1234567890123456789012345678901234567.8");
  // Zeros between significant digits do count.
  EXPECT_EQ(refusal("1" + std::string(37, '0') + "1"), kTooPrecise);
  EXPECT_EQ(refusal("1." + std::string(37, '0') + "1"), kTooPrecise);
}

TEST(DynamoDbNumber, ChecksTheRangeBeforeThePrecision) {
  EXPECT_EQ(refusal("1234567890123456789012345678901234567891e200"), kOverflow);
  EXPECT_EQ(refusal("1.234567890123456789012345678901234567891e-140"), kUnderflow);
}

TEST(DynamoDbNumber, CanonicalTextParsesBackToTheSameNumber) {
  for (const auto& number : generated_numbers()) {
    std::string text = number.to_string();
    EXPECT_EQ(text.find_first_of("eE+"), std::string::npos) << text;
    EXPECT_EQ(n(text), number) << text;
    EXPECT_EQ(n(text).to_string(), text);
  }
}

// ---- arithmetic --------------------------------------------------------------------------

TEST(DynamoDbNumberArithmetic, AddingATenthTenTimesGivesExactlyOne) {
  Number total;
  for (int i = 0; i < 10; ++i) total = total.add(n("0.1"));
  EXPECT_EQ(total, n("1"));
  EXPECT_EQ(total.to_string(), "1");
  for (int i = 0; i < 10; ++i) total = total.subtract(n("0.1"));
  EXPECT_EQ(total.to_string(), "0");
  EXPECT_EQ(sum("0.1", "0.2"), "0.3");
  EXPECT_EQ(difference("0.3", "0.1"), "0.2");
}

TEST(DynamoDbNumberArithmetic, EverySignCombination) {
  struct Case {
    std::string a, b, sum, difference;
  };
  const std::vector<Case> cases = {
      {"1", "2", "3", "-1"},       {"-1", "2", "1", "-3"},      {"1", "-2", "-1", "3"},     {"-1", "-2", "-3", "1"},
      {"2", "1", "3", "1"},        {"-2", "1", "-1", "-3"},     {"2", "-1", "1", "3"},      {"-2", "-1", "-3", "-1"},
      {"5", "5", "10", "0"},       {"-5", "5", "0", "-10"},     {"5", "-5", "0", "10"},     {"-5", "-5", "-10", "0"},
      {"0", "7", "7", "-7"},       {"7", "0", "7", "7"},        {"0", "-7", "-7", "7"},     {"-7", "0", "-7", "-7"},
      {"0", "0", "0", "0"},        {"-0", "0", "0", "0"},       {"2.5", "-0.25", "2.25", "2.75"},
      {"-0.001", "1000", "999.999", "-1000.001"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(sum(c.a, c.b), c.sum) << c.a << " + " << c.b;
    EXPECT_EQ(difference(c.a, c.b), c.difference) << c.a << " - " << c.b;
    EXPECT_EQ(n(c.a).add(n(c.b)), n(c.b).add(n(c.a))) << c.a << " + " << c.b;
  }
}

TEST(DynamoDbNumberArithmetic, CarriesAndBorrowsRunThroughEveryPlace) {
  EXPECT_EQ(sum("999", "1"), "1000");
  EXPECT_EQ(difference("1000", "1"), "999");
  EXPECT_EQ(sum("9.99", "0.01"), "10");
  EXPECT_EQ(difference("10", "0.01"), "9.99");
  EXPECT_EQ(sum("0.5", "0.5"), "1");
  EXPECT_EQ(sum("-999", "-1"), "-1000");
  EXPECT_EQ(difference("-1000", "-1"), "-999");
  EXPECT_EQ(sum("1000", "0.001"), "1000.001");
  EXPECT_EQ(difference("1000", "0.001"), "999.999");
  EXPECT_EQ(difference("1", "0.999"), "0.001");
  EXPECT_EQ(sum("1", "10000000000000000000000"), "10000000000000000000001");
  EXPECT_EQ(difference("10000000000000000000000", "1"), "9999999999999999999999");
  EXPECT_EQ(difference("1e20", "1"), "99999999999999999999");
  EXPECT_EQ(sum(std::string(38, '9'), "1"), "1" + std::string(38, '0'));
  EXPECT_EQ(difference(std::string(38, '9'), "1"), std::string(37, '9') + "8");
  EXPECT_EQ(difference("12345678901234567890123456789012345678", "12345678901234567890123456789012345677"), "1");
  EXPECT_EQ(difference("1.2345678901234567890123456789012345678", "0.0000000000000000000000000000000000008"),
            "1.234567890123456789012345678901234567");
  EXPECT_EQ(sum("1e37", "1"), "1" + std::string(36, '0') + "1");
  EXPECT_EQ(sum("1e-130", "1e-130"), "0." + std::string(129, '0') + "2");
  EXPECT_EQ(difference("2e-130", "1e-130"), "0." + std::string(129, '0') + "1");
  EXPECT_EQ(sum("5e125", "4.9999999999999999999999999999999999999e125"), std::string(38, '9') + std::string(88, '0'));
}

TEST(DynamoDbNumberArithmetic, ZeroIsTheIdentityAndEqualValuesCancel) {
  for (const auto& x : generated_numbers()) {
    EXPECT_EQ(x.add(Number()), x);
    EXPECT_EQ(Number().add(x), x);
    EXPECT_EQ(x.subtract(Number()), x);
    EXPECT_EQ(Number().subtract(x).add(x), Number());
    EXPECT_EQ(x.subtract(x), Number());
    EXPECT_EQ(x.subtract(x).to_string(), "0");
  }
}

TEST(DynamoDbNumberArithmetic, ResultsPastTheLargestMagnitudeOverflow) {
  EXPECT_EQ(sum_refusal("9e125", "9e125"), kOverflow);
  EXPECT_EQ(difference_refusal("9e125", "-9e125"), kOverflow);
  EXPECT_EQ(difference_refusal("-9e125", "9e125"), kOverflow);
  EXPECT_EQ(sum_refusal("-9e125", "-9e125"), kOverflow);
  EXPECT_EQ(sum_refusal(kLargest, "1e125"), kOverflow);
  EXPECT_EQ(sum_refusal(kLargest, "1e88"), kOverflow);  // exactly 1e126: one digit, still too large
  EXPECT_EQ(sum(kLargest, "-1e125"), "8" + std::string(37, '9') + std::string(88, '0'));
}

TEST(DynamoDbNumberArithmetic, NonZeroResultsBelowTheSmallestMagnitudeUnderflow) {
  EXPECT_EQ(difference_refusal("1.1e-130", "1e-130"), kUnderflow);
  EXPECT_EQ(sum_refusal("-1.1e-130", "1e-130"), kUnderflow);
  EXPECT_EQ(sum_refusal("1.5e-130", "-1.4e-130"), kUnderflow);
  EXPECT_EQ(difference("1e-130", "1e-130"), "0");
}

// DynamoDB answers a result that would need more than 38 digits with its overflow
// message, whichever way the digits run out.
TEST(DynamoDbNumberArithmetic, ResultsNeedingMoreThan38DigitsAreRefusedAsOverflow) {
  EXPECT_EQ(sum_refusal("1e50", "1"), kOverflow);
  EXPECT_EQ(difference_refusal("1e50", "1"), kOverflow);
  EXPECT_EQ(sum_refusal("1e38", "1"), kOverflow);
  EXPECT_EQ(sum_refusal("0.1", "1e-40"), kOverflow);
  EXPECT_EQ(sum_refusal(std::string(38, '9'), std::string(38, '9')), kOverflow);
  EXPECT_EQ(sum_refusal(std::string(38, '9'), "0.1"), kOverflow);
  EXPECT_EQ(difference_refusal("1", "1e-39"), kOverflow);
  EXPECT_EQ(difference("1", "1e-38"), "0." + std::string(38, '9'));
}

TEST(DynamoDbNumberArithmetic, OperandsAtOppositeEndsOfTheRangeAreRefusedAtOnce) {
  EXPECT_EQ(sum_refusal("1e125", "1e-130"), kOverflow);
  EXPECT_EQ(difference_refusal("-1e-130", "9.9e125"), kOverflow);
  EXPECT_EQ(sum_refusal(kLargest, "-1e-130"), kOverflow);
}

// Against int64 arithmetic on values scaled by up to 10^6, spelled both plainly and
// with exponents.
TEST(DynamoDbNumberArithmetic, AgreesWithIntegerArithmeticOnFixedPointValues) {
  auto power_of_ten = [](int exponent) {
    std::int64_t p = 1;
    while (exponent-- > 0) p *= 10;
    return p;
  };
  // value / 10^scale in canonical text.
  auto fixed_point = [](std::int64_t value, int scale) {
    std::string text = std::to_string(value < 0 ? -value : value);
    auto places = static_cast<std::size_t>(scale);
    if (text.size() <= places) text.insert(0, places + 1 - text.size(), '0');
    if (places > 0) {
      text.insert(text.size() - places, ".");
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
    }
    return value < 0 ? "-" + text : text;
  };
  std::mt19937_64 random(42);
  std::uniform_int_distribution<std::int64_t> values(-1'000'000'000'000, 1'000'000'000'000);
  std::uniform_int_distribution<int> scales(0, 6);
  for (int i = 0; i < 3000; ++i) {
    std::int64_t x = values(random) / power_of_ten(scales(random)), y = values(random) / power_of_ten(scales(random));
    int scale_x = scales(random), scale_y = scales(random), scale = std::max(scale_x, scale_y);
    std::string text_x = i % 2 ? fixed_point(x, scale_x) : std::to_string(x) + "e-" + std::to_string(scale_x);
    std::string text_y = i % 3 ? fixed_point(y, scale_y) : std::to_string(y) + "E-" + std::to_string(scale_y);
    std::int64_t common_x = x * power_of_ten(scale - scale_x), common_y = y * power_of_ten(scale - scale_y);
    ASSERT_EQ(sum(text_x, text_y), fixed_point(common_x + common_y, scale)) << text_x << " + " << text_y;
    ASSERT_EQ(difference(text_x, text_y), fixed_point(common_x - common_y, scale)) << text_x << " - " << text_y;
    ASSERT_EQ(n(text_x) <=> n(text_y), common_x <=> common_y) << text_x << " <=> " << text_y;
  }
}

// ---- comparison --------------------------------------------------------------------------

TEST(DynamoDbNumberCompare, EqualValuesInDifferentSpellingsAreEqual) {
  const std::vector<std::pair<std::string, std::string>> same = {
      {"1.0", "1"},    {"1e2", "100"},        {"-0", "0"},      {"0.000", "0"},          {"0e5", "-0.0"},
      {"1.50", "1.5"}, {"15e-1", "1.5"},      {"0.00012e4", "1.2"}, {"-12.30E+1", "-123"}, {"+4", "4"},
      {"1e-130", "0." + std::string(129, '0') + "1"}};
  for (const auto& [a, b] : same) {
    EXPECT_EQ(n(a), n(b)) << a << " == " << b;
    EXPECT_TRUE((n(a) <=> n(b)) == 0) << a << " <=> " << b;
    EXPECT_EQ(n(a).sort_key(), n(b).sort_key()) << a << " key " << b;
  }
  EXPECT_NE(n("1"), n("-1"));
  EXPECT_NE(n("1"), n("1." + std::string(36, '0') + "1"));
  EXPECT_NE(n("1e-130"), n("0"));
  EXPECT_NE(n("10"), n("1"));
}

TEST(DynamoDbNumberCompare, OrdersAcrossSignsMagnitudesAndExponents) {
  const std::string tiny_above_one = "1." + std::string(36, '0') + "1";  // 38 digits
  const std::vector<std::string> ascending = {
      "-" + kLargest, "-1e125", "-1e3", "-999.99", "-100", "-10", "-9.99", "-1.1", "-1.01", "-" + tiny_above_one,
      "-1", "-0.5", "-0.05", "-1e-129", "-1.1e-130", "-1e-130", "0", "1e-130", "1.1e-130", "1e-129", "0.05", "0.5",
      "0.999", "1", tiny_above_one, "1.01", "1.1", "2", "9.99", "10", "100", "999.99", "1e3", "1e125", kLargest};
  for (std::size_t i = 0; i < ascending.size(); ++i) {
    for (std::size_t j = 0; j < ascending.size(); ++j) {
      Number a = n(ascending[i]), b = n(ascending[j]);
      EXPECT_EQ(a <=> b, i <=> j) << ascending[i] << " <=> " << ascending[j];
      EXPECT_EQ(a == b, i == j) << ascending[i] << " == " << ascending[j];
      EXPECT_EQ(sign_of(compare_blobs(a.sort_key(), b.sort_key())), sign_of(static_cast<int>(i) - static_cast<int>(j)))
          << ascending[i] << " key " << ascending[j];
    }
  }
}

// Every pair of generated numbers, against the text comparison above.
TEST(DynamoDbNumberCompare, AgreesWithAPlainTextComparisonOnEveryPair) {
  auto numbers = generated_numbers();
  std::vector<std::string> texts;
  for (const auto& number : numbers) texts.push_back(number.to_string());
  int mismatches = 0;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    for (std::size_t j = 0; j < numbers.size(); ++j) {
      int expected = compare_plain(texts[i], texts[j]);
      auto got = numbers[i] <=> numbers[j];
      int got_sign = got < 0 ? -1 : got > 0 ? 1 : 0;
      if (got_sign != expected && mismatches++ < 10) ADD_FAILURE() << texts[i] << " <=> " << texts[j];
    }
  }
  EXPECT_EQ(mismatches, 0);
}

// ---- sort keys -----------------------------------------------------------------------------

TEST(DynamoDbNumberSortKey, NegativesSortBeforeZeroBeforePositives) {
  std::string negative = n("-1e-130").sort_key(), zero = n("0").sort_key(), positive = n("1e-130").sort_key();
  EXPECT_LT(compare_blobs(negative, zero), 0);
  EXPECT_LT(compare_blobs(zero, positive), 0);
  EXPECT_LT(compare_blobs(n("-" + kLargest).sort_key(), negative), 0);
  EXPECT_GT(compare_blobs(n(kLargest).sort_key(), positive), 0);
  EXPECT_EQ(Number().sort_key(), zero);
  EXPECT_EQ(n("-0").sort_key(), zero);
}

TEST(DynamoDbNumberSortKey, KeysAreAtMost22Bytes) {
  EXPECT_EQ(Number().sort_key().size(), 1u);
  EXPECT_EQ(n("1").sort_key().size(), 4u);
  EXPECT_EQ(n(kLargest).sort_key().size(), 22u);
  EXPECT_EQ(n("-" + kLargest).sort_key().size(), 22u);
  for (const auto& number : generated_numbers()) EXPECT_LE(number.sort_key().size(), 22u);
}

TEST(DynamoDbNumberSortKey, SortingByKeyBytesAndByValueGiveTheSameOrder) {
  auto numbers = generated_numbers();
  ASSERT_GE(numbers.size(), 400u);
  auto by_value = numbers;
  std::sort(by_value.begin(), by_value.end());
  auto by_key = numbers;
  std::sort(by_key.begin(), by_key.end(),
            [](const Number& a, const Number& b) { return compare_blobs(a.sort_key(), b.sort_key()) < 0; });
  for (std::size_t i = 0; i < numbers.size(); ++i)
    EXPECT_EQ(by_value[i], by_key[i]) << i << ": " << by_value[i].to_string() << " vs " << by_key[i].to_string();
  // Neighbours share a key exactly when they share a value, and climb with it otherwise.
  for (std::size_t i = 1; i < by_key.size(); ++i) {
    int by_bytes = compare_blobs(by_key[i - 1].sort_key(), by_key[i].sort_key());
    int by_text = compare_plain(by_key[i - 1].to_string(), by_key[i].to_string());
    EXPECT_EQ(sign_of(by_bytes), by_text) << by_key[i - 1].to_string() << " then " << by_key[i].to_string();
  }
}

TEST(DynamoDbNumberSortKey, NoKeyIsAPrefixOfAnother) {
  auto numbers = generated_numbers();
  std::vector<std::string> keys;
  for (const auto& number : numbers) keys.push_back(number.sort_key());
  int prefixes = 0;
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = 0; j < keys.size(); ++j)
      if (keys[i].size() < keys[j].size() && keys[j].starts_with(keys[i]) && prefixes++ < 10)
        ADD_FAILURE() << numbers[i].to_string() << " is a prefix of " << numbers[j].to_string();
  EXPECT_EQ(prefixes, 0);
}

// A key followed by more bytes (another key part) keeps its place among other keys.
TEST(DynamoDbNumberSortKey, OrderHoldsWhenKeysAreFollowedByMoreBytes) {
  const std::vector<std::string> ascending = {"-10", "-1.05", "-1", "0", "1", "1.05", "10"};
  for (std::size_t i = 0; i + 1 < ascending.size(); ++i) {
    std::string low = n(ascending[i]).sort_key() + std::string(4, '\xff');
    std::string high = n(ascending[i + 1]).sort_key() + std::string(4, '\0');
    EXPECT_LT(compare_blobs(low, high), 0) << ascending[i] << " < " << ascending[i + 1];
  }
}

}  // namespace stratus::dynamodb
