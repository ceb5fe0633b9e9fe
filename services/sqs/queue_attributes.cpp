#include "services/sqs/queue_attributes.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "protocol/api_error.hpp"
#include "protocol/json.hpp"

namespace stratus::sqs {
namespace {

std::optional<std::int64_t> to_int(const std::string& text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

ApiError invalid_value(const std::string& name) {
  return ApiError("InvalidAttributeValue", "Invalid value for the parameter " + name + ".");
}

struct Range {
  std::int64_t min, max;
};

const std::map<std::string, Range, std::less<>>& integer_ranges() {
  static const std::map<std::string, Range, std::less<>> ranges = {
      {"DelaySeconds", {0, 900}},
      {"MaximumMessageSize", {1024, kMaxMessageBytes}},
      {"MessageRetentionPeriod", {60, 1209600}},
      {"ReceiveMessageWaitTimeSeconds", {0, 20}},
      {"VisibilityTimeout", {0, 43200}},
      {"KmsDataKeyReusePeriodSeconds", {60, 86400}},
  };
  return ranges;
}

bool is_fifo_only(std::string_view name) {
  return name == "ContentBasedDeduplication" || name == "DeduplicationScope" || name == "FifoThroughputLimit";
}

Value parse_json_attribute(const std::string& name, const std::string& value) {
  try {
    Value doc = json::parse(value);
    if (doc.is_object()) return doc;
  } catch (const json::ParseError&) {
  }
  throw invalid_value(name);
}

void validate_redrive_policy(const std::string& value) {
  Value policy = parse_json_attribute("RedrivePolicy", value);
  const Value* arn = policy.find("deadLetterTargetArn");
  const Value* count = policy.find("maxReceiveCount");
  if (!arn || !arn->is_string() || !count)
    throw ApiError("InvalidParameterValue",
                   "Value " + value + " for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a "
                   "valid JSON map or is missing deadLetterTargetArn or maxReceiveCount.");
  std::optional<std::int64_t> n = count->is_int() ? std::optional(count->as_int())
                                  : count->is_string() ? to_int(count->as_string())
                                                       : std::nullopt;
  if (!n || *n < 1 || *n > 1000)
    throw ApiError("InvalidParameterValue", "Value " + value +
                                                " for parameter RedrivePolicy is invalid. Reason: Invalid value for "
                                                "maxReceiveCount: " + (count->is_string() ? count->as_string() : json::write(*count)) +
                                                ", valid values are from 1 to 1000 both inclusive.");
}

void validate_redrive_allow_policy(const std::string& value) {
  Value policy = parse_json_attribute("RedriveAllowPolicy", value);
  const Value* permission = policy.find("redrivePermission");
  if (!permission || !permission->is_string() ||
      (permission->as_string() != "allowAll" && permission->as_string() != "denyAll" &&
       permission->as_string() != "byQueue"))
    throw invalid_value("RedriveAllowPolicy");
  const Value* sources = policy.find("sourceQueueArns");
  bool by_queue = permission->as_string() == "byQueue";
  if (by_queue != (sources != nullptr)) throw invalid_value("RedriveAllowPolicy");
  if (sources && (!sources->is_array() || sources->as_array().empty() || sources->as_array().size() > 10))
    throw invalid_value("RedriveAllowPolicy");
}

void validate_one(const std::string& name, const std::string& value, bool fifo, bool creating) {
  if (auto range = integer_ranges().find(name); range != integer_ranges().end()) {
    auto v = to_int(value);
    if (!v || *v < range->second.min || *v > range->second.max) throw invalid_value(name);
  } else if (name == "FifoQueue") {
    if (!creating) throw invalid_value(name);
    if (value != "true" && value != "false") throw invalid_value(name);
  } else if (name == "ContentBasedDeduplication" || name == "SqsManagedSseEnabled") {
    if (value != "true" && value != "false") throw invalid_value(name);
  } else if (name == "DeduplicationScope") {
    if (value != "messageGroup" && value != "queue") throw invalid_value(name);
  } else if (name == "FifoThroughputLimit") {
    if (value != "perQueue" && value != "perMessageGroupId") throw invalid_value(name);
  } else if (name == "Policy") {
    if (!value.empty()) parse_json_attribute(name, value);
  } else if (name == "RedrivePolicy") {
    if (!value.empty()) validate_redrive_policy(value);
  } else if (name == "RedriveAllowPolicy") {
    if (!value.empty()) validate_redrive_allow_policy(value);
  } else if (name != "KmsMasterKeyId") {
    throw ApiError("InvalidAttributeName", "Unknown Attribute " + name + ".");
  }
  if (is_fifo_only(name) && !fifo)
    throw ApiError("InvalidAttributeName", "Unknown Attribute " + name + ".");
}

}  // namespace

QueueAttributes default_attributes(bool fifo) {
  QueueAttributes a = {
      {"DelaySeconds", "0"},
      {"MaximumMessageSize", std::to_string(kMaxMessageBytes)},
      {"MessageRetentionPeriod", "345600"},
      {"ReceiveMessageWaitTimeSeconds", "0"},
      {"VisibilityTimeout", "30"},
      {"SqsManagedSseEnabled", "true"},
  };
  if (fifo) {
    a["FifoQueue"] = "true";
    a["ContentBasedDeduplication"] = "false";
    a["DeduplicationScope"] = "queue";
    a["FifoThroughputLimit"] = "perQueue";
  }
  return a;
}

void validate_attributes(const std::map<std::string, std::string>& attributes, bool fifo, bool creating) {
  for (const auto& [name, value] : attributes) validate_one(name, value, fifo, creating);
  auto kms = attributes.find("KmsMasterKeyId");
  auto sse = attributes.find("SqsManagedSseEnabled");
  if (kms != attributes.end() && !kms->second.empty() && sse != attributes.end() && sse->second == "true")
    throw ApiError("InvalidAttributeName",
                   "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS "
                   "SSE or SQS SSE.");
}

QueueConfig parse_config(const QueueAttributes& a) {
  auto integer = [&](const char* name, std::int64_t fallback) {
    auto it = a.find(name);
    auto v = it == a.end() ? std::nullopt : to_int(it->second);
    return v.value_or(fallback);
  };
  auto flag = [&](const char* name) {
    auto it = a.find(name);
    return it != a.end() && it->second == "true";
  };
  QueueConfig c;
  c.fifo = flag("FifoQueue");
  c.delay_s = integer("DelaySeconds", 0);
  c.max_message_size = integer("MaximumMessageSize", kMaxMessageBytes);
  c.retention_s = integer("MessageRetentionPeriod", 345600);
  c.wait_s = integer("ReceiveMessageWaitTimeSeconds", 0);
  c.visibility_s = integer("VisibilityTimeout", 30);
  c.content_based_dedup = flag("ContentBasedDeduplication");
  auto scope = a.find("DeduplicationScope");
  c.dedup_per_group = scope != a.end() && scope->second == "messageGroup";
  if (auto redrive = a.find("RedrivePolicy"); redrive != a.end() && !redrive->second.empty()) {
    Value policy = json::parse(redrive->second);
    c.dead_letter_arn = policy.find("deadLetterTargetArn")->as_string();
    const Value* count = policy.find("maxReceiveCount");
    c.max_receive_count = count->is_int() ? count->as_int() : to_int(count->as_string()).value_or(0);
  }
  return c;
}

const std::vector<std::string_view>& all_attribute_names() {
  static const std::vector<std::string_view> names = {
      "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible",
      "ContentBasedDeduplication", "CreatedTimestamp", "DeduplicationScope", "DelaySeconds", "FifoQueue",
      "FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds", "KmsMasterKeyId", "LastModifiedTimestamp",
      "MaximumMessageSize", "MessageRetentionPeriod", "Policy", "QueueArn", "ReceiveMessageWaitTimeSeconds",
      "RedriveAllowPolicy", "RedrivePolicy", "SqsManagedSseEnabled", "VisibilityTimeout"};
  return names;
}

}  // namespace stratus::sqs
