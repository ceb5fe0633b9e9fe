#pragma once
// A published message on its way to one subscription.
#include <cstdint>
#include <memory>
#include <string>

#include "protocol/value.hpp"
#include "services/service.hpp"

namespace stratus::sns {

struct Notification {
  std::string message_id;
  std::string topic_arn;
  std::string subject;  // empty when the publisher gave none
  std::string message;  // the text for the subscription's protocol (MessageStructure=json)
  std::string timestamp;  // ISO 8601, milliseconds, UTC
  Value attributes;       // MessageAttributes as published: name -> {DataType, StringValue|BinaryValue}
  std::string group_id, deduplication_id, sequence_number;  // FIFO topics
  std::string base_url;  // where the subscriber reaches us: unsubscribe and certificate URLs
  int signature_version = 1;  // the topic's SignatureVersion
  // Made once per message and shared by its subscribers: the signed fields are the
  // same for all of them (the unsubscribe URL is not signed).
  std::string signature;

  Value to_value() const;
  static Notification from_value(const Value& v);
};

// Stored until it is delivered or given up on, so that a restart does not lose it.
struct PendingDelivery {
  std::uint64_t id = 0;
  std::string subscription_arn;
  Notification notification;
  int attempts = 0;
  std::int64_t first_attempt_ms = 0;
  std::unique_ptr<Timer> retry;
};

}  // namespace stratus::sns
