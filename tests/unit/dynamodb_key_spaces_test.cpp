// Items and index entries on disk, keyed by key-space numbers: a database written before
// key spaces is moved into them with its counts, and spaces live and die with their
// tables across restarts.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "services/dynamodb/index_store.hpp"
#include "services/dynamodb/item_codec.hpp"
#include "services/dynamodb/item_store.hpp"
#include "services/dynamodb/key_spaces.hpp"
#include "storage/database.hpp"
#include "temp_dir.hpp"

namespace stratus::dynamodb {
namespace {

// A database as the version before key spaces left it: items, counts and index
// entries keyed by the table's id.
constexpr const char* kSchemaBeforeKeySpaces =
    R"(CREATE TABLE dynamodb_item_rows (
         table_id TEXT NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL, item BLOB NOT NULL,
         size INTEGER NOT NULL);
       CREATE UNIQUE INDEX dynamodb_item_keys ON dynamodb_item_rows (table_id, partition_key, sort_key);
       CREATE TABLE dynamodb_table_stats (table_id TEXT PRIMARY KEY, item_count INTEGER NOT NULL, size_bytes INTEGER NOT NULL);
       CREATE TABLE dynamodb_index_entries (
         table_id TEXT NOT NULL, index_name TEXT NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL,
         table_partition BLOB NOT NULL, table_sort BLOB NOT NULL,
         PRIMARY KEY (table_id, index_name, partition_key, sort_key, table_partition, table_sort)) WITHOUT ROWID;
       INSERT INTO schema_versions (component, version) VALUES ('dynamodb_items', 2), ('dynamodb_index_entries', 1);
       INSERT INTO dynamodb_table_stats VALUES ('table-a', 2, 30), ('table-b', 1, 12), ('table-a/index/by-data', 2, 8);
       INSERT INTO dynamodb_index_entries VALUES ('table-a', 'by-data', 'one', '', 'p', '1'), ('table-a', 'by-data', 'two', '', 'p', '2');)";

Item item_of(const std::string& pk, const std::string& sk, const std::string& data) {
  return Item{{"pk", AttributeValue::string(pk)}, {"sk", AttributeValue::string(sk)}, {"data", AttributeValue::string(data)}};
}

void migrate_all(storage::Database& db) {
  KeySpaces::migrate(db);
  ItemStore::migrate(db);
  IndexStore::migrate(db);
}

std::vector<std::string> partition_sort_keys(const ItemStore& store, const std::string& partition) {
  std::vector<std::string> keys;
  store.query(partition, SortRange{}, true, std::nullopt, [&](const ItemKey& key, const Item&) {
    keys.push_back(key.sort);
    return true;
  });
  return keys;
}

std::vector<std::string> index_partitions(const IndexStore& store) {
  std::vector<std::string> keys;
  store.scan(std::nullopt, [&](const IndexKey& key) {
    keys.push_back(key.partition + "/" + key.table.sort);
    return true;
  });
  return keys;
}

std::int64_t space_rows(storage::Database& db) {
  std::int64_t n = -1;
  db.read([&](storage::Connection& c) {
    auto& s = c.prepared("SELECT count(*) FROM dynamodb_key_spaces");
    storage::ResetOnExit reset{s};
    if (s.step()) n = s.column_int(0);
  });
  return n;
}

