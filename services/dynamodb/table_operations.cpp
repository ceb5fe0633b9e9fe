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
  std::string arn = name_or_arn.starts_with("arn:") ? name_or_arn
                                                    : "arn:aws:dynamodb:" + ctx.region + ":" + ctx.account + ":table/" + name_or_arn;
  auto it = tables_.find(arn);
  if (it == tables_.end()) {
    std::string name = arn.substr(arn.rfind('/') + 1);
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
      index.set("ItemCount", static_cast<std::int64_t>(s.entries.size()));
      index.set("IndexSizeBytes", s.size_bytes);
    }
  }
  return d;
}

Value DynamoDbService::create_table(const RequestContext& ctx, const Value& input) {
  Table t = define_table(input, ctx.account, ctx.region);
  if (tables_.contains(t.arn)) throw ApiError("ResourceInUseException", "Table already exists: " + t.name);
  t.items = std::make_shared<ItemStore>(db_, reader_.get(), t.id());
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
  if (!t.stream_arn.empty()) streams_->close(t.stream_arn);
  db_.write([arn = t.arn](storage::Connection& c) {
    c.prepared("DELETE FROM dynamodb_tables WHERE arn = ?").bind(1, arn).run();
  });
  tables_.erase(t.arn);
  return Value(Object{{"TableDescription", std::move(answer)}});
}

namespace {

// The CreateTable input a table would have been made from with these changes, so that
// define_table checks the result as it checks a new table.
Value updated_definition(const Table& t, const Value& input) {
  Value next = t.input;
  bool changed = false;
  auto replace = [&](const char* member) {
    if (const Value* v = input.find(member); v && !v->is_null()) {
      next.set(member, *v);
      changed = true;
    }
  };
  replace("BillingMode");
  replace("ProvisionedThroughput");
  replace("StreamSpecification");
  replace("TableClass");
  replace("DeletionProtectionEnabled");
  replace("SSESpecification");
  if (input::optional_string(input, "BillingMode") == "PAY_PER_REQUEST") {
    next.erase("ProvisionedThroughput");
    if (Value* gsis = next.find("GlobalSecondaryIndexes"))
      for (Value& g : gsis->as_array()) g.erase("ProvisionedThroughput");
  }
  Value definitions = next.find("AttributeDefinitions") ? *next.find("AttributeDefinitions") : Value::array();
  for (const auto& d : input::list(input, "AttributeDefinitions")) {
    bool known = false;
    for (const auto& existing : definitions.as_array()) known = known || *existing.find("AttributeName") == *d.find("AttributeName");
    if (!known) definitions.push(d);
  }
  Value gsis = next.find("GlobalSecondaryIndexes") ? *next.find("GlobalSecondaryIndexes") : Value::array();
  for (const auto& update : input::list(input, "GlobalSecondaryIndexUpdates")) {
    changed = true;
    auto position = [&](const Value& spec) {
      const std::string& name = input::required_string(spec, "IndexName");
      Array& list = gsis.as_array();
      auto it = std::find_if(list.begin(), list.end(), [&](const Value& g) { return g.find("IndexName")->as_string() == name; });
      return std::pair{it, name};
    };
    if (const Value* create = update.find("Create")) {
      auto [it, name] = position(*create);
      if (it != gsis.as_array().end()) throw invalid("Attempting to create an index which already exists");
      gsis.push(*create);
    } else if (const Value* remove = update.find("Delete")) {
      auto [it, name] = position(*remove);
      if (it == gsis.as_array().end()) throw ApiError("ResourceNotFoundException", "Requested resource not found: Index: " + name + " not found");
      gsis.as_array().erase(it);
    } else if (const Value* change = update.find("Update")) {
      auto [it, name] = position(*change);
      if (it == gsis.as_array().end()) throw ApiError("ResourceNotFoundException", "Requested resource not found: Index: " + name + " not found");
      if (const Value* pt = change->find("ProvisionedThroughput")) it->set("ProvisionedThroughput", *pt);
    }
  }
  if (!changed)
    throw validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates "
                     "or SSESpecification or ReplicaUpdates is required");
  // Definitions only the removed indexes used go with them, as DynamoDB drops them.
  Value used = Value::array();
  for (const auto& d : definitions.as_array()) {
    const std::string& name = d.find("AttributeName")->as_string();
    bool needed = name == t.key.partition_key || (t.key.sort_key && name == *t.key.sort_key);
    auto names_key = [&](const Value& index) {
      for (const auto& k : input::list(index, "KeySchema"))
        if (input::optional_string(k, "AttributeName") == name) return true;
      return false;
    };
    for (const auto& g : gsis.as_array()) needed = needed || names_key(g);
    for (const auto& l : input::list(next, "LocalSecondaryIndexes")) needed = needed || names_key(l);
    if (needed) used.push(d);
  }
  next.set("AttributeDefinitions", std::move(used));
  if (gsis.as_array().empty()) next.erase("GlobalSecondaryIndexes");
  else next.set("GlobalSecondaryIndexes", std::move(gsis));
  return next;
}

}  // namespace

Value DynamoDbService::update_table(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  std::optional<Stream> old_stream = t.stream();
  Table next = define_table(updated_definition(t, input), t.account, t.region);
  std::optional<Stream> new_stream = next.stream();
  if (old_stream && new_stream && input.find("StreamSpecification"))
    throw validation("Table already has an enabled stream: TableName: " + t.name);
  if (!old_stream && !new_stream && input.find("StreamSpecification"))
    throw validation("Table does not have a stream enabled: TableName: " + t.name);

  // What stays: identity, creation time, the current stream unless replaced, items,
  // settings, and the entries of indexes that remain.
  for (const char* member : {"TableId", "CreationDateTime"}) next.description.set(member, *t.description.find(member));
  if (!new_stream)
    for (const char* member : {"LatestStreamArn", "LatestStreamLabel"})
      if (const Value* v = t.description.find(member)) next.description.set(member, *v);
  if (old_stream && new_stream)
    for (const char* member : {"LatestStreamArn", "LatestStreamLabel"}) next.description.set(member, *t.description.find(member));
  next.tags = std::move(t.tags);
  next.time_to_live = std::move(t.time_to_live);
  next.point_in_time_recovery = t.point_in_time_recovery;
  next.items = std::move(t.items);
  std::vector<std::string> created;
  for (auto& [name, index] : next.indexes) {
    if (auto old = t.indexes.find(name); old != t.indexes.end()) {
      index.entries = std::move(old->second.entries);
      index.size_bytes = old->second.size_bytes;
    } else {
      created.push_back(name);
    }
  }
  next.items->scan(std::nullopt, [&](const ItemKey& k, const Item& item) {  // backfill
    for (const auto& name : created) next.indexes.at(name).update(next.key, k, nullptr, &item);
    return !created.empty();
  });
  if (old_stream && !new_stream) streams_->close(old_stream->arn);
  attach_stream(next, !old_stream && new_stream);
  t = std::move(next);
  save(t);

  // Answered as being updated (new indexes as being built), then ACTIVE, as waiters expect.
  Value answer = with_status(described(t), "UPDATING");
  if (Value* gsis = answer.find("GlobalSecondaryIndexes"))
    for (Value& g : gsis->as_array())
      if (std::find(created.begin(), created.end(), g.find("IndexName")->as_string()) != created.end()) {
        g.set("IndexStatus", "CREATING");
        g.set("Backfilling", true);
      }
  return Value(Object{{"TableDescription", std::move(answer)}});
}

}  // namespace stratus::dynamodb
