#pragma once
// The expressions of one item request, read from its expression parameters
// (ConditionExpression, UpdateExpression, ...) or from the legacy parameters that
// came before them (Expected, AttributeUpdates, ...), which are turned into the same
// trees. Mixing the two kinds, and unused or undefined placeholders, are refused with
// DynamoDB's messages.
#include <optional>
#include <vector>

#include "protocol/value.hpp"
#include "services/dynamodb/expression.hpp"

namespace stratus::dynamodb {

struct RequestExpressions {
  std::optional<Condition> condition;      // ConditionExpression / Expected
  std::optional<Condition> key_condition;  // KeyConditionExpression / KeyConditions
  std::optional<Condition> filter;         // FilterExpression / QueryFilter / ScanFilter
  std::optional<UpdateExpression> update;  // UpdateExpression / AttributeUpdates
  std::optional<std::vector<Path>> projection;  // ProjectionExpression / AttributesToGet
};

// Which of the expression parameters an operation takes.
enum ExpressionParameter : unsigned {
  kCondition = 1,
  kKeyCondition = 2,
  kFilter = 4,
  kUpdate = 8,
  kProjection = 16,
};

RequestExpressions read_expressions(const Value& input, unsigned parameters);

// The legacy parameters as trees (legacy_parameters.cpp). `conditions` is an Expected,
// KeyConditions, QueryFilter or ScanFilter map; `conditional_operator` AND or OR.
Condition legacy_condition(const Value& conditions, const std::string& conditional_operator, bool expected);
UpdateExpression legacy_update(const Value& attribute_updates);

}  // namespace stratus::dynamodb
