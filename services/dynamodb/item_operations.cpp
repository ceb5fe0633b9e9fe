// Single items: PutItem, GetItem, UpdateItem and DeleteItem, with conditions,
// projections, ReturnValues and consumed capacity.
#include <algorithm>

#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/item_requests.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

void set_attributes(Value& out, const Item& attributes) {
  if (!attributes.empty()) out.set("Attributes", AttributeValue::item_value(attributes));
}

std::vector<Path> action_paths(const UpdateExpression& actions) {
  std::vector<Path> paths;
  for (const auto& a : actions) paths.push_back(a.path);
  return paths;
}

void check_key_untouched(const Table& t, const UpdateExpression& actions) {
  for (const auto& a : actions) {
    const std::string& top = a.path.front().name;
    if (top == t.key.partition_key || (t.key.sort_key && top == *t.key.sort_key))
      throw invalid("Cannot update attribute " + top + ". This attribute is part of the key");
  }
}

}  // namespace

Value DynamoDbService::put_item(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  std::string returns = return_values(input, {"NONE", "ALL_OLD"});
  Item item = item_parameter(input, "Item");
  ItemKey key = key_of(t, item, false);
  check_item_size(item);
  RequestExpressions expressions = read_expressions(input, kCondition);
  const Item* old = t.items->get(key);
  check_condition(expressions, old, input);
  Value out = Value::object();
  if (old && returns == "ALL_OLD") set_attributes(out, *old);
  Capacity capacity;
  capacity.write(t, old, &item);
  add_capacity(out, input, t, capacity);
  t.write(key, std::move(item));
  return out;
}

Value DynamoDbService::get_item(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  ItemKey key = key_of(t, item_parameter(input, "Key"), true);
  RequestExpressions expressions = read_expressions(input, kProjection);
  Value out = Value::object();
  Capacity capacity;
  const Item* item = t.items->get(key);
  capacity.read(item ? item_size(*item) : 0, input::optional_bool(input, "ConsistentRead").value_or(false));
  if (item)
    out.set("Item", AttributeValue::item_value(expressions.projection ? project(*item, *expressions.projection) : *item));
  add_capacity(out, input, t, capacity);
  return out;
}

Value DynamoDbService::update_item(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  std::string returns = return_values(input, {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"});
  Item key_item = item_parameter(input, "Key");
  ItemKey key = key_of(t, key_item, true);
  RequestExpressions expressions = read_expressions(input, kCondition | kUpdate);
  UpdateExpression actions = expressions.update.value_or(UpdateExpression{});
  check_key_untouched(t, actions);
  const Item* old = t.items->get(key);
  check_condition(expressions, old, input);
  Item updated = apply_update(actions, old ? *old : key_item);
  key_of(t, updated, false);
  check_item_size(updated, "Item size to update has exceeded the maximum allowed size");
  Value out = Value::object();
  if (returns == "ALL_OLD" && old) set_attributes(out, *old);
  if (returns == "UPDATED_OLD" && old) set_attributes(out, project(*old, action_paths(actions)));
  if (returns == "ALL_NEW") set_attributes(out, updated);
  if (returns == "UPDATED_NEW") set_attributes(out, project(updated, action_paths(actions)));
  Capacity capacity;
  capacity.write(t, old, &updated);
  add_capacity(out, input, t, capacity);
  // Removing from an item that is not there leaves nothing there.
  bool only_removals = !actions.empty() && std::all_of(actions.begin(), actions.end(), [](const UpdateAction& a) {
    return a.kind == UpdateAction::Kind::Remove || a.kind == UpdateAction::Kind::Delete;
  });
  if (old || !only_removals) t.write(key, std::move(updated));
  return out;
}

Value DynamoDbService::delete_item(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  std::string returns = return_values(input, {"NONE", "ALL_OLD"});
  ItemKey key = key_of(t, item_parameter(input, "Key"), true);
  RequestExpressions expressions = read_expressions(input, kCondition);
  const Item* old = t.items->get(key);
  check_condition(expressions, old, input);
  Value out = Value::object();
  if (old && returns == "ALL_OLD") set_attributes(out, *old);
  Capacity capacity;
  capacity.write(t, old, nullptr);
  add_capacity(out, input, t, capacity);
  if (old) t.write(key, std::nullopt);
  return out;
}

}  // namespace stratus::dynamodb
