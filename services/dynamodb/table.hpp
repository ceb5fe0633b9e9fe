#pragma once
// A DynamoDB table's definition: its key schema and attribute types, its indexes, and
// the description DescribeTable gives (kept as a Value in the API's shape).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/value.hpp"

namespace stratus::dynamodb {

struct KeySchema {
  std::string partition_key;
  std::optional<std::string> sort_key;
};

struct Table {
  std::string name, arn, account, region;
  Value input;        // the CreateTable input it was made from (reloaded through define_table)
  Value description;  // TableDescription, without the live ItemCount / TableSizeBytes
  std::map<std::string, std::string> tags;
  KeySchema key;
  std::map<std::string, std::string> attribute_types;  // from AttributeDefinitions: S, N or B
};

// Checks a CreateTable input as DynamoDB does and builds the table's description;
// throws ValidationException with DynamoDB's messages.
Table define_table(const Value& input, const std::string& account, const std::string& region);

}  // namespace stratus::dynamodb
