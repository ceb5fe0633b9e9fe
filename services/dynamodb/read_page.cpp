#include "services/dynamodb/read_page.hpp"

#include <type_traits>
#include <vector>

#include "services/dynamodb/errors.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxPageBytes = 1024 * 1024;

void add_conjuncts(const Condition& c, std::vector<const Condition*>& out) {
  if (c.kind != Condition::Kind::And) {
    out.push_back(&c);
    return;
  }
  for (const auto& child : c.children) add_conjuncts(child, out);
}

void add_names(const Condition& c, std::set<std::string>& out) {
  for (const auto& o : c.operands) {
    if (o.kind == Operand::Kind::Path) out.insert(o.path.front().name);
    for (const auto& arg : o.args)
      if (arg.kind == Operand::Kind::Path) out.insert(arg.path.front().name);
  }
  for (const auto& child : c.children) add_names(child, out);
}

std::string operator_name(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::Or: return "OR";
    case Condition::Kind::Not: return "NOT";
    case Condition::Kind::In: return "IN";
    case Condition::Kind::Exists: return "attribute_exists";
    case Condition::Kind::NotExists: return "attribute_not_exists";
    case Condition::Kind::Type: return "attribute_type";
    case Condition::Kind::Contains: return "contains";
    default: return c.op;
  }
}

// The least string above every string that starts with `prefix`, if there is one.
std::optional<std::string> prefix_end(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF) prefix.pop_back();
  if (prefix.empty()) return std::nullopt;
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

// A sort key condition as a range of key bytes.
SortRange sort_range(const Condition& c) {
  SortRange r;
  std::string v = c.operands[1].value.key_bytes();
  if (c.kind == Condition::Kind::Between) {
    r.low = v;
    r.high = c.operands[2].value.key_bytes();
  } else if (c.kind == Condition::Kind::BeginsWith) {
    r.low = v;
    r.high = prefix_end(v);
    r.high_inclusive = false;
  } else {
    if (c.op == "=" || c.op == ">" || c.op == ">=") r.low = v;
    if (c.op == "=" || c.op == "<" || c.op == "<=") r.high = v;
    r.low_inclusive = c.op != ">";
    r.high_inclusive = c.op != "<";
  }
  return r;
}

// Puts the key attribute first: ":v < sk" is "sk > :v".
Condition attribute_first(const Condition& c) {
  Condition out = c;
  if (c.kind == Condition::Kind::Compare && c.operands[0].kind == Operand::Kind::Value && c.operands[1].kind == Operand::Kind::Path) {
    std::swap(out.operands[0], out.operands[1]);
    if (c.op.front() == '<') out.op = ">" + c.op.substr(1);
    else if (c.op.front() == '>') out.op = "<" + c.op.substr(1);
  }
  return out;
}

bool in_range(const SortRange& r, const std::string& sort) {
  if (r.low && (r.low_inclusive ? sort < *r.low : sort <= *r.low)) return false;
  return !r.high || (r.high_inclusive ? sort <= *r.high : sort < *r.high);
}

// A start key must lie within the query's partition and sort key range.
template <typename Key>
void check_start(const std::optional<Key>& start, const KeyQuery& q) {
  if (!start) return;
  if (start->partition != q.partition)
    throw validation("The provided starting key is outside query boundaries based on provided conditions");
  if (!in_range(q.range, start->sort)) throw validation("The provided starting key does not match the range key predicate");
}

// An ExclusiveStartKey as a position in the table or the index.
template <typename Key>
std::optional<Key> start_key(const Table& t, const SecondaryIndex* index, const Value* wire) {
  if (!wire || !wire->is_object()) return std::nullopt;
  try {
    Item start = AttributeValue::parse_item(*wire);
    if constexpr (std::is_same_v<Key, ItemKey>) {
      return key_of(t, start, true);
    } else {
      ItemKey table_key = key_of(t, start, false);
      if (auto k = index->entry_key(start, table_key)) return *k;
    }
  } catch (const ApiError&) {
  }
  throw validation("The provided starting key is invalid: The provided key element does not match the schema");
}


}  // namespace

std::vector<const Condition*> conjuncts(const Condition& condition) {
  std::vector<const Condition*> parts;
  add_conjuncts(condition, parts);
  return parts;
}

std::set<std::string> top_level_names(const Condition& condition) {
  std::set<std::string> names;
  add_names(condition, names);
  return names;
}

