// Sending, receiving, deleting and hiding messages.
#include <algorithm>
#include <charconv>
#include <set>

#include "protocol/checksums.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/sqs/message_attributes.hpp"
#include "services/sqs/names.hpp"
#include "services/sqs/sqs_service.hpp"

namespace stratus::sqs {
namespace {

constexpr std::size_t kMaxBatchEntries = 10;
constexpr std::int64_t kMaxDelaySeconds = 900;
constexpr std::int64_t kMaxVisibilitySeconds = 43200;
constexpr std::int64_t kDeduplicationWindowMs = 5 * 60 * 1000;

// FIFO group and deduplication ids: up to 128 of alphanumerics and punctuation.
void validate_fifo_id(const std::string& value, const char* parameter) {
  bool valid = !value.empty() && value.size() <= 128;
  for (unsigned char c : value)
    if (c < 0x21 || c > 0x7E) valid = false;
  if (!valid)
    throw invalid_parameter("Value " + value + " for parameter " + parameter +
                            " is invalid. Reason: " + parameter +
                            " can only include alphanumeric and punctuation characters. 1 to 128 in length.");
}

// A receipt handle names the queue, the message (its seq, to find it, and its id, to
// be sure it is the same one) and the receive (a nonce).
std::string make_receipt_handle(const Queue& queue, const Message& m) {
  return checksums::base64_encode(queue.arn() + "|" + std::to_string(m.seq) + "|" + m.id + "|" + m.receipt);
}

struct Receipt {
  std::uint64_t seq = 0;
  std::string message_id;
  std::string nonce;
};

Receipt parse_receipt_handle(const Queue& queue, const std::string& handle) {
  auto invalid = ApiError("ReceiptHandleIsInvalid", "The input receipt handle \"" + handle +
                                                        "\" is not a valid receipt handle.");
  auto decoded = checksums::base64_decode(handle);
  if (!decoded) throw invalid;
  std::vector<std::string> parts;
  std::string_view rest = *decoded;
  for (size_t bar; (bar = rest.find('|')) != std::string_view::npos; rest.remove_prefix(bar + 1))
    parts.emplace_back(rest.substr(0, bar));
  parts.emplace_back(rest);
  if (parts.size() != 4 || parts[0] != queue.arn() || parts[1].empty()) throw invalid;
  Receipt receipt;
  auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), receipt.seq);
  if (ec != std::errc() || end != parts[1].data() + parts[1].size()) throw invalid;
  receipt.message_id = std::move(parts[2]);
  receipt.nonce = std::move(parts[3]);
  return receipt;
}

// Finds the message a receipt handle names, if it is still in the queue.
Message* message_of(Queue& queue, const Receipt& receipt) {
  Message* m = queue.find(receipt.seq);
  return m && m->id == receipt.message_id ? m : nullptr;
}

std::string random_nonce() { return ids::token(); }

// The checks every *Batch operation makes on its entries before running any.
const Array& batch_entries(const Value& input, const char* entry_name) {
  const Array& entries = input::list(input, "Entries");
  if (entries.empty())
    throw ApiError("EmptyBatchRequest",
                   std::string("There should be at least one ") + entry_name + " in the request.");
  if (entries.size() > kMaxBatchEntries)
    throw ApiError("TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent " +
                                                       std::to_string(entries.size()) + ".");
  std::set<std::string> ids;
  for (const auto& entry : entries) {
    const Value* id = entry.find("Id");
    if (!id || !id->is_string()) throw missing_parameter(std::string(entry_name) + ".Id");
    const std::string& text = id->as_string();
    bool valid = !text.empty() && text.size() <= 80 &&
                 std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
    if (!valid)
      throw ApiError("InvalidBatchEntryId",
                     "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be "
                     "at most 80 letters long.");
    if (!ids.insert(text).second) throw ApiError("BatchEntryIdsNotDistinct", "Id " + text + " repeated.");
  }
  return entries;
}

