// Items: PutItem, GetItem, DeleteItem and Scan, with DynamoDB's key and size checks,
// ReturnValues and consumed capacity. Expressions (conditions, projections, filters,
// updates) come next: parameters that need them are refused, never ignored.
#include <algorithm>
#include <cmath>

#include "services/dynamodb/dynamodb_service.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxItemBytes = 400 * 1024;
constexpr std::size_t kMaxPageBytes = 1024 * 1024;
constexpr double kWriteUnitBytes = 1024.0, kReadUnitBytes = 4096.0;

ApiError validation(const std::string& message) { return ApiError("ValidationException", message); }

// Expressions are not served yet: a request that relies on one is told so.
void refuse_unsupported(const Value& input, std::initializer_list<const char*> members) {
  for (const char* m : members)
    if (const Value* v = input.find(m); v && !v->is_null())
      throw validation(std::string(m) + " is not supported by this server yet");
}

std::string return_values(const Value& input) {
  std::string r = input::optional_string(input, "ReturnValues").value_or("NONE");
  if (r != "NONE" && r != "ALL_OLD") throw validation("Return values set to invalid value");
  return r;
}

void add_capacity(Value& out, const Value& input, const Table& t, double units) {
  std::string mode = input::optional_string(input, "ReturnConsumedCapacity").value_or("NONE");
  if (mode == "NONE") return;
  Value capacity = Value(Object{{"TableName", Value(t.name)}, {"CapacityUnits", Value(units)}});
  if (mode == "INDEXES") capacity.set("Table", Value(Object{{"CapacityUnits", Value(units)}}));
  out.set("ConsumedCapacity", std::move(capacity));
}

double write_units(std::size_t bytes) { return std::max(1.0, std::ceil(static_cast<double>(bytes) / kWriteUnitBytes)); }

double read_units(std::size_t bytes, bool consistent) {
  double units = std::max(1.0, std::ceil(static_cast<double>(bytes) / kReadUnitBytes));
  return consistent ? units : units / 2;
}

Item only(const Item& item, const std::vector<std::string>& names) {
  if (names.empty()) return item;
  Item out;
  for (const auto& n : names)
    if (auto it = item.find(n); it != item.end()) out.emplace(n, it->second);
  return out;
}

}  // namespace

Value DynamoDbService::put_item(const RequestContext& ctx, const Value& input) {
  refuse_unsupported(input, {"ConditionExpression", "Expected", "ExpressionAttributeNames", "ExpressionAttributeValues"});
  Table& t = table(ctx, input::required_string(input, "TableName"));
  std::string returns = return_values(input);
  const Value* wire = input.find("Item");
  Item item = AttributeValue::parse_item(wire ? *wire : Value::object());
  ItemKey key = key_of(t, item, false);
  std::size_t size = item_size(item);
  if (size > kMaxItemBytes) throw validation("Item size has exceeded the maximum allowed size");
  Value out = Value::object();
  std::size_t old_size = 0;
  if (const Item* old = t.items->get(key)) {
    old_size = item_size(*old);
    if (returns == "ALL_OLD") out.set("Attributes", AttributeValue::item_value(*old));
  }
  t.items->put(key, std::move(item));
  add_capacity(out, input, t, write_units(std::max(size, old_size)));
  return out;
}

Value DynamoDbService::get_item(const RequestContext& ctx, const Value& input) {
  refuse_unsupported(input, {"ProjectionExpression", "ExpressionAttributeNames"});
  Table& t = table(ctx, input::required_string(input, "TableName"));
  const Value* wire = input.find("Key");
  ItemKey key = key_of(t, AttributeValue::parse_item(wire ? *wire : Value::object()), true);
  bool consistent = input::optional_bool(input, "ConsistentRead").value_or(false);
  Value out = Value::object();
  std::size_t size = 0;
  if (const Item* item = t.items->get(key)) {
    size = item_size(*item);
    out.set("Item", AttributeValue::item_value(only(*item, input::strings(input, "AttributesToGet"))));
  }
  add_capacity(out, input, t, read_units(size, consistent));
  return out;
}

Value DynamoDbService::delete_item(const RequestContext& ctx, const Value& input) {
  refuse_unsupported(input, {"ConditionExpression", "Expected", "ExpressionAttributeNames", "ExpressionAttributeValues"});
  Table& t = table(ctx, input::required_string(input, "TableName"));
  std::string returns = return_values(input);
  const Value* wire = input.find("Key");
  ItemKey key = key_of(t, AttributeValue::parse_item(wire ? *wire : Value::object()), true);
  Value out = Value::object();
  std::size_t size = 0;
  if (const Item* old = t.items->get(key)) {
    size = item_size(*old);
    if (returns == "ALL_OLD") out.set("Attributes", AttributeValue::item_value(*old));
    t.items->erase(key);
  }
  add_capacity(out, input, t, write_units(size));
  return out;
}

Value DynamoDbService::scan(const RequestContext& ctx, const Value& input) {
  refuse_unsupported(input, {"FilterExpression", "ScanFilter", "ProjectionExpression", "ExpressionAttributeNames",
                             "ExpressionAttributeValues", "IndexName", "Segment", "TotalSegments"});
  Table& t = table(ctx, input::required_string(input, "TableName"));
  auto limit = input::optional_int(input, "Limit");
  if (limit && *limit < 1)
    throw validation("1 validation error detected: Value '" + std::to_string(*limit) +
                     "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  std::string select = input::optional_string(input, "Select").value_or("ALL_ATTRIBUTES");
  if (select != "ALL_ATTRIBUTES" && select != "COUNT")
    throw validation(select + " is not supported for Scan by this server yet");
  std::optional<ItemKey> after;
  if (const Value* start = input.find("ExclusiveStartKey"); start && start->is_object())
    after = key_of(t, AttributeValue::parse_item(*start), true);
  auto names = input::strings(input, "AttributesToGet");
  Value items = Value::array();
  std::int64_t count = 0;
  std::size_t bytes = 0;
  std::optional<Item> last;
  bool more = false;
  t.items->scan(after, [&](const ItemKey&, const Item& item) {
    // A page ends at Limit items or once 1 MB has been read, as DynamoDB pages.
    if ((limit && count >= *limit) || bytes >= kMaxPageBytes) {
      more = true;
      return false;
    }
    ++count;
    bytes += item_size(item);
    if (select != "COUNT") items.push(AttributeValue::item_value(only(item, names)));
    last = item;
    return true;
  });
  if (limit && count == *limit && last) more = true;  // a page that ends at Limit says where
  Value out = Value::object();
  if (select != "COUNT") out.set("Items", std::move(items));
  out.set("Count", count);
  out.set("ScannedCount", count);
  if (more && last) out.set("LastEvaluatedKey", AttributeValue::item_value(key_attributes(t, *last)));
  add_capacity(out, input, t, read_units(bytes, input::optional_bool(input, "ConsistentRead").value_or(false)));
  return out;
}

}  // namespace stratus::dynamodb
