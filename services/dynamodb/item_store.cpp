#include "services/dynamodb/item_store.hpp"

#include <algorithm>
#include <tuple>

#include "services/dynamodb/item_codec.hpp"

namespace stratus::dynamodb {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE dynamodb_items (
         table_id TEXT NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL, item TEXT NOT NULL,
         PRIMARY KEY (table_id, partition_key, sort_key)) WITHOUT ROWID;)",
    // Items of about 1 KB sit better in a rowid table than in a WITHOUT ROWID one; the
    // counts DescribeTable reports are kept on disk so that start-up need not read items.
    R"(CREATE TABLE dynamodb_item_rows (
         table_id TEXT NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL, item BLOB NOT NULL,
         size INTEGER NOT NULL);
       CREATE UNIQUE INDEX dynamodb_item_keys ON dynamodb_item_rows (table_id, partition_key, sort_key);
       INSERT INTO dynamodb_item_rows SELECT table_id, partition_key, sort_key, item, length(item) FROM dynamodb_items;
       DROP TABLE dynamodb_items;
       CREATE TABLE dynamodb_table_stats (table_id TEXT PRIMARY KEY, item_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL);
       INSERT INTO dynamodb_table_stats SELECT table_id, count(*), sum(size) FROM dynamodb_item_rows GROUP BY table_id;)",
    // Into key spaces (key_spaces.hpp), which take over the counts, the indexes' too.
    R"(INSERT INTO dynamodb_key_spaces (name, item_count, size_bytes) SELECT table_id, item_count, size_bytes FROM dynamodb_table_stats;
       INSERT OR IGNORE INTO dynamodb_key_spaces (name) SELECT DISTINCT table_id FROM dynamodb_item_rows;
       CREATE TABLE dynamodb_space_rows (
         space INTEGER NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL, item BLOB NOT NULL, size INTEGER NOT NULL);
       INSERT INTO dynamodb_space_rows SELECT s.number, r.partition_key, r.sort_key, r.item, r.size
         FROM dynamodb_item_rows r JOIN dynamodb_key_spaces s ON s.name = r.table_id;
       DROP TABLE dynamodb_item_rows;
       DROP TABLE dynamodb_table_stats;
       ALTER TABLE dynamodb_space_rows RENAME TO dynamodb_item_rows;
       CREATE UNIQUE INDEX dynamodb_item_keys ON dynamodb_item_rows (space, partition_key, sort_key);)",
};

// A row's statement and counts in a change recording, past its key and item bytes.
constexpr std::size_t kRecordingOverhead = 384;

// A key filter's least size, and the keys a build step reads: enough to finish soon,
// few enough that the lookup it rides on stays well under a millisecond.
constexpr std::size_t kLeastFilterKeys = 16384;
constexpr int kFilterBuildStep = 256;

// The range left once an exclusive start key (in `partition`) is taken into account.
SortRange after_start(SortRange range, const std::optional<ItemKey>& after, bool forward) {
  if (!after) return range;
  if (forward && (!range.low || after->sort >= *range.low)) {
    range.low = after->sort;
    range.low_inclusive = false;
  } else if (!forward && (!range.high || after->sort <= *range.high)) {
    range.high = after->sort;
    range.high_inclusive = false;
  }
  return range;
}

}  // namespace

ItemStore::ItemStore(storage::Database& db, storage::SnapshotReader* reader, KeySpaces& spaces, const std::string& table_id)
    : db_(db), reader_(reader), spaces_(spaces), space_(spaces.open(table_id)), recent_(db, reader != nullptr) {
  if (auto* disk = recent_.sync(reader_)) {
    std::tie(count_, size_bytes_) = KeySpaces::counts(*disk, space_);
    start_filter_build();
  }
}

void ItemStore::migrate(storage::Database& db) { db.migrate("dynamodb_items", kMigrations); }

std::optional<Item> ItemStore::get(const ItemKey& key) const {
  auto* disk = recent_.sync(reader_);
  // The filter holds the recent writes' keys too.
  if (disk && certainly_absent(*disk, key)) return std::nullopt;
  if (const auto* recent = recent_.find(key)) return recent->value;
  if (!disk) return std::nullopt;
  auto& s = disk->prepared("SELECT item FROM dynamodb_item_rows WHERE space = ? AND partition_key = ? AND sort_key = ?");
  storage::ResetOnExit reset{s};
  s.bind(1, space_).bind_blob(2, key.partition).bind_blob(3, key.sort);
  if (!s.step()) return std::nullopt;
  return decode_item(s.column_view(0));
}

void ItemStore::remember(const ItemKey& key, std::optional<Item> item, std::int64_t size, std::int64_t count_change,
                         std::int64_t size_change) {
  count_ += count_change;
  size_bytes_ += size_change;
  if (recent_.sync(reader_)) {
    db_.write([&](storage::Changes& c) {
      // The stored form is about the item's size: a type and a length past each value.
      c.reserve(kRecordingOverhead + key.partition.size() + key.sort.size() + static_cast<std::size_t>(size));
      if (item) {
        c.prepared("INSERT OR REPLACE INTO dynamodb_item_rows (space, partition_key, sort_key, item, size) VALUES (?, ?, ?, ?, ?)")
            .bind(1, space_)
            .bind_blob(2, key.partition)
            .bind_blob(3, key.sort)
            .bind_blob_written(4, [&](std::string& out) { append_encoded_item(out, *item); })
            .bind(5, size)
            .run();
      } else {
        c.prepared("DELETE FROM dynamodb_item_rows WHERE space = ? AND partition_key = ? AND sort_key = ?")
            .bind(1, space_)
            .bind_blob(2, key.partition)
            .bind_blob(3, key.sort)
            .run();
      }
      KeySpaces::add_to_counts(c, space_, count_change, size_change);
    });
  }
  recent_.record(key, std::move(item));
}

