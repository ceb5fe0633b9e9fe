#pragma once
// Every table's items and every index's entries are one key space on disk: their rows
// are keyed by the space's small number instead of by the table's 36-character id, so
// the keys of the large indexes stay short (fewer pages to read, write and checkpoint).
// A space's row also keeps its counts (DescribeTable's ItemCount and TableSizeBytes, an
// index's ItemCount and IndexSizeBytes), so that start-up need not read any item.
// Ephemeral mode numbers the spaces all the same and stores nothing.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "storage/database.hpp"

namespace stratus::dynamodb {

class KeySpaces {
 public:
  // Loads the spaces there are; migrate() must have run.
  explicit KeySpaces(storage::Database& db);

  // The number of the space called `name` (a table's id, or a table's index), given one
  // (and stored) when it has none yet.
  std::int64_t open(const std::string& name);
  // Deletes the space's rows from `rows_table` (whose `space` column holds the number),
  // and forgets the space and its counts.
  void drop(std::int64_t number, std::string_view rows_table);
  // Forgets every space (the service's reset).
  void drop_all();

  // Within a write operation: adds to the space's count and size.
  static void add_to_counts(storage::Changes& c, std::int64_t number, std::int64_t count_change, std::int64_t size_change);
  // The count and size stored for the space.
  static std::pair<std::int64_t, std::int64_t> counts(storage::Connection& reader, std::int64_t number);

  static void migrate(storage::Database& db);

 private:
  storage::Database& db_;
  std::map<std::string, std::int64_t> numbers_;
  std::int64_t next_number_ = 1;
};

}  // namespace stratus::dynamodb
