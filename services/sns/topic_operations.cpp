// Topic lifecycle, attributes, tags, permissions and data protection policies.
#include <algorithm>
#include <set>

#include "protocol/json.hpp"
#include "services/input.hpp"
#include "services/permissions.hpp"
#include "services/sns/delivery_policy.hpp"
#include "services/sns/names.hpp"
#include "services/sns/sns_service.hpp"

namespace stratus::sns {
namespace {

constexpr std::size_t kPageSize = 100;
constexpr std::size_t kMaxTags = 50;

ApiError invalid(const std::string& what) { return ApiError("InvalidParameterException", "Invalid parameter: " + what); }

const std::set<std::string, std::less<>>& settable_topic_attributes() {
  static const std::set<std::string, std::less<>> names = {
      "ApplicationFailureFeedbackRoleArn", "ApplicationSuccessFeedbackRoleArn", "ApplicationSuccessFeedbackSampleRate",
      "ArchivePolicy", "ContentBasedDeduplication", "DeliveryPolicy", "DisplayName", "FifoThroughputScope",
      "FirehoseFailureFeedbackRoleArn", "FirehoseSuccessFeedbackRoleArn", "FirehoseSuccessFeedbackSampleRate",
      "HTTPFailureFeedbackRoleArn", "HTTPSuccessFeedbackRoleArn", "HTTPSuccessFeedbackSampleRate",
      "KmsMasterKeyId", "LambdaFailureFeedbackRoleArn", "LambdaSuccessFeedbackRoleArn",
      "LambdaSuccessFeedbackSampleRate", "Policy", "SQSFailureFeedbackRoleArn", "SQSSuccessFeedbackRoleArn",
      "SQSSuccessFeedbackSampleRate", "SignatureVersion", "TracingConfig"};
  return names;
}

bool is_json_object(const std::string& text) {
  try {
    return json::parse(text).is_object();
  } catch (const std::exception&) {
    return false;
  }
}

// Checks one attribute as SetTopicAttributes and CreateTopic do.
void validate_topic_attribute(const std::string& name, const std::string& value, bool fifo) {
  if (name == "FifoTopic") {
    if (value != "true" && value != "false") throw invalid("Attributes Reason: FifoTopic must be true or false");
    return;
  }
  if (!settable_topic_attributes().contains(name)) throw invalid("AttributeName");
  if (name == "SignatureVersion" && value != "1" && value != "2") throw invalid("SignatureVersion");
  if (name == "ContentBasedDeduplication") {
    if (!fifo) throw invalid("ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics");
    if (value != "true" && value != "false") throw invalid("ContentBasedDeduplication");
  }
  if (name == "FifoThroughputScope" && !fifo)
    throw invalid("FifoThroughputScope Reason: FifoThroughputScope can only be set for FIFO topics");
  if ((name == "Policy" || name == "DeliveryPolicy" || name == "ArchivePolicy") && !value.empty() &&
      !is_json_object(value))
    throw invalid(name + ": failed to parse JSON");
  if (name == "TracingConfig" && value != "PassThrough" && value != "Active") throw invalid("TracingConfig");
  if (name == "DisplayName" && value.size() > 100) throw invalid("DisplayName");
}

std::string default_policy(const Topic& topic) {
  Value statement = Value::object();
  statement.set("Sid", "__default_statement_ID");
  statement.set("Effect", "Allow");
  statement.set("Principal", Value(Object{{"AWS", Value("*")}}));
  Value actions = Value::array();
  for (const char* a : {"SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                        "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic",
                        "SNS:Publish"})
    actions.push(a);
  statement.set("Action", std::move(actions));
  statement.set("Resource", topic.arn);
  statement.set("Condition",
                Value(Object{{"StringEquals", Value(Object{{"AWS:SourceOwner", Value(topic.account)}})}}));
  Value policy = Value::object();
  policy.set("Version", "2008-10-17");
  policy.set("Id", "__default_policy_ID");
  policy.set("Statement", Value(Array{std::move(statement)}));
  return json::write(policy);
}

std::map<std::string, std::string> tag_list(const Value& input) {
  std::map<std::string, std::string> tags;
  for (const auto& tag : input::list(input, "Tags")) {
    const Value* key = tag.find("Key");
    const Value* value = tag.find("Value");
    if (!key || !key->is_string() || !value || !value->is_string()) throw invalid("Tags");
    if (key->as_string().empty() || key->as_string().size() > 128 || value->as_string().size() > 256)
      throw invalid("Tags Reason: tag keys must be 1 to 128 characters and values at most 256");
    if (!tags.emplace(key->as_string(), value->as_string()).second) throw invalid("Duplicated keys are not allowed.");
  }
  return tags;
}

Value policy_of(const Topic& topic) {
  auto it = topic.attributes.find("Policy");
  return json::parse(it != topic.attributes.end() ? it->second : default_policy(topic));
}

}  // namespace

Value SnsService::create_topic(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "Name");
  auto attributes = input::string_map(input, "Attributes");
  bool fifo = attributes["FifoTopic"] == "true";
  if (!fifo) attributes.erase("FifoTopic");
  if (!valid_topic_name(name, fifo)) {
    if (fifo || name.ends_with(".fifo"))
      throw invalid(
          "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, "
          "numbers, underscores, and hyphens, and must be between 1 and 256 characters long.");
    throw invalid("Topic Name");
  }
  for (const auto& [k, v] : attributes) validate_topic_attribute(k, v, fifo);
  auto tags = tag_list(input);
  if (tags.size() > kMaxTags) throw ApiError("TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded");
  std::string arn = topic_arn(ctx.region, ctx.account, name);
  if (auto it = topics_.find(arn); it != topics_.end()) {
    Topic& existing = *it->second;
    for (const auto& [k, v] : attributes) {
      auto current = existing.attributes.find(k);
      if (current == existing.attributes.end() || current->second != v)
        throw invalid("Attributes Reason: Topic already exists with different attributes");
    }
    for (const auto& [k, v] : tags) {
      auto current = existing.tags.find(k);
      if (current == existing.tags.end() || current->second != v)
        throw invalid("Tags Reason: Topic already exists with different tags");
    }
    return Value(Object{{"TopicArn", Value(arn)}});
  }
  auto topic = std::make_unique<Topic>();
  topic->arn = arn;
  topic->account = ctx.account;
  topic->region = ctx.region;
  topic->name = name;
  topic->attributes = std::move(attributes);
  topic->tags = std::move(tags);
  if (auto policy = input::optional_string(input, "DataProtectionPolicy")) topic->data_protection_policy = *policy;
  store_.save_topic(*topic);
  topics_.emplace(arn, std::move(topic));
  return Value(Object{{"TopicArn", Value(arn)}});
}

