// Invoke: synchronous (RequestResponse), asynchronous (Event) and DryRun, with the
// qualifier resolved to a version (an alias may send a share of calls to a second).
#include <random>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/input.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/lambda/names.hpp"

namespace stratus::lambda {
namespace {

constexpr std::size_t kMaxSyncPayload = 6 * 1024 * 1024;
constexpr std::size_t kMaxAsyncPayload = 1024 * 1024;

// The version an alias sends this call to, by its routing weights.
std::string routed_version(const Value& alias) {
  std::string version = alias.find("FunctionVersion")->as_string();
  const Value* routing = alias.find("RoutingConfig");
  const Value* weights = routing ? routing->find("AdditionalVersionWeights") : nullptr;
  if (!weights || !weights->is_object()) return version;
  thread_local std::minstd_rand random(std::random_device{}());
  double ticket = std::uniform_real_distribution<double>(0.0, 1.0)(random);
  for (const auto& [other, weight] : weights->as_object()) {
    if (ticket < weight.as_double()) return other;
    ticket -= weight.as_double();
  }
  return version;
}

void check_payload(const std::string& payload, std::size_t limit) {
  if (payload.size() > limit)
    throw ApiError("RequestTooLargeException", "Request must be smaller than " + std::to_string(limit) +
                                                   " bytes for the InvokeFunction operation");
  if (payload.empty()) return;
  try {
    json::parse(payload);
  } catch (const std::exception& e) {
    throw ApiError("InvalidRequestContentException",
                   std::string("Could not parse request body into json: Could not parse payload into json: ") + e.what());
  }
}

}  // namespace

const FunctionVersion& LambdaService::target_version(const Function& f, const std::string& qualifier) const {
  if (auto alias = f.aliases.find(qualifier); alias != f.aliases.end()) return version(f, routed_version(alias->second));
  return version(f, qualifier);
}

FunctionRuntime LambdaService::runtime_for(const Function& f, const FunctionVersion& v) const {
  FunctionRuntime r;
  r.version = v.text("Version");
  r.key = f.arn + ":" + r.version + "#" + v.text("RevisionId");
  r.function_arn = f.arn;
  r.function_name = f.name;
  r.runtime = v.text("Runtime");
  r.handler = v.text("Handler");
  r.code_dir = v.code_dir;
  r.region = f.region;
  r.account = f.account;
  r.memory_mb = v.number("MemorySize");
  r.timeout_seconds = v.number("Timeout");
  if (const Value* env = v.configuration.find("Environment"))
    if (const Value* vars = env->find("Variables"); vars && vars->is_object())
      for (const auto& [k, value] : vars->as_object())
        if (value.is_string()) r.variables[k] = value.as_string();
  r.reserved = f.reserved_concurrency.has_value();
  auto reserved = reserved_.find(f.account + ":" + f.region);
  r.concurrency = f.reserved_concurrency.value_or(kAccountConcurrency - (reserved == reserved_.end() ? 0 : reserved->second));
  return r;
}

void LambdaService::invoke(const RequestContext& ctx, const Value& input, Reply& reply) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string qualifier = qualifier_of(name, input);
  const FunctionVersion& v = target_version(f, qualifier);
  std::string type = input::optional_string(input, "InvocationType").value_or("RequestResponse");
  std::string payload = checksums::base64_decode(input::optional_string(input, "Payload").value_or("")).value_or("");
  check_payload(payload, type == "Event" ? kMaxAsyncPayload : kMaxSyncPayload);
  if (type == "DryRun") return reply(Value(Object{{"StatusCode", Value(204)}}));

  InvokeRequest request;
  request.payload = payload.empty() ? "{}" : payload;
  request.invoked_arn = qualifier.empty() ? f.arn : f.arn + ":" + qualifier;
  FunctionRuntime runtime = runtime_for(f, v);
  if (type == "Event") {
    enqueue_event(request.invoked_arn, request.payload);
    return reply(Value(Object{{"StatusCode", Value(202)}}));
  }
  request.request_id = ctx.request_id;  // x-amzn-RequestId is the invocation's id
  request.client_context = checksums::base64_decode(input::optional_string(input, "ClientContext").value_or("")).value_or("");
  request.tail_log = input::optional_string(input, "LogType").value_or("None") == "Tail";
  request.done = [reply = std::move(reply), executed = v.text("Version")](InvokeResult result) {
    if (result.throttled) {
      ApiError throttled("TooManyRequestsException", "Rate Exceeded.", 429);
      throttled.members = {{"Reason", Value("ReservedFunctionConcurrentInvocationLimitExceeded")}};
      return reply(std::move(throttled));
    }
    Value out = Value(Object{{"StatusCode", Value(200)},
                             {"Payload", Value(checksums::base64_encode(result.payload))},
                             {"ExecutedVersion", Value(executed)}});
    if (result.function_error) out.set("FunctionError", "Unhandled");
    if (!result.log_tail.empty()) out.set("LogResult", checksums::base64_encode(result.log_tail));
    reply(std::move(out));
  };
  executor_.invoke(runtime, std::move(request));
}

}  // namespace stratus::lambda
