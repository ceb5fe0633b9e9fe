// Single items: PutItem, GetItem, UpdateItem and DeleteItem, with conditions,
// projections, ReturnValues and consumed capacity.
#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/item_writes.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

void set_attributes(Value& out, const Item& attributes) {
  if (!attributes.empty()) out.set("Attributes", AttributeValue::item_value(attributes));
}

// Plans, answers with the ReturnValues asked for and the capacity, then applies.
Value write_one(Table& t, const Value& input, ItemWrite (*plan)(Table&, const Value&), std::initializer_list<const char*> returns) {
  std::string asked = return_values(input, returns);
  ItemWrite w = plan(t, input);
  Value out = Value::object();
  if (asked == "ALL_OLD" && w.before) set_attributes(out, *w.before);
  if (asked == "UPDATED_OLD" && w.before) set_attributes(out, project(*w.before, w.updated));
  if (asked == "ALL_NEW" && w.after) set_attributes(out, *w.after);
  if (asked == "UPDATED_NEW" && w.after) set_attributes(out, project(*w.after, w.updated));
  // Counting projects the item for each index: only when the caller asks.
  if (capacity_mode(input) != "NONE") add_capacity(out, input, t, w.capacity());
  if (wants_collection_metrics(input))
    if (Value m = w.collection_metrics(); !m.is_null()) out.set("ItemCollectionMetrics", std::move(m));
  w.apply();
  return out;
}

}  // namespace

Value DynamoDbService::put_item(const RequestContext& ctx, const Value& input) {
  return write_one(table(ctx, input::required_string(input, "TableName")), input, plan_put, {"NONE", "ALL_OLD"});
}

Value DynamoDbService::update_item(const RequestContext& ctx, const Value& input) {
  return write_one(table(ctx, input::required_string(input, "TableName")), input, plan_update,
                   {"NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"});
}

Value DynamoDbService::delete_item(const RequestContext& ctx, const Value& input) {
  return write_one(table(ctx, input::required_string(input, "TableName")), input, plan_delete, {"NONE", "ALL_OLD"});
}

Value DynamoDbService::get_item(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  ItemKey key = request_key(t, input, false);
  RequestExpressions expressions = read_expressions(input, kProjection);
  Value out = Value::object();
  Capacity capacity;
  std::optional<Item> item = t.items->get(key);
  capacity.read(item ? item_size(*item) : 0, input::optional_bool(input, "ConsistentRead").value_or(false) ? kConsistent : kEventual);
  if (item) out.set("Item", AttributeValue::item_value(projected(*item, expressions)));
  add_capacity(out, input, t, capacity);
  return out;
}

}  // namespace stratus::dynamodb