Value SnsService::delete_topic(const RequestContext&, const Value& input) {
  const std::string& arn = input::required_string(input, "TopicArn");
  auto it = topics_.find(arn);
  if (it == topics_.end()) return Value::object();  // deleting a topic that is gone is no error
  for (const auto& sub : std::vector<std::string>(it->second->subscriptions)) remove_subscription(sub);
  store_.delete_topic(arn);
  topics_.erase(arn);
  return Value::object();
}

Value SnsService::list_topics(const RequestContext& ctx, const Value& input) {
  std::string prefix = topic_arn(ctx.region, ctx.account, "");
  std::string after = input::optional_string(input, "NextToken").value_or("");
  if (!after.empty() && !after.starts_with(prefix)) throw invalid("NextToken");
  Value topics = Value::array();
  Value result = Value::object();
  for (auto it = topics_.lower_bound(after.empty() ? prefix : after); it != topics_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    if (it->first == after) continue;
    if (topics.as_array().size() == kPageSize) {
      result.set("NextToken", topics.as_array().back().find("TopicArn")->as_string());
      break;
    }
    topics.push(Value(Object{{"TopicArn", Value(it->first)}}));
  }
  result.set("Topics", std::move(topics));
  return result;
}

Value SnsService::get_topic_attributes(const RequestContext& ctx, const Value& input) {
  const Topic& topic = topic_for(ctx, input::required_string(input, "TopicArn"));
  std::int64_t confirmed = 0, pending = 0;
  for (const auto& arn : topic.subscriptions) {
    auto it = subscriptions_.find(arn);
    if (it != subscriptions_.end()) ++(it->second->confirmed ? confirmed : pending);
  }
  Value attributes = Value::object();
  attributes.set("TopicArn", topic.arn);
  attributes.set("Owner", topic.account);
  attributes.set("Policy", default_policy(topic));
  attributes.set("DisplayName", "");
  attributes.set("SubscriptionsConfirmed", std::to_string(confirmed));
  attributes.set("SubscriptionsPending", std::to_string(pending));
  attributes.set("SubscriptionsDeleted", std::to_string(topic.subscriptions_deleted));
  attributes.set("EffectiveDeliveryPolicy", json::write(effective_topic_policy(topic)));
  if (topic.fifo()) {
    attributes.set("FifoTopic", "true");
    attributes.set("ContentBasedDeduplication", "false");
  }
  for (const auto& [k, v] : topic.attributes) attributes.set(k, v);
  return Value(Object{{"Attributes", std::move(attributes)}});
}

