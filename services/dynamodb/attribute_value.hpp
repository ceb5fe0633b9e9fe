#pragma once
// DynamoDB's AttributeValue: the ten types, read from the wire form ({"S": "x"},
// {"N": "1.5"}, {"M": {...}} ...) with DynamoDB's validation and messages, written
// back, and sized as DynamoDB counts item size.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "protocol/value.hpp"
#include "services/dynamodb/number.hpp"

namespace stratus::dynamodb {

// The order is part of the stored item format (item_codec.cpp): append, never reorder.
enum class Type { S, N, B, BOOL, NUL, M, L, SS, NS, BS };

class AttributeValue;
using Item = std::map<std::string, AttributeValue>;

class AttributeValue {
 public:
  AttributeValue() : data_(true), type_(Type::NUL) {}
  static AttributeValue string(std::string s) { return AttributeValue(Type::S, std::move(s)); }
  static AttributeValue binary(std::string bytes) { return AttributeValue(Type::B, std::move(bytes)); }
  static AttributeValue number(Number n) { return AttributeValue(Type::N, std::move(n)); }
  static AttributeValue boolean(bool b) { return AttributeValue(Type::BOOL, b); }
  static AttributeValue null() { return AttributeValue(); }
  static AttributeValue map(Item m) { return AttributeValue(Type::M, std::make_shared<Item>(std::move(m))); }
  static AttributeValue list(std::vector<AttributeValue> l) {
    return AttributeValue(Type::L, std::make_shared<std::vector<AttributeValue>>(std::move(l)));
  }
  // Sets keep DynamoDB's rule: non-empty, no duplicates (checked by parse()).
  static AttributeValue string_set(std::vector<std::string> s) { return AttributeValue(Type::SS, std::move(s)); }
  static AttributeValue binary_set(std::vector<std::string> s) { return AttributeValue(Type::BS, std::move(s)); }
  static AttributeValue number_set(std::vector<Number> s) { return AttributeValue(Type::NS, std::move(s)); }

  // Reads the wire form; throws ApiError("ValidationException") as DynamoDB does.
  static AttributeValue parse(const Value& wire);
  static Item parse_item(const Value& wire);
  Value to_value() const;
  static Value item_value(const Item& item);

  Type type() const { return type_; }
  const std::string& as_string() const { return std::get<std::string>(data_); }  // S or B
  const Number& as_number() const { return std::get<Number>(data_); }
  bool as_bool() const { return std::get<bool>(data_); }
  const Item& as_map() const { return *std::get<std::shared_ptr<Item>>(data_); }
  const std::vector<AttributeValue>& as_list() const { return *std::get<std::shared_ptr<std::vector<AttributeValue>>>(data_); }
  const std::vector<std::string>& as_strings() const { return std::get<std::vector<std::string>>(data_); }  // SS or BS
  const std::vector<Number>& as_numbers() const { return std::get<std::vector<Number>>(data_); }

  // Size as DynamoDB counts it toward the 400 KB item limit (the value only).
  std::size_t size() const;
  // Key attributes (S, N, B): bytes whose memcmp order is DynamoDB's sort order.
  std::string key_bytes() const;

  bool operator==(const AttributeValue& other) const;

 private:
  using Data = std::variant<bool, std::string, Number, std::shared_ptr<Item>, std::shared_ptr<std::vector<AttributeValue>>,
                            std::vector<std::string>, std::vector<Number>>;
  AttributeValue(Type type, Data data) : data_(std::move(data)), type_(type) {}
  static AttributeValue parse_at(const Value& wire, int depth);

  Data data_;
  Type type_;
};

// Size of an item: each attribute's name (UTF-8 bytes) plus its value.
std::size_t item_size(const Item& item);

// "S", "N", ... as the wire and DynamoDB's messages name the types.
const char* type_name(Type type);

}  // namespace stratus::dynamodb
