#pragma once
// SNS's tables: topics, subscriptions, pending deliveries, and the state-only
// SMS and mobile-push resources. Written through on every change, read at start-up.
#include <functional>
#include <memory>
#include <string>

#include "services/sns/delivery.hpp"
#include "services/sns/topic.hpp"
#include "storage/database.hpp"

namespace stratus::sns {

class SnsStore {
 public:
  explicit SnsStore(storage::Database& db);

  struct Loaded {
    std::function<void(std::unique_ptr<Topic>)> topic;
    std::function<void(std::unique_ptr<Subscription>)> subscription;
    std::function<void(std::shared_ptr<PendingDelivery>)> delivery;
    std::function<void(const std::string& kind, const std::string& arn, Attributes)> resource;
    // FIFO deduplication ids still in their window, oldest first.
    std::function<void(const std::string& topic_arn, const std::string& id, Topic::Deduplicated)> deduplication;
  };
  void load(const Loaded& on);

  void save_topic(const Topic& topic);
  // Also forgets the topic's ids whose window has passed.
  void save_deduplication(const std::string& topic_arn, const std::string& id, const Topic::Deduplicated& entry);
  void delete_topic(const std::string& arn);
  void save_subscription(const Subscription& subscription);
  void delete_subscription(const std::string& arn);
  void save_delivery(const PendingDelivery& delivery);
  void delete_delivery(std::uint64_t id);
  // Platform applications, endpoints and the account's SMS attributes ("kind", ARN).
  void save_resource(const std::string& kind, const std::string& arn, const Attributes& attributes);
  void delete_resource(const std::string& kind, const std::string& arn);
  void clear();

 private:
  storage::Database& db_;
  std::int64_t next_position_ = 0;  // subscriptions load in the order they were made
};

}  // namespace stratus::sns
