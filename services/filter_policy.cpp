#include "services/filter_policy.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <variant>

#include "protocol/api_error.hpp"
#include "protocol/json.hpp"

namespace stratus {
namespace {

constexpr std::size_t kMaxKeys = 5;
constexpr std::size_t kMaxCombinations = 150;
constexpr double kNumericLimit = 1e9;
constexpr std::size_t kMaxPolicyBytes = 256 * 1024;

ApiError policy_error(const std::string& reason) {
  return ApiError("InvalidParameterException", "Invalid parameter: FilterPolicy: " + reason);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<double> number_of(std::string_view text) {
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

// An IPv4 or IPv6 network, compared on its first `bits` bits.
struct Network {
  int family = AF_INET;
  std::array<unsigned char, 16> address{};
  int bits = 0;

  bool contains(std::string_view text) const {
    std::array<unsigned char, 16> ip{};
    std::string s(text);
    if (inet_pton(family, s.c_str(), ip.data()) != 1) return false;
    for (int i = 0; i < bits; ++i) {
      int byte = i / 8, bit = 7 - i % 8;
      if (((ip[byte] >> bit) & 1) != ((address[byte] >> bit) & 1)) return false;
    }
    return true;
  }
};

Network parse_cidr(const Value& v) {
  if (!v.is_string()) throw policy_error("Malformed CIDR, one '/' required");
  const std::string& text = v.as_string();
  auto slash = text.find('/');
  if (slash == std::string::npos || text.find('/', slash + 1) != std::string::npos)
    throw policy_error("Malformed CIDR, one '/' required");
  Network n;
  std::string ip = text.substr(0, slash);
  n.family = ip.find(':') == std::string::npos ? AF_INET : AF_INET6;
  int max_bits = n.family == AF_INET ? 32 : 128;
  std::string_view bits(text.data() + slash + 1, text.size() - slash - 1);
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n.bits);
  if (inet_pton(n.family, ip.c_str(), n.address.data()) != 1 || ec != std::errc() ||
      end != bits.data() + bits.size() || bits.empty() || n.bits < 0 || n.bits > max_bits)
    throw policy_error("Nonstandard IP address: " + ip);
  return n;
}

}  // namespace

// One entry of a key's array: the message value must satisfy at least one of them.
struct FilterPolicy::Condition {
  enum class Kind { ExactString, ExactNumber, Null, Prefix, Suffix, EqualsIgnoreCase, AnythingBut, Numeric, Exists, Cidr };
  Kind kind = Kind::ExactString;
  std::string text;      // ExactString, Prefix, Suffix, EqualsIgnoreCase (lower-cased)
  double number = 0;     // ExactNumber
  bool exists = true;    // Exists
  std::vector<std::pair<std::string, double>> range;  // Numeric: (operator, bound)
  Network network;       // Cidr
  // AnythingBut: the values it must not be, or the prefix/suffix it must not have.
  std::vector<std::string> not_strings;
  std::vector<double> not_numbers;
  std::string not_prefix, not_suffix;

  // A value from the message: a string, a number, or null.
  using Candidate = std::variant<std::monostate, std::string, double>;

  bool matches(const Candidate& c) const {
    const std::string* s = std::get_if<std::string>(&c);
    const double* d = std::get_if<double>(&c);
    switch (kind) {
      case Kind::ExactString: return s && *s == text;
      case Kind::ExactNumber: return d && *d == number;
      case Kind::Null: return std::holds_alternative<std::monostate>(c);
      case Kind::Prefix: return s && s->starts_with(text);
      case Kind::Suffix: return s && s->ends_with(text);
      case Kind::EqualsIgnoreCase: return s && lower(*s) == text;
      case Kind::Exists: return exists;
      case Kind::Cidr: return s && network.contains(*s);
      case Kind::Numeric: return d && in_range(*d);
      case Kind::AnythingBut:
        if (s) {
          if (!not_prefix.empty()) return !s->starts_with(not_prefix);
          if (!not_suffix.empty()) return !s->ends_with(not_suffix);
          return std::find(not_strings.begin(), not_strings.end(), *s) == not_strings.end();
        }
        if (d) return not_prefix.empty() && not_suffix.empty() &&
                      std::find(not_numbers.begin(), not_numbers.end(), *d) == not_numbers.end();
        return false;
    }
    return false;
  }

