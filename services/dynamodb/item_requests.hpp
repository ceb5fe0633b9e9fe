#pragma once
// What the item operations (single items, queries, batches, transactions) share:
// DynamoDB's limits, ReturnValues, condition checks and consumed capacity.
#include <cstddef>
#include <initializer_list>
#include <map>
#include <string>

#include "protocol/value.hpp"
#include "services/dynamodb/request_expressions.hpp"
#include "services/dynamodb/table.hpp"

namespace stratus::dynamodb {

constexpr std::size_t kMaxItemBytes = 400 * 1024;

// The ReturnValues parameter, one of `allowed` (NONE when absent).
std::string return_values(const Value& input, std::initializer_list<const char*> allowed);

// Whether a failed condition returns the item (ReturnValuesOnConditionCheckFailure=ALL_OLD).
bool old_item_on_failure(const Value& input);

// Throws ConditionalCheckFailedException unless the item (null when there is none)
// meets the condition; with `return_old` the error carries the item.
void check_condition(const std::optional<Condition>& condition, const Item* item, bool return_old);

// Throws ValidationException unless the item fits DynamoDB's 400 KB.
void check_item_size(const Item& item, const char* message = "Item size has exceeded the maximum allowed size");

// Read units per 4 KB: eventually consistent, strongly consistent, transactional.
constexpr double kEventual = 0.5, kConsistent = 1, kTransactional = 2;

// Capacity units consumed on a table and its indexes, as DynamoDB computes them.
struct Capacity {
  double table = 0;
  std::map<std::string, double> global_indexes, local_indexes;

  void read(std::size_t bytes, double units_per_4kb);
  // A write that replaces `before` with `after` (either may be null).
  void write(const Table& t, const Item* before, const Item* after);
  Capacity& operator+=(const Capacity& other);
  double total() const;
};

// The ReturnConsumedCapacity mode: NONE, TOTAL or INDEXES.
std::string capacity_mode(const Value& input);
// A ConsumedCapacity for the mode (null for NONE).
Value capacity_value(const std::string& table_name, const Capacity& capacity, const std::string& mode);
// Sets ConsumedCapacity on a single-table answer when the request asked for it.
void add_capacity(Value& out, const Value& input, const Table& t, const Capacity& capacity);

// The item as the request's projection (if any) shapes it.
Item projected(const Item& item, const RequestExpressions& expressions);

// Sets ConsumedCapacity, one entry a table, on a multi-table answer when asked for.
void add_capacities(Value& out, const Value& input, const std::map<std::string, Capacity>& by_table);

// A request's item or key parameter (`member`), parsed.
Item item_parameter(const Value& input, const char* member);

}  // namespace stratus::dynamodb
