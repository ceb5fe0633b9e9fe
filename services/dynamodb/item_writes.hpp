#pragma once
// A write to one item, checked and worked out but not yet applied: what PutItem,
// UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems and PartiQL's writes share.
// Planning checks the condition against the item as it is (throwing
// ConditionalCheckFailedException) and computes the item after.
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

  const Item* old_item() const { return before ? &*before : nullptr; }
  Capacity capacity() const;
  // ItemCollectionMetrics for a table with local secondary indexes (null otherwise):
  // the item's partition key and the collection's estimated size range in GB.
  Value collection_metrics() const;
  void apply();
};

// Whether a request asks for ItemCollectionMetrics (ReturnItemCollectionMetrics=SIZE).
bool wants_collection_metrics(const Value& input);
// ItemCollectionMetrics by table, as BatchWriteItem and TransactWriteItems answer them.
void add_collection_metrics(Value& out, const Value& input, const std::vector<ItemWrite>& writes);

// A write once its parameters are read, whichever API asked for it.
struct WriteRequest {
  Item item;                          // puts: the item; the others: the key
  std::optional<Condition> condition;
  UpdateExpression update;            // updates only
  bool old_item_on_failure = false;   // a failed condition returns the item as it is
};

// The key a request addresses, checked against the table's schema: from `Item`
// (puts) or `Key` (the others).
ItemKey request_key(const Table& t, const Value& request, bool is_put);

// Plans from a request in the API's wire form (Item or Key, expressions, ...).
ItemWrite plan_put(Table& t, const Value& request);
ItemWrite plan_update(Table& t, const Value& request);
ItemWrite plan_delete(Table& t, const Value& request);
ItemWrite plan_condition_check(Table& t, const Value& request);

// Plans from a request already read; `key` is its checked key (and a put's item fits
// DynamoDB's item size).
ItemWrite plan_put(Table& t, ItemKey key, WriteRequest request);
ItemWrite plan_update(Table& t, ItemKey key, WriteRequest request);
ItemWrite plan_delete(Table& t, ItemKey key, WriteRequest request);
ItemWrite plan_condition_check(Table& t, ItemKey key, WriteRequest request);

}  // namespace stratus::dynamodb
