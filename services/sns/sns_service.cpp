#include "services/sns/sns_service.hpp"

#include <spdlog/spdlog.h>

#include "services/sns/names.hpp"

namespace stratus::sns {

const OperationTable<SnsService>& SnsService::operations() {
  static const OperationTable<SnsService> table = {
      {"AddPermission", {&SnsService::add_permission}},
      {"CheckIfPhoneNumberIsOptedOut", {&SnsService::check_if_phone_number_is_opted_out}},
      {"ConfirmSubscription", {&SnsService::confirm_subscription}},
      {"CreatePlatformApplication", {&SnsService::create_platform_application}},
      {"CreatePlatformEndpoint", {&SnsService::create_platform_endpoint}},
      {"CreateSMSSandboxPhoneNumber", {&SnsService::create_sms_sandbox_phone_number}},
      {"CreateTopic", {&SnsService::create_topic}},
      {"DeleteEndpoint", {&SnsService::delete_endpoint}},
      {"DeletePlatformApplication", {&SnsService::delete_platform_application}},
      {"DeleteSMSSandboxPhoneNumber", {&SnsService::delete_sms_sandbox_phone_number}},
      {"DeleteTopic", {&SnsService::delete_topic}},
      {"GetDataProtectionPolicy", {&SnsService::get_data_protection_policy}},
      {"GetEndpointAttributes", {&SnsService::get_endpoint_attributes}},
      {"GetPlatformApplicationAttributes", {&SnsService::get_platform_application_attributes}},
      {"GetSMSAttributes", {&SnsService::get_sms_attributes}},
      {"GetSMSSandboxAccountStatus", {&SnsService::get_sms_sandbox_account_status}},
      {"GetSubscriptionAttributes", {&SnsService::get_subscription_attributes}},
      {"GetTopicAttributes", {&SnsService::get_topic_attributes}},
      {"ListEndpointsByPlatformApplication", {&SnsService::list_endpoints_by_platform_application}},
      {"ListOriginationNumbers", {&SnsService::list_origination_numbers}},
      {"ListPhoneNumbersOptedOut", {&SnsService::list_phone_numbers_opted_out}},
      {"ListPlatformApplications", {&SnsService::list_platform_applications}},
      {"ListSMSSandboxPhoneNumbers", {&SnsService::list_sms_sandbox_phone_numbers}},
      {"ListSubscriptions", {&SnsService::list_subscriptions}},
      {"ListSubscriptionsByTopic", {&SnsService::list_subscriptions_by_topic}},
      {"ListTagsForResource", {&SnsService::list_tags_for_resource}},
      {"ListTopics", {&SnsService::list_topics}},
      {"OptInPhoneNumber", {&SnsService::opt_in_phone_number}},
      {"Publish", {&SnsService::publish}},
      {"PublishBatch", {&SnsService::publish_batch}},
      {"PutDataProtectionPolicy", {&SnsService::put_data_protection_policy}},
      {"RemovePermission", {&SnsService::remove_permission}},
      {"SetEndpointAttributes", {&SnsService::set_endpoint_attributes}},
      {"SetPlatformApplicationAttributes", {&SnsService::set_platform_application_attributes}},
      {"SetSMSAttributes", {&SnsService::set_sms_attributes}},
      {"SetSubscriptionAttributes", {&SnsService::set_subscription_attributes}},
      {"SetTopicAttributes", {&SnsService::set_topic_attributes}},
      {"Subscribe", {&SnsService::subscribe}},
      {"TagResource", {&SnsService::tag_resource}},
      {"Unsubscribe", {&SnsService::unsubscribe}},
      {"UntagResource", {&SnsService::untag_resource}},
      {"VerifySMSSandboxPhoneNumber", {&SnsService::verify_sms_sandbox_phone_number}},
  };
  return table;
}

SnsService::SnsService(storage::Database& db, Scheduler& scheduler, HttpClient& http, ServiceLookup services,
                       std::unique_ptr<Signer> signer)
    : store_(db), scheduler_(scheduler), http_(http), services_(std::move(services)), signer_(std::move(signer)) {
  std::vector<std::shared_ptr<PendingDelivery>> restored;
  store_.load({
      .topic = [this](std::unique_ptr<Topic> t) { topics_.emplace(t->arn, std::move(t)); },
      .subscription =
          [this](std::unique_ptr<Subscription> s) {  // in subscription order
            s->filter = compile_filter(s->attributes);
            if (auto t = topics_.find(s->topic_arn); t != topics_.end()) t->second->subscriptions.push_back(s->arn);
            subscriptions_.emplace(s->arn, std::move(s));
          },
      .delivery = [&](std::shared_ptr<PendingDelivery> d) { restored.push_back(std::move(d)); },
      .resource =
          [this](const std::string& kind, const std::string& arn, Attributes attributes) {
            if (kind == "application") platform_applications_[arn] = std::move(attributes);
            if (kind == "endpoint") platform_endpoints_[arn] = std::move(attributes);
            if (kind == "sandbox") sandbox_numbers_[arn] = std::move(attributes);
            if (kind == "sms") sms_attributes_ = std::move(attributes);
          },
      .deduplication =
          [this](const std::string& topic_arn, const std::string& id, Topic::Deduplicated entry) {
            auto t = topics_.find(topic_arn);
            if (t == topics_.end()) return;
            t->second->deduplication[id] = std::move(entry);
            t->second->deduplication_order.push_back(id);
          },
  });
  for (auto& d : restored) {
    next_delivery_id_ = std::max(next_delivery_id_, d->id + 1);
    pending_.emplace(d->id, d);
    // Picked up again once the server runs: whatever was in flight at the stop goes again.
    scheduler_.post([this, d] {
      std::lock_guard lock(mutex_);
      if (!stopping_) attempt(d);
    });
  }
  if (!topics_.empty() || !restored.empty())
    spdlog::info("sns: restored {} topics, {} subscriptions, {} pending deliveries", topics_.size(),
                 subscriptions_.size(), restored.size());
}

SnsService::~SnsService() = default;

void SnsService::call(std::string_view operation, const RequestContext& context, Value input, Reply reply) {
  dispatch(*this, operations(), mutex_, operation, context, input, reply);
}

void SnsService::reset() {
  std::lock_guard lock(mutex_);
  pending_.clear();
  subscriptions_.clear();
  topics_.clear();
  platform_applications_.clear();
  platform_endpoints_.clear();
  sandbox_numbers_.clear();
  sms_attributes_.clear();
  store_.clear();
}

void SnsService::shutdown() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  // Retries wait for the next start; they are stored.
  for (auto& [id, delivery] : pending_) delivery->retry.reset();
}

