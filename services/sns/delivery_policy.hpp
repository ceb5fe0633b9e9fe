#pragma once
// Delivery policies: what a topic's and a subscription's DeliveryPolicy attributes
// amount to (the EffectiveDeliveryPolicy AWS reports), and the retries they ask for.
#include <chrono>
#include <string>

#include "services/sns/topic.hpp"

namespace stratus::sns {

// AWS's default topic policy, overlaid with the topic's own DeliveryPolicy.
Value effective_topic_policy(const Topic& topic);
// For an HTTP(S) subscription: the defaults, the topic's http defaults, then the
// subscription's own policy unless the topic disables overrides.
Value effective_subscription_policy(const Subscription& subscription, const Topic* topic);

struct RetryPolicy {
  int retries = 3;
  int min_delay_s = 20;
  int max_delay_s = 20;
  std::string backoff = "linear";

  // The wait before retry number `retry` (1-based).
  std::chrono::milliseconds delay(int retry) const;
};

RetryPolicy retry_policy(const Subscription& subscription, const Topic* topic);

}  // namespace stratus::sns
