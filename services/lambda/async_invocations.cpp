// InvocationType Event: the event is stored before Invoke answers 202, run, and when
// the function fails retried (MaximumRetryAttempts, default 2, one and then two retry
// delays apart) while younger than MaximumEventAgeInSeconds; then it goes to the
// on-failure destination or the function's dead-letter queue. A success goes to the
// on-success destination. Pending events survive a restart.
#include <spdlog/spdlog.h>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/arn.hpp"
#include "services/ids.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/lambda/names.hpp"

namespace stratus::lambda {
namespace {

constexpr std::int64_t kDefaultRetries = 2;
constexpr std::int64_t kDefaultMaximumAge = 21600;

std::int64_t setting(const Value* config, const char* name, std::int64_t fallback) {
  const Value* v = config ? config->find(name) : nullptr;
  return v && v->is_int() ? v->as_int() : fallback;
}

// The target ARN of a destination ("OnSuccess" or "OnFailure"), if one is configured.
std::string destination(const Value* config, const char* which) {
  const Value* destinations = config ? config->find("DestinationConfig") : nullptr;
  const Value* d = destinations ? destinations->find(which) : nullptr;
  const Value* arn = d ? d->find("Destination") : nullptr;
  return arn && arn->is_string() ? arn->as_string() : std::string();
}

Value parsed_or_text(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const std::exception&) {
    return Value(text);
  }
}

}  // namespace

void LambdaService::enqueue_event(const std::string& invoked_arn, const std::string& payload) {
  auto event = std::make_shared<AsyncEvent>();
  event->id = next_event_id_++;
  event->invoked_arn = invoked_arn;
  event->payload = payload;
  event->request_id = ids::uuid();
  event->first_ms = ids::now_ms();
  async_events_.emplace(event->id, event);
  store_.save_event(*event);
  scheduler_.post([this, event] {
    std::lock_guard lock(mutex_);
    run_event(event);
  });
}

void LambdaService::run_event(const std::shared_ptr<AsyncEvent>& event) {
  if (stopping_ || !async_events_.contains(event->id)) return;
  auto reference = parse_reference(event->invoked_arn);
  auto f = functions_.find(reference ? function_arn(reference->region, reference->account, reference->name) : "");
  if (f == functions_.end()) return forget_event(event);  // the function is gone
  const FunctionVersion* v = nullptr;
  try {
    v = &target_version(f->second, reference->qualifier);
  } catch (const ApiError&) {
    return forget_event(event);
  }
  ++event->attempts;
  InvokeRequest request;
  request.payload = event->payload;
  request.invoked_arn = event->invoked_arn;
  request.done = [this, event, executed = v->text("Version")](InvokeResult result) {
    std::lock_guard lock(mutex_);
    event_done(event, result, executed);
  };
  FunctionRuntime runtime = runtime_for(f->second, *v);
  runtime.reserved = runtime.concurrency == 0;  // events wait for a free environment
  executor_.invoke(runtime, std::move(request));
}

