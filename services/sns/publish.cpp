// Publish and PublishBatch: AWS's checks on a message, then one delivery for every
// confirmed subscription whose filter policy matches.
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/sns/envelope.hpp"
#include "services/sns/names.hpp"
#include "services/sns/sns_service.hpp"

namespace stratus::sns {
namespace {

constexpr std::size_t kMaxMessageBytes = 256 * 1024;
constexpr std::size_t kMaxAttributes = 10;
constexpr std::size_t kMaxBatchEntries = 10;
constexpr std::size_t kMaxSubjectLength = 100;

ApiError invalid(const std::string& what) { return ApiError("InvalidParameterException", "Invalid parameter: " + what); }
ApiError invalid_value(const std::string& message) { return ApiError("InvalidParameterValueException", message); }

void validate_subject(const std::string& subject) {
  bool valid = !subject.empty() && subject.size() <= kMaxSubjectLength;
  for (unsigned char c : subject)
    if (c < 0x20 || c >= 0x7F) valid = false;  // ASCII text on one line
  if (!valid) throw invalid("Subject");
}

bool valid_attribute_name(const std::string& name) {
  if (name.empty() || name.size() > 256 || name.front() == '.' || name.back() == '.' ||
      name.find("..") != std::string::npos)
    return false;
  std::string lower;
  for (unsigned char c : name) {
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.') return false;
    lower += static_cast<char>(std::tolower(c));
  }
  return !lower.starts_with("aws.") && !lower.starts_with("amazon.");
}

// Checks MessageAttributes and returns the bytes they count against the size limit.
std::size_t validate_attributes(const Value* attributes) {
  if (!attributes || !attributes->is_object()) return 0;
  const Object& map = attributes->as_object();
  if (map.size() > kMaxAttributes)
    throw invalid_value("Number of message attributes [" + std::to_string(map.size()) +
                        "] exceeds the allowed maximum [" + std::to_string(kMaxAttributes) + "].");
  std::size_t bytes = 0;
  for (const auto& [name, a] : map) {
    if (!valid_attribute_name(name))
      throw invalid_value("The message attribute name '" + name + "' is invalid.");
    const Value* type = a.find("DataType");
    if (!type || !type->is_string() || type->as_string().empty())
      throw invalid_value("The message attribute '" + name + "' must contain non-empty message attribute type.");
    const std::string& t = type->as_string();
    bool binary = t.starts_with("Binary");
    if (!binary && !t.starts_with("String") && !t.starts_with("Number"))
      throw invalid_value("The message attribute '" + name + "' has an invalid message attribute type, the set of "
                          "supported type prefixes is Binary, Number, and String.");
    const Value* v = a.find(binary ? "BinaryValue" : "StringValue");
    if (!v || !v->is_string() || v->as_string().empty())
      throw invalid_value("The message attribute '" + name +
                          "' must contain non-empty message attribute value for message attribute type '" +
                          t.substr(0, t.find('.')) + "'.");
    const std::string& text = v->as_string();
    if (t.starts_with("Number")) {
      char* end = nullptr;
      std::strtod(text.c_str(), &end);
      if (end != text.c_str() + text.size())
        throw invalid_value("Could not cast message attribute '" + name + "' value to number.");
    }
    if (t.starts_with("String.Array")) {
      bool array = false;
      try {
        array = json::parse(text).is_array();
      } catch (const std::exception&) {
      }
      if (!array)
        throw invalid_value("The message attribute '" + name + "' with type 'String.Array' must use field 'String'.");
    }
    bytes += name.size() + t.size() + (binary ? checksums::base64_decode(text).value_or("").size() : text.size());
  }
  return bytes;
}

// MessageStructure=json: one text for each protocol, "default" for the others.
Value message_structure(const std::string& message) {
  Value doc;
  try {
    doc = json::parse(message);
  } catch (const std::exception&) {
    throw invalid("Message Structure - JSON message body failed to parse");
  }
  const Value* fallback = doc.is_object() ? doc.find("default") : nullptr;
  if (!fallback || !fallback->is_string()) throw invalid("Message Structure - No default entry in JSON message body");
  return doc;
}

std::string message_for(const Value& structure, const std::string& message, const std::string& protocol) {
  if (structure.is_null()) return message;
  const Value* own = structure.find(protocol);
  return own && own->is_string() ? own->as_string() : structure.find("default")->as_string();
}

std::vector<FilterAttribute> filter_attributes(const Value* attributes) {
  std::vector<FilterAttribute> out;
  if (!attributes || !attributes->is_object()) return out;
  for (const auto& [name, a] : attributes->as_object()) {
    const Value* v = a.find("StringValue");
    out.push_back({name, a.find("DataType")->as_string(), v && v->is_string() ? v->as_string() : std::string()});
  }
  return out;
}

// What filter policies match one message against, each made once however many
// subscriptions ask: the attributes, and the body of each text (MessageStructure may vary it).
class FilterDocuments {
 public:
  explicit FilterDocuments(const Value* attributes) : attributes_(attributes) {}

