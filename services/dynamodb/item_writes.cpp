#include "services/dynamodb/item_writes.hpp"

#include <algorithm>

#include "services/dynamodb/errors.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

void check_key_untouched(const Table& t, const UpdateExpression& actions) {
  for (const auto& a : actions) {
    const std::string& top = a.path.front().name;
    if (top == t.key.partition_key || (t.key.sort_key && top == *t.key.sort_key))
      throw invalid("Cannot update attribute " + top + ". This attribute is part of the key");
  }
}

// The write's table, key and current item.
ItemWrite start(Table& t, ItemKey key) {
  ItemWrite w;
  w.table = &t;
  w.key = std::move(key);
  w.before = t.items->get(w.key);
  return w;
}

WriteRequest read_request(Item item, const Value& request, unsigned expressions) {
  RequestExpressions read = read_expressions(request, expressions);
  return WriteRequest{std::move(item), std::move(read.condition), read.update.value_or(UpdateExpression{}),
                      old_item_on_failure(request)};
}

bool only_removals(const UpdateExpression& actions) {
  return !actions.empty() && std::all_of(actions.begin(), actions.end(), [](const UpdateAction& a) {
    return a.kind == UpdateAction::Kind::Remove || a.kind == UpdateAction::Kind::Delete;
  });
}

}  // namespace

ItemKey request_key(const Table& t, const Value& request, bool is_put) {
  return is_put ? key_of(t, item_parameter(request, "Item"), false) : key_of(t, item_parameter(request, "Key"), true);
}

Capacity ItemWrite::capacity() const {
  Capacity c;
  c.write(*table, old_item(), changes && after ? &*after : nullptr);
  return c;
}

Value ItemWrite::collection_metrics() const {
  bool local_index = std::any_of(table->indexes.begin(), table->indexes.end(), [](const auto& i) { return !i.second.global; });
  const Item* item = after ? &*after : old_item();
  if (!local_index || !item) return Value();
  const std::string& pk = table->key.partition_key;
  // DynamoDB answers a range, not a size: the lower bound of the 1 GB band it is in.
  return Value(Object{{"ItemCollectionKey", AttributeValue::item_value(Item{{pk, item->at(pk)}})},
                      {"SizeEstimateRangeGB", Value(Array{Value(0.0), Value(1.0)})}});
}

bool wants_collection_metrics(const Value& input) {
  return input::optional_string(input, "ReturnItemCollectionMetrics").value_or("NONE") == "SIZE";
}

void add_collection_metrics(Value& out, const Value& input, const std::vector<ItemWrite>& writes) {
  if (!wants_collection_metrics(input)) return;
  Value by_table = Value::object();
  for (const auto& w : writes) {
    Value m = w.collection_metrics();
    if (m.is_null()) continue;
    Value* list = by_table.find(w.table->name);
    if (!list) list = &by_table.set(w.table->name, Value::array());
    list->push(std::move(m));
  }
  out.set("ItemCollectionMetrics", std::move(by_table));
}

void ItemWrite::apply() {
  if (changes && (after || before)) table->write(key, old_item(), std::move(after));
}

ItemWrite plan_put(Table& t, const Value& request) {
  Item item = item_parameter(request, "Item");
  ItemKey key = key_of(t, item, false);
  check_item_size(item);
  return plan_put(t, std::move(key), read_request(std::move(item), request, kCondition));
}

ItemWrite plan_update(Table& t, const Value& request) {
  Item key_item = item_parameter(request, "Key");
  ItemKey key = key_of(t, key_item, true);
  return plan_update(t, std::move(key), read_request(std::move(key_item), request, kCondition | kUpdate));
}

ItemWrite plan_delete(Table& t, const Value& request) {
  ItemKey key = request_key(t, request, false);
  return plan_delete(t, std::move(key), read_request({}, request, kCondition));
}

ItemWrite plan_condition_check(Table& t, const Value& request) {
  if (!request.find("ConditionExpression")) throw validation("ConditionExpression must be specified for ConditionCheck");
  ItemKey key = request_key(t, request, false);
  return plan_condition_check(t, std::move(key), read_request({}, request, kCondition));
}

ItemWrite plan_put(Table& t, ItemKey key, WriteRequest request) {
  ItemWrite w = start(t, std::move(key));
  check_condition(request.condition, w.old_item(), request.old_item_on_failure);
  w.after = std::move(request.item);
  return w;
}

ItemWrite plan_update(Table& t, ItemKey key, WriteRequest request) {
  const UpdateExpression& actions = request.update;
  check_key_untouched(t, actions);
  ItemWrite w = start(t, std::move(key));
  check_condition(request.condition, w.old_item(), request.old_item_on_failure);
  for (const auto& a : actions) w.updated.push_back(a.path);
  w.after = apply_update(actions, w.before ? *w.before : request.item, w.before.has_value());
  key_of(t, *w.after, false);
  check_item_size(*w.after, "Item size to update has exceeded the maximum allowed size");
  // Removing from an item that is not there leaves nothing there.
  if (!w.before && only_removals(actions)) {
    w.changes = false;
    w.after.reset();
  }
  return w;
}

ItemWrite plan_delete(Table& t, ItemKey key, WriteRequest request) {
  ItemWrite w = start(t, std::move(key));
  check_condition(request.condition, w.old_item(), request.old_item_on_failure);
  return w;
}

ItemWrite plan_condition_check(Table& t, ItemKey key, WriteRequest request) {
  ItemWrite w = start(t, std::move(key));
  check_condition(request.condition, w.old_item(), request.old_item_on_failure);
  w.changes = false;
  return w;
}

}  // namespace stratus::dynamodb
