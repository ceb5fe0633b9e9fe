#pragma once
// A secondary index's entries (index key, then table key) in the index's order, on
// disk like the items (ItemStore): SQLite holds them, writes not yet committed are
// merged over what it returns, and ephemeral mode keeps them in memory. An entry is
// keys only; the item is read from the table.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "services/dynamodb/item_store.hpp"
#include "services/dynamodb/key_range.hpp"
#include "services/dynamodb/recent_writes.hpp"

namespace stratus::dynamodb {

struct IndexKey {
  std::string partition, sort;  // the index key's bytes
  ItemKey table;                // orders entries with equal index keys
  auto operator<=>(const IndexKey&) const = default;
};

class IndexStore {
 public:
  using Visitor = std::function<bool(const IndexKey&)>;

  IndexStore(storage::Database& db, storage::SnapshotReader* reader, KeySpaces& spaces, const std::string& table_id,
             const std::string& index_name);

  // `size`: what the entry's projected item counts toward IndexSizeBytes.
  void insert(const IndexKey& key, std::int64_t size);
  void erase(const IndexKey& key, std::int64_t size);
  // An entry that stays whose projected item grew or shrank by `change`.
  void resize(std::int64_t change);
  void scan(const std::optional<IndexKey>& after, const Visitor& visit) const;
  void query(const std::string& partition, const SortRange& range, bool forward, const std::optional<IndexKey>& after,
             const Visitor& visit) const;
  // Drops every entry (the index or its table is deleted).
  void clear();

  std::int64_t count() const { return count_; }
  std::int64_t size_bytes() const { return size_bytes_; }

  static void migrate(storage::Database& db);

 private:
  using Recent = RecentWrites<IndexKey, std::monostate>;
  void remember(const IndexKey& key, bool present, std::int64_t size);
  void visit_rows(storage::Statement* rows, Recent::Map::const_iterator first, Recent::Map::const_iterator last, bool forward,
                  const Visitor& visit) const;

  storage::Database& db_;
  storage::SnapshotReader* reader_;
  KeySpaces& spaces_;
  std::int64_t space_;
  Recent recent_;
  std::int64_t count_ = 0, size_bytes_ = 0;
};

}  // namespace stratus::dynamodb