std::optional<Document> SnsService::document(std::string_view path) const {
  if (path == kCertificatePath) return Document{"application/x-pem-file", signer_->certificate_pem()};
  return std::nullopt;
}

Topic& SnsService::topic_for(const RequestContext& ctx, const std::string& arn) {
  auto parsed = parse_arn(arn);
  // A malformed ARN, or one of another region, is the caller's mistake, not a missing topic.
  if (!parsed || parsed->service != "sns" || parsed->resource.find(':') != std::string::npos ||
      parsed->region != ctx.region)
    throw ApiError("InvalidParameterException", "Invalid parameter: TopicArn");
  auto it = topics_.find(arn);
  if (it == topics_.end()) throw ApiError("NotFoundException", "Topic does not exist");
  return *it->second;
}

Subscription& SnsService::subscription_for(const std::string& arn) {
  auto it = subscriptions_.find(arn);
  if (it == subscriptions_.end()) throw ApiError("NotFoundException", "Subscription does not exist");
  return *it->second;
}

void SnsService::remove_subscription(const std::string& arn) {
  auto it = subscriptions_.find(arn);
  if (it == subscriptions_.end()) return;
  if (auto t = topics_.find(it->second->topic_arn); t != topics_.end()) {
    auto& list = t->second->subscriptions;
    list.erase(std::remove(list.begin(), list.end(), arn), list.end());
    ++t->second->subscriptions_deleted;
  }
  store_.delete_subscription(arn);
  subscriptions_.erase(it);
}

}  // namespace stratus::sns
