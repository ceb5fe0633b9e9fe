// Carrying messages to subscribers: SQS queues at once through the SQS service,
// HTTP endpoints (and functions) from a stored delivery that is retried on the
// subscription's delivery policy and finally sent to its dead-letter queue.
#include <spdlog/spdlog.h>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "services/sns/delivery_policy.hpp"
#include "services/sns/envelope.hpp"
#include "services/sns/names.hpp"
#include "services/sns/sns_service.hpp"

namespace stratus::sns {
namespace {

// Raw delivery to SQS carries the attributes over; String.Array becomes String.
Value queue_attributes(const Value& published) {
  Value out = Value::object();
  if (!published.is_object()) return out;
  for (const auto& [name, a] : published.as_object()) {
    Value copy = a;
    if (const Value* t = a.find("DataType"); t && t->is_string() && t->as_string().starts_with("String.Array"))
      copy.set("DataType", "String");
    out.set(name, std::move(copy));
  }
  return out;
}

Value string_attribute(const std::string& value) {
  return Value(Object{{"DataType", Value("String")}, {"StringValue", Value(value)}});
}

}  // namespace

void SnsService::deliver(const Subscription& s, Notification n) {
  if (s.protocol == "sqs") {
    Value message = Value::object();
    message.set("MessageBody", s.raw() ? n.message : notification_document(n, s.arn, *signer_));
    if (s.raw() && n.attributes.is_object() && !n.attributes.as_object().empty())
      message.set("MessageAttributes", queue_attributes(n.attributes));
    if (!n.group_id.empty() && s.endpoint.ends_with(".fifo")) {
      message.set("MessageGroupId", n.group_id);
      message.set("MessageDeduplicationId", n.deduplication_id);
    }
    // Failures here are the subscriber's (no such queue, bad message): AWS does not
    // retry those, it dead-letters them.
    if (std::string why = send_to_queue(s.endpoint, std::move(message)); !why.empty()) dead_letter(s, n, why);
    return;
  }
  if (s.protocol != "http" && s.protocol != "https" && s.protocol != "lambda") return;  // stored, never sent
  auto d = std::make_shared<PendingDelivery>();
  d->id = next_delivery_id_++;
  d->subscription_arn = s.arn;
  d->notification = std::move(n);
  d->first_attempt_ms = ids::now_ms();
  pending_.emplace(d->id, d);
  store_.save_delivery(*d);
  scheduler_.post([this, d] {
    std::lock_guard lock(mutex_);
    if (!stopping_ && pending_.contains(d->id)) attempt(d);
  });
}

void SnsService::attempt(const std::shared_ptr<PendingDelivery>& d) {
  auto it = subscriptions_.find(d->subscription_arn);
  if (it == subscriptions_.end()) return finish(d);  // unsubscribed meanwhile
  const Subscription& s = *it->second;
  if (s.protocol == "http" || s.protocol == "https") return attempt_http(s, d);
  attempt_lambda(s, d);
}

// SNS invokes a function asynchronously (InvocationType Event): once Lambda has
// accepted the event, the delivery is done; its retries are Lambda's.
void SnsService::attempt_lambda(const Subscription& s, const std::shared_ptr<PendingDelivery>& d) {
  auto arn = parse_arn(s.endpoint);
  Service* lambda = services_("lambda");
  if (!arn || !lambda) return retry_or_give_up(d, "Lambda is not available on this server");
  RequestContext ctx = context_for(*arn);
  Value input = Value(Object{{"FunctionName", Value(s.endpoint)},
                             {"InvocationType", Value("Event")},
                             {"Payload", Value(checksums::base64_encode(lambda_event(d->notification, s.arn, *signer_)))}});
  // Lambda may answer inside call(): the answer is handled later, under this service's lock.
  lambda->call("Invoke", ctx, std::move(input), [this, d](Outcome outcome) {
    std::string why = std::holds_alternative<ApiError>(outcome) ? std::get<ApiError>(outcome).what() : "";
    scheduler_.post([this, d, why] {
      std::lock_guard lock(mutex_);
      if (stopping_ || !pending_.contains(d->id)) return;
      if (why.empty()) return finish(d);
      retry_or_give_up(d, why);
    });
  });
}

void SnsService::attempt_http(const Subscription& s, const std::shared_ptr<PendingDelivery>& d) {
  const Notification& n = d->notification;
  OutboundRequest request;
  request.url = s.endpoint;
  request.body = s.raw() ? n.message : notification_document(n, s.arn, *signer_);
  request.headers = {{"Content-Type", "text/plain; charset=UTF-8"},
                     {"User-Agent", "Amazon Simple Notification Service Agent"},
                     {"x-amz-sns-message-type", "Notification"},
                     {"x-amz-sns-message-id", n.message_id},
                     {"x-amz-sns-topic-arn", n.topic_arn},
                     {"x-amz-sns-subscription-arn", s.arn}};
  if (s.raw()) request.headers.emplace_back("x-amz-sns-rawdelivery", "true");
  http_.send(std::move(request), [this, d](OutboundResult result) {
    std::lock_guard lock(mutex_);
    if (stopping_ || !pending_.contains(d->id)) return;
    if (result.status >= 200 && result.status < 300) return finish(d);
    retry_or_give_up(d, result.status ? "HTTP status " + std::to_string(result.status) : result.error);
  });
}

void SnsService::retry_or_give_up(const std::shared_ptr<PendingDelivery>& d, const std::string& why) {
  auto it = subscriptions_.find(d->subscription_arn);
  if (it == subscriptions_.end()) return finish(d);
  const Subscription& s = *it->second;
  auto topic = topics_.find(s.topic_arn);
  RetryPolicy policy = retry_policy(s, topic == topics_.end() ? nullptr : topic->second.get());
  ++d->attempts;
  if (d->attempts <= policy.retries) {
    spdlog::debug("sns: delivery to {} failed ({}); retry {} of {}", s.endpoint, why, d->attempts, policy.retries);
    store_.save_delivery(*d);
    d->retry = scheduler_.after(policy.delay(d->attempts), [this, d] {
      std::lock_guard lock(mutex_);
      if (!stopping_ && pending_.contains(d->id)) attempt(d);
    });
    return;
  }
  spdlog::warn("sns: giving up delivery of {} to {} after {} attempts: {}", d->notification.message_id, s.endpoint,
               d->attempts, why);
  dead_letter(s, d->notification, why);
  finish(d);
}

void SnsService::dead_letter(const Subscription& s, const Notification& n, const std::string& why) {
  std::string target = s.dead_letter_arn();
  if (target.empty()) {
    spdlog::warn("sns: message {} for {} dropped: {}", n.message_id, s.endpoint, why);
    return;
  }
  Value message = Value::object();
  message.set("MessageBody", s.raw() ? n.message : notification_document(n, s.arn, *signer_));
  Value attributes = s.raw() ? queue_attributes(n.attributes) : Value::object();
  if (attributes.as_object().size() <= 8) {
    attributes.set("ErrorCode", string_attribute("DeliveryFailed"));
    attributes.set("ErrorMessage", string_attribute(why));
  }
  message.set("MessageAttributes", std::move(attributes));
  if (target.ends_with(".fifo")) {
    message.set("MessageGroupId", n.group_id.empty() ? std::string("dead-letter") : n.group_id);
    message.set("MessageDeduplicationId", n.message_id);
  }
  if (std::string failed = send_to_queue(target, std::move(message)); !failed.empty())
    spdlog::warn("sns: dead-letter queue {} refused message {}: {}", target, n.message_id, failed);
}

void SnsService::finish(const std::shared_ptr<PendingDelivery>& d) {
  d->retry.reset();
  pending_.erase(d->id);
  store_.delete_delivery(d->id);
}

void SnsService::send_confirmation(const Subscription& s, const std::string& type, const std::string& host) {
  ConfirmationRequest c{type, ids::uuid(), s.topic_arn, s.arn, s.token, ids::iso8601(ids::now_ms()), base_url(host), 1};
  OutboundRequest request;
  request.url = s.endpoint;
  request.body = confirmation_document(c, *signer_);
  request.headers = {{"Content-Type", "text/plain; charset=UTF-8"},
                     {"User-Agent", "Amazon Simple Notification Service Agent"},
                     {"x-amz-sns-message-type", type},
                     {"x-amz-sns-message-id", c.message_id},
                     {"x-amz-sns-topic-arn", s.topic_arn}};
  if (type == "UnsubscribeConfirmation") request.headers.emplace_back("x-amz-sns-subscription-arn", s.arn);
  http_.send(std::move(request), [endpoint = s.endpoint, type](OutboundResult result) {
    if (result.status < 200 || result.status >= 300)
      spdlog::warn("sns: {} to {} failed: {}", type, endpoint,
                   result.status ? "HTTP " + std::to_string(result.status) : result.error);
  });
}

std::string SnsService::send_to_queue(const std::string& queue_arn, Value message) {
  auto arn = parse_arn(queue_arn);
  Service* sqs = services_("sqs");
  if (!arn || arn->service != "sqs" || !sqs) return "not an SQS queue: " + queue_arn;
  RequestContext ctx;
  ctx.account = arn->account;
  ctx.region = arn->region;
  ctx.access_key = "AIDAIT2UOQQY3AUEKVGXU";  // the sender id SQS shows for SNS
  ctx.request_id = ids::uuid();
  message.set("QueueUrl", "/" + arn->account + "/" + arn->resource);
  std::string failure;
  sqs->call("SendMessage", ctx, std::move(message), [&failure](Outcome outcome) {
    if (auto* error = std::get_if<ApiError>(&outcome)) failure = error->code + ": " + error->what();
  });
  return failure;
}

}  // namespace stratus::sns
