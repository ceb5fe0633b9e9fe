// Conditions against an item. A missing attribute or an operand of a type the
// operator cannot use makes the comparison false rather than an error, as in DynamoDB
// (constants of wrong types were already refused by the parser).
#include <algorithm>
#include <optional>

#include "services/dynamodb/expression.hpp"

namespace stratus::dynamodb {
namespace {

// A string's size counts UTF-16 code units, as DynamoDB (a Java service) counts them:
// a character outside the Basic Multilingual Plane (a 4-byte UTF-8 sequence) is two.
std::size_t utf16_length(const std::string& utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) {
    if ((c & 0xC0) != 0x80) ++n;  // each sequence's first byte
    if (c >= 0xF0) ++n;
  }
  return n;
}

std::optional<AttributeValue> evaluate(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::Kind::Value: return o.value;
    case Operand::Kind::Path: {
      const AttributeValue* v = find(item, o.path);
      return v ? std::optional<AttributeValue>(*v) : std::nullopt;
    }
    case Operand::Kind::Size: {
      const AttributeValue* v = find(item, o.args[0].path);
      if (!v) return std::nullopt;
      std::size_t n = 0;
      switch (v->type()) {
        case Type::S: n = utf16_length(v->as_string()); break;
        case Type::B: n = v->as_string().size(); break;
        case Type::SS:
        case Type::BS: n = v->as_strings().size(); break;
        case Type::NS: n = v->as_numbers().size(); break;
        case Type::L: n = v->as_list().size(); break;
        case Type::M: n = v->as_map().size(); break;
        default: return std::nullopt;
      }
      return AttributeValue::number(Number::parse(std::to_string(n)));
    }
    default: return std::nullopt;  // update-only operands never reach a condition
  }
}

bool orderable(const AttributeValue& a, const AttributeValue& b) {
  return a.type() == b.type() && (a.type() == Type::S || a.type() == Type::N || a.type() == Type::B);
}

// Negative, zero or positive; only for orderable pairs.
int order(const AttributeValue& a, const AttributeValue& b) {
  if (a.type() == Type::N) {
    auto c = a.as_number() <=> b.as_number();
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  int c = a.as_string().compare(b.as_string());
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

bool compare(const std::string& op, const std::optional<AttributeValue>& a, const std::optional<AttributeValue>& b) {
  if (op == "=") return a && b && *a == *b;
  if (op == "<>") return !(a && b && *a == *b);
  if (!a || !b || !orderable(*a, *b)) return false;
  int c = order(*a, *b);
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

bool contains(const AttributeValue& haystack, const AttributeValue& needle) {
  switch (haystack.type()) {
    case Type::S:
    case Type::B:
      return needle.type() == haystack.type() && haystack.as_string().find(needle.as_string()) != std::string::npos;
    case Type::SS:
    case Type::BS: {
      if (needle.type() != (haystack.type() == Type::SS ? Type::S : Type::B)) return false;
      const auto& members = haystack.as_strings();
      return std::find(members.begin(), members.end(), needle.as_string()) != members.end();
    }
    case Type::NS: {
      if (needle.type() != Type::N) return false;
      const auto& members = haystack.as_numbers();
      return std::find(members.begin(), members.end(), needle.as_number()) != members.end();
    }
    case Type::L: {
      const auto& elements = haystack.as_list();
      return std::find(elements.begin(), elements.end(), needle) != elements.end();
    }
    default: return false;
  }
}

bool begins_with(const AttributeValue& v, const AttributeValue& prefix) {
  return (v.type() == Type::S || v.type() == Type::B) && prefix.type() == v.type() && v.as_string().starts_with(prefix.as_string());
}

}  // namespace

bool matches(const Condition& c, const Item& item) {
  switch (c.kind) {
    case Condition::Kind::And: return matches(c.children[0], item) && matches(c.children[1], item);
    case Condition::Kind::Or: return matches(c.children[0], item) || matches(c.children[1], item);
    case Condition::Kind::Not: return !matches(c.children[0], item);
    case Condition::Kind::Exists: return find(item, c.operands[0].path) != nullptr;
    case Condition::Kind::NotExists: return find(item, c.operands[0].path) == nullptr;
    default: break;
  }
  std::vector<std::optional<AttributeValue>> values;
  values.reserve(c.operands.size());
  for (const auto& o : c.operands) {
    values.push_back(evaluate(o, item));
    // size() of something without a size makes the whole comparison false, even <>.
    if (o.kind == Operand::Kind::Size && !values.back()) return false;
  }
  switch (c.kind) {
    case Condition::Kind::Compare: return compare(c.op, values[0], values[1]);
    case Condition::Kind::Between: return compare(">=", values[0], values[1]) && compare("<=", values[0], values[2]);
    case Condition::Kind::In:
      return values[0] && std::any_of(values.begin() + 1, values.end(), [&](const auto& v) { return v && *v == *values[0]; });
    case Condition::Kind::Type:
      return values[0] && values[1] && values[1]->type() == Type::S && values[1]->as_string() == type_name(values[0]->type());
    case Condition::Kind::BeginsWith: return values[0] && values[1] && begins_with(*values[0], *values[1]);
    case Condition::Kind::Contains: return values[0] && values[1] && contains(*values[0], *values[1]);
    default: return false;
  }
}

}  // namespace stratus::dynamodb
