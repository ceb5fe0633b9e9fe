#include "services/sqs/persistence.hpp"

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/sqs/message_attributes.hpp"
#include "services/sqs/move_task.hpp"

namespace stratus::sqs {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE sqs_queues (
         id INTEGER PRIMARY KEY,
         account TEXT NOT NULL, region TEXT NOT NULL, name TEXT NOT NULL,
         created_s INTEGER NOT NULL, modified_s INTEGER NOT NULL,
         attributes TEXT NOT NULL, tags TEXT NOT NULL,
         UNIQUE (account, region, name));
       CREATE TABLE sqs_messages (
         queue_id INTEGER NOT NULL, seq INTEGER NOT NULL,
         id TEXT NOT NULL, body BLOB NOT NULL, attributes TEXT NOT NULL,
         trace_header TEXT NOT NULL, sender_id TEXT NOT NULL, sent_ms INTEGER NOT NULL,
         visible_at_ms INTEGER NOT NULL, in_flight INTEGER NOT NULL,
         receive_count INTEGER NOT NULL, first_receive_ms INTEGER NOT NULL, receipt TEXT NOT NULL,
         dead_letter_source_arn TEXT NOT NULL,
         group_id TEXT NOT NULL, dedup_id TEXT NOT NULL, sequence_number TEXT NOT NULL,
         PRIMARY KEY (queue_id, seq)) WITHOUT ROWID;)",
    R"(CREATE TABLE sqs_deduplication (
         queue_id INTEGER NOT NULL, key TEXT NOT NULL,
         message_id TEXT NOT NULL, sequence_number TEXT NOT NULL, expires_ms INTEGER NOT NULL,
         PRIMARY KEY (queue_id, key)) WITHOUT ROWID;)",
    "ALTER TABLE sqs_messages ADD COLUMN received_ms INTEGER NOT NULL DEFAULT 0",
    R"(CREATE TABLE sqs_move_tasks (
         handle TEXT PRIMARY KEY, source_arn TEXT NOT NULL, destination_arn TEXT NOT NULL,
         max_per_second INTEGER NOT NULL, status TEXT NOT NULL, moved INTEGER NOT NULL,
         to_move INTEGER NOT NULL, started_ms INTEGER NOT NULL, failure_reason TEXT NOT NULL);)",
};

MessageAttributes attributes_from_json(const std::string& text) {
  MessageAttributes attributes;
  Value doc = json::parse(text);
  for (const auto& [name, v] : doc.as_object()) {
    MessageAttribute a;
    a.data_type = v.find("DataType")->as_string();
    if (const Value* b = v.find("BinaryValue"))
      a.value = checksums::base64_decode(b->as_string()).value_or("");
    else
      a.value = v.find("StringValue")->as_string();
    attributes.emplace(name, std::move(a));
  }
  return attributes;
}

Message read_message(const storage::Statement& row) {
  Message m;
  m.seq = static_cast<std::uint64_t>(row.column_int(1));
  m.id = row.column_text(2);
  m.body = row.column_text(3);
  m.body_md5 = checksums::md5_hex(m.body);
  m.attributes = attributes_from_json(row.column_text(4));
  m.trace_header = row.column_text(5);
  m.sender_id = row.column_text(6);
  m.sent_ms = row.column_int(7);
  m.visible_at_ms = row.column_int(8);
  m.in_flight = row.column_int(9) != 0;
  m.receive_count = static_cast<int>(row.column_int(10));
  m.first_receive_ms = row.column_int(11);
  m.receipt = row.column_text(12);
  m.dead_letter_source_arn = row.column_text(13);
  m.group_id = row.column_text(14);
  m.dedup_id = row.column_text(15);
  m.sequence_number = row.column_text(16);
  m.received_ms = row.column_int(17);
  return m;
}

}  // namespace

SqsStore::SqsStore(storage::Database& db) : db_(db) { db_.migrate("sqs", kMigrations); }