// Runs `fn` on each entry; an ApiError fails that entry alone, as AWS reports it.
template <typename Fn>
Value run_batch(const Array& entries, Fn&& fn) {
  Value successful = Value::array(), failed = Value::array();
  for (const auto& entry : entries) {
    const std::string& id = entry.find("Id")->as_string();
    try {
      Value ok = fn(entry);
      ok.set("Id", id);
      successful.push(std::move(ok));
    } catch (const ApiError& e) {
      Value f = Value::object();
      f.set("Id", id);
      f.set("SenderFault", e.sender);
      f.set("Code", e.code);
      f.set("Message", std::string(e.what()));
      failed.push(std::move(f));
    }
  }
  Value result = Value::object();
  result.set("Successful", std::move(successful));
  result.set("Failed", std::move(failed));
  return result;
}

ReceiveOptions receive_options(const Queue& queue, const Value& input) {
  ReceiveOptions o;
  if (auto max = input::optional_int(input, "MaxNumberOfMessages")) {
    if (*max < 1 || *max > 10)
      throw invalid_parameter("Value " + std::to_string(*max) +
                              " for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if "
                              "provided.");
    o.max_messages = static_cast<std::size_t>(*max);
  }
  o.visibility_s = input::optional_int(input, "VisibilityTimeout").value_or(queue.config.visibility_s);
  if (o.visibility_s < 0 || o.visibility_s > kMaxVisibilitySeconds)
    throw invalid_parameter("Value " + std::to_string(o.visibility_s) +
                            " for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if "
                            "provided.");
  o.wait_s = input::optional_int(input, "WaitTimeSeconds").value_or(queue.config.wait_s);
  if (o.wait_s < 0 || o.wait_s > 20)
    throw invalid_parameter("Value " + std::to_string(o.wait_s) +
                            " for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
  o.system_attribute_names = input::strings(input, "AttributeNames");
  for (auto& n : input::strings(input, "MessageSystemAttributeNames")) o.system_attribute_names.push_back(std::move(n));
  o.message_attribute_names = input::strings(input, "MessageAttributeNames");
  o.attempt_id = input::optional_string(input, "ReceiveRequestAttemptId").value_or("");
  return o;
}

bool wants(const std::vector<std::string>& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n == "All" || n == name; });
}

}  // namespace

