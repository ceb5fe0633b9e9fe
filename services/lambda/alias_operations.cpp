// Aliases: names for a version, optionally sending a share of invocations to a second.
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/lambda/names.hpp"
#include "services/lambda/paging.hpp"

namespace stratus::lambda {
namespace {

// The version an alias may point at: $LATEST or a published one.
void check_target(const Function& f, const std::string& version) {
  if (version == "$LATEST") return;
  auto number = version_number(version);
  if (!number || !f.versions.contains(*number)) throw not_found(f.arn + ":" + version);
}

void apply_routing(const Function& f, Value& alias, const Value& input) {
  const Value* routing = input.find("RoutingConfig");
  if (!routing || !routing->is_object()) return;
  const Value* weights = routing->find("AdditionalVersionWeights");
  if (weights && weights->is_object()) {
    if (weights->as_object().size() > 1) throw invalid_value("Only one additional version can be configured for an alias.");
    for (const auto& [version, weight] : weights->as_object()) {
      check_target(f, version);
      if (version == alias.find("FunctionVersion")->as_string())
        throw invalid_value("Invalid function version " + version + ". Function version " + version +
                            " is already included in routing configuration.");
      double w = weight.as_double();
      if (w < 0.0 || w > 1.0) throw invalid_value("Alias weight must be between 0.0 and 1.0.");
    }
  }
  alias.set("RoutingConfig", *routing);
}

}  // namespace

Value LambdaService::create_alias(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  const std::string& name = input::required_string(input, "Name");
  if (version_number(name) || name == "$LATEST") throw invalid_value("Alias name cannot be a version number or $LATEST.");
  if (f.aliases.contains(name)) throw ApiError("ResourceConflictException", "Alias already exists: " + f.arn + ":" + name);
  const std::string& target = input::required_string(input, "FunctionVersion");
  check_target(f, target);
  Value alias = Value(Object{{"AliasArn", Value(f.arn + ":" + name)},
                             {"Name", Value(name)},
                             {"FunctionVersion", Value(target)},
                             {"Description", Value(input::optional_string(input, "Description").value_or(""))},
                             {"RevisionId", Value(ids::uuid())}});
  apply_routing(f, alias, input);
  f.aliases[name] = alias;
  store_.save(f);
  return alias;
}

Value LambdaService::get_alias(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  const std::string& name = input::required_string(input, "Name");
  auto it = f.aliases.find(name);
  if (it == f.aliases.end()) throw ApiError("ResourceNotFoundException", "Alias not found: " + f.arn + ":" + name);
  return it->second;
}

Value LambdaService::update_alias(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  const std::string& name = input::required_string(input, "Name");
  auto it = f.aliases.find(name);
  if (it == f.aliases.end()) throw ApiError("ResourceNotFoundException", "Alias not found: " + f.arn + ":" + name);
  Value alias = it->second;
  if (auto revision = input::optional_string(input, "RevisionId"); revision && *revision != alias.find("RevisionId")->as_string())
    throw ApiError("PreconditionFailedException",
                   "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
  if (auto target = input::optional_string(input, "FunctionVersion")) {
    check_target(f, *target);
    alias.set("FunctionVersion", *target);
  }
  if (auto description = input::optional_string(input, "Description")) alias.set("Description", *description);
  apply_routing(f, alias, input);
  alias.set("RevisionId", ids::uuid());
  it->second = alias;
  store_.save(f);
  return alias;
}

Value LambdaService::delete_alias(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  f.aliases.erase(input::required_string(input, "Name"));
  store_.save(f);
  return Value::object();
}

Value LambdaService::list_aliases(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  auto version = input::optional_string(input, "FunctionVersion");
  Array items;
  for (const auto& [name, alias] : f.aliases)
    if (!version || alias.find("FunctionVersion")->as_string() == *version) items.push_back(alias);
  Value out = Value::object();
  page_into(out, "Aliases", std::move(items), input);
  return out;
}

}  // namespace stratus::lambda
