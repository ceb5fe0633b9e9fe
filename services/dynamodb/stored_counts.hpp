#pragma once
// Item counts and sizes kept on disk (dynamodb_table_stats), by table and by index, so
// that DescribeTable can report them after a restart without reading every item.
#include <cstdint>
#include <string>
#include <utility>

#include "storage/changes.hpp"
#include "storage/statement.hpp"

namespace stratus::dynamodb {

// Within a write operation: adds to the count and size under `id`.
void add_to_counts(storage::Changes& c, const std::string& id, std::int64_t count_change, std::int64_t size_change);
// The count and size under `id` (zero when none are stored).
std::pair<std::int64_t, std::int64_t> stored_counts(storage::Connection& reader, const std::string& id);
// Within a write operation: forgets the counts under `id`.
void drop_counts(storage::Changes& c, const std::string& id);

}  // namespace stratus::dynamodb
