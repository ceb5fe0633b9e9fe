#pragma once
// Topics and their subscriptions, as SNS keeps them.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/filter_policy.hpp"

namespace stratus::sns {

using Attributes = std::map<std::string, std::string>;

inline constexpr std::int64_t kDeduplicationWindowMs = 5 * 60 * 1000;

struct Subscription {
  std::string arn;
  std::string topic_arn;
  std::string protocol;  // sqs, http, https, lambda, email, email-json, sms, application, firehose
  std::string endpoint;
  std::string owner;  // account id
  Attributes attributes;  // as set: RawMessageDelivery, FilterPolicy, RedrivePolicy, ...
  bool confirmed = false;
  std::string token;  // the confirmation token while pending
  std::optional<FilterPolicy> filter;  // parsed from attributes["FilterPolicy"]

  bool raw() const;
  // Where failed deliveries go: the RedrivePolicy's deadLetterTargetArn, if any.
  std::string dead_letter_arn() const;
};

// The filter policy a subscription's attributes describe, if any; throws as SNS does.
std::optional<FilterPolicy> compile_filter(const Attributes& attributes);

struct Topic {
  std::string arn;
  std::string account, region, name;
  Attributes attributes;  // as set, without the computed ones
  std::map<std::string, std::string> tags;
  std::string data_protection_policy;
  std::vector<std::string> subscriptions;  // ARNs, in subscription order
  std::int64_t subscriptions_deleted = 0;
  std::uint64_t fifo_sequence = 0;

  // FIFO: messages published in the last five minutes, by deduplication id.
  struct Deduplicated {
    std::int64_t expires_ms;
    std::string message_id, sequence_number;
  };
  std::map<std::string, Deduplicated> deduplication;
  std::deque<std::string> deduplication_order;  // oldest first, to expire them in order

  // Forgets deduplication ids whose window has passed.
  void expire_deduplication(std::int64_t now_ms);
  bool fifo() const;
  bool content_based_deduplication() const;
};

}  // namespace stratus::sns
