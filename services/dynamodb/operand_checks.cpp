#include "services/dynamodb/operand_checks.hpp"

#include "services/dynamodb/errors.hpp"

namespace stratus::dynamodb {

bool is_condition_function(std::string_view name) {
  return name == "attribute_exists" || name == "attribute_not_exists" || name == "attribute_type" ||
         name == "begins_with" || name == "contains";
}

void OperandChecks::fail(const std::string& message) const { throw validation(prefix_ + message); }

void OperandChecks::operand_type_error(const std::string& function, Type type) const {
  fail("Incorrect operand type for operator or function; operator or function: " + function +
       ", operand type: " + type_name(type));
}

void OperandChecks::require_arity(const std::string& function, const std::vector<Operand>& args, std::size_t n) const {
  if (args.size() != n)
    fail("Incorrect number of operands for operator or function; operator or function: " + function +
         ", number of operands: " + std::to_string(args.size()));
}

void OperandChecks::require_path(const std::string& function, const Operand& o) const {
  if (o.kind != Operand::Kind::Path) fail("Operator or function requires a document path; operator or function: " + function);
}

void OperandChecks::require_ordered(const std::string& op, const Operand& o) const {
  if (o.kind == Operand::Kind::Value && o.value.type() != Type::S && o.value.type() != Type::N && o.value.type() != Type::B)
    operand_type_error(op, o.value.type());
}

void OperandChecks::check_arithmetic(const std::string& op, const Operand& o) const {
  for (const auto& arg : o.args)
    if (arg.kind == Operand::Kind::Value && arg.value.type() != Type::N) operand_type_error(op, arg.value.type());
}

void OperandChecks::check_update_function(const std::string& function, const Operand& o) const {
  require_arity(function, o.args, 2);
  if (o.kind == Operand::Kind::IfNotExists) require_path(function, o.args[0]);
  else
    for (const auto& arg : o.args)
      if (arg.kind == Operand::Kind::Value && arg.value.type() != Type::L) operand_type_error(function, arg.value.type());
}

Condition OperandChecks::function_condition(const std::string& function, std::vector<Operand> args) const {
  Condition c;
  c.operands = std::move(args);
  if (function == "attribute_exists" || function == "attribute_not_exists") {
    require_arity(function, c.operands, 1);
    c.kind = function == "attribute_exists" ? Condition::Kind::Exists : Condition::Kind::NotExists;
  } else if (function == "attribute_type") {
    require_arity(function, c.operands, 2);
    c.kind = Condition::Kind::Type;
    check_type_name(c.operands[1]);
  } else {
    require_arity(function, c.operands, 2);
    c.kind = function == "begins_with" ? Condition::Kind::BeginsWith : Condition::Kind::Contains;
    if (c.kind == Condition::Kind::BeginsWith)
      for (const auto& o : c.operands)
        if (o.kind == Operand::Kind::Value && o.value.type() != Type::S && o.value.type() != Type::B)
          operand_type_error(function, o.value.type());
  }
  require_path(function, c.operands[0]);
  return c;
}

// A constant type name must be one of DynamoDB's; a path's value is checked per item.
void OperandChecks::check_type_name(const Operand& o) const {
  if (o.kind != Operand::Kind::Value) return;
  if (o.value.type() != Type::S) operand_type_error("attribute_type", o.value.type());
  static const char* const kNames[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
  for (const char* name : kNames)
    if (o.value.as_string() == name) return;
  fail("Invalid attribute type name found; type: " + o.value.as_string() + ", valid types: " + type_names_);
}

}  // namespace stratus::dynamodb
