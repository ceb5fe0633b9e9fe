#include "services/dynamodb/stored_counts.hpp"

namespace stratus::dynamodb {

void add_to_counts(storage::Changes& c, const std::string& id, std::int64_t count_change, std::int64_t size_change) {
  c.prepared("INSERT INTO dynamodb_table_stats (table_id, item_count, size_bytes) VALUES (?, ?, ?) "
             "ON CONFLICT (table_id) DO UPDATE SET item_count = item_count + excluded.item_count, "
             "size_bytes = size_bytes + excluded.size_bytes")
      .bind(1, id)
      .bind(2, count_change)
      .bind(3, size_change)
      .run();
}

std::pair<std::int64_t, std::int64_t> stored_counts(storage::Connection& reader, const std::string& id) {
  auto& s = reader.prepared("SELECT item_count, size_bytes FROM dynamodb_table_stats WHERE table_id = ?");
  storage::ResetOnExit reset{s};
  s.bind(1, id);
  if (!s.step()) return {0, 0};
  return {s.column_int(0), s.column_int(1)};
}

void drop_counts(storage::Changes& c, const std::string& id) {
  c.prepared("DELETE FROM dynamodb_table_stats WHERE table_id = ?").bind(1, id).run();
}

}  // namespace stratus::dynamodb
