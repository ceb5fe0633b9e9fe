// Subscribing, confirming, listing and configuring subscriptions.
#include <set>

#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/sns/delivery_policy.hpp"
#include "services/sns/names.hpp"
#include "services/sns/sns_service.hpp"

namespace stratus::sns {
namespace {

constexpr std::size_t kPageSize = 100;

ApiError invalid(const std::string& what) { return ApiError("InvalidParameterException", "Invalid parameter: " + what); }

const std::set<std::string, std::less<>> kProtocols = {"http", "https", "email", "email-json", "sms",
                                                        "sqs", "application", "lambda", "firehose"};
const std::set<std::string, std::less<>> kSubscriptionAttributes = {
    "DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery",
    "RedrivePolicy", "SubscriptionRoleArn", "ReplayPolicy"};

// Subscribers that need no confirmation: AWS resources and phone numbers.
bool confirmed_at_once(const std::string& protocol) {
  return protocol == "sqs" || protocol == "lambda" || protocol == "sms" || protocol == "application" ||
         protocol == "firehose";
}

void validate_endpoint(const std::string& protocol, const std::string& endpoint, const Topic& topic) {
  if (endpoint.empty()) throw invalid("Endpoint");
  if (protocol == "sqs") {
    auto arn = parse_arn(endpoint);
    if (!arn || arn->service != "sqs") throw invalid("SQS endpoint ARN");
    if (arn->resource.ends_with(".fifo") && !topic.fifo())
      throw invalid("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
  } else if (protocol == "lambda") {
    auto arn = parse_arn(endpoint);
    if (!arn || arn->service != "lambda") throw invalid("Lambda endpoint ARN");
  } else if (protocol == "http" || protocol == "https") {
    if (!endpoint.starts_with(protocol + "://")) throw invalid("Endpoint must match the specified protocol");
  } else if (protocol == "email" || protocol == "email-json") {
    if (endpoint.find('@') == std::string::npos) throw invalid("Email address");
  }
  if (topic.fifo() && protocol != "sqs") throw invalid("Invalid protocol type: " + protocol);
}

// Checks one attribute's value as SetSubscriptionAttributes does.
void check_attribute(const Subscription& s, bool fifo_topic, const std::string& name, const std::string& value) {
  if (!kSubscriptionAttributes.contains(name)) throw invalid("AttributeName");
  if (name == "RawMessageDelivery") {
    if (s.protocol != "sqs" && s.protocol != "http" && s.protocol != "https" && s.protocol != "firehose")
      throw invalid("Delivery protocol [" + s.protocol + "] does not support raw message delivery.");
    if (value != "true" && value != "false")
      throw invalid("RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.");
  }
  if (name == "FilterPolicyScope" && value != "MessageAttributes" && value != "MessageBody")
    throw invalid("FilterPolicyScope: Invalid filter policy scope, valid values are: MessageAttributes, MessageBody");
  if (name == "RedrivePolicy" && !value.empty()) {
    Value policy;
    try {
      policy = json::parse(value);
    } catch (const std::exception&) {
      throw invalid("RedrivePolicy: Redrive policy is not a valid JSON");
    }
    const Value* target = policy.is_object() ? policy.find("deadLetterTargetArn") : nullptr;
    auto arn = target && target->is_string() ? parse_arn(target->as_string()) : std::nullopt;
    if (!arn || arn->service != "sqs") throw invalid("RedrivePolicy: deadLetterTargetArn is invalid");
    if (fifo_topic && !arn->resource.ends_with(".fifo"))
      throw invalid("RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.");
  }
  if ((name == "DeliveryPolicy" || name == "ReplayPolicy") && !value.empty()) {
    try {
      if (!json::parse(value).is_object()) throw std::runtime_error("not an object");
    } catch (const std::exception&) {
      throw invalid(name + ": failed to parse JSON");
    }
  }
  if (name == "SubscriptionRoleArn" && s.protocol != "firehose")
    throw invalid("Invalid parameter: SubscriptionRoleArn is only valid for firehose subscriptions");
}

// Applies several attributes at once (Subscribe gives them together, in any order):
// the filter policy is compiled against the scope they leave.
void apply_attributes(Subscription& s, bool fifo_topic, const Attributes& changes) {
  Attributes next = s.attributes;
  for (const auto& [name, value] : changes) {
    check_attribute(s, fifo_topic, name, value);
    if (value.empty() && (name == "FilterPolicy" || name == "RedrivePolicy"))
      next.erase(name);
    else
      next[name] = value;
  }
  auto filter = compile_filter(next);
  s.attributes = std::move(next);
  s.filter = std::move(filter);
}

std::string default_attribute(const std::string& name) {
  if (name == "RawMessageDelivery") return "false";
  if (name == "FilterPolicyScope") return "MessageAttributes";
  return {};
}

// Subscribing again returns the same subscription unless the call asks for attributes
// (other than the defaults) that the existing one does not have.
bool asks_for_other_attributes(const Subscription& existing, const Attributes& given) {
  for (const auto& [name, value] : given) {
    auto it = existing.attributes.find(name);
    std::string current = it != existing.attributes.end() ? it->second : default_attribute(name);
    if (value != current && value != default_attribute(name)) return true;
  }
  return false;
}

Value list_entry(const Subscription& s) {
  Value e = Value::object();
  e.set("SubscriptionArn", s.confirmed ? s.arn : std::string("PendingConfirmation"));
  e.set("Owner", s.owner);
  e.set("Protocol", s.protocol);
  e.set("Endpoint", s.endpoint);
  e.set("TopicArn", s.topic_arn);
  return e;
}

}  // namespace

Value SnsService::subscribe(const RequestContext& ctx, const Value& input) {
  Topic& topic = topic_for(ctx, input::required_string(input, "TopicArn"));
  const std::string& protocol = input::required_string(input, "Protocol");
  if (!kProtocols.contains(protocol)) throw invalid("Amazon SNS does not support this protocol string: " + protocol);
  std::string endpoint = input::optional_string(input, "Endpoint").value_or("");
  validate_endpoint(protocol, endpoint, topic);
  bool return_arn = input::optional_bool(input, "ReturnSubscriptionArn").value_or(false);

  auto subscription = std::make_unique<Subscription>();
  Subscription& s = *subscription;
  s.topic_arn = topic.arn;
  s.protocol = protocol;
  s.endpoint = endpoint;
  s.owner = ctx.account;
  Attributes given;
  for (const auto& [name, v] : input::map(input, "Attributes")) given[name] = v.is_string() ? v.as_string() : json::write(v);
  apply_attributes(s, topic.fifo(), given);

  for (const auto& arn : topic.subscriptions) {
    const Subscription& existing = *subscriptions_.at(arn);
    if (existing.protocol != protocol || existing.endpoint != endpoint) continue;
    if (asks_for_other_attributes(existing, given))
      throw invalid("Attributes Reason: Subscription already exists with different attributes");
    return Value(Object{{"SubscriptionArn",
                         Value(existing.confirmed || return_arn ? existing.arn : std::string("pending confirmation"))}});
  }

  s.arn = topic.arn + ":" + ids::uuid();
  s.confirmed = confirmed_at_once(protocol);
  if (!s.confirmed) s.token = ids::token() + ids::token() + ids::token() + ids::token();
  store_.save_subscription(s);
  topic.subscriptions.push_back(s.arn);
  std::string arn = s.arn;
  if (protocol == "http" || protocol == "https") send_confirmation(s, "SubscriptionConfirmation", ctx.host);
  subscriptions_.emplace(arn, std::move(subscription));
  bool confirmed = subscriptions_.at(arn)->confirmed;
  return Value(Object{{"SubscriptionArn", Value(confirmed || return_arn ? arn : std::string("pending confirmation"))}});
}

Value SnsService::confirm_subscription(const RequestContext& ctx, const Value& input) {
  // The SubscribeURL is fetched without credentials, so the topic's own region counts.
  RequestContext in_topic_region = ctx;
  const std::string& arn = input::required_string(input, "TopicArn");
  if (auto parsed = parse_arn(arn)) in_topic_region.region = parsed->region;
  Topic& topic = topic_for(in_topic_region, arn);
  const std::string& token = input::required_string(input, "Token");
  for (const auto& arn : topic.subscriptions) {
    Subscription& s = *subscriptions_.at(arn);
    if (s.token.empty() || s.token != token) continue;
    if (!s.confirmed) {
      s.confirmed = true;
      if (input::optional_string(input, "AuthenticateOnUnsubscribe").value_or("false") == "true")
        s.attributes["AuthenticateOnUnsubscribe"] = "true";
      store_.save_subscription(s);
    }
    return Value(Object{{"SubscriptionArn", Value(s.arn)}});
  }
  throw invalid("Invalid token");
}

Value SnsService::unsubscribe(const RequestContext& ctx, const Value& input) {
  const std::string& arn = input::required_string(input, "SubscriptionArn");
  auto parsed = parse_arn(arn);
  if (!parsed || parsed->service != "sns" || parsed->resource.find(':') == std::string::npos)
    throw invalid("SubscriptionArn");
  if (auto it = subscriptions_.find(arn); it != subscriptions_.end()) {
    Subscription& s = *it->second;
    if (s.confirmed && (s.protocol == "http" || s.protocol == "https")) {
      s.token = ids::token() + ids::token() + ids::token() + ids::token();
      send_confirmation(s, "UnsubscribeConfirmation", ctx.host);
    }
  }
  remove_subscription(arn);
  return Value::object();
}

Value SnsService::list_subscriptions(const RequestContext& ctx, const Value& input) {
  std::string prefix = topic_arn(ctx.region, ctx.account, "");
  std::string after = input::optional_string(input, "NextToken").value_or("");
  Value list = Value::array();
  Value result = Value::object();
  for (auto it = subscriptions_.upper_bound(after.empty() ? prefix : after); it != subscriptions_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    if (list.as_array().size() == kPageSize) {
      result.set("NextToken", std::prev(it)->first);
      break;
    }
    list.push(list_entry(*it->second));
  }
  result.set("Subscriptions", std::move(list));
  return result;
}

Value SnsService::list_subscriptions_by_topic(const RequestContext& ctx, const Value& input) {
  const Topic& topic = topic_for(ctx, input::required_string(input, "TopicArn"));
  std::string after = input::optional_string(input, "NextToken").value_or("");
  auto start = topic.subscriptions.begin();
  if (!after.empty()) {
    start = std::find(topic.subscriptions.begin(), topic.subscriptions.end(), after);
    if (start == topic.subscriptions.end()) throw invalid("NextToken");
    ++start;
  }
  Value list = Value::array();
  Value result = Value::object();
  for (auto it = start; it != topic.subscriptions.end(); ++it) {
    if (list.as_array().size() == kPageSize) {
      result.set("NextToken", *std::prev(it));
      break;
    }
    list.push(list_entry(*subscriptions_.at(*it)));
  }
  result.set("Subscriptions", std::move(list));
  return result;
}

Value SnsService::get_subscription_attributes(const RequestContext&, const Value& input) {
  const Subscription& s = subscription_for(input::required_string(input, "SubscriptionArn"));
  Value a = Value::object();
  a.set("SubscriptionArn", s.arn);
  a.set("TopicArn", s.topic_arn);
  a.set("Owner", s.owner);
  a.set("Protocol", s.protocol);
  a.set("Endpoint", s.endpoint);
  a.set("ConfirmationWasAuthenticated", s.confirmed ? "true" : "false");
  a.set("PendingConfirmation", s.confirmed ? "false" : "true");
  a.set("RawMessageDelivery", "false");
  if (s.protocol == "http" || s.protocol == "https") {
    auto topic = topics_.find(s.topic_arn);
    a.set("EffectiveDeliveryPolicy",
          json::write(effective_subscription_policy(s, topic == topics_.end() ? nullptr : topic->second.get())));
  }
  if (s.attributes.contains("FilterPolicy")) a.set("FilterPolicyScope", "MessageAttributes");
  for (const auto& [k, v] : s.attributes) a.set(k, v);
  return Value(Object{{"Attributes", std::move(a)}});
}

Value SnsService::set_subscription_attributes(const RequestContext&, const Value& input) {
  Subscription& s = subscription_for(input::required_string(input, "SubscriptionArn"));
  auto topic = topics_.find(s.topic_arn);
  apply_attributes(s, topic != topics_.end() && topic->second->fifo(), {{input::required_string(input, "AttributeName"),
                        input::optional_string(input, "AttributeValue").value_or("")}});
  store_.save_subscription(s);
  return Value::object();
}

}  // namespace stratus::sns