void SqsStore::load(const std::function<void(std::unique_ptr<Queue>)>& on_queue) {
  db_.read([&](storage::Connection& c) {
    std::map<std::int64_t, std::unique_ptr<Queue>> queues;
    auto& q = c.prepared("SELECT id, account, region, name, created_s, modified_s, attributes, tags FROM sqs_queues");
    while (q.step()) {
      auto queue = std::make_unique<Queue>(q.column_int(0), q.column_text(1), q.column_text(2), q.column_text(3));
      queue->created_s = q.column_int(4);
      queue->modified_s = q.column_int(5);
      queue->attributes = json::read_string_map(q.column_text(6));
      queue->config = parse_config(queue->attributes);
      queue->tags = json::read_string_map(q.column_text(7));
      queues.emplace(queue->id(), std::move(queue));
    }
    auto& m = c.prepared(
        "SELECT queue_id, seq, id, body, attributes, trace_header, sender_id, sent_ms, visible_at_ms, in_flight, "
        "receive_count, first_receive_ms, receipt, dead_letter_source_arn, group_id, dedup_id, sequence_number, "
        "received_ms FROM sqs_messages ORDER BY queue_id, seq");
    while (m.step()) {
      auto it = queues.find(m.column_int(0));
      if (it != queues.end()) it->second->restore(read_message(m));
    }
    auto& d = c.prepared("SELECT queue_id, key, message_id, sequence_number, expires_ms FROM sqs_deduplication");
    while (d.step()) {
      auto it = queues.find(d.column_int(0));
      if (it != queues.end())
        it->second->remember_deduplication(d.column_text(1), {d.column_int(4), d.column_text(2), d.column_text(3)});
    }
    for (auto& [id, queue] : queues) on_queue(std::move(queue));
  });
}

void SqsStore::load_move_tasks(const std::function<void(std::shared_ptr<MoveTask>)>& on_task) {
  db_.read([&](storage::Connection& c) {
    auto& t = c.prepared(
        "SELECT handle, source_arn, destination_arn, max_per_second, status, moved, to_move, started_ms, "
        "failure_reason FROM sqs_move_tasks ORDER BY started_ms");
    while (t.step()) {
      auto task = std::make_shared<MoveTask>();
      task->handle = t.column_text(0);
      task->source_arn = t.column_text(1);
      task->destination_arn = t.column_text(2);
      task->max_per_second = t.column_int(3);
      task->status = t.column_text(4);
      task->moved = t.column_int(5);
      task->to_move = t.column_int(6);
      task->started_ms = t.column_int(7);
      task->failure_reason = t.column_text(8);
      on_task(std::move(task));
    }
  });
}