  bool in_range(double d) const {
    for (const auto& [op, bound] : range) {
      bool ok = op == "=" ? d == bound : op == "<" ? d < bound : op == "<=" ? d <= bound : op == ">" ? d > bound : d >= bound;
      if (!ok) return false;
    }
    return true;
  }
};

struct FilterPolicy::Node {
  struct Key {
    std::string name;
    std::vector<Condition> conditions;  // a leaf...
    std::unique_ptr<Node> nested;       // ...or a nested level (body scope)
  };
  std::vector<Key> keys;
  std::vector<Node> any_of;  // "$or": besides the keys, one of these must match too
};

namespace {

using Condition = FilterPolicy::Condition;
using Node = FilterPolicy::Node;

Condition parse_anything_but(const Value& v) {
  Condition c;
  c.kind = Condition::Kind::AnythingBut;
  auto add = [&](const Value& e) {
    if (e.is_string()) {
      c.not_strings.push_back(e.as_string());
    } else if (e.is_number()) {
      c.not_numbers.push_back(e.as_double());
    } else {
      throw policy_error("Inside anything but list, start|null|boolean is not supported.");
    }
  };
  if (v.is_array()) {
    if (v.as_array().empty()) throw policy_error("Empty arrays are not allowed");
    for (const auto& e : v.as_array()) add(e);
  } else if (v.is_object()) {
    if (v.as_object().size() != 1) throw policy_error("Value of anything-but must be an array or single string/number value.");
    const auto& [op, operand] = v.as_object().front();
    if ((op != "prefix" && op != "suffix") || !operand.is_string())
      throw policy_error("Unsupported anything-but pattern: " + op);
    if (operand.as_string().empty()) throw policy_error("Null prefix/suffix not allowed");
    (op == "prefix" ? c.not_prefix : c.not_suffix) = operand.as_string();
  } else {
    add(v);
  }
  return c;
}

Condition parse_numeric(const Value& v) {
  Condition c;
  c.kind = Condition::Kind::Numeric;
  if (!v.is_array() || v.as_array().empty()) throw policy_error("Value of numeric must be an array.");
  const Array& items = v.as_array();
  if (items.size() % 2 != 0) throw policy_error("Value of numeric must be an array of operator and value pairs.");
  for (std::size_t i = 0; i < items.size(); i += 2) {
    if (!items[i].is_string()) throw policy_error("Unrecognized numeric range operator");
    const std::string& op = items[i].as_string();
    if (op != "=" && op != "<" && op != "<=" && op != ">" && op != ">=")
      throw policy_error("Unrecognized numeric range operator: " + op);
    if (!items[i + 1].is_number()) throw policy_error("Value of " + op + " must be numeric");
    double bound = items[i + 1].as_double();
    if (bound < -kNumericLimit || bound > kNumericLimit)
      throw policy_error("Numeric value must be between -1.0E9 and 1.0E9 inclusive");
    c.range.emplace_back(op, bound);
  }
  // "=" stands alone; a range is at most one lower bound followed by one upper bound.
  bool valid = c.range.size() == 1 || (c.range.size() == 2 && (c.range[0].first == ">" || c.range[0].first == ">=") &&
                                       (c.range[1].first == "<" || c.range[1].first == "<="));
  if (c.range.size() == 2 && c.range[0].first == "=") valid = false;
  if (!valid) throw policy_error("Too many elements in numeric expression");
  if (c.range.size() == 2 && c.range[0].second >= c.range[1].second)
    throw policy_error("Bottom must be less than top");
  return c;
}

Condition parse_operator(const Object& object) {
  if (object.size() != 1) throw policy_error("Only one key allowed in match expression");
  const auto& [op, v] = object.front();
  Condition c;
  auto string_operand = [&](Condition::Kind kind) {
    if (!v.is_string()) throw policy_error(op + " match pattern must be a string");
    c.kind = kind;
    c.text = kind == Condition::Kind::EqualsIgnoreCase ? lower(v.as_string()) : v.as_string();
    return c;
  };
  if (op == "prefix") return string_operand(Condition::Kind::Prefix);
  if (op == "suffix") return string_operand(Condition::Kind::Suffix);
  if (op == "equals-ignore-case") return string_operand(Condition::Kind::EqualsIgnoreCase);
  if (op == "anything-but") return parse_anything_but(v);
  if (op == "numeric") return parse_numeric(v);
  if (op == "exists") {
    if (!v.is_bool()) throw policy_error("exists match pattern must be either true or false.");
    c.kind = Condition::Kind::Exists;
    c.exists = v.as_bool();
    return c;
  }
  if (op == "cidr") {
    c.kind = Condition::Kind::Cidr;
    c.network = parse_cidr(v);
    return c;
  }
  throw policy_error("Unrecognized match type " + op);
}

Condition parse_condition(const Value& v) {
  Condition c;
  if (v.is_string()) {
    c.kind = Condition::Kind::ExactString;
    c.text = v.as_string();
  } else if (v.is_number()) {
    c.kind = Condition::Kind::ExactNumber;
    c.number = v.as_double();
  } else if (v.is_null()) {
    c.kind = Condition::Kind::Null;
  } else if (v.is_bool()) {
    c.kind = Condition::Kind::ExactString;  // booleans compare as their JSON text
    c.text = v.as_bool() ? "true" : "false";
  } else if (v.is_object()) {
    return parse_operator(v.as_object());
  } else {
    throw policy_error("Match value must be String, number, true, false, or null");
  }
  return c;
}

struct Limits {
  std::size_t leaf_keys = 0;
};

// Returns the number of value combinations the level stands for (AWS's complexity).
std::size_t parse_node(const Object& object, FilterScope scope, int depth, Node& node, Limits& limits) {
  if (object.empty()) throw policy_error("Empty objects are not allowed");
  std::size_t combinations = 1;
  for (const auto& [name, v] : object) {
    if (name == "$or") {
      if (!v.is_array() || v.as_array().size() < 2) throw policy_error("Or condition must have at least 2 elements");
      std::size_t sum = 0;
      for (const auto& alternative : v.as_array()) {
        if (!alternative.is_object()) throw policy_error("Or condition must contain objects");
        Node& branch = node.any_of.emplace_back();
        sum += parse_node(alternative.as_object(), scope, depth, branch, limits);
      }
      combinations *= sum;
      continue;
    }
    Node::Key& key = node.keys.emplace_back();
    key.name = name;
    if (v.is_object()) {
      if (scope == FilterScope::MessageAttributes)
        throw policy_error("Filter policy scope MessageAttributes does not support nested filter policy");
      key.nested = std::make_unique<Node>();
      combinations *= parse_node(v.as_object(), scope, depth + 1, *key.nested, limits);
      continue;
    }
    if (!v.is_array()) throw policy_error("\"" + name + "\" must be an object or an array");
    if (v.as_array().empty()) throw policy_error("Empty arrays are not allowed");
    for (const auto& e : v.as_array()) key.conditions.push_back(parse_condition(e));
    combinations *= key.conditions.size();
    ++limits.leaf_keys;
  }
  return combinations;
}

using Candidate = Condition::Candidate;

// The values a message offers for one key: arrays offer each element.
void candidates_of(const Value& v, std::vector<Candidate>& out) {
  if (v.is_string()) {
    out.emplace_back(v.as_string());
  } else if (v.is_number()) {
    out.emplace_back(v.as_double());
  } else if (v.is_bool()) {
    out.emplace_back(std::string(v.as_bool() ? "true" : "false"));
  } else if (v.is_null()) {
    out.emplace_back(std::monostate{});
  } else if (v.is_array()) {
    for (const auto& e : v.as_array())
      if (!e.is_array() && !e.is_object()) candidates_of(e, out);
  }
}

bool any_condition(const std::vector<Condition>& conditions, const std::vector<Candidate>& candidates) {
  for (const auto& c : conditions) {
    if (c.kind == Condition::Kind::Exists) {
      if (c.exists) return true;
      continue;
    }
    for (const auto& candidate : candidates)
      if (c.matches(candidate)) return true;
  }
  return false;
}

bool absent_matches(const std::vector<Condition>& conditions) {
  return std::any_of(conditions.begin(), conditions.end(),
                     [](const Condition& c) { return c.kind == Condition::Kind::Exists && !c.exists; });
}

// The message is a document: its JSON body, or its attributes turned into one (see
// attributes_document), so both scopes match the same way.
bool match(const Node& node, const Value& object) {
  for (const auto& key : node.keys) {
    const Value* v = object.find(key.name);
    if (key.nested) {
      if (!v || !v->is_object() || !match(*key.nested, *v)) return false;
      continue;
    }
    if (!v) {
      if (!absent_matches(key.conditions)) return false;
      continue;
    }
    std::vector<Candidate> candidates;
    candidates_of(*v, candidates);
    if (!any_condition(key.conditions, candidates)) return false;
  }
  if (node.any_of.empty()) return true;
  return std::any_of(node.any_of.begin(), node.any_of.end(), [&](const Node& n) { return match(n, object); });
}

// How an attribute's type decides what it offers: String.Array its elements, Number a
// number, String its text; Binary (or a malformed value) is there but matches no value.
Value attribute_value(const FilterAttribute& a) {
  if (a.data_type.starts_with("String.Array")) {
    try {
      Value v = json::parse(a.value);
      if (v.is_array()) return v;
    } catch (const std::exception&) {
    }
    return Value(a.value);
  }
  if (a.data_type.starts_with("Number")) {
    if (auto d = number_of(a.value)) return Value(*d);
    return Value::array();
  }
  if (a.data_type.starts_with("String")) return Value(a.value);
  return Value::array();
}

}  // namespace

FilterPolicy FilterPolicy::parse(std::string_view json_text, FilterScope scope) {
  if (json_text.size() > kMaxPolicyBytes) throw policy_error("Filter policy is too long");
  Value doc;
  try {
    doc = json::parse(json_text);
  } catch (const std::exception&) {
    throw policy_error("failed to parse JSON.");
  }
  if (!doc.is_object()) throw policy_error("Filter policy must be a JSON object");
  auto root = std::make_shared<Node>();
  Limits limits;
  std::size_t combinations = parse_node(doc.as_object(), scope, 0, *root, limits);
  if (limits.leaf_keys > kMaxKeys && scope == FilterScope::MessageAttributes)
    throw policy_error("Filter policy can not have more than 5 keys");
  if (combinations > kMaxCombinations) throw policy_error("Filter policy is too complex");
  FilterPolicy policy;
  policy.scope_ = scope;
  policy.root_ = std::move(root);
  return policy;
}

Value FilterPolicy::attributes_document(const std::vector<FilterAttribute>& attributes) {
  Value doc = Value::object();
  for (const auto& a : attributes) doc.set(a.name, attribute_value(a));
  return doc;
}

Value FilterPolicy::body_document(std::string_view body) {
  try {
    Value doc = json::parse(body);
    if (doc.is_object()) return doc;
  } catch (const std::exception&) {
  }
  return {};
}

bool FilterPolicy::matches(const Value& document) const { return document.is_object() && match(*root_, document); }

}  // namespace stratus
