#pragma once
// A write to one item, checked and worked out but not yet applied: what PutItem,
// UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems share. Planning reads
// the request (item or key, expressions), checks its condition against the item as
// it is (throwing ConditionalCheckFailedException) and computes the item after.
#include <optional>
#include <vector>

#include "protocol/value.hpp"
#include "services/dynamodb/item_requests.hpp"

namespace stratus::dynamodb {

struct ItemWrite {
  Table* table = nullptr;
  ItemKey key;
  std::optional<Item> before;    // the item as it is
  std::optional<Item> after;     // the item to store, or nullopt to delete it
  bool changes = true;           // false for condition checks and updates that leave nothing
  std::vector<Path> updated;     // the paths an update set or removed (UPDATED_OLD / UPDATED_NEW)

  Capacity capacity() const;
  void apply();
};

// The key a request addresses, checked against the table's schema: from `Item`
// (puts) or `Key` (the others).
ItemKey request_key(const Table& t, const Value& request, bool is_put);

ItemWrite plan_put(Table& t, const Value& request);
ItemWrite plan_update(Table& t, const Value& request);
ItemWrite plan_delete(Table& t, const Value& request);
ItemWrite plan_condition_check(Table& t, const Value& request);

}  // namespace stratus::dynamodb