KeyQuery key_query(const Condition& condition, const KeySchema& schema, const std::map<std::string, std::string>& types,
                   bool legacy) {
  std::vector<const Condition*> parts = conjuncts(condition);
  KeyQuery q;
  bool has_partition = false, has_sort = false;
  for (const Condition* part : parts) {
    Condition c = attribute_first(*part);
    bool supported = (c.kind == Condition::Kind::Compare && c.op != "<>") || c.kind == Condition::Kind::Between ||
                     c.kind == Condition::Kind::BeginsWith;
    if (!supported && legacy) throw validation("Attempted conditional constraint is not an indexable operation");
    if (!supported) throw validation("Invalid operator used in KeyConditionExpression: " + operator_name(c));
    const Operand& attribute = c.operands[0];
    bool shaped = attribute.kind == Operand::Kind::Path && attribute.path.size() == 1;
    for (std::size_t i = 1; i < c.operands.size(); ++i) shaped = shaped && c.operands[i].kind == Operand::Kind::Value;
    if (!shaped) throw validation("Query key condition not supported");
    const std::string& name = attribute.path[0].name;
    bool is_partition = name == schema.partition_key, is_sort = schema.sort_key && name == *schema.sort_key;
    if (!is_partition && !is_sort) {
      if (schema.sort_key && !has_sort && has_partition) throw validation("Query condition missed key schema element: " + *schema.sort_key);
      throw validation("Query condition missed key schema element: " + schema.partition_key);
    }
    if ((is_partition && has_partition) || (is_sort && has_sort))
      throw validation("KeyConditionExpressions must only contain one condition per key");
    for (std::size_t i = 1; i < c.operands.size(); ++i)
      if (type_name(c.operands[i].value.type()) != types.at(name)) throw invalid("Condition parameter type does not match schema type");
    if (is_partition) {
      if (c.kind != Condition::Kind::Compare || c.op != "=") throw validation("Query key condition not supported");
      q.partition = c.operands[1].value.key_bytes();
      has_partition = true;
    } else {
      q.range = sort_range(c);
      has_sort = true;
    }
  }
  if (parts.size() > 2) throw validation("Conditions can be of length 1 or 2 only");
  if (!has_partition) throw validation("Query condition missed key schema element: " + schema.partition_key);
  return q;
}

std::optional<std::int64_t> page_limit(const Value& input) {
  auto limit = input::optional_int(input, "Limit");
  if (limit && *limit < 1)
    throw validation("1 validation error detected: Value '" + std::to_string(*limit) +
                     "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  return limit;
}

ReadPage::ReadPage(const Table& t, const SecondaryIndex* index, std::optional<std::int64_t> limit, const Condition* filter, Shape shape)
    : table_(t), index_(index), limit_(limit), filter_(filter), shape_(std::move(shape)) {}

bool ReadPage::offer(const Item& item) {
  if ((limit_ && scanned_ >= *limit_) || bytes_ >= kMaxPageBytes) {
    more_ = true;
    return false;
  }
  const Item& read = index_ && index_->global ? held_.emplace(index_->projected(table_.key, item)) : item;
  ++scanned_;
  bytes_ += item_size(read);
  last_key_ = key_of_last(item);
  if (filter_ && !matches(*filter_, read)) return true;
  ++count_;
  if (shape_) items_.push(shape_(item, read));
  return true;
}

ReadPage::Shape whole_items() {
  return [](const Item& item, const Item&) { return AttributeValue::item_value(item); };
}

ReadPage::Shape index_projections(const Table& t, const SecondaryIndex& index) {
  return [&t, &index](const Item& item, const Item&) { return AttributeValue::item_value(index.projected(t.key, item)); };
}

std::optional<Item> ReadPage::last_key() const {
  bool at_limit = limit_ && scanned_ == *limit_;  // a page that ends at Limit says where
  if (!more_ && !at_limit) return std::nullopt;
  return last_key_;
}

Capacity ReadPage::capacity(bool consistent) const {
  Capacity c;
  c.read(bytes_, consistent ? kConsistent : kEventual);
  if (index_) {
    (index_->global ? c.global_indexes : c.local_indexes)[index_->name] = c.table;
    c.table = 0;
  }
  return c;
}

Item ReadPage::key_of_last(const Item& item) const {
  Item key = key_attributes(table_, item);
  if (index_)
    for (const std::string* name : {&index_->key.partition_key, index_->key.sort_key ? &*index_->key.sort_key : nullptr})
      if (name) key.emplace(*name, item.at(*name));
  return key;
}

void read_partition(const Table& t, const SecondaryIndex* index, const KeyQuery& q, bool forward, const Value* start,
                    ReadPage& page) {
  if (!index) {
    auto after = start_key<ItemKey>(t, index, start);
    check_start(after, q);
    t.items->query(q.partition, q.range, forward, after, [&](const ItemKey&, const Item& item) { return page.offer(item); });
    return;
  }
  auto after = start_key<IndexKey>(t, index, start);
  check_start(after, q);
  index->store->query(q.partition, q.range, forward, after,
                      [&](const IndexKey& entry) { return page.offer(t.items->get(entry.table).value()); });
}

void read_all(const Table& t, const SecondaryIndex* index, const Value* start,
              const std::function<bool(const std::string& partition)>& in_segment, ReadPage& page) {
  auto wanted = [&](const std::string& partition) { return !in_segment || in_segment(partition); };
  if (!index) {
    t.items->scan(start_key<ItemKey>(t, index, start),
                  [&](const ItemKey& key, const Item& item) { return !wanted(key.partition) || page.offer(item); });
    return;
  }
  index->store->scan(start_key<IndexKey>(t, index, start), [&](const IndexKey& entry) {
    return !wanted(entry.table.partition) || page.offer(t.items->get(entry.table).value());
  });
}

}  // namespace stratus::dynamodb
