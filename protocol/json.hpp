#pragma once
// JSON text <-> Value. rapidjson stays inside json.cpp.
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

}  // namespace stratus::json