TEST(DynamoKeySpaces, ADatabaseFromBeforeKeySpacesKeepsItsItemsEntriesAndCounts) {
  testing::TempDir dir;
  std::string a = encode_item(item_of("p", "1", "one")), b = encode_item(item_of("p", "2", "two")),
              c = encode_item(item_of("q", "1", "other table"));
  auto db = storage::Database::open(dir.path());
  db->read([&](storage::Connection& conn) {
    conn.exec(kSchemaBeforeKeySpaces);
    auto insert = [&](const std::string& table, const std::string& partition, const std::string& sort, const std::string& item,
                      std::int64_t size) {
      auto& s = conn.prepared("INSERT INTO dynamodb_item_rows VALUES (?, ?, ?, ?, ?)");
      storage::ResetOnExit reset{s};
      s.bind(1, table).bind_blob(2, partition).bind_blob(3, sort).bind_blob(4, item).bind(5, size);
      s.run();
    };
    insert("table-a", "p", "1", a, 14);
    insert("table-a", "p", "2", b, 16);
    insert("table-b", "q", "1", c, 12);
  });
  migrate_all(*db);
  KeySpaces spaces(*db);
  auto reader = db->reader();
  ItemStore table_a(*db, reader.get(), spaces, "table-a"), table_b(*db, reader.get(), spaces, "table-b");
  IndexStore by_data(*db, reader.get(), spaces, "table-a", "by-data");

  EXPECT_EQ(table_a.count(), 2);
  EXPECT_EQ(table_a.size_bytes(), 30);
  EXPECT_EQ(partition_sort_keys(table_a, "p"), (std::vector<std::string>{"1", "2"}));
  ASSERT_TRUE(table_a.get(ItemKey{"p", "2"}));
  EXPECT_EQ(table_a.get(ItemKey{"p", "2"})->at("data").as_string(), "two");
  EXPECT_EQ(table_b.count(), 1);
  EXPECT_EQ(table_b.size_bytes(), 12);
  EXPECT_EQ(partition_sort_keys(table_b, "q"), (std::vector<std::string>{"1"}));
  EXPECT_TRUE(partition_sort_keys(table_b, "p").empty());
  EXPECT_EQ(index_partitions(by_data), (std::vector<std::string>{"one/1", "two/2"}));
  EXPECT_EQ(by_data.count(), 2);
  EXPECT_EQ(by_data.size_bytes(), 8);
}

TEST(DynamoKeySpaces, SpacesAndCountsLastUntilTheirTableIsDropped) {
  testing::TempDir dir;
  Item first = item_of("p", "1", "one"), second = item_of("p", "2", "two");
  {
    auto db = storage::Database::open(dir.path());
    migrate_all(*db);
    KeySpaces spaces(*db);
    auto reader = db->reader();
    ItemStore kept(*db, reader.get(), spaces, "kept"), dropped(*db, reader.get(), spaces, "dropped");
    IndexStore index(*db, reader.get(), spaces, "kept", "by-data");
    kept.put(ItemKey{"p", "1"}, first, nullptr);
    kept.put(ItemKey{"p", "2"}, second, nullptr);
    index.insert(IndexKey{"one", "", ItemKey{"p", "1"}}, 10);
    dropped.put(ItemKey{"p", "1"}, first, nullptr);
    dropped.clear();
    db->flush();
  }
  auto db = storage::Database::open(dir.path());
  migrate_all(*db);
  EXPECT_EQ(space_rows(*db), 2);  // "kept" and its index
  KeySpaces spaces(*db);
  auto reader = db->reader();
  ItemStore kept(*db, reader.get(), spaces, "kept"), dropped(*db, reader.get(), spaces, "dropped");
  IndexStore index(*db, reader.get(), spaces, "kept", "by-data");
  EXPECT_EQ(kept.count(), 2);
  EXPECT_EQ(kept.size_bytes(), static_cast<std::int64_t>(item_size(first) + item_size(second)));
  EXPECT_EQ(partition_sort_keys(kept, "p"), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(index.count(), 1);
  EXPECT_EQ(index.size_bytes(), 10);
  // A table made again under a dropped name starts empty, in a space of its own.
  EXPECT_EQ(dropped.count(), 0);
  EXPECT_TRUE(partition_sort_keys(dropped, "p").empty());
  dropped.put(ItemKey{"p", "9"}, first, nullptr);
  EXPECT_EQ(partition_sort_keys(kept, "p"), (std::vector<std::string>{"1", "2"}));
}

}  // namespace
}  // namespace stratus::dynamodb
