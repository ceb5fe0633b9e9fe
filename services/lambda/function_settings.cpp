// Function-wide settings: reserved concurrency, the resource policy, tags, event
// invoke configs, and the account's limits and usage.
#include <algorithm>

#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/lambda/names.hpp"
#include "services/lambda/paging.hpp"

namespace stratus::lambda {
namespace {

constexpr std::int64_t kMinimumUnreserved = 100;

ApiError out_of_range(const std::string& field, std::int64_t value, std::int64_t low, std::int64_t high) {
  std::string bound = value < low ? "greater than or equal to " + std::to_string(low) : "less than or equal to " + std::to_string(high);
  return ApiError("ValidationException", "1 validation error detected: Value '" + std::to_string(value) + "' at '" + field +
                                             "' failed to satisfy constraint: Member must have value " + bound);
}

std::string qualified(const Function& f, const std::string& qualifier) {
  return qualifier.empty() ? f.arn : f.arn + ":" + qualifier;
}

Value statement_for(const Function& f, const Value& input, const std::string& qualifier) {
  const std::string& principal = input::required_string(input, "Principal");
  Value statement = Value::object();
  statement.set("Sid", input::required_string(input, "StatementId"));
  statement.set("Effect", "Allow");
  bool service = principal.find('.') != std::string::npos;
  bool account = principal.size() == 12 && std::all_of(principal.begin(), principal.end(), ::isdigit);
  statement.set("Principal", Value(Object{{service ? "Service" : "AWS",
                                           Value(account ? "arn:aws:iam::" + principal + ":root" : principal)}}));
  statement.set("Action", input::required_string(input, "Action"));
  statement.set("Resource", qualified(f, qualifier));
  Value condition = Value::object();
  if (auto source = input::optional_string(input, "SourceArn"))
    condition.set("ArnLike", Value(Object{{"AWS:SourceArn", Value(*source)}}));
  if (auto account = input::optional_string(input, "SourceAccount"))
    condition.set("StringEquals", Value(Object{{"AWS:SourceAccount", Value(*account)}}));
  if (!condition.as_object().empty()) statement.set("Condition", std::move(condition));
  return statement;
}

Value invoke_config(const Function& f, const std::string& qualifier, Value config, const Value& input) {
  if (auto retries = input::optional_int(input, "MaximumRetryAttempts")) {
    if (*retries < 0 || *retries > 2) throw out_of_range("maximumRetryAttempts", *retries, 0, 2);
    config.set("MaximumRetryAttempts", *retries);
  }
  if (auto age = input::optional_int(input, "MaximumEventAgeInSeconds")) {
    if (*age < 60 || *age > 21600) throw out_of_range("maximumEventAgeInSeconds", *age, 60, 21600);
    config.set("MaximumEventAgeInSeconds", *age);
  }
  if (const Value* destinations = input.find("DestinationConfig"); destinations && destinations->is_object())
    config.set("DestinationConfig", *destinations);
  config.set("FunctionArn", qualified(f, qualifier == "$LATEST" ? "$LATEST" : qualifier));
  config.set("LastModified", static_cast<double>(ids::now_ms()) / 1000.0);
  return config;
}

std::string invoke_config_key(const std::string& qualifier) { return qualifier.empty() ? "$LATEST" : qualifier; }

}  // namespace

Value LambdaService::put_function_concurrency(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  std::int64_t wanted = *input::optional_int(input, "ReservedConcurrentExecutions");
  if (wanted < 0) throw invalid_value("ReservedConcurrentExecutions must be at least 0.");
  std::int64_t& reserved = reserved_in(f);
  std::int64_t others = reserved - f.reserved_concurrency.value_or(0);
  if (kAccountConcurrency - others - wanted < kMinimumUnreserved)
    throw invalid_value("Specified ReservedConcurrentExecutions for function decreases account's "
                        "UnreservedConcurrentExecution below its minimum value of [100].");
  reserved = others + wanted;
  f.reserved_concurrency = wanted;
  store_.save(f);
  return Value(Object{{"ReservedConcurrentExecutions", Value(wanted)}});
}

Value LambdaService::get_function_concurrency(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  Value out = Value::object();
  if (f.reserved_concurrency) out.set("ReservedConcurrentExecutions", *f.reserved_concurrency);
  return out;
}

Value LambdaService::delete_function_concurrency(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  reserved_in(f) -= f.reserved_concurrency.value_or(0);
  f.reserved_concurrency.reset();
  store_.save(f);
  return Value::object();
}

Value LambdaService::add_permission(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string qualifier = qualifier_of(name, input);
  if (!qualifier.empty()) version(f, qualifier);
  const std::string& sid = input::required_string(input, "StatementId");
  std::string resource = qualified(f, qualifier);
  bool taken = std::any_of(f.policy_statements.as_array().begin(), f.policy_statements.as_array().end(), [&](const Value& s) {
    return s.find("Sid")->as_string() == sid && s.find("Resource")->as_string() == resource;
  });
  if (taken)
    throw ApiError("ResourceConflictException", "The statement id (" + sid +
                                                    ") provided already exists. Please provide a new statement id, "
                                                    "or remove the existing statement.");
  Value statement = statement_for(f, input, qualifier);
  f.policy_statements.push(statement);
  store_.save(f);
  return Value(Object{{"Statement", Value(json::write(statement))}});
}

Value LambdaService::remove_permission(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string resource = qualified(f, qualifier_of(name, input));
  const std::string& sid = input::required_string(input, "StatementId");
  auto& list = f.policy_statements.as_array();
  auto it = std::find_if(list.begin(), list.end(), [&](const Value& s) {
    return s.find("Sid")->as_string() == sid && s.find("Resource")->as_string() == resource;
  });
  if (it == list.end()) throw ApiError("ResourceNotFoundException", "Statement " + sid + " is not found in resource policy.");
  list.erase(it);
  store_.save(f);
  return Value::object();
}

Value LambdaService::get_policy(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  // Each version and alias has a policy of its own.
  std::string resource = qualified(f, qualifier_of(name, input));
  Value statements = Value::array();
  for (const auto& s : f.policy_statements.as_array())
    if (s.find("Resource")->as_string() == resource) statements.push(s);
  if (statements.as_array().empty())
    throw ApiError("ResourceNotFoundException", "The resource you requested does not exist.");
  Value policy = Value(Object{{"Version", Value("2012-10-17")}, {"Id", Value("default")}, {"Statement", std::move(statements)}});
  return Value(Object{{"Policy", Value(json::write(policy))}, {"RevisionId", Value(f.latest.text("RevisionId"))}});
}

Value LambdaService::tag_resource(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "Resource"));
  for (const auto& [k, v] : input::string_map(input, "Tags")) f.tags[k] = v;
  if (f.tags.size() > 50) throw invalid_value("The number of tags exceeds the limit of 50.");
  store_.save(f);
  return Value::object();
}