Value SnsService::set_topic_attributes(const RequestContext& ctx, const Value& input) {
  Topic& topic = topic_for(ctx, input::required_string(input, "TopicArn"));
  const std::string& name = input::required_string(input, "AttributeName");
  std::string value = input::optional_string(input, "AttributeValue").value_or("");
  if (name == "FifoTopic") throw invalid("AttributeName");
  validate_topic_attribute(name, value, topic.fifo());
  topic.attributes[name] = value;
  store_.save_topic(topic);
  return Value::object();
}

Value SnsService::tag_resource(const RequestContext&, const Value& input) {
  auto it = topics_.find(input::required_string(input, "ResourceArn"));
  if (it == topics_.end()) throw ApiError("ResourceNotFoundException", "Resource does not exist");
  auto tags = tag_list(input);
  auto merged = it->second->tags;
  for (auto& [k, v] : tags) merged[k] = v;
  if (merged.size() > kMaxTags)
    throw ApiError("TagLimitExceededException", "Could not complete request: tag quota of per resource exceeded");
  it->second->tags = std::move(merged);
  store_.save_topic(*it->second);
  return Value::object();
}

Value SnsService::untag_resource(const RequestContext&, const Value& input) {
  auto it = topics_.find(input::required_string(input, "ResourceArn"));
  if (it == topics_.end()) throw ApiError("ResourceNotFoundException", "Resource does not exist");
  for (const auto& key : input::strings(input, "TagKeys")) it->second->tags.erase(key);
  store_.save_topic(*it->second);
  return Value::object();
}

Value SnsService::list_tags_for_resource(const RequestContext&, const Value& input) {
  auto it = topics_.find(input::required_string(input, "ResourceArn"));
  if (it == topics_.end()) throw ApiError("ResourceNotFoundException", "Resource does not exist");
  Value tags = Value::array();
  for (const auto& [k, v] : it->second->tags) tags.push(Value(Object{{"Key", Value(k)}, {"Value", Value(v)}}));
  return Value(Object{{"Tags", std::move(tags)}});
}

Value SnsService::add_permission(const RequestContext& ctx, const Value& input) {
  Topic& topic = topic_for(ctx, input::required_string(input, "TopicArn"));
  const std::string& label = input::required_string(input, "Label");
  auto accounts = input::strings(input, "AWSAccountId");
  auto actions = input::strings(input, "ActionName");
  if (accounts.empty()) throw invalid("AWSAccountId");
  if (actions.empty()) throw invalid("ActionName");
  Value policy = policy_of(topic);
  Value* statements = policy.find("Statement");
  if (has_statement(*statements, label)) throw invalid("Statement already exists");
  statements->push(permission_statement(label, accounts, "SNS", actions, topic.arn));
  topic.attributes["Policy"] = json::write(policy);
  store_.save_topic(topic);
  return Value::object();
}

Value SnsService::remove_permission(const RequestContext& ctx, const Value& input) {
  Topic& topic = topic_for(ctx, input::required_string(input, "TopicArn"));
  const std::string& label = input::required_string(input, "Label");
  Value policy = policy_of(topic);
  Array& statements = policy.find("Statement")->as_array();
  std::erase_if(statements, [&](const Value& s) {
    const Value* sid = s.find("Sid");
    return sid && sid->is_string() && sid->as_string() == label;
  });
  topic.attributes["Policy"] = json::write(policy);
  store_.save_topic(topic);
  return Value::object();
}

Value SnsService::get_data_protection_policy(const RequestContext&, const Value& input) {
  auto it = topics_.find(input::required_string(input, "ResourceArn"));
  if (it == topics_.end()) throw ApiError("NotFoundException", "Topic does not exist");
  return Value(Object{{"DataProtectionPolicy", Value(it->second->data_protection_policy)}});
}

Value SnsService::put_data_protection_policy(const RequestContext&, const Value& input) {
  auto it = topics_.find(input::required_string(input, "ResourceArn"));
  if (it == topics_.end()) throw ApiError("NotFoundException", "Topic does not exist");
  const std::string& policy = input::required_string(input, "DataProtectionPolicy");
  if (!is_json_object(policy)) throw invalid("DataProtectionPolicy: failed to parse JSON");
  it->second->data_protection_policy = policy;
  store_.save_topic(*it->second);
  return Value::object();
}

}  // namespace stratus::sns
