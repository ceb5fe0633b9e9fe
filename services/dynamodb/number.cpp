#include "services/dynamodb/number.hpp"
#include "services/dynamodb/errors.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "protocol/api_error.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxDigits = 38;
constexpr int kMaxExponent = 125;
constexpr int kMinExponent = -130;
// No request is long enough for its digits to bring an exponent beyond this back into
// range, and clamping there keeps the place arithmetic below far from overflowing.
constexpr std::int64_t kExponentClamp = 1'000'000'000'000'000'000;

constexpr char kNegativeKey = 0x01, kZeroKey = 0x02, kPositiveKey = 0x03;

constexpr const char* kTooPrecise = "Attempting to store more than 38 significant digits in a Number";
constexpr const char* kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr const char* kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `exponent` is the power of ten of the first significant digit. The range is checked
// before the precision, so a long number far out of range is an overflow or underflow.
void check_range(std::int64_t exponent, std::size_t digits, const char* too_precise) {
  if (exponent > kMaxExponent) throw validation(kOverflow);
  if (exponent < kMinExponent) throw validation(kUnderflow);
  if (digits > kMaxDigits) throw validation(too_precise);
}

// The parts of a well-formed number's text.
struct Lexed {
  bool negative = false;
  std::string_view mantissa;  // digits with at most one '.'
  std::int64_t exponent = 0;
};

// DynamoDB range-checks any exponent that fits in 64 bits; a longer one is not a number.
std::optional<std::int64_t> lex_exponent(std::string_view text) {
  std::string_view digits = text;
  if (digits.starts_with('+') || digits.starts_with('-')) digits.remove_prefix(1);
  if (digits.empty() || !std::all_of(digits.begin(), digits.end(), is_digit)) return std::nullopt;
  if (text.starts_with('+')) text.remove_prefix(1);  // from_chars takes a '-' only
  std::int64_t exponent = 0;
  if (std::from_chars(text.data(), text.data() + text.size(), exponent).ec != std::errc()) return std::nullopt;
  return std::clamp(exponent, -kExponentClamp, kExponentClamp);
}

std::optional<Lexed> lex(std::string_view text) {
  Lexed out;
  if (text.starts_with('+') || text.starts_with('-')) {
    out.negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::size_t end = 0, digits = 0;
  bool point = false;
  for (; end < text.size(); ++end) {
    if (is_digit(text[end])) {
      ++digits;
    } else if (text[end] == '.' && !point) {
      point = true;
    } else {
      break;
    }
  }
  if (digits == 0) return std::nullopt;
  out.mantissa = text.substr(0, end);
  if (end == text.size()) return out;
  if (text[end] != 'e' && text[end] != 'E') return std::nullopt;
  auto exponent = lex_exponent(text.substr(end + 1));
  if (!exponent) return std::nullopt;
  out.exponent = *exponent;
  return out;
}

// Digit strings of one length, most significant place first. The caller leaves the
// first place zero in both, so the last carry always has room.
std::string add_places(const std::string& a, const std::string& b) {
  std::string sum(a.size(), '0');
  int carry = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    int d = (a[i] - '0') + (b[i] - '0') + carry;
    carry = d / 10;
    sum[i] = static_cast<char>('0' + d % 10);
  }
  return sum;
}

// As add_places, with a >= b.
std::string subtract_places(const std::string& a, const std::string& b) {
  std::string difference(a.size(), '0');
  int borrow = 0;
  for (std::size_t i = a.size(); i-- > 0;) {
    int d = (a[i] - '0') - (b[i] - '0') - borrow;
    borrow = d < 0 ? 1 : 0;
    difference[i] = static_cast<char>('0' + d + 10 * borrow);
  }
  return difference;
}

}  // namespace

Number::Number(bool negative, std::string digits, int exponent)
    : negative_(negative), digits_(std::move(digits)), exponent_(exponent) {}

Number Number::parse(std::string_view text) {
  auto lexed = lex(text);
  if (!lexed) throw validation("The parameter cannot be converted to a numeric value: " + std::string(text));
  std::string_view mantissa = lexed->mantissa;
  auto first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return Number();
  auto last = mantissa.find_last_of("123456789");
  std::string_view significant = mantissa.substr(first, last - first + 1);
  bool point_inside = significant.find('.') != std::string_view::npos;

  // Places count from the digit just before the point, which is place 0.
  auto point = static_cast<std::int64_t>(std::min(mantissa.find('.'), mantissa.size()));
  auto at = static_cast<std::int64_t>(first);
  std::int64_t exponent = (at < point ? point - 1 - at : point - at) + lexed->exponent;
  check_range(exponent, significant.size() - (point_inside ? 1 : 0), kTooPrecise);

  std::string digits(significant);
  std::erase(digits, '.');
  return Number(lexed->negative, std::move(digits), static_cast<int>(exponent));
}

