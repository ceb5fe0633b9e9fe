#pragma once
// Amazon DynamoDB. The operation table in dynamodb_service.cpp lists what is served;
// table_operations.cpp has the control plane, table_settings.cpp tags, TTL and
// backups, item_operations.cpp single items, query_operations.cpp Query and Scan,
// batch_operations.cpp and transaction_operations.cpp the calls on many items,
// partiql_operations.cpp the PartiQL statements.
//
// Concurrency: one mutex guards the tables.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "services/dynamodb/table.hpp"
#include "services/operations.hpp"
#include "services/service.hpp"
#include "storage/database.hpp"

namespace stratus::dynamodb {

class DynamoDbService : public Service {
 public:
  DynamoDbService(storage::Database& db, Scheduler& scheduler);
  // The tables' stream records, for the DynamoDB Streams service.
  std::shared_ptr<StreamLog> stream_log() const { return streams_; }

  std::string_view name() const override { return "dynamodb"; }
  void call(std::string_view operation, const RequestContext& context, Value input, Reply reply) override;
  void reset() override;
  void shutdown() override {}

 private:
  static const OperationTable<DynamoDbService>& operations();

  // table_operations.cpp
  Value create_table(const RequestContext&, const Value&);
  Value describe_table(const RequestContext&, const Value&);
  Value list_tables(const RequestContext&, const Value&);
  Value delete_table(const RequestContext&, const Value&);

  // table_updates.cpp
  Value update_table(const RequestContext&, const Value&);

  // table_settings.cpp
  Value tag_resource(const RequestContext&, const Value&);
  Value untag_resource(const RequestContext&, const Value&);
  Value list_tags_of_resource(const RequestContext&, const Value&);
  Value update_time_to_live(const RequestContext&, const Value&);
  Value describe_time_to_live(const RequestContext&, const Value&);
  Value describe_continuous_backups(const RequestContext&, const Value&);
  Value update_continuous_backups(const RequestContext&, const Value&);
  Value describe_endpoints(const RequestContext&, const Value&);
  Value describe_limits(const RequestContext&, const Value&);

  // item_operations.cpp
  Value put_item(const RequestContext&, const Value&);
  Value get_item(const RequestContext&, const Value&);
  Value update_item(const RequestContext&, const Value&);
  Value delete_item(const RequestContext&, const Value&);

  // query_operations.cpp
  Value query(const RequestContext&, const Value&);
  Value scan(const RequestContext&, const Value&);

  // batch_operations.cpp
  Value batch_write_item(const RequestContext&, const Value&);
  Value batch_get_item(const RequestContext&, const Value&);

  // transaction_operations.cpp
  Value transact_write_items(const RequestContext&, const Value&);
  Value transact_get_items(const RequestContext&, const Value&);
  // Whether a transaction with this ClientRequestToken and fingerprint (its request) was
  // applied within the last 10 minutes; throws IdempotentParameterMismatchException when
  // the token came with another request.
  bool already_applied(const std::optional<std::string>& token, const std::string& fingerprint);
  void remember_applied(const std::optional<std::string>& token, const std::string& fingerprint);

  // partiql_operations.cpp
  Value execute_statement(const RequestContext&, const Value&);
  Value batch_execute_statement(const RequestContext&, const Value&);
  Value execute_transaction(const RequestContext&, const Value&);
  // The table a statement names; a missing one is ResourceNotFoundException with the
  // message PartiQL gives.
  Table& statement_table(const RequestContext& ctx, const std::string& name);

  // time_to_live.cpp
  void schedule_sweep();
  void sweep_expired();

  // A table by name or ARN, in the caller's account and region; throws ResourceNotFoundException.
  Table& table(const RequestContext& ctx, const std::string& name_or_arn);
  // A table by the ARN a tagging call names; throws as those calls do.
  Table& tagged(const RequestContext& ctx, const std::string& arn);
  Value described(const Table& t) const;
  void attach_stream(Table& t, bool open);
  void save(const Table& t);

  std::mutex mutex_;
  std::map<std::string, Table> tables_;  // by ARN
  // TransactWriteItems ClientRequestTokens of the last 10 minutes.
  struct AppliedTransaction {
    std::string fingerprint;
    std::int64_t expires_ms;
  };
  std::map<std::string, AppliedTransaction> transaction_tokens_;
  storage::Database& db_;
  Scheduler& scheduler_;
  std::unique_ptr<Timer> sweep_timer_;
  std::unique_ptr<KeySpaces> key_spaces_;
  std::unique_ptr<storage::SnapshotReader> reader_;  // items are read through it (null when ephemeral)
  std::shared_ptr<StreamLog> streams_;
};

}  // namespace stratus::dynamodb