void SqsStore::save_move_task(const MoveTask& task) {
  db_.write([handle = task.handle, source = task.source_arn, destination = task.destination_arn,
             rate = task.max_per_second, status = task.status, moved = task.moved, to_move = task.to_move,
             started = task.started_ms, reason = task.failure_reason](storage::Changes& c) {
    c.prepared(
         "INSERT OR REPLACE INTO sqs_move_tasks (handle, source_arn, destination_arn, max_per_second, status, "
         "moved, to_move, started_ms, failure_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, handle)
        .bind(2, source)
        .bind(3, destination)
        .bind(4, rate)
        .bind(5, status)
        .bind(6, moved)
        .bind(7, to_move)
        .bind(8, started)
        .bind(9, reason)
        .run();
  });
}

void SqsStore::save_queue(const Queue& queue) {
  db_.write([id = queue.id(), account = queue.account(), region = queue.region(), name = queue.name(),
             created = queue.created_s, modified = queue.modified_s, attributes = json::write_string_map(queue.attributes),
             tags = json::write_string_map(queue.tags)](storage::Changes& c) {
    c.prepared(
         "INSERT INTO sqs_queues (id, account, region, name, created_s, modified_s, attributes, tags) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET modified_s = excluded.modified_s, "
         "attributes = excluded.attributes, tags = excluded.tags")
        .bind(1, id)
        .bind(2, account)
        .bind(3, region)
        .bind(4, name)
        .bind(5, created)
        .bind(6, modified)
        .bind(7, attributes)
        .bind(8, tags)
        .run();
  });
}

void SqsStore::delete_queue(std::int64_t queue_id) {
  db_.write([queue_id](storage::Changes& c) {
    c.prepared("DELETE FROM sqs_messages WHERE queue_id = ?").bind(1, queue_id).run();
    c.prepared("DELETE FROM sqs_deduplication WHERE queue_id = ?").bind(1, queue_id).run();
    c.prepared("DELETE FROM sqs_queues WHERE id = ?").bind(1, queue_id).run();
  });
}

void SqsStore::insert_message(std::int64_t queue_id, const Message& message) {
  if (db_.is_ephemeral()) return;
  db_.write([queue_id, m = message, attributes = json::write(attributes_to_value(message.attributes))](
                storage::Changes& c) {
    c.prepared(
         "INSERT INTO sqs_messages (queue_id, seq, id, body, attributes, trace_header, sender_id, sent_ms, "
         "visible_at_ms, in_flight, receive_count, first_receive_ms, receipt, dead_letter_source_arn, group_id, "
         "dedup_id, sequence_number, received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, queue_id)
        .bind(2, static_cast<std::int64_t>(m.seq))
        .bind(3, m.id)
        .bind_blob(4, m.body)
        .bind(5, attributes)
        .bind(6, m.trace_header)
        .bind(7, m.sender_id)
        .bind(8, m.sent_ms)
        .bind(9, m.visible_at_ms)
        .bind(10, static_cast<std::int64_t>(m.in_flight))
        .bind(11, static_cast<std::int64_t>(m.receive_count))
        .bind(12, m.first_receive_ms)
        .bind(13, m.receipt)
        .bind(14, m.dead_letter_source_arn)
        .bind(15, m.group_id)
        .bind(16, m.dedup_id)
        .bind(17, m.sequence_number)
        .bind(18, m.received_ms)
        .run();
  });
}

void SqsStore::save_deduplication(std::int64_t queue_id, const std::string& key, const Queue::Deduplicated& entry) {
  db_.write([queue_id, key, entry](storage::Changes& c) {
    c.prepared("DELETE FROM sqs_deduplication WHERE queue_id = ? AND expires_ms < ?")
        .bind(1, queue_id)
        .bind(2, entry.expires_ms - 300000)
        .run();
    c.prepared(
         "INSERT OR REPLACE INTO sqs_deduplication (queue_id, key, message_id, sequence_number, expires_ms) "
         "VALUES (?, ?, ?, ?, ?)")
        .bind(1, queue_id)
        .bind(2, key)
        .bind(3, entry.message_id)
        .bind(4, entry.sequence_number)
        .bind(5, entry.expires_ms)
        .run();
  });
}

void SqsStore::update_message(std::int64_t queue_id, const Message& m) {
  db_.write([queue_id, seq = static_cast<std::int64_t>(m.seq), visible_at = m.visible_at_ms,
             in_flight = static_cast<std::int64_t>(m.in_flight), count = static_cast<std::int64_t>(m.receive_count),
             first = m.first_receive_ms, received = m.received_ms, receipt = m.receipt](storage::Changes& c) {
    c.prepared(
         "UPDATE sqs_messages SET visible_at_ms = ?, in_flight = ?, receive_count = ?, first_receive_ms = ?, "
         "received_ms = ?, receipt = ? WHERE queue_id = ? AND seq = ?")
        .bind(1, visible_at)
        .bind(2, in_flight)
        .bind(3, count)
        .bind(4, first)
        .bind(5, received)
        .bind(6, receipt)
        .bind(7, queue_id)
        .bind(8, seq)
        .run();
  });
}

void SqsStore::delete_message(std::int64_t queue_id, std::uint64_t seq) {
  db_.write([queue_id, seq = static_cast<std::int64_t>(seq)](storage::Changes& c) {
    c.prepared("DELETE FROM sqs_messages WHERE queue_id = ? AND seq = ?").bind(1, queue_id).bind(2, seq).run();
  });
}

void SqsStore::purge(std::int64_t queue_id) {
  db_.write([queue_id](storage::Changes& c) {
    c.prepared("DELETE FROM sqs_messages WHERE queue_id = ?").bind(1, queue_id).run();
  });
}

void SqsStore::clear() {
  db_.write([](storage::Changes& c) {
    c.exec("DELETE FROM sqs_messages");
    c.exec("DELETE FROM sqs_deduplication");
    c.exec("DELETE FROM sqs_queues");
    c.exec("DELETE FROM sqs_move_tasks");
  });
}

}  // namespace stratus::sqs
