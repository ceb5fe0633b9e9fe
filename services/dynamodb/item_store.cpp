#include "services/dynamodb/item_store.hpp"

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
};


// A statement stepped part-way holds a read transaction open until it is reset.
struct ResetOnExit {
  storage::Statement& statement;
  ~ResetOnExit() { statement.reset(); }
};

// One comparison of a range query's WHERE clause, or nothing for an open end.
std::string bound(const std::optional<std::string>& value, bool inclusive, const char* below, const char* param) {
  if (!value) return "";
  return std::string(" AND sort_key ") + below + (inclusive ? "= " : " ") + param;
}

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

ItemStore::ItemStore(storage::Database& db, storage::Connection* reader, std::string table_id)
    : db_(db), reader_(reader), table_id_(std::move(table_id)) {
  if (!reader_) return;
  auto& s = reader_->prepared("SELECT item_count, size_bytes FROM dynamodb_table_stats WHERE table_id = ?");
  s.bind(1, table_id_);
  if (s.step()) {
    count_ = s.column_int(0);
    size_bytes_ = s.column_int(1);
  }
  s.reset();
}

void ItemStore::migrate(storage::Database& db) { db.migrate("dynamodb_items", kMigrations); }

void ItemStore::forget_committed() const {
  std::uint64_t committed = committed_->load(std::memory_order_acquire);
  while (!recent_order_.empty() && recent_order_.front().first <= committed) {
    auto it = recent_.find(recent_order_.front().second);
    if (it != recent_.end() && it->second.sequence == recent_order_.front().first) recent_.erase(it);
    recent_order_.pop_front();
  }
}

std::optional<Item> ItemStore::get(const ItemKey& key) const {
  forget_committed();
  if (auto it = recent_.find(key); it != recent_.end()) return it->second.item;
  if (!reader_) return std::nullopt;
  auto& s = reader_->prepared("SELECT item FROM dynamodb_item_rows WHERE table_id = ? AND partition_key = ? AND sort_key = ?");
  ResetOnExit reset{s};
  s.bind(1, table_id_).bind_blob(2, key.partition).bind_blob(3, key.sort);
  if (!s.step()) return std::nullopt;
  return decode_item(s.column_text(0));
}

void ItemStore::remember(const ItemKey& key, std::optional<Item> item, std::int64_t count_change, std::int64_t size_change) {
  count_ += count_change;
  size_bytes_ += size_change;
  if (!reader_) {  // ephemeral: memory is the only copy
    if (item) recent_[key] = Recent{std::move(item), 0};
    else recent_.erase(key);
    return;
  }
  std::uint64_t sequence = ++sequence_;
  std::optional<std::string> stored;
  if (item) stored = encode_item(*item);
  std::int64_t size = item ? static_cast<std::int64_t>(item_size(*item)) : 0;
  db_.write([table = table_id_, key, stored = std::move(stored), size, count_change, size_change](storage::Connection& c) {
    if (stored) {
      c.prepared("INSERT OR REPLACE INTO dynamodb_item_rows (table_id, partition_key, sort_key, item, size) VALUES (?, ?, ?, ?, ?)")
          .bind(1, table)
          .bind_blob(2, key.partition)
          .bind_blob(3, key.sort)
          .bind_blob(4, *stored)
          .bind(5, size)
          .run();
    } else {
      c.prepared("DELETE FROM dynamodb_item_rows WHERE table_id = ? AND partition_key = ? AND sort_key = ?")
          .bind(1, table)
          .bind_blob(2, key.partition)
          .bind_blob(3, key.sort)
          .run();
    }
    c.prepared("INSERT INTO dynamodb_table_stats (table_id, item_count, size_bytes) VALUES (?, ?, ?) "
               "ON CONFLICT (table_id) DO UPDATE SET item_count = item_count + excluded.item_count, "
               "size_bytes = size_bytes + excluded.size_bytes")
        .bind(1, table)
        .bind(2, count_change)
        .bind(3, size_change)
        .run();
  });
  db_.when_durable([committed = committed_, sequence](bool ok) {
    if (!ok) return;
    std::uint64_t seen = committed->load(std::memory_order_relaxed);
    while (seen < sequence && !committed->compare_exchange_weak(seen, sequence, std::memory_order_release)) {
    }
  });
  recent_[key] = Recent{std::move(item), sequence};
  recent_order_.emplace_back(sequence, key);
  forget_committed();
}

