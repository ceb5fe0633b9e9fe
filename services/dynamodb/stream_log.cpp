#include "services/dynamodb/stream_log.hpp"

#include <cstdio>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "storage/statement.hpp"

namespace stratus::dynamodb {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE dynamodb_streams (arn TEXT PRIMARY KEY, document TEXT NOT NULL);
       CREATE TABLE dynamodb_stream_records (
         arn TEXT NOT NULL, sequence INTEGER NOT NULL, created_ms INTEGER NOT NULL, record TEXT NOT NULL,
         PRIMARY KEY (arn, sequence));)",
};

constexpr std::int64_t kTrimIntervalMs = 60 * 1000;

Value image(const Item& item) { return AttributeValue::item_value(item); }

Value record_of(const Stream& s, const ItemChange& change, std::uint64_t sequence, std::int64_t now_ms) {
  bool with_new = s.view_type == "NEW_IMAGE" || s.view_type == "NEW_AND_OLD_IMAGES";
  bool with_old = s.view_type == "OLD_IMAGE" || s.view_type == "NEW_AND_OLD_IMAGES";
  std::size_t size = item_size(change.keys);
  Value d = Value(Object{{"ApproximateCreationDateTime", Value(static_cast<double>(now_ms / 1000))}, {"Keys", image(change.keys)}});
  if (with_new && change.after) {
    d.set("NewImage", image(*change.after));
    size += item_size(*change.after);
  }
  if (with_old && change.before) {
    d.set("OldImage", image(*change.before));
    size += item_size(*change.before);
  }
  d.set("SequenceNumber", sequence_text(sequence));
  d.set("SizeBytes", static_cast<std::int64_t>(size));
  d.set("StreamViewType", s.view_type);
  const char* event = !change.before ? "INSERT" : !change.after ? "REMOVE" : "MODIFY";
  Value r = Value(Object{{"eventID", Value(ids::token() + ids::token())},
                         {"eventName", Value(event)},
                         {"eventVersion", Value("1.1")},
                         {"eventSource", Value("aws:dynamodb")},
                         {"awsRegion", Value(s.region)},
                         {"dynamodb", std::move(d)}});
  // Deletions by time to live are the service's, not a caller's.
  if (change.expired)
    r.set("userIdentity", Value(Object{{"PrincipalId", Value("dynamodb.amazonaws.com")}, {"Type", Value("Service")}}));
  return r;
}

Value document_of(const Stream& s) {
  return Value(Object{{"Label", Value(s.label)},
                      {"TableName", Value(s.table_name)},
                      {"ViewType", Value(s.view_type)},
                      {"Account", Value(s.account)},
                      {"Region", Value(s.region)},
                      {"KeySchema", s.key_schema},
                      {"CreatedMs", Value(s.created_ms)},
                      {"ClosedMs", Value(s.closed_ms)}});
}

}  // namespace

std::string sequence_text(std::uint64_t sequence) {
  char text[32];
  std::snprintf(text, sizeof text, "%021llu", static_cast<unsigned long long>(sequence));
  return text;
}

std::string Stream::shard_id() const {
  char id[64];
  std::snprintf(id, sizeof id, "shardId-%020lld-%08x", static_cast<long long>(created_ms),
                static_cast<unsigned>(checksums::crc32(arn)));
  return id;
}

StreamLog::StreamLog(storage::Database& db) : db_(db) {
  db_.migrate("dynamodb_streams", kMigrations);
  db_.read([this](storage::Connection& c) {
    auto& streams = c.prepared("SELECT arn, document FROM dynamodb_streams");
    while (streams.step()) {
      Value d = json::parse(streams.column_text(1));
      Stream s;
      s.arn = streams.column_text(0);
      s.label = d.find("Label")->as_string();
      s.table_name = d.find("TableName")->as_string();
      s.view_type = d.find("ViewType")->as_string();
      s.account = d.find("Account")->as_string();
      s.region = d.find("Region")->as_string();
      s.key_schema = *d.find("KeySchema");
      s.created_ms = d.find("CreatedMs")->as_int();
      s.closed_ms = d.find("ClosedMs")->as_int();
      streams_.emplace(s.arn, std::move(s));
    }
    auto& records = c.prepared("SELECT arn, sequence, created_ms, record FROM dynamodb_stream_records ORDER BY sequence");
    while (records.step()) {
      auto sequence = static_cast<std::uint64_t>(records.column_int(1));
      sequence_ = std::max(sequence_, sequence);
      if (auto it = streams_.find(records.column_text(0)); it != streams_.end())
        it->second.records.push_back({sequence, records.column_int(2), json::parse(records.column_text(3))});
    }
  });
}

void StreamLog::save(const Stream& s) {
  db_.write([arn = s.arn, text = json::write(document_of(s))](storage::Changes& c) {
    c.prepared("INSERT OR REPLACE INTO dynamodb_streams (arn, document) VALUES (?, ?)").bind(1, arn).bind(2, text).run();
  });
}

void StreamLog::open(Stream stream) {
  std::lock_guard lock(mutex_);
  save(stream);
  std::string arn = stream.arn;
  streams_.insert_or_assign(arn, std::move(stream));
}

void StreamLog::close(const std::string& arn) {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(arn);
  if (it == streams_.end() || it->second.closed_ms) return;
  it->second.closed_ms = ids::now_ms();
  save(it->second);
}

void StreamLog::append(const std::string& arn, const ItemChange& change) {
  std::lock_guard lock(mutex_);
  auto it = streams_.find(arn);
  if (it == streams_.end() || it->second.closed_ms) return;
  std::int64_t now = ids::now_ms();
  std::uint64_t sequence = ++sequence_;
  Value record = record_of(it->second, change, sequence, now);
  db_.write([arn, sequence, now, text = json::write(record)](storage::Changes& c) {
    c.prepared("INSERT INTO dynamodb_stream_records (arn, sequence, created_ms, record) VALUES (?, ?, ?, ?)")
        .bind(1, arn)
        .bind(2, static_cast<std::int64_t>(sequence))
        .bind(3, now)
        .bind(4, text)
        .run();
  });
  it->second.records.push_back({sequence, now, std::move(record)});
  trim();
}

// Drops records past the 24 hours, and streams closed that long ago; at most once a
// minute, since it walks every stream.
void StreamLog::trim() {
  std::int64_t now = ids::now_ms(), cutoff = now - kRetentionMs;
  if (now - last_trim_ms_ < kTrimIntervalMs) return;
  last_trim_ms_ = now;
  for (auto it = streams_.begin(); it != streams_.end();) {
    auto& records = it->second.records;
    while (!records.empty() && records.front().created_ms < cutoff) records.pop_front();
    if (it->second.closed_ms && it->second.closed_ms < cutoff && records.empty()) {
      db_.write([arn = it->first](storage::Changes& c) {
        c.prepared("DELETE FROM dynamodb_streams WHERE arn = ?").bind(1, arn).run();
      });
      it = streams_.erase(it);
    } else {
      ++it;
    }
  }
  db_.write([cutoff](storage::Changes& c) {
    c.prepared("DELETE FROM dynamodb_stream_records WHERE created_ms < ?").bind(1, cutoff).run();
  });
}

void StreamLog::reset() {
  std::lock_guard lock(mutex_);
  streams_.clear();
  db_.write([](storage::Changes& c) {
    c.prepared("DELETE FROM dynamodb_streams").run();
    c.prepared("DELETE FROM dynamodb_stream_records").run();
  });
}

}  // namespace stratus::dynamodb
