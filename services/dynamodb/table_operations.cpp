// Tables: create, describe, list, delete.
#include <algorithm>

#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/input.hpp"
#include "storage/statement.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::int64_t kMaxListLimit = 100;

Value with_status(Value description, const char* status) {
  description.set("TableStatus", status);
  return description;
}

}  // namespace

Table& DynamoDbService::table(const RequestContext& ctx, const std::string& name_or_arn) {
  bool is_arn = name_or_arn.starts_with("arn:");
  auto it = tables_.find(is_arn ? name_or_arn : table_arn(ctx.account, ctx.region, name_or_arn));
  if (it == tables_.end()) {
    std::string name = is_arn ? name_or_arn.substr(name_or_arn.rfind('/') + 1) : name_or_arn;
    throw ApiError("ResourceNotFoundException", "Requested resource not found: Table: " + name + " not found");
  }
  return it->second;
}

// The description with the table's live counts.
Value DynamoDbService::described(const Table& t) const {
  Value d = t.description;
  d.set("TableSizeBytes", t.items->size_bytes());
  d.set("ItemCount", t.items->count());
  for (const char* member : {"GlobalSecondaryIndexes", "LocalSecondaryIndexes"}) {
    Value* list = d.find(member);
    if (!list) continue;
    for (Value& index : list->as_array()) {
      const SecondaryIndex& s = t.indexes.at(index.find("IndexName")->as_string());
      index.set("ItemCount", s.store->count());
      index.set("IndexSizeBytes", s.store->size_bytes());
    }
  }
  return d;
}

Value DynamoDbService::create_table(const RequestContext& ctx, const Value& input) {
  Table t = define_table(input, ctx.account, ctx.region);
  if (tables_.contains(t.arn)) throw ApiError("ResourceInUseException", "Table already exists: " + t.name);
  t.open_stores(db_, reader_.get(), *key_spaces_);
  attach_stream(t, true);
  save(t);
  // A new table is answered as still being created (then it is ACTIVE), so that the
  // table_exists waiter has something to wait for.
  Value answer = with_status(described(t), "CREATING");
  tables_.emplace(t.arn, std::move(t));
  return Value(Object{{"TableDescription", std::move(answer)}});
}

Value DynamoDbService::describe_table(const RequestContext& ctx, const Value& input) {
  return Value(Object{{"Table", described(table(ctx, input::required_string(input, "TableName")))}});
}

Value DynamoDbService::list_tables(const RequestContext& ctx, const Value& input) {
  std::int64_t limit = input::optional_int(input, "Limit").value_or(kMaxListLimit);
  if (limit < 1 || limit > kMaxListLimit)
    throw ApiError("ValidationException", "1 validation error detected: Value '" + std::to_string(limit) +
                                              "' at 'limit' failed to satisfy constraint: Member must have value " +
                                              (limit < 1 ? "greater than or equal to 1" : "less than or equal to 100"));
  auto start = input::optional_string(input, "ExclusiveStartTableName");
  std::vector<std::string> names;
  for (const auto& [arn, t] : tables_)
    if (t.account == ctx.account && t.region == ctx.region && (!start || t.name > *start)) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  Value out = Value::object();
  Value list = Value::array();
  for (std::size_t i = 0; i < names.size() && static_cast<std::int64_t>(i) < limit; ++i) list.push(names[i]);
  if (static_cast<std::int64_t>(names.size()) > limit) out.set("LastEvaluatedTableName", names[static_cast<std::size_t>(limit) - 1]);
  out.set("TableNames", std::move(list));
  return out;
}

Value DynamoDbService::delete_table(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  if (const Value* p = t.description.find("DeletionProtectionEnabled"); p && p->as_bool())
    throw ApiError("ValidationException", "Resource cannot be deleted as it is currently protected against deletion. "
                                          "Disable deletion protection first.");
  Value answer = with_status(described(t), "DELETING");
  t.items->clear();
  for (auto& [name, index] : t.indexes) index.store->clear();
  if (!t.stream_arn.empty()) streams_->close(t.stream_arn);
  db_.write([arn = t.arn](storage::Changes& c) {
    c.prepared("DELETE FROM dynamodb_tables WHERE arn = ?").bind(1, arn).run();
  });
  tables_.erase(t.arn);
  return Value(Object{{"TableDescription", std::move(answer)}});
}

}  // namespace stratus::dynamodb
