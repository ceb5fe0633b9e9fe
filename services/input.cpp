#include "services/input.hpp"

#include "protocol/json.hpp"

namespace stratus::input {
namespace {

const Value* present(const Value& input, std::string_view name) {
  const Value* v = input.find(name);
  return v && !v->is_null() ? v : nullptr;
}

}  // namespace

const std::string& required_string(const Value& input, std::string_view name) {
  const Value* v = present(input, name);
  if (!v || !v->is_string()) throw missing_parameter(std::string(name));
  return v->as_string();
}

std::optional<std::string> optional_string(const Value& input, std::string_view name) {
  const Value* v = present(input, name);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw invalid_parameter("Value for parameter " + std::string(name) + " is invalid.");
  return v->as_string();
}

std::optional<std::int64_t> optional_int(const Value& input, std::string_view name) {
  const Value* v = present(input, name);
  if (!v) return std::nullopt;
  if (!v->is_int()) throw invalid_parameter("Value for parameter " + std::string(name) + " is invalid.");
  return v->as_int();
}

std::optional<bool> optional_bool(const Value& input, std::string_view name) {
  const Value* v = present(input, name);
  if (!v) return std::nullopt;
  if (!v->is_bool()) throw invalid_parameter("Value for parameter " + std::string(name) + " is invalid.");
  return v->as_bool();
}

std::vector<std::string> strings(const Value& input, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& v : list(input, name))
    if (v.is_string()) out.push_back(v.as_string());
  return out;
}

const Array& list(const Value& input, std::string_view name) {
  static const Array empty;
  const Value* v = present(input, name);
  return v && v->is_array() ? v->as_array() : empty;
}

const Object& map(const Value& input, std::string_view name) {
  static const Object empty;
  const Value* v = present(input, name);
  return v && v->is_object() ? v->as_object() : empty;
}

std::map<std::string, std::string> string_map(const Value& input, std::string_view name) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : map(input, name)) out[k] = v.is_string() ? v.as_string() : json::write(v);
  return out;
}

}  // namespace stratus::input
