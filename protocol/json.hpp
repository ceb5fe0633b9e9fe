#pragma once
// JSON text <-> Value. rapidjson stays inside json.cpp.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "protocol/value.hpp"

namespace stratus::json {

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws ParseError on malformed text or nesting deeper than max_depth.
Value parse(std::string_view text, int max_depth = 128);
std::string write(const Value& value);

// A map of strings as a JSON object, and back (how services store attributes and tags).
std::string write_string_map(const std::map<std::string, std::string>& map);
std::map<std::string, std::string> read_string_map(std::string_view text);

}  // namespace stratus::json
