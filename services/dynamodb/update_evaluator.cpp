// UpdateExpression actions against an item. Values are computed from the item as it
// was, then the actions are applied in order; REMOVEs of list elements go from the
// highest index down so that each removes the element its path named originally.
#include <algorithm>
#include <optional>

#include "protocol/api_error.hpp"
#include "services/dynamodb/expression.hpp"
#include "services/dynamodb/errors.hpp"

namespace stratus::dynamodb {
namespace {

ApiError invalid_path() { return validation("The document path provided in the update expression is invalid for update"); }
ApiError wrong_type() { return validation("An operand in the update expression has an incorrect data type"); }

AttributeValue evaluate(const Operand& o, const Item& item) {
  switch (o.kind) {
    case Operand::Kind::Value: return o.value;
    case Operand::Kind::Path: {
      const AttributeValue* v = find(item, o.path);
      if (!v) throw validation("The provided expression refers to an attribute that does not exist in the item");
      return *v;
    }
    case Operand::Kind::IfNotExists: {
      const AttributeValue* v = find(item, o.args[0].path);
      return v ? *v : evaluate(o.args[1], item);
    }
    case Operand::Kind::ListAppend: {
      AttributeValue a = evaluate(o.args[0], item), b = evaluate(o.args[1], item);
      if (a.type() != Type::L || b.type() != Type::L) throw wrong_type();
      std::vector<AttributeValue> joined = a.as_list();
      joined.insert(joined.end(), b.as_list().begin(), b.as_list().end());
      return AttributeValue::list(std::move(joined));
    }
    case Operand::Kind::Plus:
    case Operand::Kind::Minus: {
      AttributeValue a = evaluate(o.args[0], item), b = evaluate(o.args[1], item);
      if (a.type() != Type::N || b.type() != Type::N) throw wrong_type();
      return AttributeValue::number(o.kind == Operand::Kind::Plus ? a.as_number().add(b.as_number())
                                                                 : a.as_number().subtract(b.as_number()));
    }
    case Operand::Kind::Size: break;
  }
  throw wrong_type();
}

// Replaces the value at path[from..] inside `target` (a map or list value).
void assign_within(AttributeValue& target, const Path& path, std::size_t from, AttributeValue value) {
  const PathElement& step = path[from];
  bool last = from + 1 == path.size();
  if (step.is_index) {
    if (target.type() != Type::L) throw invalid_path();
    std::vector<AttributeValue> list = target.as_list();
    if (step.index >= list.size()) {
      if (!last) throw invalid_path();
      list.push_back(std::move(value));  // past the end appends
    } else if (last) {
      list[step.index] = std::move(value);
    } else {
      assign_within(list[step.index], path, from + 1, std::move(value));
    }
    target = AttributeValue::list(std::move(list));
    return;
  }
  if (target.type() != Type::M) throw invalid_path();
  Item map = target.as_map();
  if (last) {
    map.insert_or_assign(step.name, std::move(value));
  } else {
    auto it = map.find(step.name);
    if (it == map.end()) throw invalid_path();
    assign_within(it->second, path, from + 1, std::move(value));
  }
  target = AttributeValue::map(std::move(map));
}

void assign(Item& item, const Path& path, AttributeValue value) {
  if (path.size() == 1) {
    item.insert_or_assign(path[0].name, std::move(value));
    return;
  }
  auto it = item.find(path[0].name);
  if (it == item.end()) throw invalid_path();
  assign_within(it->second, path, 1, std::move(value));
}

// Removes the value at path[from..] inside `target`. A missing last step removes
// nothing; a missing or mistyped step before it makes the path invalid.
void remove_within(AttributeValue& target, const Path& path, std::size_t from) {
  const PathElement& step = path[from];
  bool last = from + 1 == path.size();
  if (step.is_index) {
    if (target.type() != Type::L) throw invalid_path();
    if (step.index >= target.as_list().size()) {
      if (last) return;
      throw invalid_path();
    }
    std::vector<AttributeValue> list = target.as_list();
    if (last) list.erase(list.begin() + static_cast<std::ptrdiff_t>(step.index));
    else remove_within(list[step.index], path, from + 1);
    target = AttributeValue::list(std::move(list));
    return;
  }
  if (target.type() != Type::M) throw invalid_path();
  Item map = target.as_map();
  auto it = map.find(step.name);
  if (it == map.end()) {
    if (last) return;
    throw invalid_path();
  }
  if (last) map.erase(it);
  else remove_within(it->second, path, from + 1);
  target = AttributeValue::map(std::move(map));
}

void remove(Item& item, const Path& path) {
  auto it = item.find(path[0].name);
  if (it == item.end()) {
    if (path.size() == 1) return;
    throw invalid_path();
  }
  if (path.size() == 1) item.erase(it);
  else remove_within(it->second, path, 1);
}

template <typename T>
std::vector<T> set_union(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out = a;
  for (const auto& x : b)
    if (std::find(out.begin(), out.end(), x) == out.end()) out.push_back(x);
  return out;
}

template <typename T>
std::vector<T> set_difference(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  for (const auto& x : a)
    if (std::find(b.begin(), b.end(), x) == b.end()) out.push_back(x);
  return out;
}

AttributeValue make_set(Type type, std::vector<std::string> strings, std::vector<Number> numbers) {
  if (type == Type::NS) return AttributeValue::number_set(std::move(numbers));
  return type == Type::SS ? AttributeValue::string_set(std::move(strings)) : AttributeValue::binary_set(std::move(strings));
}

AttributeValue add(const AttributeValue* current, const AttributeValue& operand) {
  if (!current) return operand;
  if (current->type() != operand.type()) throw wrong_type();
  if (operand.type() == Type::N) return AttributeValue::number(current->as_number().add(operand.as_number()));
  if (operand.type() == Type::NS) return make_set(Type::NS, {}, set_union(current->as_numbers(), operand.as_numbers()));
  return make_set(operand.type(), set_union(current->as_strings(), operand.as_strings()), {});
}

// The set left after taking `operand`'s members out, or nothing when it is empty.
std::optional<AttributeValue> subtract(const AttributeValue& current, const AttributeValue& operand) {
  if (current.type() != operand.type()) throw wrong_type();
  if (operand.type() == Type::NS) {
    auto left = set_difference(current.as_numbers(), operand.as_numbers());
    if (left.empty()) return std::nullopt;
    return make_set(Type::NS, {}, std::move(left));
  }
  auto left = set_difference(current.as_strings(), operand.as_strings());
  if (left.empty()) return std::nullopt;
  return make_set(operand.type(), std::move(left), {});
}

// Whether the path's last step could be there: its parent is a map (for a member) or a
// list (for an element).
bool parent_holds(const Item& item, const Path& path) {
  if (path.size() == 1) return true;
  const AttributeValue* parent = find(item, Path(path.begin(), path.end() - 1));
  return parent && parent->type() == (path.back().is_index ? Type::L : Type::M);
}

bool path_less(const Path& a, const Path& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](const PathElement& x, const PathElement& y) {
    return x.is_index && y.is_index ? x.index < y.index : x.name < y.name;
  });
}

}  // namespace