std::string Number::to_string() const {
  if (digits_.empty()) return "0";
  std::string out = negative_ ? "-" : "";
  auto size = static_cast<int>(digits_.size());
  if (exponent_ < 0) {
    out.append("0.").append(static_cast<std::size_t>(-exponent_ - 1), '0').append(digits_);
  } else if (exponent_ >= size - 1) {
    out.append(digits_).append(static_cast<std::size_t>(exponent_ - (size - 1)), '0');
  } else {
    auto whole = static_cast<std::size_t>(exponent_ + 1);
    out.append(digits_, 0, whole).append(".").append(digits_, whole);
  }
  return out;
}

Number Number::add(const Number& other) const {
  if (other.digits_.empty()) return *this;
  if (digits_.empty()) return other;
  // Both operands are in range, so this spans at most 126 - (-167) + 1 places; the
  // place above the larger first digit takes a carry.
  int high = std::max(exponent_, other.exponent_) + 1;
  int low = std::min(lowest_place(), other.lowest_place());
  std::string a = spread(high, low), b = other.spread(high, low);
  if (negative_ == other.negative_) return from_places(negative_, add_places(a, b), high);
  auto by_magnitude = compare_magnitude(other);
  if (by_magnitude == 0) return Number();
  if (by_magnitude > 0) return from_places(negative_, subtract_places(a, b), high);
  return from_places(other.negative_, subtract_places(b, a), high);
}

Number Number::subtract(const Number& other) const {
  Number negated = other;
  negated.negative_ = !other.digits_.empty() && !other.negative_;
  return add(negated);
}

Number Number::from_places(bool negative, const std::string& places, int high) {
  auto first = places.find_first_not_of('0');
  auto last = places.find_last_not_of('0');
  std::int64_t exponent = high - static_cast<std::int64_t>(first);
  // DynamoDB refuses a result that needs more than 38 digits with its overflow message.
  check_range(exponent, last - first + 1, kOverflow);
  return Number(negative, places.substr(first, last - first + 1), static_cast<int>(exponent));
}

std::strong_ordering Number::operator<=>(const Number& other) const {
  if (auto by_sign = sign() <=> other.sign(); by_sign != 0) return by_sign;
  auto by_magnitude = compare_magnitude(other);
  return negative_ ? 0 <=> by_magnitude : by_magnitude;
}

// Sign byte; then the exponent, which DynamoDB's range fits exactly into one byte; then
// the digits two to a byte (1..100), ended by a 0 so that a number sorts before every
// longer one that starts with its digits. A negative number has every byte after the
// sign inverted, so that larger magnitudes come first.
std::string Number::sort_key() const {
  if (digits_.empty()) return std::string(1, kZeroKey);
  std::string key(1, negative_ ? kNegativeKey : kPositiveKey);
  key.push_back(static_cast<char>(exponent_ - kMinExponent));
  for (std::size_t i = 0; i < digits_.size(); i += 2) {
    int second = i + 1 < digits_.size() ? digits_[i + 1] - '0' : 0;
    key.push_back(static_cast<char>(1 + (digits_[i] - '0') * 10 + second));
  }
  key.push_back('\0');
  if (negative_)
    for (auto it = key.begin() + 1; it != key.end(); ++it) *it = static_cast<char>(~*it);
  return key;
}

int Number::sign() const {
  if (digits_.empty()) return 0;
  return negative_ ? -1 : 1;
}

std::strong_ordering Number::compare_magnitude(const Number& other) const {
  if (auto by_exponent = exponent_ <=> other.exponent_; by_exponent != 0) return by_exponent;
  return digits_.compare(other.digits_) <=> 0;
}

int Number::lowest_place() const { return exponent_ - static_cast<int>(digits_.size()) + 1; }

std::string Number::spread(int high, int low) const {
  std::string places(static_cast<std::size_t>(high - low + 1), '0');
  places.replace(static_cast<std::size_t>(high - exponent_), digits_.size(), digits_);
  return places;
}

}  // namespace stratus::dynamodb
