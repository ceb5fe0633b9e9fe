#pragma once
// Amazon DynamoDB Streams: ListStreams, DescribeStream, GetShardIterator and
// GetRecords over the records the DynamoDB service appends to the shared StreamLog.
#include <memory>
#include <mutex>

#include "services/dynamodb/stream_log.hpp"
#include "services/operations.hpp"
#include "services/service.hpp"

namespace stratus::dynamodb {

class DynamoDbStreamsService : public Service {
 public:
  explicit DynamoDbStreamsService(std::shared_ptr<StreamLog> log) : log_(std::move(log)) {}

  std::string_view name() const override { return "dynamodbstreams"; }
  void call(std::string_view operation, const RequestContext& context, Value input, Reply reply) override;
  void reset() override {}  // the DynamoDB service empties the log
  void shutdown() override {}

 private:
  static const OperationTable<DynamoDbStreamsService>& operations();

  Value list_streams(const RequestContext&, const Value&);
  Value describe_stream(const RequestContext&, const Value&);
  Value get_shard_iterator(const RequestContext&, const Value&);
  Value get_records(const RequestContext&, const Value&);

  std::mutex mutex_;  // dispatch's; the log locks itself
  std::shared_ptr<StreamLog> log_;
};

}  // namespace stratus::dynamodb
