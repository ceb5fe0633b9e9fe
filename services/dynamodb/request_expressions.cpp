#include "services/dynamodb/request_expressions.hpp"
#include "services/dynamodb/errors.hpp"

#include "protocol/api_error.hpp"
#include "services/dynamodb/placeholders.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

struct Parameter {
  ExpressionParameter flag;
  const char* expression;
  std::vector<const char*> legacy;
};

const std::vector<Parameter>& parameters() {
  static const std::vector<Parameter> all = {
      {kUpdate, "UpdateExpression", {"AttributeUpdates"}},
      {kCondition, "ConditionExpression", {"Expected"}},
      {kKeyCondition, "KeyConditionExpression", {"KeyConditions"}},
      {kFilter, "FilterExpression", {"QueryFilter", "ScanFilter"}},
      {kProjection, "ProjectionExpression", {"AttributesToGet"}},
  };
  return all;
}

bool present(const Value& input, const char* name) {
  const Value* v = input.find(name);
  return v && !v->is_null();
}

std::string braces(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return "{" + out + "}";
}

void read_legacy(const Value& input, const Parameter& p, RequestExpressions& out) {
  std::string conditional = input::optional_string(input, "ConditionalOperator").value_or("AND");
  for (const char* name : p.legacy) {
    if (!present(input, name)) continue;
    const Value& v = *input.find(name);
    switch (p.flag) {
      case kUpdate: out.update = legacy_update(v); break;
      case kCondition: out.condition = legacy_condition(v, conditional, true); break;
      case kKeyCondition: out.key_condition = legacy_condition(v, "AND", false); break;
      case kFilter: out.filter = legacy_condition(v, conditional, false); break;
      case kProjection: {
        std::vector<Path> paths;
        for (const auto& attribute : input::strings(input, name)) paths.push_back({{attribute}});
        if (!paths.empty()) out.projection = std::move(paths);
        break;
      }
    }
  }
}

// Empty legacy condition maps mean no condition.
void drop_empty(std::optional<Condition>& c) {
  if (c && c->kind == Condition::Kind::And && c->children.empty()) c.reset();
}

}  // namespace

RequestExpressions read_expressions(const Value& input, unsigned wanted) {
  std::vector<std::string> expressions, legacy;
  for (const auto& p : parameters()) {
    if (!(wanted & p.flag)) continue;
    if (present(input, p.expression)) expressions.push_back(p.expression);
    for (const char* name : p.legacy)
      if (present(input, name)) legacy.push_back(name);
  }
  if (present(input, "ConditionalOperator")) legacy.push_back("ConditionalOperator");
  if (!expressions.empty() && !legacy.empty())
    throw validation("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: " +
                     braces(legacy) + " Expression parameters: " + braces(expressions));

  Placeholders placeholders(input);
  RequestExpressions out;
  if (expressions.empty()) {
    if (placeholders.has_names()) throw validation("ExpressionAttributeNames can only be specified when using expressions");
    if (placeholders.has_values()) throw validation("ExpressionAttributeValues can only be specified when using expressions");
    for (const auto& p : parameters())
      if (wanted & p.flag) read_legacy(input, p, out);
    drop_empty(out.condition);
    drop_empty(out.filter);
    return out;
  }
  auto text = [&](const char* name) { return input::required_string(input, name); };
  for (const auto& p : parameters()) {
    if (!(wanted & p.flag) || !present(input, p.expression)) continue;
    switch (p.flag) {
      case kUpdate: out.update = parse_update(text(p.expression), placeholders); break;
      case kCondition: out.condition = parse_condition(text(p.expression), p.expression, placeholders); break;
      case kKeyCondition: out.key_condition = parse_condition(text(p.expression), p.expression, placeholders); break;
      case kFilter: out.filter = parse_condition(text(p.expression), p.expression, placeholders); break;
      case kProjection: out.projection = parse_projection(text(p.expression), placeholders); break;
    }
  }
  placeholders.check_all_used();
  return out;
}

}  // namespace stratus::dynamodb