Item apply_update(const UpdateExpression& actions, const Item& item, bool item_exists) {
  std::vector<AttributeValue> values;
  for (const auto& a : actions)
    values.push_back(a.kind == UpdateAction::Kind::Set ? evaluate(a.value, item) : a.value.value);
  // Paths in order, so that several SETs past the end of one list append by index.
  std::vector<std::size_t> order(actions.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return path_less(actions[a].path, actions[b].path); });
  Item out = item;
  std::vector<const Path*> removals;
  for (std::size_t i : order) {
    const UpdateAction& a = actions[i];
    switch (a.kind) {
      case UpdateAction::Kind::Set: assign(out, a.path, std::move(values[i])); break;
      case UpdateAction::Kind::Remove: removals.push_back(&a.path); break;
      case UpdateAction::Kind::Add: {
        const AttributeValue* current = find(out, a.path);
        assign(out, a.path, add(current, values[i]));
        break;
      }
      case UpdateAction::Kind::Delete: {
        const AttributeValue* current = find(out, a.path);
        if (!current) {
          if (!parent_holds(out, a.path)) throw invalid_path();
          break;
        }
        if (auto left = subtract(*current, values[i])) assign(out, a.path, std::move(*left));
        else remove(out, a.path);
        break;
      }
    }
  }
  std::sort(removals.begin(), removals.end(), [](const Path* a, const Path* b) { return path_less(*b, *a); });
  // DynamoDB refuses to remove a.b from an item without a, but lets it pass, as it does
  // a[0], when there is no item at all.
  for (const Path* p : removals) {
    if (item_exists || p->size() == 1) remove(out, *p);
  }
  return out;
}

}  // namespace stratus::dynamodb
