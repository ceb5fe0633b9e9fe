#pragma once
// DynamoDB's expression language as trees: document paths, operands, conditions
// (ConditionExpression, FilterExpression, KeyConditionExpression), update actions and
// projections. expression_parser.cpp reads the text; condition_evaluator.cpp,
// update_evaluator.cpp and document_path.cpp act on items.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/dynamodb/attribute_value.hpp"

namespace stratus::dynamodb {

class Placeholders;

// One step of a document path: a map member (or top-level attribute) or a list index.
struct PathElement {
  std::string name;
  std::size_t index = 0;
  bool is_index = false;
  bool operator==(const PathElement&) const = default;
};
using Path = std::vector<PathElement>;

// "[a, b, [2]]", as DynamoDB's messages print a path.
std::string path_text(const Path& path);

struct Operand {
  enum class Kind { Path, Value, Size, IfNotExists, ListAppend, Plus, Minus };
  Kind kind = Kind::Path;
  Path path;             // Kind::Path
  AttributeValue value;  // Kind::Value
  std::vector<Operand> args;
};

struct Condition {
  enum class Kind { Compare, Between, In, And, Or, Not, Exists, NotExists, Type, BeginsWith, Contains };
  Kind kind = Kind::Compare;
  std::string op;                 // the comparator of Kind::Compare: = <> < <= > >=
  std::vector<Operand> operands;  // in the order written
  std::vector<Condition> children;
};

// Node makers for the parsers that build these trees: expressions, PartiQL and the
// legacy parameters.
inline Operand path_operand(Path path) {
  Operand o;
  o.path = std::move(path);
  return o;
}

inline Operand value_operand(AttributeValue value) {
  Operand o;
  o.kind = Operand::Kind::Value;
  o.value = std::move(value);
  return o;
}

// A condition on operands: a comparison (with its comparator `op`), BETWEEN, IN or a function.
inline Condition operand_condition(Condition::Kind kind, std::vector<Operand> operands, std::string op = {}) {
  Condition c;
  c.kind = kind;
  c.op = std::move(op);
  c.operands = std::move(operands);
  return c;
}

// AND or OR of two conditions.
inline Condition combine(Condition::Kind kind, Condition left, Condition right) {
  Condition c;
  c.kind = kind;
  c.children.push_back(std::move(left));
  c.children.push_back(std::move(right));
  return c;
}

inline Condition negate(Condition inner) {
  Condition c;
  c.kind = Condition::Kind::Not;
  c.children.push_back(std::move(inner));
  return c;
}

struct UpdateAction {
  enum class Kind { Set, Remove, Add, Delete };
  Kind kind = Kind::Set;
  Path path;
  Operand value;  // absent for Remove
};
using UpdateExpression = std::vector<UpdateAction>;

// Each parser throws ValidationException with DynamoDB's message, prefixed
// "Invalid <kind>: ", for syntax errors, undefined placeholders, reserved words and
// operand types that are wrong whatever the item.
Condition parse_condition(std::string_view text, const char* kind, Placeholders& placeholders);
UpdateExpression parse_update(std::string_view text, Placeholders& placeholders);
std::vector<Path> parse_projection(std::string_view text, Placeholders& placeholders);

bool is_reserved_word(std::string_view word);

// Whether an item (empty when there is none) satisfies a condition.
bool matches(const Condition& condition, const Item& item);

// The item after the actions; every operand reads the item as it was before (`item`
// holds only the key when `item_exists` is false). Throws ValidationException as
// DynamoDB does when the item's values do not fit the actions.
Item apply_update(const UpdateExpression& actions, const Item& item, bool item_exists);

// The parts of an item the paths select, nested as in the item; list elements keep
// their order and close up.
Item project(const Item& item, const std::vector<Path>& paths);

// The value at a path, or null.
const AttributeValue* find(const Item& item, const Path& path);

// Throws ValidationException "Two document paths overlap..." or "... conflict ..."
// when any path is a prefix of another or differs from it only by map/list step kind.
void check_disjoint(const std::vector<Path>& paths, const char* kind);

}  // namespace stratus::dynamodb
