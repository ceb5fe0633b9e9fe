#include "services/dynamodb/item_writes.hpp"

#include <algorithm>

#include "services/dynamodb/errors.hpp"

namespace stratus::dynamodb {
namespace {

void check_key_untouched(const Table& t, const UpdateExpression& actions) {
  for (const auto& a : actions) {
    const std::string& top = a.path.front().name;
    if (top == t.key.partition_key || (t.key.sort_key && top == *t.key.sort_key))
      throw invalid("Cannot update attribute " + top + ". This attribute is part of the key");
  }
}

// The write's table, key and current item, with the request's expressions read.
ItemWrite start(Table& t, ItemKey key, const Value& request, unsigned expressions, RequestExpressions& read) {
  ItemWrite w;
  w.table = &t;
  w.key = std::move(key);
  read = read_expressions(request, expressions);
  w.before = t.items->get(w.key);
  return w;
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
  c.write(*table, before ? &*before : nullptr, changes && after ? &*after : nullptr);
  return c;
}

void ItemWrite::apply() {
  if (changes && (after || before)) table->write(key, before ? &*before : nullptr, std::move(after));
}

ItemWrite plan_put(Table& t, const Value& request) {
  Item item = item_parameter(request, "Item");
  ItemKey key = key_of(t, item, false);
  check_item_size(item);
  RequestExpressions read;
  ItemWrite w = start(t, std::move(key), request, kCondition, read);
  check_condition(read, w.before ? &*w.before : nullptr, request);
  w.after = std::move(item);
  return w;
}

ItemWrite plan_update(Table& t, const Value& request) {
  Item key_item = item_parameter(request, "Key");
  RequestExpressions read;
  ItemWrite w = start(t, key_of(t, key_item, true), request, kCondition | kUpdate, read);
  UpdateExpression actions = read.update.value_or(UpdateExpression{});
  check_key_untouched(t, actions);
  check_condition(read, w.before ? &*w.before : nullptr, request);
  for (const auto& a : actions) w.updated.push_back(a.path);
  w.after = apply_update(actions, w.before ? *w.before : key_item);
  key_of(t, *w.after, false);
  check_item_size(*w.after, "Item size to update has exceeded the maximum allowed size");
  // Removing from an item that is not there leaves nothing there.
  if (!w.before && only_removals(actions)) {
    w.changes = false;
    w.after.reset();
  }
  return w;
}

ItemWrite plan_delete(Table& t, const Value& request) {
  RequestExpressions read;
  ItemWrite w = start(t, request_key(t, request, false), request, kCondition, read);
  check_condition(read, w.before ? &*w.before : nullptr, request);
  return w;
}

ItemWrite plan_condition_check(Table& t, const Value& request) {
  if (!request.find("ConditionExpression")) throw validation("ConditionExpression must be specified for ConditionCheck");
  RequestExpressions read;
  ItemWrite w = start(t, request_key(t, request, false), request, kCondition, read);
  check_condition(read, w.before ? &*w.before : nullptr, request);
  w.changes = false;
  return w;
}

}  // namespace stratus::dynamodb
