#include "services/dynamodb/placeholders.hpp"
#include "services/dynamodb/errors.hpp"

#include <cctype>

#include "protocol/api_error.hpp"

namespace stratus::dynamodb {
namespace {

// A placeholder is its sigil and one or more letters, digits or underscores.
bool well_formed(const std::string& key, char sigil) {
  if (key.size() < 2 || key[0] != sigil) return false;
  for (std::size_t i = 1; i < key.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(key[i])) && key[i] != '_') return false;
  return true;
}

std::string key_list(const auto& all, const std::set<std::string>& used) {
  std::string keys;
  for (const auto& [key, unused] : all)
    if (!used.contains(key)) keys += (keys.empty() ? "" : ", ") + key;
  return keys;
}

}  // namespace

Placeholders::Placeholders(const Value& input) {
  if (const Value* names = input.find("ExpressionAttributeNames"); names && names->is_object()) {
    if (names->as_object().empty()) throw validation("ExpressionAttributeNames must not be empty");
    for (const auto& [key, name] : names->as_object()) {
      if (!well_formed(key, '#'))
        throw validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key + "\"");
      if (!name.is_string() || name.as_string().empty())
        throw validation("ExpressionAttributeNames contains invalid value: Empty attribute name for key " + key);
      names_.emplace(key, name.as_string());
    }
  }
  if (const Value* values = input.find("ExpressionAttributeValues"); values && values->is_object()) {
    if (values->as_object().empty()) throw validation("ExpressionAttributeValues must not be empty");
    for (const auto& [key, wire] : values->as_object()) {
      if (!well_formed(key, ':'))
        throw validation("ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key + "\"");
      try {
        values_.emplace(key, AttributeValue::parse(wire));
      } catch (const ApiError& e) {
        throw validation("ExpressionAttributeValues contains invalid value: " + std::string(e.what()) + " for key " + key);
      }
    }
  }
}

const std::string& Placeholders::name(const std::string& token, const char* kind) {
  auto it = names_.find(token);
  if (it == names_.end())
    throw validation(std::string("Invalid ") + kind +
                     ": An expression attribute name used in the document path is not defined; attribute name: " + token);
  used_names_.insert(token);
  return it->second;
}

const AttributeValue& Placeholders::value(const std::string& token, const char* kind) {
  auto it = values_.find(token);
  if (it == values_.end())
    throw validation(std::string("Invalid ") + kind +
                     ": An expression attribute value used in expression is not defined; attribute value: " + token);
  used_values_.insert(token);
  return it->second;
}

void Placeholders::check_all_used() const {
  if (auto keys = key_list(names_, used_names_); !keys.empty())
    throw validation("Value provided in ExpressionAttributeNames unused in expressions: keys: {" + keys + "}");
  if (auto keys = key_list(values_, used_values_); !keys.empty())
    throw validation("Value provided in ExpressionAttributeValues unused in expressions: keys: {" + keys + "}");
}

}  // namespace stratus::dynamodb
