#include "services/dynamodb/attribute_value.hpp"
#include "services/dynamodb/errors.hpp"

#include <algorithm>
#include <set>

#include "protocol/api_error.hpp"
#include "protocol/checksums.hpp"

namespace stratus::dynamodb {
namespace {

constexpr int kMaxDepth = 32;
constexpr std::size_t kContainerOverhead = 3;  // a list or map, whatever it holds
constexpr std::size_t kElementOverhead = 1;    // each element of a list or map

const std::pair<const char*, Type> kTypes[] = {{"S", Type::S},     {"N", Type::N},       {"B", Type::B},
                                               {"BOOL", Type::BOOL}, {"NULL", Type::NUL}, {"M", Type::M},
                                               {"L", Type::L},     {"SS", Type::SS},     {"NS", Type::NS},
                                               {"BS", Type::BS}};

std::string decoded(const Value& v) {
  if (!v.is_string()) throw validation("Supplied AttributeValue has a malformed binary value");
  auto bytes = checksums::base64_decode(v.as_string());
  if (!bytes) throw validation("Supplied AttributeValue has a malformed binary value");
  return *bytes;
}

const std::string& text(const Value& v) {
  if (!v.is_string()) throw validation("Supplied AttributeValue has a malformed value");
  return v.as_string();
}

const Array& elements(const Value& v) {
  if (!v.is_array()) throw validation("Supplied AttributeValue has a malformed set or list");
  return v.as_array();
}

// "[a, b, a]": how DynamoDB quotes a collection in its duplicate message.
std::string listed(const Array& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += values[i].is_string() ? values[i].as_string() : std::string("?");
  }
  return out + "]";
}

template <typename T>
void check_distinct(const std::vector<T>& values, const Array& wire) {
  std::vector<T> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw invalid("Input collection " + listed(wire) + " contains duplicates.");
}

std::size_t number_size(const Number& n) {
  std::size_t digits = 0;
  std::string s = n.to_string();
  auto first = s.find_first_of("123456789");
  auto last = s.find_last_of("123456789");
  if (first != std::string::npos) {
    for (std::size_t i = first; i <= last; ++i) digits += s[i] >= '0' && s[i] <= '9' ? 1 : 0;
  }
  return (digits + 1) / 2 + 1;
}

// {"<type>": value}: built whole, as answers hold thousands of them.
Value tagged(const char* type, Value v) {
  Object o;
  o.reserve(1);
  o.emplace_back(type, std::move(v));
  return Value(std::move(o));
}

}  // namespace

AttributeValue AttributeValue::parse(const Value& wire) { return parse_at(wire, 0); }

