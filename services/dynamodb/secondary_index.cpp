#include "services/dynamodb/secondary_index.hpp"

#include <algorithm>

namespace stratus::dynamodb {

std::optional<IndexKey> SecondaryIndex::entry_key(const Item& item, const ItemKey& table_key) const {
  auto key_bytes = [&](const std::string& name) -> std::optional<std::string> {
    auto it = item.find(name);
    if (it == item.end() || type_name(it->second.type()) != key_types.at(name)) return std::nullopt;
    return it->second.key_bytes();
  };
  auto partition = key_bytes(key.partition_key);
  if (!partition) return std::nullopt;
  IndexKey k{std::move(*partition), {}, table_key};
  if (key.sort_key) {
    auto sort = key_bytes(*key.sort_key);
    if (!sort) return std::nullopt;
    k.sort = std::move(*sort);
  }
  return k;
}

void SecondaryIndex::update(const KeySchema& table_key, const ItemKey& key, const Item* before, const Item* after) {
  auto old = before ? entry_key(*before, key) : std::nullopt;
  auto now = after ? entry_key(*after, key) : std::nullopt;
  auto size = [&](const Item& item) { return static_cast<std::int64_t>(item_size(projected(table_key, item))); };
  if (old && now && *old == *now) {
    store->resize(size(*after) - size(*before));
    return;
  }
  if (old) store->erase(*old, size(*before));
  if (now) store->insert(*now, size(*after));
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
