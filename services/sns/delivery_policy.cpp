#include "services/sns/delivery_policy.hpp"

#include <algorithm>
#include <cmath>

#include "protocol/json.hpp"

namespace stratus::sns {
namespace {

const char* kDefaultTopicPolicy =
    R"({"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,)"
    R"("numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},)"
    R"("disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}})";

const char* kDefaultSubscriptionPolicy =
    R"({"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,)"
    R"("numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,)"
    R"("throttlePolicy":null,"guaranteed":false})";

// Members of `overlay` replace those of `base`; objects merge member by member.
void merge(Value& base, const Value& overlay) {
  if (!base.is_object() || !overlay.is_object()) {
    base = overlay;
    return;
  }
  for (const auto& [name, v] : overlay.as_object()) {
    Value* existing = base.find(name);
    if (existing && existing->is_object() && v.is_object())
      merge(*existing, v);
    else
      base.set(name, v);
  }
}

Value attribute_json(const Attributes& attributes, const char* name) {
  auto it = attributes.find(name);
  if (it == attributes.end() || it->second.empty()) return {};
  try {
    return json::parse(it->second);
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace

Value effective_topic_policy(const Topic& topic) {
  Value policy = json::parse(kDefaultTopicPolicy);
  Value own = attribute_json(topic.attributes, "DeliveryPolicy");
  if (own.is_object()) merge(policy, own);
  return policy;
}

Value effective_subscription_policy(const Subscription& s, const Topic* topic) {
  Value policy = json::parse(kDefaultSubscriptionPolicy);
  bool overrides = true;
  if (topic) {
    Value topic_policy = effective_topic_policy(*topic);
    if (const Value* http = topic_policy.find("http")) {
      if (const Value* v = http->find("defaultHealthyRetryPolicy")) merge(*policy.find("healthyRetryPolicy"), *v);
      if (const Value* v = http->find("defaultThrottlePolicy")) policy.set("throttlePolicy", *v);
      if (const Value* v = http->find("defaultRequestPolicy")) policy.set("requestPolicy", *v);
      if (const Value* v = http->find("disableSubscriptionOverrides"); v && v->is_bool()) overrides = !v->as_bool();
    }
  }
  Value own = attribute_json(s.attributes, "DeliveryPolicy");
  if (overrides && own.is_object()) merge(policy, own);
  return policy;
}

std::chrono::milliseconds RetryPolicy::delay(int retry) const {
  double span = max_delay_s - min_delay_s;
  double seconds = min_delay_s;
  if (retries > 1 && span > 0) {
    double step = static_cast<double>(retry - 1) / (retries - 1);
    seconds += backoff == "linear" ? span * step : span * (std::pow(2.0, step * 4) - 1) / 15;
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

RetryPolicy retry_policy(const Subscription& s, const Topic* topic) {
  if (s.protocol != "http" && s.protocol != "https") return {5, 1, 20, "exponential"};  // AWS-managed endpoints
  RetryPolicy policy;
  Value effective = effective_subscription_policy(s, topic);
  const Value* healthy = effective.find("healthyRetryPolicy");
  if (!healthy || !healthy->is_object()) return policy;
  auto number = [&](const char* name, int& out) {
    if (const Value* v = healthy->find(name); v && v->is_number()) out = static_cast<int>(v->as_double());
  };
  number("numRetries", policy.retries);
  number("minDelayTarget", policy.min_delay_s);
  number("maxDelayTarget", policy.max_delay_s);
  if (const Value* v = healthy->find("backoffFunction"); v && v->is_string()) policy.backoff = v->as_string();
  policy.max_delay_s = std::max(policy.max_delay_s, policy.min_delay_s);
  return policy;
}

}  // namespace stratus::sns
