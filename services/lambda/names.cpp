#include "services/lambda/names.hpp"

#include <charconv>
#include <set>
#include <vector>

#include "services/input.hpp"

namespace stratus::lambda {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  return true;
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto end = text.find(separator, start);
    parts.push_back(text.substr(start, end - start));
    if (end == std::string::npos) return parts;
    start = end + 1;
  }
}

}  // namespace

ApiError invalid_value(const std::string& message) { return ApiError("InvalidParameterValueException", message); }

ApiError not_found(const std::string& arn) { return ApiError("ResourceNotFoundException", "Function not found: " + arn); }

void check_function_name(const std::string& name) {
  if (!valid_name(name))
    throw ApiError("ValidationException", "1 validation error detected: Value '" + name +
                                              "' at 'functionName' failed to satisfy constraint: Member must satisfy "
                                              "regular expression pattern: [a-zA-Z0-9-_]+ and have length at most 64");
}

std::string function_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:lambda:" + region + ":" + account + ":function:" + name;
}

std::optional<FunctionReference> parse_reference(const std::string& text) {
  auto parts = split(text, ':');
  FunctionReference r;
  if (parts.size() <= 2) {  // name[:qualifier]
    r.name = parts[0];
    if (parts.size() == 2) r.qualifier = parts[1];
  } else if (parts.size() <= 4 && parts[1] == "function") {  // account:function:name[:qualifier]
    r.account = parts[0];
    r.name = parts[2];
    if (parts.size() == 4) r.qualifier = parts[3];
  } else if (parts.size() >= 7 && parts.size() <= 8 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function") {
    r.region = parts[3];
    r.account = parts[4];
    r.name = parts[6];
    if (parts.size() == 8) r.qualifier = parts[7];
  } else {
    return std::nullopt;
  }
  if (!valid_name(r.name) || (parts.size() > 1 && parts.back().empty())) return std::nullopt;
  return r;
}

std::string qualifier_of(const std::string& function_name, const Value& input) {
  auto reference = parse_reference(function_name);
  std::string derived = reference ? reference->qualifier : "";
  std::string given = input::optional_string(input, "Qualifier").value_or("");
  if (!derived.empty() && !given.empty() && derived != given)
    throw invalid_value("The derived qualifier from the function name does not match the specified qualifier.");
  return given.empty() ? derived : given;
}

std::optional<std::int64_t> version_number(const std::string& qualifier) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(qualifier.data(), qualifier.data() + qualifier.size(), n);
  if (ec != std::errc() || end != qualifier.data() + qualifier.size() || qualifier.empty() || n < 1) return std::nullopt;
  return n;
}

bool known_runtime(const std::string& runtime) {
  static const std::set<std::string, std::less<>> runtimes = {
      "nodejs18.x",   "nodejs20.x",   "nodejs22.x",  "nodejs24.x",    "nodejs16.x",      "nodejs14.x",
      "nodejs12.x",   "python3.8",    "python3.9",   "python3.10",    "python3.11",      "python3.12",
      "python3.13",   "python3.14",   "provided",    "provided.al2",  "provided.al2023", "java8.al2",
      "java11",       "java17",       "java21",      "java25",        "dotnet6",         "dotnet8",
      "dotnet10",     "ruby3.2",      "ruby3.3",     "ruby3.4",       "ruby4.0",         "go1.x",
      "python3.7",    "java8",        "ruby2.7",     "dotnetcore3.1", "nodejs10.x",      "python2.7"};
  return runtimes.contains(runtime);
}

bool reserved_environment_variable(const std::string& name) {
  static const std::set<std::string, std::less<>> reserved = {
      "_HANDLER",          "_X_AMZN_TRACE_ID",          "AWS_DEFAULT_REGION",          "AWS_REGION",
      "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
      "AWS_LAMBDA_FUNCTION_VERSION",                    "AWS_LAMBDA_INITIALIZATION_TYPE",
      "AWS_LAMBDA_LOG_GROUP_NAME",                      "AWS_LAMBDA_LOG_STREAM_NAME",
      "AWS_ACCESS_KEY",    "AWS_ACCESS_KEY_ID",         "AWS_SECRET_ACCESS_KEY",       "AWS_SESSION_TOKEN",
      "AWS_LAMBDA_RUNTIME_API",                         "LAMBDA_TASK_ROOT",            "LAMBDA_RUNTIME_DIR"};
  return reserved.contains(name);
}

}  // namespace stratus::lambda
