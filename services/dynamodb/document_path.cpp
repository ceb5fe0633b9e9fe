// Document paths within items: finding a value, projecting an item onto paths.
#include <map>
#include <optional>

#include "services/dynamodb/expression.hpp"

namespace stratus::dynamodb {
namespace {

const AttributeValue* step_into(const AttributeValue& v, const PathElement& step) {
  if (step.is_index) {
    if (v.type() != Type::L || step.index >= v.as_list().size()) return nullptr;
    return &v.as_list()[step.index];
  }
  if (v.type() != Type::M) return nullptr;
  auto it = v.as_map().find(step.name);
  return it == v.as_map().end() ? nullptr : &it->second;
}

// The requested parts below one value: all of it, or some members, or some elements.
struct Selection {
  bool whole = false;
  std::map<std::string, Selection> members;
  std::map<std::size_t, Selection> elements;

  void add(const Path& path, std::size_t from) {
    if (from == path.size()) {
      whole = true;
      return;
    }
    const PathElement& step = path[from];
    (step.is_index ? elements[step.index] : members[step.name]).add(path, from + 1);
  }

  std::optional<AttributeValue> pick(const AttributeValue& v) const {
    if (whole) return v;
    if (!members.empty()) {
      if (v.type() != Type::M) return std::nullopt;
      Item out = pick_members(v.as_map());
      if (out.empty()) return std::nullopt;
      return AttributeValue::map(std::move(out));
    }
    if (v.type() != Type::L) return std::nullopt;
    std::vector<AttributeValue> out;
    for (const auto& [index, sub] : elements)
      if (index < v.as_list().size())
        if (auto picked = sub.pick(v.as_list()[index])) out.push_back(std::move(*picked));
    if (out.empty()) return std::nullopt;
    return AttributeValue::list(std::move(out));
  }

  Item pick_members(const Item& item) const {
    Item out;
    for (const auto& [name, sub] : members)
      if (auto it = item.find(name); it != item.end())
        if (auto picked = sub.pick(it->second)) out.emplace(name, std::move(*picked));
    return out;
  }
};

}  // namespace

const AttributeValue* find(const Item& item, const Path& path) {
  auto it = item.find(path.front().name);
  if (it == item.end()) return nullptr;
  const AttributeValue* v = &it->second;
  for (std::size_t i = 1; v && i < path.size(); ++i) v = step_into(*v, path[i]);
  return v;
}

Item project(const Item& item, const std::vector<Path>& paths) {
  Selection top;
  for (const auto& p : paths) top.add(p, 0);
  return top.pick_members(item);
}

}  // namespace stratus::dynamodb
