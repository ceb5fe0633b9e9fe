#include "services/dynamodb/index_store.hpp"

#include <tuple>

namespace stratus::dynamodb {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE dynamodb_index_entries (
         table_id TEXT NOT NULL, index_name TEXT NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL,
         table_partition BLOB NOT NULL, table_sort BLOB NOT NULL,
         PRIMARY KEY (table_id, index_name, partition_key, sort_key, table_partition, table_sort)) WITHOUT ROWID;)",
    // Into key spaces (key_spaces.hpp), named as IndexStore names them.
    R"(INSERT OR IGNORE INTO dynamodb_key_spaces (name) SELECT DISTINCT table_id || '/index/' || index_name FROM dynamodb_index_entries;
       CREATE TABLE dynamodb_space_entries (
         space INTEGER NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL,
         table_partition BLOB NOT NULL, table_sort BLOB NOT NULL,
         PRIMARY KEY (space, partition_key, sort_key, table_partition, table_sort)) WITHOUT ROWID;
       INSERT INTO dynamodb_space_entries SELECT s.number, e.partition_key, e.sort_key, e.table_partition, e.table_sort
         FROM dynamodb_index_entries e JOIN dynamodb_key_spaces s ON s.name = e.table_id || '/index/' || e.index_name;
       DROP TABLE dynamodb_index_entries;
       ALTER TABLE dynamodb_space_entries RENAME TO dynamodb_index_entries;)",
};

constexpr const char* kColumns = "SELECT partition_key, sort_key, table_partition, table_sort FROM dynamodb_index_entries";

IndexKey index_bound(const std::string& partition, const std::string& sort) { return IndexKey{partition, sort, {}}; }

}  // namespace

IndexStore::IndexStore(storage::Database& db, storage::SnapshotReader* reader, KeySpaces& spaces, const std::string& table_id,
                       const std::string& index_name)
    : db_(db), reader_(reader), spaces_(spaces), space_(spaces.open(table_id + "/index/" + index_name)), recent_(db, reader != nullptr) {
  if (auto* disk = recent_.sync(reader_)) std::tie(count_, size_bytes_) = KeySpaces::counts(*disk, space_);
}

void IndexStore::migrate(storage::Database& db) { db.migrate("dynamodb_index_entries", kMigrations); }

void IndexStore::remember(const IndexKey& key, bool present, std::int64_t size) {
  count_ += present ? 1 : -1;
  size_bytes_ += present ? size : -size;
  if (recent_.sync(reader_)) {
    db_.write([space = space_, key, present, size](storage::Changes& c) {
      auto& s = c.prepared(present ? "INSERT OR REPLACE INTO dynamodb_index_entries VALUES (?, ?, ?, ?, ?)"
                                   : "DELETE FROM dynamodb_index_entries WHERE space = ? AND partition_key = ? "
                                     "AND sort_key = ? AND table_partition = ? AND table_sort = ?");
      s.bind(1, space).bind_blob(2, key.partition).bind_blob(3, key.sort);
      s.bind_blob(4, key.table.partition).bind_blob(5, key.table.sort).run();
      KeySpaces::add_to_counts(c, space, present ? 1 : -1, present ? size : -size);
    });
  }
  recent_.record(key, present ? std::optional<std::monostate>(std::monostate{}) : std::nullopt);
}

void IndexStore::insert(const IndexKey& key, std::int64_t size) { remember(key, true, size); }
void IndexStore::erase(const IndexKey& key, std::int64_t size) { remember(key, false, size); }

void IndexStore::resize(std::int64_t change) {
  if (change == 0) return;
  size_bytes_ += change;
  if (reader_) db_.write([space = space_, change](storage::Changes& c) { KeySpaces::add_to_counts(c, space, 0, change); });
}

void IndexStore::visit_rows(storage::Statement* rows, Recent::Map::const_iterator first, Recent::Map::const_iterator last,
                            bool forward, const Visitor& visit) const {
  auto row = [](storage::Statement& s) {
    return std::pair{IndexKey{s.column_text(0), s.column_text(1), ItemKey{s.column_text(2), s.column_text(3)}}, std::monostate{}};
  };
  Recent::merge(rows, first, last, forward, row, [&](const IndexKey& key, std::monostate) { return visit(key); });
}

void IndexStore::scan(const std::optional<IndexKey>& after, const Visitor& visit) const {
  auto* disk = recent_.sync(reader_);
  const auto& recent = recent_.entries();
  auto first = after ? recent.upper_bound(*after) : recent.begin();
  if (!disk) return visit_rows(nullptr, first, recent.end(), true, visit);
  std::string sql = std::string(kColumns) + " WHERE space = ?1";
  if (after) sql += " AND (partition_key, sort_key, table_partition, table_sort) > (?2, ?3, ?4, ?5)";
  auto& rows = disk->prepared(sql + " ORDER BY partition_key, sort_key, table_partition, table_sort");
  storage::ResetOnExit reset{rows};
  rows.bind(1, space_);
  if (after) rows.bind_blob(2, after->partition).bind_blob(3, after->sort).bind_blob(4, after->table.partition).bind_blob(5, after->table.sort);
  visit_rows(&rows, first, recent.end(), true, visit);
}

void IndexStore::query(const std::string& partition, const SortRange& range, bool forward, const std::optional<IndexKey>& after,
                       const Visitor& visit) const {
  auto* disk = recent_.sync(reader_);
  auto [first, last] = range_after(recent_.entries(), partition, range, forward, after, index_bound);
  if (!disk) return visit_rows(nullptr, first, last, forward, visit);
  std::string sql = std::string(kColumns) + " WHERE space = ?1 AND partition_key = ?2" + sort_key_bounds(range, "?3", "?4");
  if (after) sql += std::string(" AND (sort_key, table_partition, table_sort) ") + (forward ? ">" : "<") + " (?5, ?6, ?7)";
  const char* direction = forward ? "" : " DESC";
  sql += std::string(" ORDER BY sort_key") + direction + ", table_partition" + direction + ", table_sort" + direction;
  auto& rows = disk->prepared(sql);
  storage::ResetOnExit reset{rows};
  rows.bind(1, space_).bind_blob(2, partition);
  if (range.low) rows.bind_blob(3, *range.low);
  if (range.high) rows.bind_blob(4, *range.high);
  if (after) rows.bind_blob(5, after->sort).bind_blob(6, after->table.partition).bind_blob(7, after->table.sort);
  visit_rows(&rows, first, last, forward, visit);
}

void IndexStore::clear() {
  spaces_.drop(space_, "dynamodb_index_entries");
  recent_.clear();
  count_ = size_bytes_ = 0;
}

}  // namespace stratus::dynamodb
