#include "services/dynamodb/dynamodb_service.hpp"

#include "protocol/json.hpp"
#include "storage/statement.hpp"

namespace stratus::dynamodb {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE dynamodb_tables (arn TEXT PRIMARY KEY, document TEXT NOT NULL);)",
};

}  // namespace

const OperationTable<DynamoDbService>& DynamoDbService::operations() {
  static const OperationTable<DynamoDbService> table = {
      {"BatchExecuteStatement", {&DynamoDbService::batch_execute_statement}},
      {"BatchGetItem", {&DynamoDbService::batch_get_item}},
      {"BatchWriteItem", {&DynamoDbService::batch_write_item}},
      {"CreateTable", {&DynamoDbService::create_table}},
      {"DeleteItem", {&DynamoDbService::delete_item}},
      {"DescribeContinuousBackups", {&DynamoDbService::describe_continuous_backups}},
      {"DescribeEndpoints", {&DynamoDbService::describe_endpoints}},
      {"DescribeLimits", {&DynamoDbService::describe_limits}},
      {"DescribeTimeToLive", {&DynamoDbService::describe_time_to_live}},
      {"DeleteTable", {&DynamoDbService::delete_table}},
      {"DescribeTable", {&DynamoDbService::describe_table}},
      {"ExecuteStatement", {&DynamoDbService::execute_statement}},
      {"ExecuteTransaction", {&DynamoDbService::execute_transaction}},
      {"GetItem", {&DynamoDbService::get_item}},
      {"ListTables", {&DynamoDbService::list_tables}},
      {"ListTagsOfResource", {&DynamoDbService::list_tags_of_resource}},
      {"PutItem", {&DynamoDbService::put_item}},
      {"Query", {&DynamoDbService::query}},
      {"Scan", {&DynamoDbService::scan}},
      {"TagResource", {&DynamoDbService::tag_resource}},
      {"TransactGetItems", {&DynamoDbService::transact_get_items}},
      {"TransactWriteItems", {&DynamoDbService::transact_write_items}},
      {"UntagResource", {&DynamoDbService::untag_resource}},
      {"UpdateItem", {&DynamoDbService::update_item}},
      {"UpdateTable", {&DynamoDbService::update_table}},
      {"UpdateContinuousBackups", {&DynamoDbService::update_continuous_backups}},
      {"UpdateTimeToLive", {&DynamoDbService::update_time_to_live}},
  };
  return table;
}

DynamoDbService::DynamoDbService(storage::Database& db, Scheduler& scheduler) : db_(db), scheduler_(scheduler) {
  db_.migrate("dynamodb", kMigrations);
  KeySpaces::migrate(db_);
  ItemStore::migrate(db_);
  IndexStore::migrate(db_);
  key_spaces_ = std::make_unique<KeySpaces>(db_);
  reader_ = db_.reader();
  streams_ = std::make_shared<StreamLog>(db_);
  db_.read([this](storage::Connection& c) {
    auto& s = c.prepared("SELECT document FROM dynamodb_tables");
    while (s.step()) {
      Value d = json::parse(s.column_text(0));
      RequestContext ctx;
      ctx.account = d.find("Account")->as_string();
      ctx.region = d.find("Region")->as_string();
      Table t = define_table(*d.find("Input"), ctx.account, ctx.region);
      t.description = *d.find("Description");
      t.tags = json::read_string_map(json::write(*d.find("Tags")));
      if (const Value* ttl = d.find("TimeToLive")) t.time_to_live = *ttl;
      if (const Value* pitr = d.find("PointInTimeRecovery"); pitr && pitr->is_bool()) t.point_in_time_recovery = pitr->as_bool();
      t.open_stores(db_, reader_.get(), *key_spaces_);
      attach_stream(t, false);
      tables_.emplace(t.arn, std::move(t));
    }
  });
  schedule_sweep();
}

void DynamoDbService::call(std::string_view operation, const RequestContext& context, Value input, Reply reply) {
  dispatch(*this, operations(), mutex_, operation, context, input, reply);
}

void DynamoDbService::save(const Table& t) {
  Value tags = Value::object();
  for (const auto& [k, v] : t.tags) tags.set(k, v);
  Value d = Value(Object{{"Account", Value(t.account)},
                         {"Region", Value(t.region)},
                         {"Input", t.input},
                         {"Description", t.description},
                         {"Tags", std::move(tags)},
                         {"TimeToLive", t.time_to_live},
                         {"PointInTimeRecovery", Value(t.point_in_time_recovery)}});
  db_.write([arn = t.arn, text = json::write(d)](storage::Changes& c) {
    c.prepared("INSERT OR REPLACE INTO dynamodb_tables (arn, document) VALUES (?, ?)").bind(1, arn).bind(2, text).run();
  });
}

// Points a table at its stream; `open` also starts the stream in the log (a new table,
// or a stream just enabled).
void DynamoDbService::attach_stream(Table& t, bool open) {
  t.streams = streams_.get();
  auto stream = t.stream();
  t.stream_arn = stream ? stream->arn : "";
  if (stream && open) streams_->open(std::move(*stream));
}

void DynamoDbService::reset() {
  std::lock_guard lock(mutex_);
  tables_.clear();
  streams_->reset();
  db_.write([](storage::Changes& c) {
    c.prepared("DELETE FROM dynamodb_tables").run();
    c.prepared("DELETE FROM dynamodb_item_rows").run();
    c.prepared("DELETE FROM dynamodb_index_entries").run();
  });
  key_spaces_->drop_all();
}

}  // namespace stratus::dynamodb
