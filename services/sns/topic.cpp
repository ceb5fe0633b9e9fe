#include "services/sns/topic.hpp"

#include "protocol/json.hpp"

namespace stratus::sns {
namespace {

bool is_true(const Attributes& attributes, const std::string& name) {
  auto it = attributes.find(name);
  return it != attributes.end() && it->second == "true";
}

}  // namespace

std::optional<FilterPolicy> compile_filter(const Attributes& attributes) {
  auto policy = attributes.find("FilterPolicy");
  if (policy == attributes.end()) return std::nullopt;
  auto scope = attributes.find("FilterPolicyScope");
  bool body = scope != attributes.end() && scope->second == "MessageBody";
  return FilterPolicy::parse(policy->second, body ? FilterScope::MessageBody : FilterScope::MessageAttributes);
}

bool Subscription::raw() const { return is_true(attributes, "RawMessageDelivery"); }

std::string Subscription::dead_letter_arn() const {
  auto it = attributes.find("RedrivePolicy");
  if (it == attributes.end()) return {};
  try {
    Value policy = json::parse(it->second);
    const Value* arn = policy.find("deadLetterTargetArn");
    return arn && arn->is_string() ? arn->as_string() : std::string();
  } catch (const std::exception&) {
    return {};
  }
}

void Topic::expire_deduplication(std::int64_t now_ms) {
  while (!deduplication_order.empty()) {
    auto it = deduplication.find(deduplication_order.front());
    if (it != deduplication.end() && it->second.expires_ms > now_ms) return;
    if (it != deduplication.end()) deduplication.erase(it);
    deduplication_order.pop_front();
  }
}

bool Topic::fifo() const { return is_true(attributes, "FifoTopic"); }

bool Topic::content_based_deduplication() const { return is_true(attributes, "ContentBasedDeduplication"); }

}  // namespace stratus::sns
