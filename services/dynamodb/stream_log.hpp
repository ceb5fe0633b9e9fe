#pragma once
// The change records of every table's stream: appended as items are written, read
// through the DynamoDB Streams API, kept (in memory and on disk) for 24 hours. Each
// stream has one shard; sequence numbers rise across all streams.
//
// Shared by the DynamoDB service (which appends) and the DynamoDB Streams service
// (which reads), so it has a lock of its own.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "protocol/value.hpp"
#include "services/dynamodb/attribute_value.hpp"
#include "storage/database.hpp"

namespace stratus::dynamodb {

struct StreamRecord {
  std::uint64_t sequence;
  std::int64_t created_ms;
  Value record;  // the Record shape of GetRecords
};

struct Stream {
  std::string arn, label, table_name, view_type, account, region;
  Value key_schema;  // the table's KeySchema
  std::int64_t created_ms = 0;
  std::int64_t closed_ms = 0;  // 0 while the stream takes records
  std::deque<StreamRecord> records;

  std::string shard_id() const;
};

// What a write did to an item, for its stream record.
struct ItemChange {
  Item keys;
  const Item* before = nullptr;
  const Item* after = nullptr;
  bool expired = false;  // removed by time to live
};

class StreamLog {
 public:
  static constexpr std::int64_t kRetentionMs = 24LL * 60 * 60 * 1000;

  explicit StreamLog(storage::Database& db);

  // A new stream for a table (CreateTable, or UpdateTable enabling one).
  void open(Stream stream);
  // A table's stream stops taking records (UpdateTable disabling it, DeleteTable);
  // its records stay readable for 24 hours.
  void close(const std::string& arn);
  void append(const std::string& arn, const ItemChange& change);

  // Runs `read(streams, last_sequence)` under the lock, after dropping expired records
  // (checked at most once a minute).
  template <typename F>
  auto with_streams(F read) {
    std::lock_guard lock(mutex_);
    trim();
    return read(const_cast<const std::map<std::string, Stream>&>(streams_), sequence_);
  }
  void reset();

 private:
  void trim();
  void save(const Stream& s);

  storage::Database& db_;
  std::mutex mutex_;
  std::map<std::string, Stream> streams_;  // by ARN
  std::uint64_t sequence_ = 0;
  std::int64_t last_trim_ms_ = 0;
};

// Sequence numbers as the API shows them: 21 decimal digits.
std::string sequence_text(std::uint64_t sequence);

}  // namespace stratus::dynamodb
