#include "services/dynamodb/secondary_index.hpp"

#include <algorithm>

namespace stratus::dynamodb {

std::optional<IndexKey> SecondaryIndex::entry_key(const Item& item, const ItemKey& table_key) const {
  auto partition = item.find(key.partition_key);
  if (partition == item.end()) return std::nullopt;
  IndexKey k{partition->second.key_bytes(), {}, table_key};
  if (key.sort_key) {
    auto sort = item.find(*key.sort_key);
    if (sort == item.end()) return std::nullopt;
    k.sort = sort->second.key_bytes();
  }
  return k;
}

void SecondaryIndex::update(const KeySchema& table_key, const ItemKey& key, const Item* before, const Item* after) {
  if (before)
    if (auto old = entry_key(*before, key); old && entries.erase(*old))
      size_bytes -= static_cast<std::int64_t>(item_size(projected(table_key, *before)));
  if (after)
    if (auto now = entry_key(*after, key)) {
      entries.insert(*now);
      size_bytes += static_cast<std::int64_t>(item_size(projected(table_key, *after)));
    }
}

Item SecondaryIndex::projected(const KeySchema& table_key, const Item& item) const {
  if (projection_type == "ALL") return item;
  Item out;
  auto keep = [&](const std::string& name) {
    if (auto it = item.find(name); it != item.end()) out.emplace(name, it->second);
  };
  for (const KeySchema* k : {&table_key, &key}) {
    keep(k->partition_key);
    if (k->sort_key) keep(*k->sort_key);
  }
  for (const auto& name : non_key_attributes) keep(name);
  return out;
}

}  // namespace stratus::dynamodb
