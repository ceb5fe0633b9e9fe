#include "services/sns/persistence.hpp"

#include "protocol/json.hpp"

namespace stratus::sns {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE sns_topics (
         arn TEXT PRIMARY KEY, account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
         attributes TEXT NOT NULL, tags TEXT NOT NULL, data_protection_policy TEXT NOT NULL,
         subscriptions_deleted INTEGER NOT NULL, fifo_sequence INTEGER NOT NULL);
       CREATE TABLE sns_subscriptions (
         arn TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, protocol TEXT NOT NULL, endpoint TEXT NOT NULL,
         owner TEXT NOT NULL, attributes TEXT NOT NULL, confirmed INTEGER NOT NULL, token TEXT NOT NULL,
         position INTEGER NOT NULL);
       CREATE TABLE sns_deliveries (
         id INTEGER PRIMARY KEY, subscription_arn TEXT NOT NULL, notification TEXT NOT NULL,
         attempts INTEGER NOT NULL, first_attempt_ms INTEGER NOT NULL);
       CREATE TABLE sns_resources (
         kind TEXT NOT NULL, arn TEXT NOT NULL, attributes TEXT NOT NULL, PRIMARY KEY (kind, arn));)",
    R"(CREATE TABLE sns_deduplication (
         topic_arn TEXT NOT NULL, id TEXT NOT NULL, message_id TEXT NOT NULL, sequence_number TEXT NOT NULL,
         expires_ms INTEGER NOT NULL, PRIMARY KEY (topic_arn, id)) WITHOUT ROWID;)",
};

}  // namespace

Value Notification::to_value() const {
  Value v = Value::object();
  v.set("MessageId", message_id);
  v.set("TopicArn", topic_arn);
  v.set("Subject", subject);
  v.set("Message", message);
  v.set("Timestamp", timestamp);
  v.set("MessageAttributes", attributes.is_null() ? Value::object() : attributes);
  v.set("MessageGroupId", group_id);
  v.set("MessageDeduplicationId", deduplication_id);
  v.set("SequenceNumber", sequence_number);
  v.set("BaseUrl", base_url);
  v.set("SignatureVersion", static_cast<std::int64_t>(signature_version));
  v.set("Signature", signature);
  return v;
}

Notification Notification::from_value(const Value& v) {
  auto text = [&](const char* name) {
    const Value* m = v.find(name);
    return m && m->is_string() ? m->as_string() : std::string();
  };
  Notification n;
  n.message_id = text("MessageId");
  n.topic_arn = text("TopicArn");
  n.subject = text("Subject");
  n.message = text("Message");
  n.timestamp = text("Timestamp");
  if (const Value* a = v.find("MessageAttributes")) n.attributes = *a;
  n.group_id = text("MessageGroupId");
  n.deduplication_id = text("MessageDeduplicationId");
  n.sequence_number = text("SequenceNumber");
  n.base_url = text("BaseUrl");
  n.signature = text("Signature");
  if (const Value* s = v.find("SignatureVersion"); s && s->is_int()) n.signature_version = static_cast<int>(s->as_int());
  return n;
}

SnsStore::SnsStore(storage::Database& db) : db_(db) { db_.migrate("sns", kMigrations); }

void SnsStore::load(const Loaded& on) {
  db_.read([&](storage::Connection& c) {
    auto& t = c.prepared(
        "SELECT arn, account, region, name, attributes, tags, data_protection_policy, subscriptions_deleted, "
        "fifo_sequence FROM sns_topics");
    while (t.step()) {
      auto topic = std::make_unique<Topic>();
      topic->arn = t.column_text(0);
      topic->account = t.column_text(1);
      topic->region = t.column_text(2);
      topic->name = t.column_text(3);
      topic->attributes = json::read_string_map(t.column_text(4));
      topic->tags = json::read_string_map(t.column_text(5));
      topic->data_protection_policy = t.column_text(6);
      topic->subscriptions_deleted = t.column_int(7);
      topic->fifo_sequence = static_cast<std::uint64_t>(t.column_int(8));
      on.topic(std::move(topic));
    }
    auto& s = c.prepared(
        "SELECT arn, topic_arn, protocol, endpoint, owner, attributes, confirmed, token, position "
        "FROM sns_subscriptions ORDER BY position");
    while (s.step()) {
      auto sub = std::make_unique<Subscription>();
      sub->arn = s.column_text(0);
      sub->topic_arn = s.column_text(1);
      sub->protocol = s.column_text(2);
      sub->endpoint = s.column_text(3);
      sub->owner = s.column_text(4);
      sub->attributes = json::read_string_map(s.column_text(5));
      sub->confirmed = s.column_int(6) != 0;
      sub->token = s.column_text(7);
      next_position_ = std::max(next_position_, s.column_int(8));
      on.subscription(std::move(sub));
    }
    auto& d = c.prepared("SELECT id, subscription_arn, notification, attempts, first_attempt_ms FROM sns_deliveries");
    while (d.step()) {
      auto delivery = std::make_shared<PendingDelivery>();
      delivery->id = static_cast<std::uint64_t>(d.column_int(0));
      delivery->subscription_arn = d.column_text(1);
      delivery->notification = Notification::from_value(json::parse(d.column_text(2)));
      delivery->attempts = static_cast<int>(d.column_int(3));
      delivery->first_attempt_ms = d.column_int(4);
      on.delivery(std::move(delivery));
    }
    auto& dd = c.prepared(
        "SELECT topic_arn, id, message_id, sequence_number, expires_ms FROM sns_deduplication ORDER BY expires_ms");
    while (dd.step())
      on.deduplication(dd.column_text(0), dd.column_text(1),
                       Topic::Deduplicated{dd.column_int(4), dd.column_text(2), dd.column_text(3)});
    auto& r = c.prepared("SELECT kind, arn, attributes FROM sns_resources");
    while (r.step()) on.resource(r.column_text(0), r.column_text(1), json::read_string_map(r.column_text(2)));
  });
}