void LambdaService::event_done(const std::shared_ptr<AsyncEvent>& event, const InvokeResult& result,
                               const std::string& executed_version) {
  if (stopping_ || !async_events_.contains(event->id)) return;
  auto reference = parse_reference(event->invoked_arn);
  auto f = functions_.find(function_arn(reference->region, reference->account, reference->name));
  if (f == functions_.end()) return forget_event(event);
  std::string key = reference->qualifier.empty() ? "$LATEST" : reference->qualifier;
  auto config_it = f->second.event_invoke_configs.find(key);
  const Value* config = config_it == f->second.event_invoke_configs.end() ? nullptr : &config_it->second;
  bool failed = result.function_error || result.throttled;
  if (!failed) {
    if (auto target = destination(config, "OnSuccess"); !target.empty())
      send_record(target, destination_record(*event, result, executed_version, "Success"), "");
    return forget_event(event);
  }
  std::int64_t retries = setting(config, "MaximumRetryAttempts", kDefaultRetries);
  std::int64_t age_limit_ms = setting(config, "MaximumEventAgeInSeconds", kDefaultMaximumAge) * 1000;
  auto delay = retry_delay_ * event->attempts;
  bool young_enough = ids::now_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(delay).count() - event->first_ms <= age_limit_ms;
  if (event->attempts <= retries && young_enough) {
    store_.save_event(*event);
    event->retry = scheduler_.after(delay, [this, event] {
      std::lock_guard lock(mutex_);
      run_event(event);
    });
    return;
  }
  std::string condition = young_enough ? "RetriesExhausted" : "EventAgeExceeded";
  if (auto target = destination(config, "OnFailure"); !target.empty()) {
    send_record(target, destination_record(*event, result, executed_version, condition), "");
  } else if (const Value* dlq = f->second.latest.configuration.find("DeadLetterConfig")) {
    if (const Value* target = dlq->find("TargetArn"); target && target->is_string())
      send_record(target->as_string(), event->payload, result.payload);
  }
  forget_event(event);
}

void LambdaService::forget_event(const std::shared_ptr<AsyncEvent>& event) {
  event->retry.reset();
  async_events_.erase(event->id);
  store_.remove_event(event->id);
}

std::string LambdaService::destination_record(const AsyncEvent& event, const InvokeResult& result,
                                              const std::string& executed_version, const std::string& condition) const {
  Value response_context = Value(Object{{"statusCode", Value(200)}, {"executedVersion", Value(executed_version)}});
  if (result.function_error) response_context.set("functionError", "Unhandled");
  auto reference = parse_reference(event.invoked_arn);
  std::string function = function_arn(reference->region, reference->account, reference->name) + ":" +
                         (reference->qualifier.empty() ? "$LATEST" : reference->qualifier);
  Value record = Value(Object{
      {"version", Value("1.0")},
      {"timestamp", Value(ids::iso8601(ids::now_ms()))},
      {"requestContext", Value(Object{{"requestId", Value(event.request_id)},
                                      {"functionArn", Value(function)},
                                      {"condition", Value(condition)},
                                      {"approximateInvokeCount", Value(static_cast<std::int64_t>(event.attempts))}})},
      {"requestPayload", parsed_or_text(event.payload)},
      {"responseContext", std::move(response_context)},
      {"responsePayload", parsed_or_text(result.payload)}});
  return json::write(record);
}

// Destinations and dead-letter queues are other services: they are called after this
// service's lock is released (SNS may deliver back to Lambda).
void LambdaService::send_record(const std::string& target, std::string body, std::string error) {
  scheduler_.post([this, target, body = std::move(body), error = std::move(error)] {
    auto arn = parse_arn(target);
    if (!arn) return;
    RequestContext ctx = context_for(*arn);
    auto report = [target](Outcome outcome) {
      if (auto* e = std::get_if<ApiError>(&outcome)) spdlog::warn("lambda: destination {} refused a record: {}", target, e->what());
    };
    if (arn->service == "sqs") {
      Value input = Value(Object{{"QueueUrl", Value("/" + arn->account + "/" + arn->resource)},
                                 {"MessageBody", Value(body)}});
      if (!error.empty())
        input.set("MessageAttributes", Value(Object{{"ErrorMessage", Value(Object{{"DataType", Value("String")},
                                                                                   {"StringValue", Value(error)}})}}));
      if (Service* sqs = services_("sqs")) sqs->call("SendMessage", ctx, std::move(input), report);
    } else if (arn->service == "sns") {
      Value input = Value(Object{{"TopicArn", Value(target)}, {"Message", Value(body)}});
      if (Service* sns = services_("sns")) sns->call("Publish", ctx, std::move(input), report);
    } else if (arn->service == "lambda") {
      std::lock_guard lock(mutex_);
      enqueue_event(target, body);
    } else {
      spdlog::warn("lambda: destination {} is not a queue, topic or function here", target);
    }
  });
}

}  // namespace stratus::lambda
