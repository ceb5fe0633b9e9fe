#pragma once
// The checks DynamoDB's expressions and its PartiQL both make on operands as they read
// conditions and updates, and the conditions their functions (attribute_exists,
// attribute_not_exists, attribute_type, begins_with, contains) build. Both languages
// refuse the same things with the same messages, worded a little differently.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/dynamodb/expression.hpp"

namespace stratus::dynamodb {

// Whether `name` is one of the functions that make a condition rather than an operand.
bool is_condition_function(std::string_view name);

// Each check throws ValidationException with DynamoDB's message in one language's words.
class OperandChecks {
 public:
  // `prefix` opens every message ("Invalid ConditionExpression: " for expressions,
  // nothing for PartiQL); `type_names` is how the language lists attribute_type's valid
  // names (PartiQL pads the braces).
  OperandChecks(std::string prefix, std::string type_names)
      : prefix_(std::move(prefix)), type_names_(std::move(type_names)) {}

  [[noreturn]] void fail(const std::string& message) const;
  void require_arity(const std::string& function, const std::vector<Operand>& args, std::size_t n) const;
  void require_path(const std::string& function, const Operand& o) const;
  // Constants must have a type the operator can order; paths are checked per item.
  void require_ordered(const std::string& op, const Operand& o) const;
  // `o`, read as a + b or a - b: constants must be numbers.
  void check_arithmetic(const std::string& op, const Operand& o) const;
  // `o`, read as if_not_exists(path, v) or list_append(a, b): two arguments;
  // if_not_exists's first is a path, list_append's constants are lists.
  void check_update_function(const std::string& function, const Operand& o) const;

  // The condition a call of `function`, one of is_condition_function's (in lower case),
  // makes of its arguments.
  Condition function_condition(const std::string& function, std::vector<Operand> args) const;

 private:
  [[noreturn]] void operand_type_error(const std::string& function, Type type) const;
  void check_type_name(const Operand& o) const;

  std::string prefix_;
  std::string type_names_;
};

}  // namespace stratus::dynamodb