Value SqsService::enqueue(const RequestContext& ctx, Queue& queue, const Value& entry) {
  const Value* body_value = entry.find("MessageBody");
  if (!body_value || !body_value->is_string() || body_value->as_string().empty()) throw missing_parameter("MessageBody");
  Message m;
  m.body = body_value->as_string();
  m.attributes = parse_message_attributes(entry.find("MessageAttributes"));
  m.trace_header = parse_trace_header(entry.find("MessageSystemAttributes"));
  if (!valid_message_text(m.body))
    throw ApiError("InvalidMessageContents",
                   "Invalid characters found. Valid characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to "
                   "#xFFFD | #x10000 to #x10FFFF");
  if (static_cast<std::int64_t>(m.body.size() + attributes_size(m.attributes)) > queue.config.max_message_size)
    throw invalid_parameter("One or more parameters are invalid. Reason: Message must be shorter than " +
                            std::to_string(queue.config.max_message_size) + " bytes.");

  std::int64_t delay_s = queue.config.delay_s;
  if (auto delay = input::optional_int(entry, "DelaySeconds")) {
    if (*delay < 0 || *delay > kMaxDelaySeconds)
      throw invalid_parameter("Value " + std::to_string(*delay) +
                              " for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.");
    if (queue.fifo() && *delay != 0)
      throw invalid_parameter("Value " + std::to_string(*delay) +
                              " for parameter DelaySeconds is invalid. Reason: The request include parameter that is "
                              "not valid for this queue type.");
    delay_s = *delay;
  }
  m.group_id = input::optional_string(entry, "MessageGroupId").value_or("");
  m.dedup_id = input::optional_string(entry, "MessageDeduplicationId").value_or("");
  std::int64_t now = ids::now_ms();
  std::string dedup_key;
  if (queue.fifo()) {
    if (m.group_id.empty()) throw missing_parameter("MessageGroupId");
    validate_fifo_id(m.group_id, "MessageGroupId");
    if (m.dedup_id.empty()) {
      if (!queue.config.content_based_dedup)
        throw invalid_parameter(
            "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided "
            "explicitly");
      m.dedup_id = checksums::sha256_hex(m.body);
    }
    validate_fifo_id(m.dedup_id, "MessageDeduplicationId");
    dedup_key = queue.config.dedup_per_group ? m.group_id + "\n" + m.dedup_id : m.dedup_id;
  } else {
    if (!m.dedup_id.empty())
      throw invalid_parameter("Value " + m.dedup_id +
                              " for parameter MessageDeduplicationId is invalid. Reason: The request includes a "
                              "parameter that is not valid for this queue type.");
    if (!m.group_id.empty()) validate_fifo_id(m.group_id, "MessageGroupId");
  }

  Value result = Value::object();
  std::string attributes_md5_hex = attributes_md5(m.attributes);
  std::string system_md5_hex = trace_header_md5(m.trace_header);
  m.body_md5 = checksums::md5_hex(m.body);
  result.set("MD5OfMessageBody", m.body_md5);
  if (!attributes_md5_hex.empty()) result.set("MD5OfMessageAttributes", attributes_md5_hex);
  if (!system_md5_hex.empty()) result.set("MD5OfMessageSystemAttributes", system_md5_hex);

  if (queue.fifo()) {
    if (const auto* seen = queue.deduplicated(dedup_key, now)) {
      result.set("MessageId", seen->message_id);
      result.set("SequenceNumber", seen->sequence_number);
      return result;
    }
  }
  m.id = ids::uuid();
  m.sender_id = ctx.access_key.empty() ? ctx.account : ctx.access_key;
  m.sent_ms = now;
  m.visible_at_ms = delay_s > 0 ? now + delay_s * 1000 : 0;
  if (queue.fifo()) {
    m.sequence_number = queue.next_sequence_number(now);
    Queue::Deduplicated entry{now + kDeduplicationWindowMs, m.id, m.sequence_number};
    store_.save_deduplication(queue.id(), dedup_key, entry);
    queue.remember_deduplication(dedup_key, std::move(entry));
    result.set("SequenceNumber", m.sequence_number);
  }
  result.set("MessageId", m.id);
  const Message& stored = queue.add(std::move(m));
  store_.insert_message(queue.id(), stored);
  wake_waiters(queue);
  return result;
}

Value SqsService::send_message(const RequestContext& ctx, const Value& input) {
  return enqueue(ctx, queue_for(ctx, input), input);
}

Value SqsService::send_message_batch(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  const Array& entries = batch_entries(input, "SendMessageBatchRequestEntry");
  std::size_t total = 0;
  for (const auto& entry : entries) {
    if (const Value* body = entry.find("MessageBody"); body && body->is_string()) total += body->as_string().size();
  }
  if (static_cast<std::int64_t>(total) > kMaxMessageBytes)
    throw ApiError("BatchRequestTooLong", "Batch requests cannot be longer than 1048576 bytes. You have sent " +
                                              std::to_string(total) + " bytes.");
  return run_batch(entries, [&](const Value& entry) { return enqueue(ctx, queue, entry); });
}

std::vector<std::uint64_t> SqsService::expire(Queue& queue, std::int64_t now_ms) {
  auto expired = queue.advance(now_ms);
  for (auto seq : expired) store_.delete_message(queue.id(), seq);
  return expired;
}

