#include "services/dynamodb/key_spaces.hpp"

#include <algorithm>

namespace stratus::dynamodb {
namespace {

// The items' and the indexes' own migrations move their rows into spaces (after this
// one has run).
const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE dynamodb_key_spaces (
         number INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
         item_count INTEGER NOT NULL DEFAULT 0, size_bytes INTEGER NOT NULL DEFAULT 0);)",
};

}  // namespace

KeySpaces::KeySpaces(storage::Database& db) : db_(db) {
  db_.read([this](storage::Connection& c) {
    auto& s = c.prepared("SELECT name, number FROM dynamodb_key_spaces");
    storage::ResetOnExit reset{s};
    while (s.step()) {
      numbers_.emplace(s.column_text(0), s.column_int(1));
      next_number_ = std::max(next_number_, s.column_int(1) + 1);
    }
  });
}

void KeySpaces::migrate(storage::Database& db) { db.migrate("dynamodb_key_spaces", kMigrations); }

std::int64_t KeySpaces::open(const std::string& name) {
  auto [it, added] = numbers_.try_emplace(name, next_number_);
  if (!added) return it->second;
  ++next_number_;
  db_.write([name, number = it->second](storage::Changes& c) {
    c.prepared("INSERT INTO dynamodb_key_spaces (number, name) VALUES (?, ?)").bind(1, number).bind(2, name).run();
  });
  return it->second;
}

void KeySpaces::drop(std::int64_t number, std::string_view rows_table) {
  std::erase_if(numbers_, [&](const auto& entry) { return entry.second == number; });
  db_.write([number, rows = "DELETE FROM " + std::string(rows_table) + " WHERE space = ?"](storage::Changes& c) {
    c.prepared(rows).bind(1, number).run();
    c.prepared("DELETE FROM dynamodb_key_spaces WHERE number = ?").bind(1, number).run();
  });
}

void KeySpaces::drop_all() {
  numbers_.clear();
  db_.write([](storage::Changes& c) { c.prepared("DELETE FROM dynamodb_key_spaces").run(); });
}

void KeySpaces::add_to_counts(storage::Changes& c, std::int64_t number, std::int64_t count_change, std::int64_t size_change) {
  c.add("UPDATE dynamodb_key_spaces SET item_count = item_count + ?2, size_bytes = size_bytes + ?3 WHERE number = ?1", number,
        count_change, size_change);
}

std::pair<std::int64_t, std::int64_t> KeySpaces::counts(storage::Connection& reader, std::int64_t number) {
  auto& s = reader.prepared("SELECT item_count, size_bytes FROM dynamodb_key_spaces WHERE number = ?");
  storage::ResetOnExit reset{s};
  s.bind(1, number);
  if (!s.step()) return {0, 0};
  return {s.column_int(0), s.column_int(1)};
}

}  // namespace stratus::dynamodb
