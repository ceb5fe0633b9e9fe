// Event source mappings: the API. An enabled SQS mapping runs pollers
// (sqs_poller.cpp) that receive batches from the queue and invoke the function.
#include <algorithm>

#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/lambda/names.hpp"
#include "services/lambda/paging.hpp"

namespace stratus::lambda {
namespace {

constexpr std::int64_t kDefaultBatchSize = 10;
constexpr std::int64_t kMaxBatchSize = 10000, kMaxFifoBatchSize = 10;
constexpr std::int64_t kMaxBatchingWindow = 300;

ApiError mapping_not_found(const std::string& uuid) {
  return ApiError("ResourceNotFoundException", "The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: " + uuid + ")");
}

// Settings Create and Update share, checked together.
void apply_settings(Value& c, const Value& input) {
  if (auto batch = input::optional_int(input, "BatchSize")) c.set("BatchSize", *batch);
  if (auto window = input::optional_int(input, "MaximumBatchingWindowInSeconds")) {
    if (*window < 0 || *window > kMaxBatchingWindow) throw invalid_value("MaximumBatchingWindowInSeconds must be between 0 and 300.");
    c.set("MaximumBatchingWindowInSeconds", *window);
  }
  if (const Value* types = input.find("FunctionResponseTypes"); types && types->is_array()) {
    for (const auto& t : types->as_array())
      if (!t.is_string() || t.as_string() != "ReportBatchItemFailures")
        throw invalid_value("FunctionResponseTypes can only contain ReportBatchItemFailures.");
    c.set("FunctionResponseTypes", *types);
  }
  if (const Value* scaling = input.find("ScalingConfig"); scaling && scaling->is_object()) {
    auto maximum = input::optional_int(*scaling, "MaximumConcurrency");
    if (maximum && (*maximum < 2 || *maximum > 1000)) throw invalid_value("MaximumConcurrency must be between 2 and 1000.");
    c.set("ScalingConfig", *scaling);
  }
  if (const Value* filters = input.find("FilterCriteria"); filters && filters->is_object()) c.set("FilterCriteria", *filters);
  std::int64_t batch = c.find("BatchSize")->as_int();
  bool fifo = c.find("EventSourceArn")->as_string().ends_with(".fifo");
  std::int64_t limit = fifo ? kMaxFifoBatchSize : kMaxBatchSize;
  if (batch < 1 || batch > limit)
    throw invalid_value("BatchSize must be between 1 and " + std::to_string(limit) + " for this event source.");
  if (batch > 10 && c.find("MaximumBatchingWindowInSeconds")->as_int() < 1)
    throw invalid_value("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
}

Value answered_as(Value c, const char* state) {
  c.set("State", state);
  return c;
}

}  // namespace

// FilterCriteria patterns, compiled; a bad one is refused as Lambda refuses it.
std::vector<FilterPolicy> LambdaService::compile_filters(const Value& configuration) {
  std::vector<FilterPolicy> filters;
  const Value* criteria = configuration.find("FilterCriteria");
  const Value* list = criteria ? criteria->find("Filters") : nullptr;
  if (!list || !list->is_array()) return filters;
  for (const auto& filter : list->as_array()) {
    const Value* pattern = filter.find("Pattern");
    try {
      if (!pattern || !pattern->is_string()) throw ApiError("InvalidParameterValueException", "");
      filters.push_back(FilterPolicy::parse(pattern->as_string(), FilterScope::MessageBody));
    } catch (const ApiError&) {
      throw invalid_value("Invalid filter pattern definition.");
    }
  }
  return filters;
}

Value LambdaService::create_event_source_mapping(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string qualifier = qualifier_of(name, input);
  if (!qualifier.empty()) version(f, qualifier);
  std::string source = input::optional_string(input, "EventSourceArn").value_or("");
  if (!source.starts_with("arn:aws:sqs:"))
    throw invalid_value("Unsupported event source: " + source + ". Stratus maps SQS queues to functions.");
  std::string function_arn = qualifier.empty() ? f.arn : f.arn + ":" + qualifier;
  for (const auto& [uuid, m] : mappings_)
    if (m.configuration.find("EventSourceArn")->as_string() == source &&
        m.configuration.find("FunctionArn")->as_string() == function_arn)
      throw ApiError("ResourceConflictException", "An event source mapping with SQS arn (\" " + source + " \") and function (\" " +
                                                      f.name + " \") already exists. Please update or delete the existing mapping with UUID " + uuid);
  std::string uuid = ids::uuid();
  Value c = Value(Object{{"UUID", Value(uuid)},
                         {"BatchSize", Value(kDefaultBatchSize)},
                         {"MaximumBatchingWindowInSeconds", Value(0)},
                         {"EventSourceArn", Value(source)},
                         {"FunctionArn", Value(function_arn)},
                         {"LastModified", Value(static_cast<double>(ids::now_ms()) / 1000.0)},
                         {"State", Value(input::optional_bool(input, "Enabled").value_or(true) ? "Enabled" : "Disabled")},
                         {"StateTransitionReason", Value("USER_INITIATED")},
                         {"FunctionResponseTypes", Value::array()},
                         {"EventSourceMappingArn", Value("arn:aws:lambda:" + f.region + ":" + f.account + ":event-source-mapping:" + uuid)}});
  apply_settings(c, input);
  auto filters = compile_filters(c);
  EventSourceMapping& m = mappings_[uuid];
  m.configuration = c;
  m.filters = std::move(filters);
  store_.save_mapping(uuid, c);
  start_pollers(uuid);
  return answered_as(std::move(c), "Creating");
}

Value LambdaService::get_event_source_mapping(const RequestContext&, const Value& input) {
  const std::string& uuid = input::required_string(input, "UUID");
  auto it = mappings_.find(uuid);
  if (it == mappings_.end()) throw mapping_not_found(uuid);
  return it->second.configuration;
}

Value LambdaService::update_event_source_mapping(const RequestContext& ctx, const Value& input) {
  const std::string& uuid = input::required_string(input, "UUID");
  auto it = mappings_.find(uuid);
  if (it == mappings_.end()) throw mapping_not_found(uuid);
  Value c = it->second.configuration;
  if (auto name = input::optional_string(input, "FunctionName")) {
    Function& f = function(ctx, *name);
    std::string qualifier = qualifier_of(*name, input);
    if (!qualifier.empty()) version(f, qualifier);
    c.set("FunctionArn", qualifier.empty() ? f.arn : f.arn + ":" + qualifier);
  }
  if (auto enabled = input::optional_bool(input, "Enabled")) c.set("State", *enabled ? "Enabled" : "Disabled");
  apply_settings(c, input);
  c.set("LastModified", static_cast<double>(ids::now_ms()) / 1000.0);
  it->second.filters = compile_filters(c);
  it->second.configuration = c;
  store_.save_mapping(uuid, c);
  start_pollers(uuid);
  return answered_as(std::move(c), "Updating");
}

Value LambdaService::delete_event_source_mapping(const RequestContext&, const Value& input) {
  const std::string& uuid = input::required_string(input, "UUID");
  auto it = mappings_.find(uuid);
  if (it == mappings_.end()) throw mapping_not_found(uuid);
  Value c = answered_as(it->second.configuration, "Deleting");
  mappings_.erase(it);
  store_.remove_mapping(uuid);
  return c;
}

Value LambdaService::list_event_source_mappings(const RequestContext& ctx, const Value& input) {
  auto source = input::optional_string(input, "EventSourceArn");
  std::optional<std::string> function_arn;
  if (auto name = input::optional_string(input, "FunctionName")) {
    Function& f = function(ctx, *name);
    std::string qualifier = qualifier_of(*name, input);
    function_arn = qualifier.empty() ? f.arn : f.arn + ":" + qualifier;
  }
  Array items;
  for (const auto& [uuid, m] : mappings_) {
    if (source && m.configuration.find("EventSourceArn")->as_string() != *source) continue;
    if (function_arn && m.configuration.find("FunctionArn")->as_string() != *function_arn) continue;
    items.push_back(m.configuration);
  }
  Value out = Value::object();
  page_into(out, "EventSourceMappings", std::move(items), input);
  return out;
}

}  // namespace stratus::lambda
