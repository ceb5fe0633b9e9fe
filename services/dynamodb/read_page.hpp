#pragma once
// What the reads of many items share (Query, Scan and PartiQL's SELECT): the key range
// a key condition selects, a page that takes items in key order until Limit items or
// 1 MB have been read, and the walks over a table or an index that fill it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "protocol/value.hpp"
#include "services/dynamodb/expression.hpp"
#include "services/dynamodb/item_requests.hpp"
#include "services/dynamodb/key_range.hpp"

namespace stratus::dynamodb {

// The parts of a condition ANDed at its top, in the order written.
std::vector<const Condition*> conjuncts(const Condition& condition);

// The top-level attribute names a condition reads.
std::set<std::string> top_level_names(const Condition& condition);

struct KeyQuery {
  std::string partition;  // key bytes
  SortRange range;
};

// The partition and sort key range a key condition on `schema` selects; `legacy` when
// the condition came from KeyConditions, whose messages differ. Throws
// ValidationException as Query does.
KeyQuery key_query(const Condition& condition, const KeySchema& schema, const std::map<std::string, std::string>& types,
                   bool legacy);

// The request's Limit, checked as DynamoDB checks it (at least 1).
std::optional<std::int64_t> page_limit(const Value& input);

class ReadPage {
 public:
  // What the answer holds of an item, in the wire form, given the item and what the index
  // holds of it (on a table or a local index, the item itself). Without a shape items are
  // only counted.
  using Shape = std::function<Value(const Item& item, const Item& read)>;

  ReadPage(const Table& t, const SecondaryIndex* index, std::optional<std::int64_t> limit, const Condition* filter, Shape shape);

  // False once the page is full (the item is then not part of it).
  bool offer(const Item& item);

  // The shaped items that passed the filter, in the wire form.
  Value& items() { return items_; }
  std::int64_t count() const { return count_; }
  std::int64_t scanned() const { return scanned_; }
  // LastEvaluatedKey: where the next page starts, when this one stopped early or at Limit.
  std::optional<Item> last_key() const;
  // The read units of the page, charged to the index when it read one.
  Capacity capacity(bool consistent) const;

 private:
  Item key_of_last(const Item& item) const;

  const Table& table_;
  const SecondaryIndex* index_;
  std::optional<std::int64_t> limit_;
  const Condition* filter_;
  Shape shape_;
  std::optional<Item> held_;
  Value items_ = Value::array();
  std::int64_t count_ = 0, scanned_ = 0;
  std::size_t bytes_ = 0;
  bool more_ = false;
  std::optional<Item> last_key_;
};

// The shapes Query, Scan and SELECT share: items whole, and what `index` holds of them.
ReadPage::Shape whole_items();
ReadPage::Shape index_projections(const Table& t, const SecondaryIndex& index);

// Offers `page` the items of one partition whose sort key is in the range, in key order
// or reversed, after `start` (an ExclusiveStartKey in the wire form, which must lie in
// the range) when given.
void read_partition(const Table& t, const SecondaryIndex* index, const KeyQuery& q, bool forward, const Value* start,
                    ReadPage& page);

// Offers `page` every item of the table or index, in key order, after `start`; with
// `in_segment`, only items whose partition key bytes it accepts.
void read_all(const Table& t, const SecondaryIndex* index, const Value* start,
              const std::function<bool(const std::string& partition)>& in_segment, ReadPage& page);

}  // namespace stratus::dynamodb
