#pragma once
// Queue attributes: their defaults, AWS's validation rules, and the parsed form the
// message paths read.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace stratus::sqs {

// Settable attributes by name, with values as AWS returns them.
using QueueAttributes = std::map<std::string, std::string>;

struct QueueConfig {
  bool fifo = false;
  std::int64_t delay_s = 0;
  std::int64_t max_message_size = 1048576;
  std::int64_t retention_s = 345600;
  std::int64_t wait_s = 0;
  std::int64_t visibility_s = 30;
  std::string dead_letter_arn;  // empty without a RedrivePolicy
  std::int64_t max_receive_count = 0;
  bool content_based_dedup = false;
  bool dedup_per_group = false;  // DeduplicationScope messageGroup
};

constexpr std::int64_t kMaxMessageBytes = 1048576;

QueueAttributes default_attributes(bool fifo);
// Throws InvalidAttributeName / InvalidAttributeValue as AWS does. `creating` allows
// FifoQueue, which cannot change later.
void validate_attributes(const std::map<std::string, std::string>& attributes, bool fifo, bool creating);
QueueConfig parse_config(const QueueAttributes& attributes);

// Every attribute name GetQueueAttributes knows, settable or computed.
const std::vector<std::string_view>& all_attribute_names();

}  // namespace stratus::sqs
