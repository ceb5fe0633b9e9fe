#include "services/dynamodb/item_store.hpp"

#include "protocol/json.hpp"

namespace stratus::dynamodb {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE dynamodb_items (
         table_id TEXT NOT NULL, partition_key BLOB NOT NULL, sort_key BLOB NOT NULL, item TEXT NOT NULL,
         PRIMARY KEY (table_id, partition_key, sort_key)) WITHOUT ROWID;)",
};

}  // namespace

ItemStore::ItemStore(storage::Database& db, std::string table_id) : db_(db), table_id_(std::move(table_id)) {}

void ItemStore::migrate(storage::Database& db) { db.migrate("dynamodb_items", kMigrations); }

const Item* ItemStore::get(const ItemKey& key) const {
  auto it = items_.find(key);
  return it == items_.end() ? nullptr : &it->second;
}

void ItemStore::put(const ItemKey& key, Item item) {
  db_.write([table = table_id_, key, text = json::write(AttributeValue::item_value(item))](storage::Connection& c) {
    c.prepared("INSERT OR REPLACE INTO dynamodb_items (table_id, partition_key, sort_key, item) VALUES (?, ?, ?, ?)")
        .bind(1, table)
        .bind_blob(2, key.partition)
        .bind_blob(3, key.sort)
        .bind(4, text)
        .run();
  });
  auto [it, inserted] = items_.try_emplace(key);
  if (!inserted) size_bytes_ -= static_cast<std::int64_t>(item_size(it->second));
  size_bytes_ += static_cast<std::int64_t>(item_size(item));
  it->second = std::move(item);
}

void ItemStore::restore(ItemKey key, Item item) {
  size_bytes_ += static_cast<std::int64_t>(item_size(item));
  items_.insert_or_assign(std::move(key), std::move(item));
}

void ItemStore::erase(const ItemKey& key) {
  auto it = items_.find(key);
  if (it == items_.end()) return;
  db_.write([table = table_id_, key](storage::Connection& c) {
    c.prepared("DELETE FROM dynamodb_items WHERE table_id = ? AND partition_key = ? AND sort_key = ?")
        .bind(1, table)
        .bind_blob(2, key.partition)
        .bind_blob(3, key.sort)
        .run();
  });
  size_bytes_ -= static_cast<std::int64_t>(item_size(it->second));
  items_.erase(it);
}

void ItemStore::scan(const std::optional<ItemKey>& after, const std::function<bool(const ItemKey&, const Item&)>& visit) const {
  for (auto it = after ? items_.upper_bound(*after) : items_.begin(); it != items_.end(); ++it)
    if (!visit(it->first, it->second)) return;
}

void ItemStore::query(const std::string& partition, const SortRange& range, bool forward, const std::optional<ItemKey>& after,
                      const std::function<bool(const ItemKey&, const Item&)>& visit) const {
  visit_range(items_, partition, range, forward, after, [](const std::string& p, const std::string& s) { return ItemKey{p, s}; },
              [&](const auto& entry) { return visit(entry.first, entry.second); });
}

void ItemStore::clear() {
  db_.write([table = table_id_](storage::Connection& c) {
    c.prepared("DELETE FROM dynamodb_items WHERE table_id = ?").bind(1, table).run();
  });
  items_.clear();
  size_bytes_ = 0;
}

void ItemStore::load(storage::Database& db, const std::function<void(const std::string&, ItemKey, Item)>& on_item) {
  db.read([&](storage::Connection& c) {
    auto& s = c.prepared("SELECT table_id, partition_key, sort_key, item FROM dynamodb_items");
    while (s.step())
      on_item(s.column_text(0), ItemKey{s.column_text(1), s.column_text(2)}, AttributeValue::parse_item(json::parse(s.column_text(3))));
  });
}

}  // namespace stratus::dynamodb
