#pragma once
// A table's items, ordered by their key bytes (partition key, then sort key) as
// DynamoDB orders them, written through to SQLite and read back at start-up.
//
// For now every item is also held in memory; the interface is what a store that
// keeps items on disk (bounded memory, NOTES.md) has to offer.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "services/dynamodb/attribute_value.hpp"
#include "services/dynamodb/key_range.hpp"
#include "storage/database.hpp"

namespace stratus::dynamodb {

struct ItemKey {
  std::string partition, sort;  // key bytes; `sort` empty for tables without a sort key
  auto operator<=>(const ItemKey&) const = default;
};

class ItemStore {
 public:
  ItemStore(storage::Database& db, std::string table_id);

  const Item* get(const ItemKey& key) const;
  void put(const ItemKey& key, Item item);
  void erase(const ItemKey& key);
  // Items in key order after `after` (from the start when empty); `visit` returns false to stop.
  void scan(const std::optional<ItemKey>& after, const std::function<bool(const ItemKey&, const Item&)>& visit) const;
  // Items of one partition whose sort key is in `range`, in key order or reversed,
  // after `after` (exclusive) when given; `visit` returns false to stop.
  void query(const std::string& partition, const SortRange& range, bool forward, const std::optional<ItemKey>& after,
             const std::function<bool(const ItemKey&, const Item&)>& visit) const;
  // Drops every item, in memory and on disk (DeleteTable).
  void clear();

  std::int64_t count() const { return static_cast<std::int64_t>(items_.size()); }
  std::int64_t size_bytes() const { return size_bytes_; }

  // Start-up loading: an item read back from disk (nothing is written).
  void restore(ItemKey key, Item item);
  // Reads every table's items at start-up: `on_item(table_id, key, item)`.
  static void load(storage::Database& db, const std::function<void(const std::string&, ItemKey, Item)>& on_item);
  static void migrate(storage::Database& db);

 private:
  storage::Database& db_;
  std::string table_id_;
  std::map<ItemKey, Item> items_;
  std::int64_t size_bytes_ = 0;
};

}  // namespace stratus::dynamodb
