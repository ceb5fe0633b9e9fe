// Reading many items: Query (a key range within one partition) and Scan (everything,
// or one segment of a parallel scan), on the table or one of its secondary indexes,
// with filters, projections, Select, Limit, 1 MB pages and paging keys.
#include <set>

#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/read_page.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::int64_t kMaxTotalSegments = 1000000;

// A Query filter may not test the key it queries by.
void check_filter(const std::optional<Condition>& filter, const KeySchema& schema, const Value& input) {
  if (!filter) return;
  std::set<std::string> names = top_level_names(*filter);
  for (const std::string* key : {&schema.partition_key, schema.sort_key ? &*schema.sort_key : nullptr})
    if (key && names.contains(*key))
      throw validation(std::string(input.find("QueryFilter") ? "QueryFilter" : "Filter Expression") +
                       " can only contain non-primary key attributes: Primary key attribute: " + *key);
}

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

// The Select parameter, checked against the projection and the index.
std::string select(const Value& input, const RequestExpressions& expressions, const SecondaryIndex* index) {
  const char* projection = input.find("ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet";
  auto given = input::optional_string(input, "Select");
  if (given && *given != "ALL_ATTRIBUTES" && *given != "ALL_PROJECTED_ATTRIBUTES" && *given != "SPECIFIC_ATTRIBUTES" &&
      *given != "COUNT")
    throw validation("1 validation error detected: Value '" + *given +
                     "' at 'select' failed to satisfy constraint: Member must satisfy enum value set: "
                     "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
  if (!given) return expressions.projection ? "SPECIFIC_ATTRIBUTES" : index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
  if (*given == "SPECIFIC_ATTRIBUTES") {
    if (!expressions.projection)
      throw validation("1 validation error detected: Value '' at 'projectionExpression' failed to satisfy constraint: "
                       "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
    return *given;
  }
  if (expressions.projection)
    throw validation(std::string("Cannot specify the ") + projection + " when choosing to get " +
                     (*given == "COUNT" ? "only the Count" : *given));
  if (*given == "ALL_PROJECTED_ATTRIBUTES" && !index)
    throw validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  if (*given == "ALL_ATTRIBUTES" && index && index->global && index->projection_type != "ALL")
    throw invalid("Select type ALL_ATTRIBUTES is not supported for global secondary index " + index->name +
                  " because its projection type is not ALL");
  return *given;
}

// What the answer holds of an item under the Select mode: a local index fetches from the
// table what it does not hold itself; COUNT keeps nothing.
ReadPage::Shape shape(const std::string& select, const Table& t, const SecondaryIndex* index, const RequestExpressions& expressions) {
  if (select == "COUNT") return nullptr;
  if (select == "SPECIFIC_ATTRIBUTES")
    return [index, &expressions](const Item& item, const Item& read) {
      return AttributeValue::item_value(project(index && index->global ? read : item, *expressions.projection));
    };
  if (select == "ALL_PROJECTED_ATTRIBUTES") return index_projections(t, *index);
  return whole_items();
}

ReadPage page_for(const Table& t, const SecondaryIndex* index, const Value& input, const RequestExpressions& expressions) {
  const Condition* filter = expressions.filter ? &*expressions.filter : nullptr;
  return ReadPage(t, index, page_limit(input), filter, shape(select(input, expressions, index), t, index, expressions));
}

Value answer(ReadPage& page, const Table& t, const Value& input, bool consistent) {
  Value out = Value::object();
  if (input::optional_string(input, "Select").value_or("") != "COUNT") out.set("Items", std::move(page.items()));
  out.set("Count", page.count());
  out.set("ScannedCount", page.scanned());
  if (auto key = page.last_key()) out.set("LastEvaluatedKey", AttributeValue::item_value(*key));
  add_capacity(out, input, t, page.capacity(consistent));
  return out;
}

const SecondaryIndex* index_of(const Table& t, const Value& input) {
  auto name = input::optional_string(input, "IndexName");
  if (!name) return nullptr;
  auto it = t.indexes.find(*name);
  if (it == t.indexes.end()) throw validation("The table does not have the specified index: " + *name);
  return &it->second;
}

bool consistent_read(const SecondaryIndex* index, const Value& input) {
  bool consistent = input::optional_bool(input, "ConsistentRead").value_or(false);
  if (consistent && index && index->global) throw validation("Consistent reads are not supported on global secondary indexes");
  return consistent;
}

}  // namespace

Value DynamoDbService::query(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  const SecondaryIndex* index = index_of(t, input);
  bool consistent = consistent_read(index, input);
  RequestExpressions expressions = read_expressions(input, kKeyCondition | kFilter | kProjection);
  if (!expressions.key_condition)
    throw validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  const KeySchema& schema = index ? index->key : t.key;
  KeyQuery q = key_query(*expressions.key_condition, schema, t.attribute_types, input.find("KeyConditions") != nullptr);
  check_filter(expressions.filter, schema, input);
  bool forward = input::optional_bool(input, "ScanIndexForward").value_or(true);
  ReadPage page = page_for(t, index, input, expressions);
  read_partition(t, index, q, forward, input.find("ExclusiveStartKey"), page);
  return answer(page, t, input, consistent);
}

Value DynamoDbService::scan(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  const SecondaryIndex* index = index_of(t, input);
  bool consistent = consistent_read(index, input);
  auto segment = input::optional_int(input, "Segment"), total = input::optional_int(input, "TotalSegments");
  if (segment && !total)
    throw validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  if (total && !segment)
    throw validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  if (total && (*total < 1 || *total > kMaxTotalSegments))
    throw validation("1 validation error detected: Value '" + std::to_string(*total) +
                     "' at 'totalSegments' failed to satisfy constraint: Member must have value " +
                     (*total < 1 ? "greater than or equal to 1" : "less than or equal to 1000000"));
  if (segment && *segment >= *total)
    throw validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                     std::to_string(*segment) + " is not less than TotalSegments: " + std::to_string(*total));
  RequestExpressions expressions = read_expressions(input, kFilter | kProjection);
  ReadPage page = page_for(t, index, input, expressions);
  std::function<bool(const std::string&)> in_segment;
  if (total)
    in_segment = [&](const std::string& partition) {
      return fnv1a(partition) % static_cast<std::uint64_t>(*total) == static_cast<std::uint64_t>(*segment);
    };
  read_all(t, index, input.find("ExclusiveStartKey"), in_segment, page);
  return answer(page, t, input, consistent);
}

}  // namespace stratus::dynamodb