  bool wanted(const Subscription& s, const std::string& text) {
    if (!s.filter) return true;
    if (s.filter->scope() == FilterScope::MessageBody) {
      auto [it, fresh] = bodies_.try_emplace(text);
      if (fresh) it->second = FilterPolicy::body_document(text);
      return s.filter->matches(it->second);
    }
    if (!attribute_document_) attribute_document_ = FilterPolicy::attributes_document(filter_attributes(attributes_));
    return s.filter->matches(*attribute_document_);
  }

 private:
  const Value* attributes_;
  std::optional<Value> attribute_document_;
  std::map<std::string, Value> bodies_;
};

// A FIFO topic's message needs a group, and a deduplication id unless the topic
// derives one from the content. Returns the deduplication id.
std::string fifo_ids(const Topic& topic, const Value& entry) {
  if (input::optional_string(entry, "MessageGroupId").value_or("").empty())
    throw invalid("The MessageGroupId parameter is required for FIFO topics");
  std::string dedup = input::optional_string(entry, "MessageDeduplicationId").value_or("");
  if (!dedup.empty()) return dedup;
  if (!topic.content_based_deduplication())
    throw invalid("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
                  "provided explicitly");
  return checksums::sha256_hex(input::optional_string(entry, "Message").value_or(""));
}

// The checks every *Batch operation makes on its entries before running any.
const Array& batch_entries(const Value& input) {
  const Array& entries = input::list(input, "PublishBatchRequestEntries");
  if (entries.empty())
    throw ApiError("EmptyBatchRequestException", "The batch request doesn't contain any entries.");
  if (entries.size() > kMaxBatchEntries)
    throw ApiError("TooManyEntriesInBatchRequestException", "The batch request contains more entries than permissible.");
  std::set<std::string> ids;
  std::size_t total = 0;
  for (const auto& entry : entries) {
    const Value* id = entry.find("Id");
    const std::string text = id && id->is_string() ? id->as_string() : std::string();
    bool valid = !text.empty() && text.size() <= 80;
    for (unsigned char c : text)
      if (!std::isalnum(c) && c != '-' && c != '_') valid = false;
    if (!valid)
      throw ApiError("InvalidBatchEntryIdException",
                     "The Id of a batch entry in a batch request doesn't abide by the specification.");
    if (!ids.insert(text).second)
      throw ApiError("BatchEntryIdsNotDistinctException", "Two or more batch entries in the request have the same Id.");
    if (const Value* m = entry.find("Message"); m && m->is_string()) total += m->as_string().size();
  }
  if (total > kMaxMessageBytes)
    throw ApiError("BatchRequestTooLongException", "The length of all the messages put together is more than the limit.");
  return entries;
}

}  // namespace

Value SnsService::publish(const RequestContext& ctx, const Value& input) {
  auto topic_arn_in = input::optional_string(input, "TopicArn");
  auto target_arn = input::optional_string(input, "TargetArn");
  auto phone = input::optional_string(input, "PhoneNumber");
  int targets = (topic_arn_in ? 1 : 0) + (target_arn ? 1 : 0) + (phone ? 1 : 0);
  if (targets == 0) throw invalid("TopicArn or TargetArn Reason: no value for required parameter");
  if (targets > 1) throw invalid("TopicArn or TargetArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given");
  if (phone || (target_arn && platform_endpoints_.contains(*target_arn))) {
    // SMS and mobile push: accepted and checked, never sent (see the README).
    if (input::required_string(input, "Message").empty()) throw invalid("Empty message");
    validate_attributes(input.find("MessageAttributes"));
    return Value(Object{{"MessageId", Value(ids::uuid())}});
  }
  Topic& topic = topic_for(ctx, topic_arn_in ? *topic_arn_in : *target_arn);
  return publish_one(ctx, topic, input);
}

Value SnsService::publish_batch(const RequestContext& ctx, const Value& input) {
  Topic& topic = topic_for(ctx, input::required_string(input, "TopicArn"));
  const Array& entries = batch_entries(input);
  // These faults fail the whole request, not one entry.
  for (const auto& entry : entries) {
    validate_attributes(entry.find("MessageAttributes"));
    if (topic.fifo()) fifo_ids(topic, entry);
  }
  Value successful = Value::array(), failed = Value::array();
  for (const auto& entry : entries) {
    const std::string& id = entry.find("Id")->as_string();
    try {
      Value ok = publish_one(ctx, topic, entry);
      ok.set("Id", id);
      successful.push(std::move(ok));
    } catch (const ApiError& e) {
      Value f = Value::object();
      f.set("Id", id);
      f.set("Code", e.code.ends_with("Exception") ? e.code.substr(0, e.code.size() - 9) : e.code);
      f.set("Message", std::string(e.what()));
      f.set("SenderFault", e.sender);
      failed.push(std::move(f));
    }
  }
  Value result = Value::object();
  result.set("Successful", std::move(successful));
  result.set("Failed", std::move(failed));
  return result;
}

Value SnsService::publish_one(const RequestContext& ctx, Topic& topic, const Value& entry) {
  const std::string& message = input::required_string(entry, "Message");
  if (message.empty()) throw invalid("Empty message");
  std::string subject = input::optional_string(entry, "Subject").value_or("");
  if (entry.find("Subject") && !entry.find("Subject")->is_null()) validate_subject(subject);
  Value structure;
  if (auto s = input::optional_string(entry, "MessageStructure")) {
    if (*s != "json") throw invalid("MessageStructure");
    structure = message_structure(message);
  }
  const Value* attributes = entry.find("MessageAttributes");
  if (message.size() + validate_attributes(attributes) > kMaxMessageBytes) throw invalid("Message too long");

  std::string group = input::optional_string(entry, "MessageGroupId").value_or("");
  std::string dedup = input::optional_string(entry, "MessageDeduplicationId").value_or("");
  std::int64_t now = ids::now_ms();
  Notification n;
  if (topic.fifo()) {
    dedup = fifo_ids(topic, entry);
    topic.expire_deduplication(now);
    if (auto it = topic.deduplication.find(dedup); it != topic.deduplication.end() && it->second.expires_ms > now)
      return Value(Object{{"MessageId", Value(it->second.message_id)},
                          {"SequenceNumber", Value(it->second.sequence_number)}});
    char sequence[24];
    std::snprintf(sequence, sizeof sequence, "%020llu", static_cast<unsigned long long>(++topic.fifo_sequence));
    n.sequence_number = sequence;
  } else if (!dedup.empty()) {
    throw invalid("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not "
                  "valid for this topic type");
  }

  n.message_id = ids::uuid();
  n.topic_arn = topic.arn;
  n.subject = subject;
  n.timestamp = ids::iso8601(now);
  if (attributes && attributes->is_object()) n.attributes = *attributes;
  n.group_id = group;
  n.deduplication_id = dedup;
  n.base_url = base_url(ctx.host);
  auto version = topic.attributes.find("SignatureVersion");
  n.signature_version = version != topic.attributes.end() && version->second == "2" ? 2 : 1;
  if (topic.fifo()) {
    topic.deduplication[dedup] = {now + kDeduplicationWindowMs, n.message_id, n.sequence_number};
    topic.deduplication_order.push_back(dedup);
    store_.save_deduplication(topic.arn, dedup, topic.deduplication[dedup]);
    store_.save_topic(topic);  // its sequence number
  }

  FilterDocuments filters(attributes);
  std::map<std::string, std::string> signatures;  // by message text (MessageStructure may vary it)
  for (const auto& arn : topic.subscriptions) {
    const Subscription& s = *subscriptions_.at(arn);
    if (!s.confirmed) continue;
    std::string text = message_for(structure, message, s.protocol);
    if (!filters.wanted(s, text)) continue;
    Notification copy = n;
    copy.message = std::move(text);
    if (!s.raw() && !topic.fifo()) {
      auto [it, fresh] = signatures.try_emplace(copy.message);
      if (fresh) it->second = notification_signature(copy, *signer_);
      copy.signature = it->second;
    }
    deliver(s, std::move(copy));
  }
  Value result = Value(Object{{"MessageId", Value(n.message_id)}});
  if (topic.fifo()) result.set("SequenceNumber", n.sequence_number);
  return result;
}

}  // namespace stratus::sns
