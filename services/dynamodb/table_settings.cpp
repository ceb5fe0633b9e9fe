// A table's settings beside its definition: tags, time to live, continuous backups;
// and the account-wide answers (endpoints, limits).
#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxTags = 50;

}  // namespace

Table& DynamoDbService::tagged(const RequestContext& ctx, const std::string& arn) {
  auto it = tables_.find(arn);
  if (it == tables_.end() || it->second.account != ctx.account)
    throw ApiError("ResourceNotFoundException", "Requested resource not found: ResourcArn: " + arn + " not found");
  return it->second;
}

Value DynamoDbService::tag_resource(const RequestContext& ctx, const Value& input) {
  Table& t = tagged(ctx, input::required_string(input, "ResourceArn"));
  auto tags = t.tags;
  for (const auto& tag : input::list(input, "Tags"))
    tags[input::optional_string(tag, "Key").value_or("")] = input::optional_string(tag, "Value").value_or("");
  if (tags.size() > kMaxTags) throw validation("One or more parameter values were invalid: Too many tags");
  t.tags = std::move(tags);
  save(t);
  return Value::object();
}

Value DynamoDbService::untag_resource(const RequestContext& ctx, const Value& input) {
  Table& t = tagged(ctx, input::required_string(input, "ResourceArn"));
  for (const auto& key : input::strings(input, "TagKeys")) t.tags.erase(key);
  save(t);
  return Value::object();
}

Value DynamoDbService::list_tags_of_resource(const RequestContext& ctx, const Value& input) {
  Table& t = tagged(ctx, input::required_string(input, "ResourceArn"));
  Value tags = Value::array();
  for (const auto& [k, v] : t.tags) tags.push(Value(Object{{"Key", Value(k)}, {"Value", Value(v)}}));
  return Value(Object{{"Tags", std::move(tags)}});
}

Value DynamoDbService::update_time_to_live(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  const Value* spec = input.find("TimeToLiveSpecification");
  bool enable = spec && input::optional_bool(*spec, "Enabled").value_or(false);
  std::string attribute = spec ? input::optional_string(*spec, "AttributeName").value_or("") : "";
  if (attribute.empty() || attribute.size() > 255)
    throw validation("1 validation error detected: Value '" + attribute +
                     "' at 'timeToLiveSpecification.attributeName' failed to satisfy constraint: Member must have length " +
                     (attribute.empty() ? "greater than or equal to 1" : "less than or equal to 255"));
  bool enabled = t.time_to_live.find("TimeToLiveStatus")->as_string() == "ENABLED";
  if (enable && enabled) throw validation("TimeToLive is already enabled");
  if (!enable && !enabled) throw validation("TimeToLive is already disabled");
  const std::string& current = enabled ? t.time_to_live.find("AttributeName")->as_string() : attribute;
  if (!enable && current != attribute)
    throw validation("TimeToLive is active on a different AttributeName: current AttributeName is " + current);
  if (enable) {
    t.time_to_live = Value(Object{{"TimeToLiveStatus", Value("ENABLED")}, {"AttributeName", Value(attribute)}});
  } else {
    t.time_to_live = Value(Object{{"TimeToLiveStatus", Value("DISABLED")}});
  }
  save(t);
  return Value(Object{{"TimeToLiveSpecification", Value(Object{{"Enabled", Value(enable)}, {"AttributeName", Value(attribute)}})}});
}

Value DynamoDbService::describe_time_to_live(const RequestContext& ctx, const Value& input) {
  return Value(Object{{"TimeToLiveDescription", table(ctx, input::required_string(input, "TableName")).time_to_live}});
}

Value DynamoDbService::describe_continuous_backups(const RequestContext& ctx, const Value& input) {
  const Table& t = table(ctx, input::required_string(input, "TableName"));
  Value recovery = Value(Object{{"PointInTimeRecoveryStatus", Value(t.point_in_time_recovery ? "ENABLED" : "DISABLED")}});
  if (t.point_in_time_recovery) recovery.set("RecoveryPeriodInDays", 35);
  return Value(Object{{"ContinuousBackupsDescription",
                       Value(Object{{"ContinuousBackupsStatus", Value("ENABLED")},
                                    {"PointInTimeRecoveryDescription", std::move(recovery)}})}});
}

Value DynamoDbService::update_continuous_backups(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  const Value* spec = input.find("PointInTimeRecoverySpecification");
  if (!spec) throw validation("PointInTimeRecoverySpecification is required");
  t.point_in_time_recovery = input::optional_bool(*spec, "PointInTimeRecoveryEnabled").value_or(false);
  save(t);
  return describe_continuous_backups(ctx, input);
}

Value DynamoDbService::describe_endpoints(const RequestContext& ctx, const Value&) {
  return Value(Object{{"Endpoints", Value(Array{Value(Object{{"Address", Value(ctx.host)},
                                                             {"CachePeriodInMinutes", Value(1440)}})})}});
}

Value DynamoDbService::describe_limits(const RequestContext&, const Value&) {
  return Value(Object{{"AccountMaxReadCapacityUnits", Value(80000)},
                      {"AccountMaxWriteCapacityUnits", Value(80000)},
                      {"TableMaxReadCapacityUnits", Value(40000)},
                      {"TableMaxWriteCapacityUnits", Value(40000)}});
}

}  // namespace stratus::dynamodb
