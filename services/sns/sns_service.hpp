#pragma once
// Amazon SNS. The operation table in sns_service.cpp lists the whole API; operations
// live by family in topic_operations.cpp, subscription_operations.cpp, publish.cpp and
// sms_and_push.cpp; delivery.cpp carries messages to subscribers.
//
// Concurrency: one mutex guards all SNS state. Deliveries to SQS go through the SQS
// service's own interface (its lock is taken inside ours, never the other way round);
// HTTP deliveries are asynchronous POSTs, retried on timers.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "services/http_client.hpp"
#include "services/operations.hpp"
#include "services/service.hpp"
#include "services/sns/delivery.hpp"
#include "services/sns/persistence.hpp"
#include "services/sns/signer.hpp"
#include "services/sns/topic.hpp"

namespace stratus::sns {

// How SNS reaches the other services (SQS, Lambda) by name; nullptr when absent.
using ServiceLookup = std::function<Service*(std::string_view name)>;

class SnsService : public Service {
 public:
  SnsService(storage::Database& db, Scheduler& scheduler, HttpClient& http, ServiceLookup services,
             std::unique_ptr<Signer> signer);
  ~SnsService() override;

  std::string_view name() const override { return "sns"; }
  void call(std::string_view operation, const RequestContext& context, Value input, Reply reply) override;
  void reset() override;
  void shutdown() override;
  std::optional<Document> document(std::string_view path) const override;

 private:
  static const OperationTable<SnsService>& operations();

  // topic_operations.cpp
  Value create_topic(const RequestContext&, const Value&);
  Value delete_topic(const RequestContext&, const Value&);
  Value list_topics(const RequestContext&, const Value&);
  Value get_topic_attributes(const RequestContext&, const Value&);
  Value set_topic_attributes(const RequestContext&, const Value&);
  Value tag_resource(const RequestContext&, const Value&);
  Value untag_resource(const RequestContext&, const Value&);
  Value list_tags_for_resource(const RequestContext&, const Value&);
  Value add_permission(const RequestContext&, const Value&);
  Value remove_permission(const RequestContext&, const Value&);
  Value get_data_protection_policy(const RequestContext&, const Value&);
  Value put_data_protection_policy(const RequestContext&, const Value&);

  // subscription_operations.cpp
  Value subscribe(const RequestContext&, const Value&);
  Value confirm_subscription(const RequestContext&, const Value&);
  Value unsubscribe(const RequestContext&, const Value&);
  Value list_subscriptions(const RequestContext&, const Value&);
  Value list_subscriptions_by_topic(const RequestContext&, const Value&);
  Value get_subscription_attributes(const RequestContext&, const Value&);
  Value set_subscription_attributes(const RequestContext&, const Value&);

  // publish.cpp
  Value publish(const RequestContext&, const Value&);
  Value publish_batch(const RequestContext&, const Value&);
  // Validates one message and hands it to every matching subscription; returns its ids.
  Value publish_one(const RequestContext& context, Topic& topic, const Value& entry);

  // sms_and_push.cpp: state only, nothing is sent.
  Value create_platform_application(const RequestContext&, const Value&);
  Value delete_platform_application(const RequestContext&, const Value&);
  Value list_platform_applications(const RequestContext&, const Value&);
  Value get_platform_application_attributes(const RequestContext&, const Value&);
  Value set_platform_application_attributes(const RequestContext&, const Value&);
  Value create_platform_endpoint(const RequestContext&, const Value&);
  Value delete_endpoint(const RequestContext&, const Value&);
  Value list_endpoints_by_platform_application(const RequestContext&, const Value&);
  Value get_endpoint_attributes(const RequestContext&, const Value&);
  Value set_endpoint_attributes(const RequestContext&, const Value&);
  Value get_sms_attributes(const RequestContext&, const Value&);
  Value set_sms_attributes(const RequestContext&, const Value&);
  Value check_if_phone_number_is_opted_out(const RequestContext&, const Value&);
  Value list_phone_numbers_opted_out(const RequestContext&, const Value&);
  Value opt_in_phone_number(const RequestContext&, const Value&);
  Value get_sms_sandbox_account_status(const RequestContext&, const Value&);
  Value create_sms_sandbox_phone_number(const RequestContext&, const Value&);
  Value delete_sms_sandbox_phone_number(const RequestContext&, const Value&);
  Value verify_sms_sandbox_phone_number(const RequestContext&, const Value&);
  Value list_sms_sandbox_phone_numbers(const RequestContext&, const Value&);
  Value list_origination_numbers(const RequestContext&, const Value&);
  // Set*Attributes of an application or endpoint ("kind"): the input's Attributes win.
  void merge_attributes(std::map<std::string, Attributes>& resources, const std::string& kind, const std::string& arn,
                        const Value& input);

  // Lookups (throwing NotFound) and lifecycle.
  Topic& topic_for(const RequestContext& ctx, const std::string& arn);
  Subscription& subscription_for(const std::string& arn);
  void remove_subscription(const std::string& arn);

  // delivery.cpp
  // Sends a published message to one subscription now; what cannot go now is stored
  // and retried.
  void deliver(const Subscription& subscription, Notification notification);
  void attempt(const std::shared_ptr<PendingDelivery>& delivery);
  void attempt_http(const Subscription& subscription, const std::shared_ptr<PendingDelivery>& delivery);
  void attempt_lambda(const Subscription& subscription, const std::shared_ptr<PendingDelivery>& delivery);
  void retry_or_give_up(const std::shared_ptr<PendingDelivery>& delivery, const std::string& why);
  // What finally fails goes to the subscription's dead-letter queue, if it has one.
  void dead_letter(const Subscription& subscription, const Notification& notification, const std::string& why);
  void finish(const std::shared_ptr<PendingDelivery>& delivery);
  // POSTs a SubscriptionConfirmation or UnsubscribeConfirmation to an HTTP subscriber.
  void send_confirmation(const Subscription& subscription, const std::string& type, const std::string& host);
  // SendMessage to the queue with this ARN; an empty string when it went, else why not.
  std::string send_to_queue(const std::string& queue_arn, Value message);

  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Topic>> topics_;  // by ARN
  std::map<std::string, std::unique_ptr<Subscription>> subscriptions_;  // by ARN
  // State-only resources, by ARN (sandbox numbers by phone number).
  std::map<std::string, Attributes> platform_applications_, platform_endpoints_, sandbox_numbers_;
  Attributes sms_attributes_;
  std::map<std::uint64_t, std::shared_ptr<PendingDelivery>> pending_;  // by id
  std::uint64_t next_delivery_id_ = 1;
  bool stopping_ = false;
  SnsStore store_;
  Scheduler& scheduler_;
  HttpClient& http_;
  ServiceLookup services_;
  std::unique_ptr<Signer> signer_;
};

}  // namespace stratus::sns
