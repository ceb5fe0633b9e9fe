#include "services/dynamodb/streams_service.hpp"

#include <algorithm>

#include "services/dynamodb/errors.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::int64_t kIteratorLifetimeMs = 15 * 60 * 1000;
constexpr std::int64_t kMaxRecords = 1000, kMaxStreams = 100;

using Streams = std::map<std::string, Stream>;

// A shard iterator: where reading resumes (the first sequence number to return) and
// when the iterator was handed out. Callers treat it as opaque.
struct Iterator {
  std::string arn, shard;
  std::uint64_t position;
  std::int64_t issued_ms;

  std::string text() const { return arn + "|" + shard + "|" + std::to_string(position) + "|" + std::to_string(issued_ms); }

  static Iterator parse(const std::string& text) {
    auto fields = [&] {
      std::vector<std::string> out;
      std::size_t start = 0;
      for (std::size_t bar; (bar = text.find('|', start)) != std::string::npos; start = bar + 1) out.push_back(text.substr(start, bar - start));
      out.push_back(text.substr(start));
      return out;
    }();
    try {
      if (fields.size() == 4) return {fields[0], fields[1], std::stoull(fields[2]), std::stoll(fields[3])};
    } catch (const std::exception&) {
    }
    throw validation("Invalid ShardIterator");
  }
};

// Stream ARNs end in "/stream/<label>"; anything else is not one.
const std::string& checked_arn(const std::string& arn, const char* member) {
  if (!arn.starts_with("arn:") || arn.find("/stream/") == std::string::npos) throw validation(std::string("Invalid ") + member + ": " + arn);
  return arn;
}

std::uint64_t sequence_number(const std::string& text) {
  if (text.empty() || text.size() > 40 || text.find_first_not_of("0123456789") != std::string::npos)
    throw validation("Invalid SequenceNumber: " + text);
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    throw validation("Invalid SequenceNumber: " + text);
  }
}

const Stream& stream_of(const Streams& streams, const std::string& arn) {
  checked_arn(arn, "StreamArn");
  auto it = streams.find(arn);
  if (it == streams.end()) throw ApiError("ResourceNotFoundException", "Requested resource not found: Stream: " + arn + " not found");
  return it->second;
}

std::int64_t limit_of(const Value& input, std::int64_t max) {
  std::int64_t limit = input::optional_int(input, "Limit").value_or(max);
  if (limit < 1 || limit > max)
    throw validation("1 validation error detected: Value '" + std::to_string(limit) +
                     "' at 'limit' failed to satisfy constraint: Member must have value " +
                     (limit < 1 ? "greater than or equal to 1" : "less than or equal to " + std::to_string(max)));
  return limit;
}

Value shard_of(const Stream& s) {
  Value range = Value::object();
  range.set("StartingSequenceNumber", sequence_text(s.records.empty() ? 0 : s.records.front().sequence));
  if (s.closed_ms) range.set("EndingSequenceNumber", sequence_text(s.records.empty() ? 0 : s.records.back().sequence));
  return Value(Object{{"ShardId", Value(s.shard_id())}, {"SequenceNumberRange", std::move(range)}});
}

}  // namespace

const OperationTable<DynamoDbStreamsService>& DynamoDbStreamsService::operations() {
  static const OperationTable<DynamoDbStreamsService> table = {
      {"DescribeStream", {&DynamoDbStreamsService::describe_stream}},
      {"GetRecords", {&DynamoDbStreamsService::get_records}},
      {"GetShardIterator", {&DynamoDbStreamsService::get_shard_iterator}},
      {"ListStreams", {&DynamoDbStreamsService::list_streams}},
  };
  return table;
}

void DynamoDbStreamsService::call(std::string_view operation, const RequestContext& context, Value input, Reply reply) {
  dispatch(*this, operations(), mutex_, operation, context, input, reply);
}

Value DynamoDbStreamsService::list_streams(const RequestContext& ctx, const Value& input) {
  std::int64_t limit = limit_of(input, kMaxStreams);
  auto table = input::optional_string(input, "TableName");
  auto start = input::optional_string(input, "ExclusiveStartStreamArn");
  if (start) checked_arn(*start, "ExclusiveStartStreamArn");
  return log_->with_streams([&](const Streams& streams, std::uint64_t) {
    Value list = Value::array();
    Value out = Value::object();
    for (const auto& [arn, s] : streams) {
      if (s.account != ctx.account || s.region != ctx.region || (table && s.table_name != *table) || (start && arn <= *start)) continue;
      if (static_cast<std::int64_t>(list.as_array().size()) == limit) {
        out.set("LastEvaluatedStreamArn", list.as_array().back().find("StreamArn")->as_string());
        break;
      }
      list.push(Value(Object{{"StreamArn", Value(arn)}, {"TableName", Value(s.table_name)}, {"StreamLabel", Value(s.label)}}));
    }
    out.set("Streams", std::move(list));
    return out;
  });
}

