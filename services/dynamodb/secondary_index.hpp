#pragma once
// A global or local secondary index: its key schema and projection, and its entries
// (index key, then table key) kept in step with every write to the table. An item
// without the index's key attributes has no entry (indexes are sparse).
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "services/dynamodb/attribute_value.hpp"
#include "services/dynamodb/item_store.hpp"

namespace stratus::dynamodb {

struct KeySchema {
  std::string partition_key;
  std::optional<std::string> sort_key;
};

struct IndexKey {
  std::string partition, sort;  // the index key's bytes
  ItemKey table;                // orders entries with equal index keys
  auto operator<=>(const IndexKey&) const = default;
};

struct SecondaryIndex {
  std::string name;
  KeySchema key;
  bool global = false;
  std::string projection_type;  // ALL, KEYS_ONLY or INCLUDE
  std::vector<std::string> non_key_attributes;
  std::set<IndexKey> entries;
  std::int64_t size_bytes = 0;

  std::optional<IndexKey> entry_key(const Item& item, const ItemKey& table_key) const;
  // Moves the item's entry from where `before` had it to where `after` has it.
  void update(const KeySchema& table_key, const ItemKey& key, const Item* before, const Item* after);
  // The attributes of an item that the index holds.
  Item projected(const KeySchema& table_key, const Item& item) const;
};

}  // namespace stratus::dynamodb
