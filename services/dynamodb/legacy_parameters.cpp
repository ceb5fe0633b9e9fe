// The parameters DynamoDB had before expressions (Expected, KeyConditions,
// QueryFilter, ScanFilter, AttributeUpdates), turned into expression trees.
#include "protocol/api_error.hpp"
#include "services/dynamodb/request_expressions.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

bool scalar(const AttributeValue& v) { return v.type() == Type::S || v.type() == Type::N || v.type() == Type::B; }

// One ComparisonOperator with its AttributeValueList on one attribute.
Condition comparison(const std::string& name, const std::string& op, const std::vector<AttributeValue>& args) {
  auto count = [&](bool ok) {
    if (!ok) throw invalid("Invalid number of argument(s) for the " + op + " ComparisonOperator");
  };
  auto require = [&](bool ok, const AttributeValue& v) {
    if (!ok) throw invalid("ComparisonOperator " + op + " is not valid for " + type_name(v.type()) + " AttributeValue type");
  };
  Operand path = path_operand({{name}});
  static const std::vector<std::pair<std::string, std::string>> kComparators = {
      {"EQ", "="}, {"NE", "<>"}, {"LT", "<"}, {"LE", "<="}, {"GT", ">"}, {"GE", ">="}};
  for (const auto& [legacy, symbol] : kComparators)
    if (op == legacy) {
      count(args.size() == 1);
      if (op != "EQ" && op != "NE") require(scalar(args[0]), args[0]);
      return operand_condition(Condition::Kind::Compare, {path, value_operand(args[0])}, symbol);
    }
  if (op == "NULL" || op == "NOT_NULL") {
    count(args.empty());
    return operand_condition(op == "NULL" ? Condition::Kind::NotExists : Condition::Kind::Exists, {path});
  }
  if (op == "CONTAINS" || op == "NOT_CONTAINS") {
    count(args.size() == 1);
    require(scalar(args[0]), args[0]);
    Condition c = operand_condition(Condition::Kind::Contains, {path, value_operand(args[0])});
    if (op == "CONTAINS") return c;
    return combine(Condition::Kind::And, operand_condition(Condition::Kind::Exists, {path}), negate(std::move(c)));
  }
  if (op == "BEGINS_WITH") {
    count(args.size() == 1);
    require(args[0].type() == Type::S || args[0].type() == Type::B, args[0]);
    return operand_condition(Condition::Kind::BeginsWith, {path, value_operand(args[0])});
  }
  if (op == "IN") {
    count(!args.empty());
    std::vector<Operand> operands{path};
    for (const auto& a : args) operands.push_back(value_operand(a));
    return operand_condition(Condition::Kind::In, std::move(operands));
  }
  if (op == "BETWEEN") {
    count(args.size() == 2);
    for (const auto& a : args) require(scalar(a), a);
    return operand_condition(Condition::Kind::Between, {path, value_operand(args[0]), value_operand(args[1])});
  }
  throw ApiError("ValidationException", "1 validation error detected: Value '" + op +
                                            "' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: "
                                            "[IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]");
}

// Expected's older form: {"Value": v} (equal) or {"Exists": false} (absent).
Condition expectation(const std::string& name, const Value& e) {
  const Value* value = e.find("Value");
  bool has_value = value && !value->is_null();
  std::optional<bool> exists = input::optional_bool(e, "Exists");
  if (exists == false) {
    if (has_value) throw invalid("Value cannot be used when Exists is false for Attribute: " + name);
    return operand_condition(Condition::Kind::NotExists, {path_operand({{name}})});
  }
  if (!has_value) throw invalid("Value must be provided when Exists is true for Attribute: " + name);
  return operand_condition(Condition::Kind::Compare, {path_operand({{name}}), value_operand(AttributeValue::parse(*value))},
                           "=");
}

}  // namespace

Condition legacy_condition(const Value& conditions, const std::string& conditional_operator, bool expected) {
  std::vector<Condition> parts;
  for (const auto& [name, spec] : conditions.is_object() ? conditions.as_object() : Object{}) {
    auto op = input::optional_string(spec, "ComparisonOperator");
    if (!op) {
      if (!expected) throw invalid("ComparisonOperator is required for Attribute: " + name);
      parts.push_back(expectation(name, spec));
      continue;
    }
    if (const Value* v = spec.find("Value"); v && !v->is_null()) {
      std::vector<AttributeValue> args{AttributeValue::parse(*v)};
      parts.push_back(comparison(name, *op, args));
      continue;
    }
    std::vector<AttributeValue> args;
    for (const auto& a : input::list(spec, "AttributeValueList")) args.push_back(AttributeValue::parse(a));
    parts.push_back(comparison(name, *op, args));
  }
  Condition all;
  all.kind = Condition::Kind::And;
  if (parts.empty()) return all;  // no condition at all
  Condition combined = std::move(parts[0]);
  Condition::Kind kind = conditional_operator == "OR" ? Condition::Kind::Or : Condition::Kind::And;
  for (std::size_t i = 1; i < parts.size(); ++i) combined = combine(kind, std::move(combined), std::move(parts[i]));
  return combined;
}

UpdateExpression legacy_update(const Value& attribute_updates) {
  UpdateExpression actions;
  for (const auto& [name, spec] : attribute_updates.is_object() ? attribute_updates.as_object() : Object{}) {
    std::string action = input::optional_string(spec, "Action").value_or("PUT");
    const Value* wire = spec.find("Value");
    std::optional<AttributeValue> value;
    if (wire && !wire->is_null()) value = AttributeValue::parse(*wire);
    UpdateAction a;
    a.path = {{name}};
    if (!value) {
      if (action != "DELETE") throw invalid("Only DELETE action is allowed when no attribute value is specified");
      a.kind = UpdateAction::Kind::Remove;
    } else if (action == "PUT") {
      a.kind = UpdateAction::Kind::Set;
      a.value = value_operand(*value);
    } else if (action == "DELETE") {
      Type t = value->type();
      if (t != Type::SS && t != Type::NS && t != Type::BS)
        throw invalid(std::string("DELETE action with value is not supported for the type ") + type_name(t));
      a.kind = UpdateAction::Kind::Delete;
      a.value = value_operand(*value);
    } else if (value->type() == Type::L) {
      // ADD to a list appends, creating the list when it is missing.
      a.kind = UpdateAction::Kind::Set;
      Operand existing;
      existing.kind = Operand::Kind::IfNotExists;
      existing.args = {path_operand({{name}}), value_operand(AttributeValue::list({}))};
      a.value.kind = Operand::Kind::ListAppend;
      a.value.args = {std::move(existing), value_operand(*value)};
    } else {
      Type t = value->type();
      if (t != Type::N && t != Type::SS && t != Type::NS && t != Type::BS)
        throw invalid(std::string("ADD action is not supported for the type ") + type_name(t));
      a.kind = UpdateAction::Kind::Add;
      a.value = value_operand(*value);
    }
    actions.push_back(std::move(a));
  }
  return actions;
}

}  // namespace stratus::dynamodb