void ItemStore::put(const ItemKey& key, Item item, const Item* before) {
  auto size = static_cast<std::int64_t>(item_size(item));
  remember(key, std::move(item), before ? 0 : 1, size - (before ? static_cast<std::int64_t>(item_size(*before)) : 0));
}

void ItemStore::erase(const ItemKey& key, const Item& before) {
  remember(key, std::nullopt, -1, -static_cast<std::int64_t>(item_size(before)));
}

// Stored rows (partition, sort, item; already in the visiting order) and recent
// writes in [first, last), merged in key order; a recent write hides the row it replaced.
bool ItemStore::merge(storage::Statement* rows, RecentMap::const_iterator first, RecentMap::const_iterator last, bool forward,
                      const Visitor& visit) const {
  auto next_recent = [&]() -> const RecentMap::value_type* {
    if (first == last) return nullptr;
    return forward ? &*first++ : &*--last;
  };
  const RecentMap::value_type* recent = next_recent();
  bool have_row = rows && rows->step();
  ItemKey row_key;
  if (have_row) row_key = {rows->column_text(0), rows->column_text(1)};
  while (have_row || recent) {
    bool recent_first = recent && (!have_row || (forward ? recent->first <= row_key : row_key <= recent->first));
    if (recent_first) {
      bool replaces_row = have_row && recent->first == row_key;
      if (recent->second.item && !visit(recent->first, *recent->second.item)) return false;
      recent = next_recent();
      if (!replaces_row) continue;
    } else if (!visit(row_key, decode_item(rows->column_text(2)))) {
      return false;
    }
    have_row = rows->step();
    if (have_row) row_key = {rows->column_text(0), rows->column_text(1)};
  }
  return true;
}

void ItemStore::scan(const std::optional<ItemKey>& after, const Visitor& visit) const {
  forget_committed();
  auto first = after ? recent_.upper_bound(*after) : recent_.begin();
  if (!reader_) {
    merge(nullptr, first, recent_.end(), true, visit);
    return;
  }
  std::string sql = "SELECT partition_key, sort_key, item FROM dynamodb_item_rows WHERE table_id = ?1";
  if (after) sql += " AND (partition_key, sort_key) > (?2, ?3)";
  auto& rows = reader_->prepared(sql + " ORDER BY partition_key, sort_key");
  ResetOnExit reset{rows};
  rows.bind(1, table_id_);
  if (after) rows.bind_blob(2, after->partition).bind_blob(3, after->sort);
  merge(&rows, first, recent_.end(), true, visit);
}

void ItemStore::query(const std::string& partition, const SortRange& range, bool forward, const std::optional<ItemKey>& after,
                      const Visitor& visit) const {
  forget_committed();
  SortRange r = after_start(range, after, forward);
  auto [first, last] = partition_range(recent_, partition, r, [](const std::string& p, const std::string& s) { return ItemKey{p, s}; });
  if (!reader_) {
    merge(nullptr, first, last, forward, visit);
    return;
  }
  std::string sql = "SELECT partition_key, sort_key, item FROM dynamodb_item_rows WHERE table_id = ?1 AND partition_key = ?2" +
                    bound(r.low, r.low_inclusive, ">", "?3") + bound(r.high, r.high_inclusive, "<", "?4") + " ORDER BY sort_key" +
                    (forward ? "" : " DESC");
  auto& rows = reader_->prepared(sql);
  ResetOnExit reset{rows};
  rows.bind(1, table_id_).bind_blob(2, partition);
  if (r.low) rows.bind_blob(3, *r.low);
  if (r.high) rows.bind_blob(4, *r.high);
  merge(&rows, first, last, forward, visit);
}

void ItemStore::clear() {
  db_.write([table = table_id_](storage::Connection& c) {
    c.prepared("DELETE FROM dynamodb_item_rows WHERE table_id = ?").bind(1, table).run();
    c.prepared("DELETE FROM dynamodb_table_stats WHERE table_id = ?").bind(1, table).run();
  });
  recent_.clear();
  recent_order_.clear();
  count_ = size_bytes_ = 0;
}

}  // namespace stratus::dynamodb
