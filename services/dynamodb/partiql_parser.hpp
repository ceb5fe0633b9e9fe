#pragma once
// PartiQL statements as DynamoDB runs them (ExecuteStatement, BatchExecuteStatement,
// ExecuteTransaction): SELECT, INSERT, UPDATE, DELETE and, in transactions, EXISTS.
// The parser reads the text into a statement tree with its `?` parameters bound: the
// WHERE clause becomes the Condition tree of the expression language, so matches()
// evaluates it, and SET and REMOVE become UpdateExpression actions. Which conditions
// name a key is worked out against the table's schema later, in partiql_operations.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/expression.hpp"

namespace stratus::dynamodb::partiql {

struct OrderBy {
  std::string attribute;
  bool descending = false;
  bool operator==(const OrderBy&) const = default;
};

struct Statement {
  enum class Kind { Select, Insert, Update, Delete, Exists };
  Kind kind = Kind::Select;
  std::string table;
  std::optional<std::string> index;  // SELECT ... FROM "table"."index"
  std::vector<Path> projection;      // SELECT's paths; empty for SELECT *
  std::optional<Condition> where;    // EXISTS: the WHERE of its SELECT
  std::vector<OrderBy> order_by;
  UpdateExpression update;           // UPDATE's SET and REMOVE actions, in the order written
  Item item;                         // INSERT's VALUE
  std::string returning;             // "ALL OLD", "MODIFIED NEW", ...; empty without RETURNING
};

// Reads one statement, binding each `?` to the next of `parameters`. Throws
// ValidationException with DynamoDB's messages: "Statement wasn't well formed, can't be
// processed: <detail>" for syntax errors, and DynamoDB's own texts for what it does not
// support or for values it refuses.
Statement parse(std::string_view text, const std::vector<AttributeValue>& parameters);

}  // namespace stratus::dynamodb::partiql
