#pragma once
// A table's items, ordered by their key bytes (partition key, then sort key) as
// DynamoDB orders them.
//
// Durable mode keeps items on disk only: SQLite is the truth, read through the
// service's reader connection, so memory stays bounded however large a table grows.
// Writes are committed in groups by the database's writer thread; until a write is
// committed it is also held here ("recent"), and every read merges the recent writes
// over what is on disk. Ephemeral mode has no disk: every item is a recent write.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "services/dynamodb/attribute_value.hpp"
#include "services/dynamodb/key_filter.hpp"
#include "services/dynamodb/key_range.hpp"
#include "services/dynamodb/key_spaces.hpp"
#include "services/dynamodb/recent_writes.hpp"
#include "storage/database.hpp"

namespace stratus::dynamodb {

struct ItemKey {
  std::string partition, sort;  // key bytes; `sort` empty for tables without a sort key
  auto operator<=>(const ItemKey&) const = default;
};

class ItemStore {
 public:
  using Visitor = std::function<bool(const ItemKey&, const Item&)>;

  // `reader` is the service's reader (null when ephemeral).
  ItemStore(storage::Database& db, storage::SnapshotReader* reader, KeySpaces& spaces, const std::string& table_id);

  std::optional<Item> get(const ItemKey& key) const;
  // Stores `item` at `key` in place of `before`, the item there now (null if none).
  void put(const ItemKey& key, Item item, const Item* before);
  void erase(const ItemKey& key, const Item& before);
  // Items in key order after `after` (from the start when empty); `visit` returns false to stop.
  void scan(const std::optional<ItemKey>& after, const Visitor& visit) const;
  // Items of one partition whose sort key is in `range`, in key order or reversed,
  // after `after` (exclusive) when given.
  void query(const std::string& partition, const SortRange& range, bool forward, const std::optional<ItemKey>& after,
             const Visitor& visit) const;
  // Drops every item (DeleteTable).
  void clear();

  std::int64_t count() const { return count_; }
  std::int64_t size_bytes() const { return size_bytes_; }

  static void migrate(storage::Database& db);

 private:
  // `size`: the item's size (0 when erasing); the changes are to the table's counts.
  void remember(const ItemKey& key, std::optional<Item> item, std::int64_t size, std::int64_t count_change,
                std::int64_t size_change);
  // The key filter (durable mode): a lookup of a key the table certainly lacks skips the
  // disk. It is built from the keys on disk a step at a time, by the lookups that follow
  // its start (at open, and when too many keys were added to the one in use).
  bool certainly_absent(storage::Connection& disk, const ItemKey& key) const;
  void note_new_key(const ItemKey& key);
  void start_filter_build();
  void advance_filter_build(storage::Connection& disk) const;
  bool visit_rows(storage::Statement* rows, RecentWrites<ItemKey, Item>::Map::const_iterator first,
                  RecentWrites<ItemKey, Item>::Map::const_iterator last, bool forward, const Visitor& visit) const;

  storage::Database& db_;
  storage::SnapshotReader* reader_;
  KeySpaces& spaces_;
  std::int64_t space_;
  RecentWrites<ItemKey, Item> recent_;
  std::int64_t count_ = 0, size_bytes_ = 0;
  struct FilterBuild {
    KeyFilter filter;
    std::optional<ItemKey> after;  // the last key read from disk
  };
  mutable std::optional<KeyFilter> filter_;  // none until the first build ends
  mutable std::optional<FilterBuild> filter_build_;
};

}  // namespace stratus::dynamodb
