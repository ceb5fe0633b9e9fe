#pragma once
// A global or local secondary index: its key schema and projection, and its entries
// (index key, then table key; in an IndexStore) kept in step with every write to the
// table. An item without the index's key attributes, or with one of another type than
// defined, has no entry (indexes are sparse).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/dynamodb/attribute_value.hpp"
#include "services/dynamodb/index_store.hpp"

namespace stratus::dynamodb {

struct KeySchema {
  std::string partition_key;
  std::optional<std::string> sort_key;
};

struct SecondaryIndex {
  std::string name;
  KeySchema key;
  bool global = false;
  std::string projection_type;  // ALL, KEYS_ONLY or INCLUDE
  std::vector<std::string> non_key_attributes;
  std::map<std::string, std::string> key_types;  // of its key attributes: S, N or B
  std::shared_ptr<IndexStore> store;              // opened by the service for the table

  std::optional<IndexKey> entry_key(const Item& item, const ItemKey& table_key) const;
  // Moves the item's entry from where `before` had it to where `after` has it.
  void update(const KeySchema& table_key, const ItemKey& key, const Item* before, const Item* after);
  // The attributes of an item that the index holds.
  Item projected(const KeySchema& table_key, const Item& item) const;
};

}  // namespace stratus::dynamodb
