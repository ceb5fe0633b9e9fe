#pragma once
// The JSON documents SNS sends to subscribers, signed as AWS signs them.
#include <string>

#include "services/sns/delivery.hpp"
#include "services/sns/signer.hpp"

namespace stratus::sns {

// The signature of a Notification document for `n`.
std::string notification_signature(const Notification& n, const Signer& signer);
// The "Notification" document an SQS (not raw) or HTTP subscriber receives; signs it
// unless `n` carries its signature already. FIFO topics' documents are not signed.
std::string notification_document(const Notification& n, const std::string& subscription_arn, const Signer& signer);
Value notification_value(const Notification& n, const std::string& subscription_arn, const Signer& signer);
// The event a Lambda subscriber is invoked with: {"Records": [{"EventSource": "aws:sns", ..., "Sns": {...}}]}.
std::string lambda_event(const Notification& n, const std::string& subscription_arn, const Signer& signer);

struct ConfirmationRequest {
  std::string type;  // SubscriptionConfirmation or UnsubscribeConfirmation
  std::string message_id, topic_arn, subscription_arn, token, timestamp, base_url;
  int signature_version = 1;
};
std::string confirmation_document(const ConfirmationRequest& c, const Signer& signer);
std::string subscribe_url(const std::string& base_url, const std::string& topic_arn, const std::string& token);

// MessageAttributes in the envelope's shape: name -> {"Type", "Value"}.
Value envelope_attributes(const Value& published);

}  // namespace stratus::sns
