#include "services/dynamodb/item_requests.hpp"

#include <algorithm>
#include <cmath>

#include "services/dynamodb/errors.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr double kWriteUnitBytes = 1024.0, kReadUnitBytes = 4096.0;

double units(std::size_t bytes, double unit) { return std::max(1.0, std::ceil(static_cast<double>(bytes) / unit)); }

}  // namespace

std::string return_values(const Value& input, std::initializer_list<const char*> allowed) {
  std::string r = input::optional_string(input, "ReturnValues").value_or("NONE");
  for (const char* a : allowed)
    if (r == a) return r;
  if (r != "ALL_OLD" && r != "ALL_NEW" && r != "UPDATED_OLD" && r != "UPDATED_NEW")
    throw validation("1 validation error detected: Value '" + r +
                     "' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: "
                     "[ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]");
  throw validation("Return values set to invalid value");
}

bool old_item_on_failure(const Value& input) {
  return input::optional_string(input, "ReturnValuesOnConditionCheckFailure").value_or("NONE") == "ALL_OLD";
}

void check_condition(const std::optional<Condition>& condition, const Item* item, bool return_old) {
  if (!condition || matches(*condition, item ? *item : Item{})) return;
  ApiError e("ConditionalCheckFailedException", "The conditional request failed");
  if (item && return_old) e.members.emplace_back("Item", AttributeValue::item_value(*item));
  throw e;
}

void check_item_size(const Item& item, const char* message) {
  if (item_size(item) > kMaxItemBytes) throw validation(message);
}

void Capacity::read(std::size_t bytes, double units_per_4kb) { table += units(bytes, kReadUnitBytes) * units_per_4kb; }

void Capacity::write(const Table& t, const Item* before, const Item* after) {
  table += units(std::max(before ? item_size(*before) : 0, after ? item_size(*after) : 0), kWriteUnitBytes);
  for (const auto& [name, index] : t.indexes) {
    auto old_entry = before ? index.entry_key(*before, {}) : std::nullopt;
    auto new_entry = after ? index.entry_key(*after, {}) : std::nullopt;
    if (!old_entry && !new_entry) continue;
    std::size_t bytes = std::max(before ? item_size(index.projected(t.key, *before)) : 0,
                                 after ? item_size(index.projected(t.key, *after)) : 0);
    // An index key that changes deletes one entry and writes another.
    double cost = units(bytes, kWriteUnitBytes) * (old_entry && new_entry && *old_entry != *new_entry ? 2 : 1);
    (index.global ? global_indexes : local_indexes)[name] += cost;
  }
}

Capacity& Capacity::operator+=(const Capacity& other) {
  table += other.table;
  for (const auto& [name, u] : other.global_indexes) global_indexes[name] += u;
  for (const auto& [name, u] : other.local_indexes) local_indexes[name] += u;
  return *this;
}

double Capacity::total() const {
  double sum = table;
  for (const auto& [name, u] : global_indexes) sum += u;
  for (const auto& [name, u] : local_indexes) sum += u;
  return sum;
}

std::string capacity_mode(const Value& input) {
  return input::optional_string(input, "ReturnConsumedCapacity").value_or("NONE");
}

Value capacity_value(const std::string& table_name, const Capacity& capacity, const std::string& mode) {
  if (mode != "TOTAL" && mode != "INDEXES") return Value();
  Value out = Value(Object{{"TableName", Value(table_name)}, {"CapacityUnits", Value(capacity.total())}});
  if (mode == "INDEXES") {
    out.set("Table", Value(Object{{"CapacityUnits", Value(capacity.table)}}));
    for (const auto& [member, indexes] : {std::pair{"GlobalSecondaryIndexes", &capacity.global_indexes},
                                          std::pair{"LocalSecondaryIndexes", &capacity.local_indexes}}) {
      if (indexes->empty()) continue;
      Value by_name = Value::object();
      for (const auto& [name, u] : *indexes) by_name.set(name, Value(Object{{"CapacityUnits", Value(u)}}));
      out.set(member, std::move(by_name));
    }
  }
  return out;
}

void add_capacity(Value& out, const Value& input, const Table& t, const Capacity& capacity) {
  Value v = capacity_value(t.name, capacity, capacity_mode(input));
  if (!v.is_null()) out.set("ConsumedCapacity", std::move(v));
}

void add_capacities(Value& out, const Value& input, const std::map<std::string, Capacity>& by_table) {
  std::string mode = capacity_mode(input);
  if (mode != "TOTAL" && mode != "INDEXES") return;
  Value list = Value::array();
  for (const auto& [name, c] : by_table) list.push(capacity_value(name, c, mode));
  out.set("ConsumedCapacity", std::move(list));
}

Item projected(const Item& item, const RequestExpressions& expressions) {
  return expressions.projection ? project(item, *expressions.projection) : item;
}

Item item_parameter(const Value& input, const char* member) {
  const Value* wire = input.find(member);
  return AttributeValue::parse_item(wire ? *wire : Value::object());
}

}  // namespace stratus::dynamodb
