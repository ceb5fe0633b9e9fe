#include "protocol/value.hpp"

namespace stratus {

const Value* Value::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [name, value] : as_object())
    if (name == key) return &value;
  return nullptr;
}

Value* Value::find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->find(key));
}

Value& Value::set(std::string_view key, Value v) {
  if (is_null()) data_ = Object{};
  if (Value* existing = find(key)) return *existing = std::move(v);
  return as_object().emplace_back(std::string(key), std::move(v)).second;
}

void Value::erase(std::string_view key) {
  if (!is_object()) return;
  std::erase_if(as_object(), [&](const auto& member) { return member.first == key; });
}

Value& Value::push(Value v) {
  if (is_null()) data_ = Array{};
  return as_array().emplace_back(std::move(v));
}

}  // namespace stratus