Value LambdaService::untag_resource(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "Resource"));
  for (const auto& key : input::strings(input, "TagKeys")) f.tags.erase(key);
  store_.save(f);
  return Value::object();
}

Value LambdaService::list_tags(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "Resource"));
  Value tags = Value::object();
  for (const auto& [k, v] : f.tags) tags.set(k, v);
  return Value(Object{{"Tags", std::move(tags)}});
}

Value LambdaService::put_function_event_invoke_config(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string qualifier = qualifier_of(name, input);
  version(f, qualifier);
  Value config = invoke_config(f, invoke_config_key(qualifier), Value::object(), input);
  f.event_invoke_configs[invoke_config_key(qualifier)] = config;
  store_.save(f);
  return config;
}

Value LambdaService::update_function_event_invoke_config(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string key = invoke_config_key(qualifier_of(name, input));
  version(f, key);
  auto it = f.event_invoke_configs.find(key);
  Value config = invoke_config(f, key, it == f.event_invoke_configs.end() ? Value::object() : it->second, input);
  f.event_invoke_configs[key] = config;
  store_.save(f);
  return config;
}

Value LambdaService::get_function_event_invoke_config(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string key = invoke_config_key(qualifier_of(name, input));
  auto it = f.event_invoke_configs.find(key);
  if (it == f.event_invoke_configs.end())
    throw ApiError("ResourceNotFoundException", "The function " + qualified(f, key) + " doesn't have an EventInvokeConfig");
  return it->second;
}

Value LambdaService::delete_function_event_invoke_config(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string key = invoke_config_key(qualifier_of(name, input));
  if (!f.event_invoke_configs.erase(key))
    throw ApiError("ResourceNotFoundException", "The function " + qualified(f, key) + " doesn't have an EventInvokeConfig");
  store_.save(f);
  return Value::object();
}

Value LambdaService::list_function_event_invoke_configs(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  Array items;
  for (const auto& [key, config] : f.event_invoke_configs) items.push_back(config);
  Value out = Value::object();
  page_into(out, "FunctionEventInvokeConfigs", std::move(items), input);
  return out;
}

Value LambdaService::get_account_settings(const RequestContext& ctx, const Value&) {
  std::int64_t code_size = 0, count = 0;
  for (const auto& [arn, f] : functions_) {
    if (f.account != ctx.account || f.region != ctx.region) continue;
    ++count;
    code_size += f.latest.number("CodeSize");
    for (const auto& [n, v] : f.versions) code_size += v.number("CodeSize");
  }
  Value limit = Value(Object{{"TotalCodeSize", Value(std::int64_t{80530636800})},
                             {"CodeSizeUnzipped", Value(std::int64_t{262144000})},
                             {"CodeSizeZipped", Value(std::int64_t{52428800})},
                             {"ConcurrentExecutions", Value(kAccountConcurrency)},
                             {"UnreservedConcurrentExecutions", Value(kAccountConcurrency - reserved_[ctx.account + ":" + ctx.region])}});
  Value usage = Value(Object{{"TotalCodeSize", Value(code_size)}, {"FunctionCount", Value(count)}});
  return Value(Object{{"AccountLimit", std::move(limit)}, {"AccountUsage", std::move(usage)}});
}

}  // namespace stratus::lambda
