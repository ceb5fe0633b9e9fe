#pragma once
// A DynamoDB table's definition: its key schema and attribute types, its indexes, and
// the description DescribeTable gives (kept as a Value in the API's shape).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <memory>

#include "protocol/value.hpp"
#include "services/dynamodb/item_store.hpp"
#include "services/dynamodb/secondary_index.hpp"
#include "services/dynamodb/stream_log.hpp"

namespace stratus::dynamodb {

struct Table {
  std::string name, arn, account, region;
  Value input;        // the CreateTable input it was made from (reloaded through define_table)
  Value description;  // TableDescription, without the live ItemCount / TableSizeBytes
  std::map<std::string, std::string> tags;
  Value time_to_live;             // TimeToLiveDescription
  bool point_in_time_recovery = false;
  KeySchema key;
  std::map<std::string, std::string> attribute_types;  // from AttributeDefinitions: S, N or B
  std::map<std::string, SecondaryIndex> indexes;       // global and local, by name
  std::shared_ptr<ItemStore> items;
  StreamLog* streams = nullptr;  // the service's
  std::string stream_arn;        // the stream taking this table's changes, if any
  std::optional<ItemKey> sweep_cursor;  // where the time-to-live sweep goes on
  std::string id() const { return description.find("TableId")->as_string(); }

  // Replaces `before` (the item at `key` now, or null) with `after` (nullopt deletes
  // it), keeping the indexes in step.
  // `expired`: a deletion by time to live.
  void write(const ItemKey& key, const Item* before, std::optional<Item> after, bool expired = false);
  // The stream a table's description asks for (StreamSpecification), if any.
  std::optional<Stream> stream() const;
  // Opens the stores of the items and of any index that has none yet.
  void open_stores(storage::Database& db, storage::SnapshotReader* reader, KeySpaces& spaces);
};

// The key of an item, which must hold the table's key attributes with their defined
// types (and any index key attribute with its type); or, with `exact`, of a Key
// parameter, which must hold exactly the key attributes. Throws ValidationException.
ItemKey key_of(const Table& table, const Item& item, bool exact);
// The key attributes of an item, as LastEvaluatedKey gives them.
Item key_attributes(const Table& table, const Item& item);

// The ARN of the table `name` in `account` and `region`.
std::string table_arn(const std::string& account, const std::string& region, std::string_view name);

// Checks a CreateTable input as DynamoDB does and builds the table's description;
// throws ValidationException with DynamoDB's messages.
Table define_table(const Value& input, const std::string& account, const std::string& region);

}  // namespace stratus::dynamodb
