#pragma once
// DynamoDB's number type: an exact decimal of at most 38 significant digits whose
// magnitude is zero or lies between 1E-130 and 9.9999999999999999999999999999999999999E+125.
// Only decimal digits are ever computed with, so 0.1 added ten times is exactly 1.
#include <compare>
#include <string>
#include <string_view>

namespace stratus::dynamodb {

class Number {
 public:
  Number() = default;  // zero

  // Accepts [+-] digits [. digits] [(e|E) [+-] digits], with a digit on at least one
  // side of the point. Throws ApiError("ValidationException") with DynamoDB's message
  // for text that is not a number, out of range, or over 38 significant digits.
  static Number parse(std::string_view text);

  // Plain decimal notation, as DynamoDB returns numbers: "100", "0.015", "-2.5", "0".
  std::string to_string() const;

  // Exact. A result outside the range, or one that would need more than 38 digits,
  // throws ValidationException; DynamoDB words the second case as an overflow too.
  Number add(const Number& other) const;
  Number subtract(const Number& other) const;

  std::strong_ordering operator<=>(const Number& other) const;
  // The members are normalized, so comparing them compares values: 1.0 == 1.
  bool operator==(const Number& other) const = default;

  // Bytes whose memcmp order (SQLite's BLOB order) is numeric order. No key is a
  // prefix of another, so a key can be followed by more key bytes without reordering.
  std::string sort_key() const;

 private:
  Number(bool negative, std::string digits, int exponent);
  // `places` holds a non-zero magnitude, most significant place first, the first being `high`.
  static Number from_places(bool negative, const std::string& places, int high);

  int sign() const;
  std::strong_ordering compare_magnitude(const Number& other) const;
  int lowest_place() const;
  std::string spread(int high, int low) const;

  bool negative_ = false;
  std::string digits_;  // significant digits, without leading or trailing zeros; empty for zero
  int exponent_ = 0;    // the power of ten of the first digit
};

}  // namespace stratus::dynamodb
