// BatchWriteItem and BatchGetItem: many items across tables in one call. Every
// request is checked before any is carried out, so a bad one writes nothing.
#include <set>

#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/item_writes.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxBatchWrites = 25, kMaxBatchGets = 100;
constexpr std::size_t kMaxBatchGetBytes = 16 * 1024 * 1024;

const Object& request_items(const Value& input) {
  const Value* items = input.find("RequestItems");
  if (!items || !items->is_object() || items->as_object().empty())
    throw validation("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
  return items->as_object();
}

// A key wrong for its table is reported as batches report it.
template <typename F>
auto with_schema_message(F f) {
  try {
    return f();
  } catch (const ApiError& e) {
    if (e.code != "ValidationException" || std::string(e.what()).find("key") == std::string::npos) throw;
    throw validation("The provided key element does not match the schema");
  }
}

}  // namespace

Value DynamoDbService::batch_write_item(const RequestContext& ctx, const Value& input) {
  const Object& tables = request_items(input);
  std::size_t total = 0;
  for (const auto& [name, requests] : tables) {
    std::size_t n = requests.is_array() ? requests.as_array().size() : 0;
    if (n < 1 || n > kMaxBatchWrites)
      throw validation("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy "
                       "constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
    total += n;
  }
  if (total > kMaxBatchWrites) throw validation("Too many items requested for the BatchWriteItem call");

  std::vector<ItemWrite> writes;
  std::set<std::pair<std::string, ItemKey>> seen;
  for (const auto& [name, requests] : tables) {
    Table& t = table(ctx, name);
    for (const auto& request : requests.as_array()) {
      const Value* put = request.find("PutRequest");
      const Value* del = request.find("DeleteRequest");
      if (!put == !del) throw invalid("A WriteRequest must hold exactly one of PutRequest and DeleteRequest");
      ItemWrite w = with_schema_message([&] { return put ? plan_put(t, *put) : plan_delete(t, *del); });
      if (!seen.emplace(t.arn, w.key).second) throw validation("Provided list of item keys contains duplicates");
      writes.push_back(std::move(w));
    }
  }

  std::map<std::string, Capacity> used;
  Value out = Value(Object{{"UnprocessedItems", Value::object()}});
  add_collection_metrics(out, input, writes);
  bool counted = capacity_mode(input) != "NONE";
  for (auto& w : writes) {
    if (counted) used[w.table->name] += w.capacity();
    w.apply();
  }
  add_capacities(out, input, used);
  return out;
}

Value DynamoDbService::batch_get_item(const RequestContext& ctx, const Value& input) {
  const Object& tables = request_items(input);
  std::size_t total = 0;
  for (const auto& [name, request] : tables) {
    std::size_t n = input::list(request, "Keys").size();
    if (n < 1 || n > kMaxBatchGets)
      throw validation("1 validation error detected: Value at 'requestItems." + name +
                       ".member.keys' failed to satisfy constraint: Member must have length " +
                       (n < 1 ? "greater than or equal to 1" : "less than or equal to 100"));
    total += n;
  }
  if (total > kMaxBatchGets) throw validation("Too many items requested for the BatchGetItem call");

  struct TableRead {
    Table* table;
    const Value* request;
    std::vector<ItemKey> keys;
    RequestExpressions expressions;
  };
  std::vector<TableRead> reads;
  for (const auto& [name, request] : tables) {
    TableRead r{&table(ctx, name), &request, {}, read_expressions(request, kProjection)};
    std::set<ItemKey> seen;
    for (const auto& key : input::list(request, "Keys")) {
      ItemKey k = with_schema_message([&] { return key_of(*r.table, AttributeValue::parse_item(key), true); });
      if (!seen.insert(k).second) throw validation("Provided list of item keys contains duplicates");
      r.keys.push_back(std::move(k));
    }
    reads.push_back(std::move(r));
  }

  // Past 16 MB of items the remaining keys come back unprocessed, for the caller to retry.
  std::map<std::string, Capacity> used;
  Value responses = Value::object(), unprocessed = Value::object();
  std::size_t bytes = 0;
  for (const auto& r : reads) {
    Value items = Value::array(), left = Value::array();
    Capacity& c = used[r.table->name];
    double per_4kb = input::optional_bool(*r.request, "ConsistentRead").value_or(false) ? kConsistent : kEventual;
    const Array& wire_keys = input::list(*r.request, "Keys");
    for (std::size_t i = 0; i < r.keys.size(); ++i) {
      if (bytes > kMaxBatchGetBytes) {
        left.push(wire_keys[i]);
        continue;
      }
      std::optional<Item> item = r.table->items->get(r.keys[i]);
      std::size_t size = item ? item_size(*item) : 0;
      bytes += size;
      c.read(size, per_4kb);
      if (item) items.push(AttributeValue::item_value(projected(*item, r.expressions)));
    }
    responses.set(r.table->name, std::move(items));
    if (!left.as_array().empty()) {
      Value again = *r.request;
      again.set("Keys", std::move(left));
      unprocessed.set(r.table->name, std::move(again));
    }
  }
  Value out = Value(Object{{"Responses", std::move(responses)}, {"UnprocessedKeys", std::move(unprocessed)}});
  add_capacities(out, input, used);
  return out;
}

}  // namespace stratus::dynamodb