void SnsStore::save_topic(const Topic& topic) {
  db_.write([arn = topic.arn, account = topic.account, region = topic.region, name = topic.name,
             attributes = json::write_string_map(topic.attributes), tags = json::write_string_map(topic.tags),
             policy = topic.data_protection_policy, deleted = topic.subscriptions_deleted,
             sequence = static_cast<std::int64_t>(topic.fifo_sequence)](storage::Changes& c) {
    c.prepared(
         "INSERT OR REPLACE INTO sns_topics (arn, account, region, name, attributes, tags, data_protection_policy, "
         "subscriptions_deleted, fifo_sequence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, arn)
        .bind(2, account)
        .bind(3, region)
        .bind(4, name)
        .bind(5, attributes)
        .bind(6, tags)
        .bind(7, policy)
        .bind(8, deleted)
        .bind(9, sequence)
        .run();
  });
}

void SnsStore::save_deduplication(const std::string& topic_arn, const std::string& id,
                                  const Topic::Deduplicated& entry) {
  db_.write([topic_arn, id, entry](storage::Changes& c) {
    c.prepared("DELETE FROM sns_deduplication WHERE topic_arn = ? AND expires_ms < ?")
        .bind(1, topic_arn)
        .bind(2, entry.expires_ms - kDeduplicationWindowMs)
        .run();
    c.prepared(
         "INSERT OR REPLACE INTO sns_deduplication (topic_arn, id, message_id, sequence_number, expires_ms) "
         "VALUES (?, ?, ?, ?, ?)")
        .bind(1, topic_arn)
        .bind(2, id)
        .bind(3, entry.message_id)
        .bind(4, entry.sequence_number)
        .bind(5, entry.expires_ms)
        .run();
  });
}

void SnsStore::delete_topic(const std::string& arn) {
  db_.write([arn](storage::Changes& c) {
    c.prepared("DELETE FROM sns_deduplication WHERE topic_arn = ?").bind(1, arn).run();
    c.prepared("DELETE FROM sns_subscriptions WHERE topic_arn = ?").bind(1, arn).run();
    c.prepared("DELETE FROM sns_topics WHERE arn = ?").bind(1, arn).run();
  });
}

void SnsStore::save_subscription(const Subscription& s) {
  db_.write([arn = s.arn, topic = s.topic_arn, protocol = s.protocol, endpoint = s.endpoint, owner = s.owner,
             attributes = json::write_string_map(s.attributes), confirmed = static_cast<std::int64_t>(s.confirmed),
             token = s.token, position = ++next_position_](storage::Changes& c) {
    // The position of a subscription already stored stays: it is the topic's order.
    c.prepared(
         "INSERT INTO sns_subscriptions (arn, topic_arn, protocol, endpoint, owner, attributes, confirmed, token, "
         "position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arn) DO UPDATE SET attributes = "
         "excluded.attributes, confirmed = excluded.confirmed, token = excluded.token")
        .bind(1, arn)
        .bind(2, topic)
        .bind(3, protocol)
        .bind(4, endpoint)
        .bind(5, owner)
        .bind(6, attributes)
        .bind(7, confirmed)
        .bind(8, token)
        .bind(9, position)
        .run();
  });
}

void SnsStore::delete_subscription(const std::string& arn) {
  db_.write([arn](storage::Changes& c) {
    c.prepared("DELETE FROM sns_subscriptions WHERE arn = ?").bind(1, arn).run();
    c.prepared("DELETE FROM sns_deliveries WHERE subscription_arn = ?").bind(1, arn).run();
  });
}

void SnsStore::save_delivery(const PendingDelivery& d) {
  db_.write([id = static_cast<std::int64_t>(d.id), arn = d.subscription_arn,
             notification = json::write(d.notification.to_value()), attempts = static_cast<std::int64_t>(d.attempts),
             first = d.first_attempt_ms](storage::Changes& c) {
    c.prepared(
         "INSERT OR REPLACE INTO sns_deliveries (id, subscription_arn, notification, attempts, first_attempt_ms) "
         "VALUES (?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, arn)
        .bind(3, notification)
        .bind(4, attempts)
        .bind(5, first)
        .run();
  });
}

void SnsStore::delete_delivery(std::uint64_t id) {
  db_.write([id = static_cast<std::int64_t>(id)](storage::Changes& c) {
    c.prepared("DELETE FROM sns_deliveries WHERE id = ?").bind(1, id).run();
  });
}

void SnsStore::save_resource(const std::string& kind, const std::string& arn, const Attributes& attributes) {
  db_.write([kind, arn, attributes = json::write_string_map(attributes)](storage::Changes& c) {
    c.prepared("INSERT OR REPLACE INTO sns_resources (kind, arn, attributes) VALUES (?, ?, ?)")
        .bind(1, kind)
        .bind(2, arn)
        .bind(3, attributes)
        .run();
  });
}

void SnsStore::delete_resource(const std::string& kind, const std::string& arn) {
  db_.write([kind, arn](storage::Changes& c) {
    c.prepared("DELETE FROM sns_resources WHERE kind = ? AND arn = ?").bind(1, kind).bind(2, arn).run();
  });
}

void SnsStore::clear() {
  db_.write([](storage::Changes& c) {
    c.exec("DELETE FROM sns_topics");
    c.exec("DELETE FROM sns_subscriptions");
    c.exec("DELETE FROM sns_deliveries");
    c.exec("DELETE FROM sns_resources");
    c.exec("DELETE FROM sns_deduplication");
  });
}

}  // namespace stratus::sns