void ItemStore::put(const ItemKey& key, Item item, const Item* before) {
  auto size = static_cast<std::int64_t>(item_size(item));
  remember(key, std::move(item), size, before ? 0 : 1, size - (before ? static_cast<std::int64_t>(item_size(*before)) : 0));
  if (!before) note_new_key(key);
}

bool ItemStore::certainly_absent(storage::Connection& disk, const ItemKey& key) const {
  advance_filter_build(disk);
  return filter_ && !filter_->may_contain(key.partition, key.sort);
}

// After `remember`: a build started here takes the key from the recent writes. Without a
// disk there is neither filter nor build.
void ItemStore::note_new_key(const ItemKey& key) {
  if (filter_) filter_->add(key.partition, key.sort);
  if (filter_build_) filter_build_->filter.add(key.partition, key.sort);
  else if (filter_ && filter_->full()) start_filter_build();
}

// Keys not yet committed are not on disk: they go in first, and keys written from now
// on are added as they come, so the disk's keys are all that is left to read.
void ItemStore::start_filter_build() {
  filter_build_.emplace(FilterBuild{KeyFilter(std::max(kLeastFilterKeys, 2 * static_cast<std::size_t>(count_))), {}});
  for (const auto& [key, entry] : recent_.entries())
    if (entry.value) filter_build_->filter.add(key.partition, key.sort);
}

void ItemStore::advance_filter_build(storage::Connection& disk) const {
  if (!filter_build_) return;
  auto& after = filter_build_->after;
  auto& rows = after ? disk.prepared("SELECT partition_key, sort_key FROM dynamodb_item_rows WHERE space = ?1 AND "
                                     "(partition_key, sort_key) > (?2, ?3) ORDER BY partition_key, sort_key LIMIT ?4")
                     : disk.prepared("SELECT partition_key, sort_key FROM dynamodb_item_rows WHERE space = ?1 "
                                     "ORDER BY partition_key, sort_key LIMIT ?4");
  storage::ResetOnExit reset{rows};
  rows.bind(1, space_).bind(4, kFilterBuildStep);
  if (after) rows.bind_blob(2, after->partition).bind_blob(3, after->sort);
  int read = 0;
  std::optional<ItemKey> last;  // not `after` itself, whose bytes are bound until the reset
  for (; rows.step(); ++read) {
    last = ItemKey{rows.column_text(0), rows.column_text(1)};
    filter_build_->filter.add(last->partition, last->sort);
  }
  if (read == kFilterBuildStep) {
    after = std::move(last);
    return;
  }
  filter_ = std::move(filter_build_->filter);
  filter_build_.reset();
}

void ItemStore::erase(const ItemKey& key, const Item& before) {
  remember(key, std::nullopt, 0, -1, -static_cast<std::int64_t>(item_size(before)));
}

bool ItemStore::visit_rows(storage::Statement* rows, RecentWrites<ItemKey, Item>::Map::const_iterator first,
                           RecentWrites<ItemKey, Item>::Map::const_iterator last, bool forward, const Visitor& visit) const {
  auto row = [](storage::Statement& s) {
    return std::pair{ItemKey{s.column_text(0), s.column_text(1)}, decode_item(s.column_view(2))};
  };
  return RecentWrites<ItemKey, Item>::merge(rows, first, last, forward, row, visit);
}

void ItemStore::scan(const std::optional<ItemKey>& after, const Visitor& visit) const {
  auto* disk = recent_.sync(reader_);
  const auto& recent = recent_.entries();
  auto first = after ? recent.upper_bound(*after) : recent.begin();
  if (!disk) {
    visit_rows(nullptr, first, recent.end(), true, visit);
    return;
  }
  std::string sql = "SELECT partition_key, sort_key, item FROM dynamodb_item_rows WHERE space = ?1";
  if (after) sql += " AND (partition_key, sort_key) > (?2, ?3)";
  auto& rows = disk->prepared(sql + " ORDER BY partition_key, sort_key");
  storage::ResetOnExit reset{rows};
  rows.bind(1, space_);
  if (after) rows.bind_blob(2, after->partition).bind_blob(3, after->sort);
  visit_rows(&rows, first, recent.end(), true, visit);
}

void ItemStore::query(const std::string& partition, const SortRange& range, bool forward, const std::optional<ItemKey>& after,
                      const Visitor& visit) const {
  auto* disk = recent_.sync(reader_);
  SortRange r = after_start(range, after, forward);
  auto [first, last] =
      partition_range(recent_.entries(), partition, r, [](const std::string& p, const std::string& s) { return ItemKey{p, s}; });
  if (!disk) {
    visit_rows(nullptr, first, last, forward, visit);
    return;
  }
  std::string sql = "SELECT partition_key, sort_key, item FROM dynamodb_item_rows WHERE space = ?1 AND partition_key = ?2" +
                    sort_key_bounds(r, "?3", "?4") + " ORDER BY sort_key" +
                    (forward ? "" : " DESC");
  auto& rows = disk->prepared(sql);
  storage::ResetOnExit reset{rows};
  rows.bind(1, space_).bind_blob(2, partition);
  if (r.low) rows.bind_blob(3, *r.low);
  if (r.high) rows.bind_blob(4, *r.high);
  visit_rows(&rows, first, last, forward, visit);
}

void ItemStore::clear() {
  spaces_.drop(space_, "dynamodb_item_rows");
  recent_.clear();
  count_ = size_bytes_ = 0;
  if (reader_) {
    filter_.emplace(kLeastFilterKeys);
    filter_build_.reset();
  }
}

}  // namespace stratus::dynamodb
