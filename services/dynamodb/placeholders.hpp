#pragma once
// ExpressionAttributeNames (#name) and ExpressionAttributeValues (:value) of one
// request: read and checked as DynamoDB checks them, looked up by the expression
// parsers, and at the end every one must have been used.
#include <map>
#include <set>
#include <string>

#include "protocol/value.hpp"
#include "services/dynamodb/attribute_value.hpp"

namespace stratus::dynamodb {

class Placeholders {
 public:
  // Reads the request's ExpressionAttributeNames and ExpressionAttributeValues.
  explicit Placeholders(const Value& input);

  // The attribute name `#token` stands for; throws "Invalid <kind>: An expression
  // attribute name used in the document path is not defined; attribute name: #token".
  const std::string& name(const std::string& token, const char* kind);
  const AttributeValue& value(const std::string& token, const char* kind);

  bool has_names() const { return !names_.empty(); }
  bool has_values() const { return !values_.empty(); }
  // Throws "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}"
  // (names first, then values).
  void check_all_used() const;

 private:
  std::map<std::string, std::string> names_;
  std::map<std::string, AttributeValue> values_;
  std::set<std::string> used_names_, used_values_;
};

}  // namespace stratus::dynamodb
