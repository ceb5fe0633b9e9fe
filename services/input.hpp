#pragma once
// Typed reads of an operation's input. The codecs have already checked types against
// the API model, so these only deal with absence and AWS's ranges.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/api_error.hpp"
#include "protocol/value.hpp"

namespace stratus::input {

const std::string& required_string(const Value& input, std::string_view name);
std::optional<std::string> optional_string(const Value& input, std::string_view name);
std::optional<std::int64_t> optional_int(const Value& input, std::string_view name);
std::optional<bool> optional_bool(const Value& input, std::string_view name);
// The string members of a list (empty when absent).
std::vector<std::string> strings(const Value& input, std::string_view name);
// An empty list/object when absent.
const Array& list(const Value& input, std::string_view name);
const Object& map(const Value& input, std::string_view name);
// A map of strings (attributes, tags); other values are kept as their JSON text.
std::map<std::string, std::string> string_map(const Value& input, std::string_view name);

}  // namespace stratus::input
