#pragma once
// Lambda's names and ARNs, qualifiers, runtimes, and its common errors.
#include <cstdint>
#include <optional>
#include <string>

#include "protocol/api_error.hpp"
#include "protocol/value.hpp"

namespace stratus::lambda {

ApiError invalid_value(const std::string& message);
ApiError not_found(const std::string& arn);

void check_function_name(const std::string& name);
std::string function_arn(const std::string& region, const std::string& account, const std::string& name);

// A function reference split: name, or partial/full ARN, with an optional ":qualifier".
struct FunctionReference {
  std::string name;
  std::string account;  // empty unless an ARN gave one
  std::string region;
  std::string qualifier;
};
// nullopt when it is no function name or ARN at all.
std::optional<FunctionReference> parse_reference(const std::string& text);
// The qualifier a request names, from its Qualifier member or the function name;
// empty for none. Throws when the two disagree.
std::string qualifier_of(const std::string& function_name, const Value& input);
std::optional<std::int64_t> version_number(const std::string& qualifier);

bool known_runtime(const std::string& runtime);
bool reserved_environment_variable(const std::string& name);

}  // namespace stratus::lambda