Value SqsService::message_to_value(const Queue& queue, const Message& m, const ReceiveOptions& o) const {
  Value v = Value::object();
  v.set("MessageId", m.id);
  v.set("ReceiptHandle", make_receipt_handle(queue, m));
  v.set("MD5OfBody", m.body_md5);
  v.set("Body", m.body);
  Value attributes = Value::object();
  const auto& names = o.system_attribute_names;
  if (wants(names, "SenderId")) attributes.set("SenderId", m.sender_id);
  if (wants(names, "SentTimestamp")) attributes.set("SentTimestamp", std::to_string(m.sent_ms));
  if (wants(names, "ApproximateReceiveCount")) attributes.set("ApproximateReceiveCount", std::to_string(m.receive_count));
  if (wants(names, "ApproximateFirstReceiveTimestamp"))
    attributes.set("ApproximateFirstReceiveTimestamp", std::to_string(m.first_receive_ms));
  if (!m.trace_header.empty() && wants(names, "AWSTraceHeader")) attributes.set("AWSTraceHeader", m.trace_header);
  if (!m.dead_letter_source_arn.empty() && wants(names, "DeadLetterQueueSourceArn"))
    attributes.set("DeadLetterQueueSourceArn", m.dead_letter_source_arn);
  if (queue.fifo()) {
    if (wants(names, "SequenceNumber")) attributes.set("SequenceNumber", m.sequence_number);
    if (wants(names, "MessageDeduplicationId")) attributes.set("MessageDeduplicationId", m.dedup_id);
    if (wants(names, "MessageGroupId")) attributes.set("MessageGroupId", m.group_id);
  } else if (!m.group_id.empty() && wants(names, "MessageGroupId")) {
    attributes.set("MessageGroupId", m.group_id);
  }
  if (!attributes.as_object().empty()) v.set("Attributes", std::move(attributes));
  MessageAttributes selected = select_attributes(m.attributes, o.message_attribute_names);
  if (!selected.empty()) {
    v.set("MD5OfMessageAttributes", attributes_md5(selected));
    v.set("MessageAttributes", attributes_to_value(selected));
  }
  return v;
}

std::uint64_t SqsService::move_message(Queue& source, Queue& target, std::uint64_t seq, Move kind) {
  Message m = source.remove(seq);
  store_.delete_message(source.id(), seq);
  m.visible_at_ms = 0;
  m.in_flight = false;
  m.receipt.clear();
  if (kind == Move::ToDeadLetterQueue) {
    m.dead_letter_source_arn = source.arn();
  } else {
    // Redriven back to a source: it starts over there, as a new delivery.
    m.dead_letter_source_arn.clear();
    m.receive_count = 0;
    m.first_receive_ms = 0;
  }
  const Message& moved = target.add(std::move(m));
  store_.insert_message(target.id(), moved);
  schedule_wake(target.arn());
  return moved.seq;
}

Value SqsService::receive_now(Queue& queue, const ReceiveOptions& options) {
  std::int64_t now = ids::now_ms();
  expire(queue, now);
  bool track_attempt = queue.fifo() && !options.attempt_id.empty();
  if (track_attempt) {
    if (const auto* seqs = queue.attempt(options.attempt_id, now)) return repeat_attempt(queue, *seqs, options);
  }
  Queue* dead_letter = queue.config.max_receive_count > 0 ? find_queue_by_arn(queue.config.dead_letter_arn) : nullptr;
  Value messages = Value::array();
  std::vector<std::uint64_t> received;
  while (messages.as_array().size() < options.max_messages) {
    auto candidates = queue.receivable(options.max_messages - messages.as_array().size());
    if (candidates.empty()) break;
    for (auto seq : candidates) {
      Message* found = queue.find(seq);
      if (!found) continue;
      Message& m = *found;
      // Redrive happens on the receive after the last allowed one, as in AWS.
      if (dead_letter && dead_letter != &queue && m.receive_count >= queue.config.max_receive_count) {
        move_message(queue, *dead_letter, seq, Move::ToDeadLetterQueue);
        continue;
      }
      queue.mark_received(seq, now, now + options.visibility_s * 1000, random_nonce());
      store_.update_message(queue.id(), m);
      messages.push(message_to_value(queue, m, options));
      received.push_back(seq);
    }
  }
  if (track_attempt && !received.empty())
    queue.remember_attempt(options.attempt_id, std::move(received), now + kDeduplicationWindowMs);
  Value result = Value::object();
  if (!messages.as_array().empty()) result.set("Messages", std::move(messages));
  return result;
}