AttributeValue AttributeValue::parse_at(const Value& wire, int depth) {
  if (depth > kMaxDepth) throw validation("Nesting Levels have exceeded supported limits");
  if (!wire.is_object()) throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  const Value* member = nullptr;
  Type type = Type::NUL;
  for (const auto& [name, t] : kTypes) {
    const Value* v = wire.find(name);
    if (!v || v->is_null()) continue;
    if (member)
      throw validation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
    member = v;
    type = t;
  }
  if (!member) throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  const Value& v = *member;
  switch (type) {
    case Type::S: return string(text(v));
    case Type::N: return number(Number::parse(text(v)));
    case Type::B: return binary(decoded(v));
    case Type::BOOL:
      if (!v.is_bool()) throw validation("Supplied AttributeValue has a malformed boolean value");
      return boolean(v.as_bool());
    case Type::NUL:
      if (!v.is_bool() || !v.as_bool()) throw invalid("Null attribute value types must have the value of true");
      return null();
    case Type::M: {
      if (!v.is_object()) throw validation("Supplied AttributeValue has a malformed map");
      Item m;
      for (const auto& [name, element] : v.as_object()) m.insert_or_assign(name, parse_at(element, depth + 1));
      return map(std::move(m));
    }
    case Type::L: {
      std::vector<AttributeValue> l;
      for (const auto& element : elements(v)) l.push_back(parse_at(element, depth + 1));
      return list(std::move(l));
    }
    case Type::SS: {
      if (elements(v).empty()) throw invalid("An string set  may not be empty");
      std::vector<std::string> s;
      for (const auto& e : elements(v)) s.push_back(text(e));
      check_distinct(s, v.as_array());
      return string_set(std::move(s));
    }
    case Type::NS: {
      if (elements(v).empty()) throw invalid("An number set  may not be empty");
      std::vector<Number> s;
      for (const auto& e : elements(v)) s.push_back(Number::parse(text(e)));
      check_distinct(s, v.as_array());
      return number_set(std::move(s));
    }
    case Type::BS: {
      if (elements(v).empty()) throw invalid("Binary sets should not be empty");
      std::vector<std::string> s;
      for (const auto& e : elements(v)) s.push_back(decoded(e));
      check_distinct(s, v.as_array());
      return binary_set(std::move(s));
    }
  }
  throw validation("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
}

Item AttributeValue::parse_item(const Value& wire) {
  Item item;
  if (!wire.is_object()) return item;
  for (const auto& [name, v] : wire.as_object()) item.insert_or_assign(name, parse(v));
  return item;
}

Value AttributeValue::to_value() const {
  switch (type_) {
    case Type::S: return tagged("S", Value(as_string()));
    case Type::N: return tagged("N", Value(as_number().to_string()));
    case Type::B: return tagged("B", Value(checksums::base64_encode(as_string())));
    case Type::BOOL: return tagged("BOOL", Value(as_bool()));
    case Type::NUL: return tagged("NULL", Value(true));
    case Type::M: return tagged("M", item_value(as_map()));
    case Type::L: {
      Array l;
      l.reserve(as_list().size());
      for (const auto& e : as_list()) l.push_back(e.to_value());
      return tagged("L", Value(std::move(l)));
    }
    case Type::SS:
    case Type::BS: {
      Array s;
      s.reserve(as_strings().size());
      for (const auto& e : as_strings()) s.push_back(type_ == Type::SS ? Value(e) : Value(checksums::base64_encode(e)));
      return tagged(type_ == Type::SS ? "SS" : "BS", Value(std::move(s)));
    }
    case Type::NS: {
      Array s;
      s.reserve(as_numbers().size());
      for (const auto& e : as_numbers()) s.push_back(Value(e.to_string()));
      return tagged("NS", Value(std::move(s)));
    }
  }
  return Value();
}

// An item's names are unique already: members are appended, not looked up first.
Value AttributeValue::item_value(const Item& item) {
  Object out;
  out.reserve(item.size());
  for (const auto& [name, v] : item) out.emplace_back(name, v.to_value());
  return Value(std::move(out));
}

std::size_t AttributeValue::size() const {
  switch (type_) {
    case Type::S:
    case Type::B: return as_string().size();
    case Type::N: return number_size(as_number());
    case Type::BOOL:
    case Type::NUL: return 1;
    case Type::M: {
      std::size_t total = kContainerOverhead;
      for (const auto& [name, v] : as_map()) total += kElementOverhead + name.size() + v.size();
      return total;
    }
    case Type::L: {
      std::size_t total = kContainerOverhead;
      for (const auto& v : as_list()) total += kElementOverhead + v.size();
      return total;
    }
    case Type::SS:
    case Type::BS: {
      std::size_t total = 0;
      for (const auto& s : as_strings()) total += s.size();
      return total;
    }
    case Type::NS: {
      std::size_t total = 0;
      for (const auto& n : as_numbers()) total += number_size(n);
      return total;
    }
  }
  return 0;
}

std::string AttributeValue::key_bytes() const {
  if (type_ == Type::N) return as_number().sort_key();
  return as_string();
}

bool AttributeValue::operator==(const AttributeValue& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::M: return as_map() == other.as_map();
    case Type::L: return as_list() == other.as_list();
    case Type::SS:
    case Type::BS: {
      std::set<std::string> a(as_strings().begin(), as_strings().end()), b(other.as_strings().begin(), other.as_strings().end());
      return a == b;
    }
    case Type::NS: {
      std::vector<Number> a = as_numbers(), b = other.as_numbers();
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      return a == b;
    }
    default: return data_ == other.data_;
  }
}

std::size_t item_size(const Item& item) {
  std::size_t total = 0;
  for (const auto& [name, v] : item) total += name.size() + v.size();
  return total;
}

const char* type_name(Type type) {
  for (const auto& [name, t] : kTypes)
    if (t == type) return name;
  return "?";
}

}  // namespace stratus::dynamodb
