#pragma once
// application/x-www-form-urlencoded bodies and URL query strings.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace stratus::form {

// Decodes %XX and '+'; nullopt when an escape is malformed.
std::optional<std::string> url_decode(std::string_view text);

using Params = std::map<std::string, std::string, std::less<>>;
// nullopt when any name or value is malformed.
std::optional<Params> parse(std::string_view body);

}  // namespace stratus::form