Value SqsService::repeat_attempt(Queue& queue, const std::vector<std::uint64_t>& seqs, const ReceiveOptions& options) {
  Value messages = Value::array();
  for (auto seq : seqs) {
    const Message* m = queue.find(seq);
    if (m && m->in_flight) messages.push(message_to_value(queue, *m, options));
  }
  Value result = Value::object();
  if (!messages.as_array().empty()) result.set("Messages", std::move(messages));
  return result;
}

void SqsService::receive_message(const RequestContext& ctx, const Value& input, Reply& reply) {
  Queue& queue = queue_for(ctx, input);
  ReceiveOptions options = receive_options(queue, input);
  Value result = receive_now(queue, options);
  if (result.find("Messages") || options.wait_s == 0) {
    reply(std::move(result));
    return;
  }
  auto waiter = std::make_shared<Waiter>();
  waiter->queue = &queue;
  waiter->options = std::move(options);
  waiter->reply = std::move(reply);
  waiter->deadline_ms = ids::now_ms() + waiter->options.wait_s * 1000;
  queue.waiters.push_back(waiter);
  arm(waiter);
}

void SqsService::delete_by_receipt(Queue& queue, const std::string& receipt_handle) {
  Receipt receipt = parse_receipt_handle(queue, receipt_handle);
  Message* m = message_of(queue, receipt);
  if (!m) return;
  // A FIFO message's handle expires with its visibility timeout; a standard queue's
  // older handles still delete.
  if (queue.fifo() && (m->receipt != receipt.nonce || !m->in_flight))
    throw invalid_parameter("Value " + receipt_handle +
                            " for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.");
  auto seq = m->seq;
  bool unlocks_group = queue.fifo() && m->in_flight;
  queue.remove(seq);
  store_.delete_message(queue.id(), seq);
  if (unlocks_group) schedule_wake(queue.arn());
}

Value SqsService::delete_message(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  delete_by_receipt(queue, input::required_string(input, "ReceiptHandle"));
  return Value::object();
}

Value SqsService::delete_message_batch(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  const Array& entries = batch_entries(input, "DeleteMessageBatchRequestEntry");
  return run_batch(entries, [&](const Value& entry) {
    delete_by_receipt(queue, input::required_string(entry, "ReceiptHandle"));
    return Value::object();
  });
}

void SqsService::change_visibility(Queue& queue, const std::string& receipt_handle, std::int64_t timeout_s) {
  Receipt receipt = parse_receipt_handle(queue, receipt_handle);
  if (timeout_s < 0 || timeout_s > kMaxVisibilitySeconds)
    throw invalid_parameter("Value " + std::to_string(timeout_s) +
                            " for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if "
                            "provided.");
  std::int64_t now = ids::now_ms();
  expire(queue, now);
  Message* m = message_of(queue, receipt);
  if (!m)
    throw invalid_parameter("Value " + receipt_handle +
                            " for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not "
                            "available for visibility timeout change.");
  if (!m->in_flight) throw ApiError("MessageNotInflight", "The message referred to isn't in flight.");
  if (now + timeout_s * 1000 - m->received_ms > kMaxVisibilitySeconds * 1000)
    throw invalid_parameter("Value " + std::to_string(timeout_s) +
                            " for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the "
                            "message is beyond the limit [43200 seconds]");
  queue.set_visible_at(m->seq, now + timeout_s * 1000, now);
  store_.update_message(queue.id(), *m);
  schedule_wake(queue.arn());
}

Value SqsService::change_message_visibility(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  auto timeout = input::optional_int(input, "VisibilityTimeout");
  if (!timeout) throw missing_parameter("VisibilityTimeout");
  change_visibility(queue, input::required_string(input, "ReceiptHandle"), *timeout);
  return Value::object();
}

Value SqsService::change_message_visibility_batch(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  const Array& entries = batch_entries(input, "ChangeMessageVisibilityBatchRequestEntry");
  return run_batch(entries, [&](const Value& entry) {
    change_visibility(queue, input::required_string(entry, "ReceiptHandle"),
                      input::optional_int(entry, "VisibilityTimeout").value_or(0));
    return Value::object();
  });
}

}  // namespace stratus::sqs