Value DynamoDbStreamsService::describe_stream(const RequestContext&, const Value& input) {
  const std::string& arn = input::required_string(input, "StreamArn");
  limit_of(input, kMaxStreams);
  return log_->with_streams([&](const Streams& streams, std::uint64_t) {
    const Stream& s = stream_of(streams, arn);
    Value shards = Value::array();
    if (auto start = input::optional_string(input, "ExclusiveStartShardId"); !start || *start < s.shard_id()) shards.push(shard_of(s));
    Value d = Value(Object{{"StreamArn", Value(s.arn)},
                           {"StreamLabel", Value(s.label)},
                           {"StreamStatus", Value(s.closed_ms ? "DISABLED" : "ENABLED")},
                           {"StreamViewType", Value(s.view_type)},
                           {"CreationRequestDateTime", Value(static_cast<double>(s.created_ms) / 1000.0)},
                           {"TableName", Value(s.table_name)},
                           {"KeySchema", s.key_schema},
                           {"Shards", std::move(shards)}});
    return Value(Object{{"StreamDescription", std::move(d)}});
  });
}

Value DynamoDbStreamsService::get_shard_iterator(const RequestContext&, const Value& input) {
  const std::string& arn = input::required_string(input, "StreamArn");
  const std::string& shard = input::required_string(input, "ShardId");
  const std::string& type = input::required_string(input, "ShardIteratorType");
  auto sequence = input::optional_string(input, "SequenceNumber");
  return log_->with_streams([&](const Streams& streams, std::uint64_t last_sequence) {
    const Stream& s = stream_of(streams, arn);
    if (shard != s.shard_id()) throw ApiError("ResourceNotFoundException", "Requested resource not found: Shard does not exist");
    std::uint64_t position = 0;
    bool at_a_number = type == "AT_SEQUENCE_NUMBER" || type == "AFTER_SEQUENCE_NUMBER";
    if (sequence && !at_a_number && (type == "TRIM_HORIZON" || type == "LATEST"))
      throw validation("SequenceNumber may only be given with AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER, not " + type);
    if (type == "TRIM_HORIZON") {
      position = s.records.empty() ? last_sequence + 1 : s.records.front().sequence;
    } else if (type == "LATEST") {
      position = last_sequence + 1;
    } else if (at_a_number) {
      if (!sequence) throw validation("Must provide a sequence number for " + type + " shard iterator type");
      position = sequence_number(*sequence) + (type == "AFTER_SEQUENCE_NUMBER" ? 1 : 0);
    } else {
      throw validation("1 validation error detected: Value '" + type +
                       "' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: "
                       "[TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER]");
    }
    return Value(Object{{"ShardIterator", Value(Iterator{arn, shard, position, ids::now_ms()}.text())}});
  });
}

Value DynamoDbStreamsService::get_records(const RequestContext&, const Value& input) {
  Iterator at = Iterator::parse(input::required_string(input, "ShardIterator"));
  std::int64_t limit = limit_of(input, kMaxRecords);
  std::int64_t now = ids::now_ms();
  if (now - at.issued_ms > kIteratorLifetimeMs)
    throw ApiError("ExpiredIteratorException", "Iterator expired. The iterator was created at time " + ids::iso8601(at.issued_ms) +
                                                   " while right now it is " + ids::iso8601(now) +
                                                   " which is further in the future than the tolerated delay of 900000 milliseconds.");
  return log_->with_streams([&](const Streams& streams, std::uint64_t) {
    const Stream& s = stream_of(streams, at.arn);
    auto first = std::lower_bound(s.records.begin(), s.records.end(), at.position,
                                  [](const StreamRecord& r, std::uint64_t p) { return r.sequence < p; });
    Value records = Value::array();
    std::uint64_t next = at.position;
    for (auto it = first; it != s.records.end() && static_cast<std::int64_t>(records.as_array().size()) < limit; ++it) {
      records.push(it->record);
      next = it->sequence + 1;
    }
    Value out = Value(Object{{"Records", std::move(records)}});
    // A closed stream read to its end has no next iterator: the shard is done.
    bool done = s.closed_ms && (s.records.empty() || next > s.records.back().sequence);
    if (!done) out.set("NextShardIterator", Iterator{at.arn, at.shard, next, now}.text());
    return out;
  });
}

}  // namespace stratus::dynamodb
