// Reading many items: Query (a key range within one partition) and Scan (everything,
// or one segment of a parallel scan), on the table or one of its secondary indexes,
// with filters, projections, Select, Limit, 1 MB pages and paging keys.
#include <set>

#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/item_requests.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxPageBytes = 1024 * 1024;
constexpr std::int64_t kMaxTotalSegments = 1000000;

struct KeyQuery {
  std::string partition;
  SortRange range;
};

void conjuncts(const Condition& c, std::vector<const Condition*>& out) {
  if (c.kind != Condition::Kind::And) {
    out.push_back(&c);
    return;
  }
  for (const auto& child : c.children) conjuncts(child, out);
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

// `legacy` when the condition came from KeyConditions, whose messages differ.
KeyQuery key_query(const Condition& condition, const KeySchema& schema, const std::map<std::string, std::string>& types, bool legacy) {
  std::vector<const Condition*> parts;
  conjuncts(condition, parts);
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

void top_level_names(const Condition& c, std::set<std::string>& out) {
  for (const auto& o : c.operands) {
    if (o.kind == Operand::Kind::Path) out.insert(o.path.front().name);
    for (const auto& arg : o.args)
      if (arg.kind == Operand::Kind::Path) out.insert(arg.path.front().name);
  }
  for (const auto& child : c.children) top_level_names(child, out);
}

// A Query filter may not test the key it queries by.
void check_filter(const std::optional<Condition>& filter, const KeySchema& schema, const Value& input) {
  if (!filter) return;
  std::set<std::string> names;
  top_level_names(*filter, names);
  for (const std::string* key : {&schema.partition_key, schema.sort_key ? &*schema.sort_key : nullptr})
    if (key && names.contains(*key))
      throw validation(std::string(input.find("QueryFilter") ? "QueryFilter" : "Filter Expression") +
                       " can only contain non-primary key attributes: Primary key attribute: " + *key);
}

std::uint64_t fnv1a(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return h;
}

// One page of a Query or Scan: items are offered in order until Limit items have been
// read or 1 MB has been.
class Page {
 public:
  Page(const Table& t, const SecondaryIndex* index, const Value& input, const RequestExpressions& expressions)
      : table_(t), index_(index), expressions_(expressions) {
    limit_ = input::optional_int(input, "Limit");
    if (limit_ && *limit_ < 1)
      throw validation("1 validation error detected: Value '" + std::to_string(*limit_) +
                       "' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    select_ = select(input);
  }

  // False once the page is full (the item is then not part of it).
  bool offer(const Item& item) {
    if ((limit_ && scanned_ >= *limit_) || bytes_ >= kMaxPageBytes) {
      more_ = true;
      return false;
    }
    const Item& read = index_ && index_->global ? held_.emplace(index_->projected(table_.key, item)) : item;
    ++scanned_;
    bytes_ += item_size(read);
    read_any_ = true;
    last_key_ = key_attributes(item);
    if (expressions_.filter && !matches(*expressions_.filter, read)) return true;
    ++count_;
    if (select_ != "COUNT") items_.push(AttributeValue::item_value(shaped(item, read)));
    return true;
  }

  Value answer(const Value& input, bool consistent) {
    if (limit_ && scanned_ == *limit_ && read_any_) more_ = true;  // a page that ends at Limit says where
    Value out = Value::object();
    if (select_ != "COUNT") out.set("Items", std::move(items_));
    out.set("Count", count_);
    out.set("ScannedCount", scanned_);
    if (more_ && read_any_) out.set("LastEvaluatedKey", AttributeValue::item_value(last_key_));
    Capacity capacity;
    capacity.read(bytes_, consistent ? kConsistent : kEventual);
    if (index_) {
      (index_->global ? capacity.global_indexes : capacity.local_indexes)[index_->name] = capacity.table;
      capacity.table = 0;
    }
    add_capacity(out, input, table_, capacity);
    return out;
  }

 private:
  std::string select(const Value& input) const {
    const char* projection = input.find("ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet";
    auto given = input::optional_string(input, "Select");
    if (given && *given != "ALL_ATTRIBUTES" && *given != "ALL_PROJECTED_ATTRIBUTES" && *given != "SPECIFIC_ATTRIBUTES" &&
        *given != "COUNT")
      throw validation("1 validation error detected: Value '" + *given +
                       "' at 'select' failed to satisfy constraint: Member must satisfy enum value set: "
                       "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]");
    if (!given) return expressions_.projection ? "SPECIFIC_ATTRIBUTES" : index_ ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES";
    if (*given == "SPECIFIC_ATTRIBUTES") {
      if (!expressions_.projection)
        throw validation("1 validation error detected: Value '' at 'projectionExpression' failed to satisfy constraint: "
                         "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
      return *given;
    }
    if (expressions_.projection)
      throw validation(std::string("Cannot specify the ") + projection + " when choosing to get " +
                       (*given == "COUNT" ? "only the Count" : *given));
    if (*given == "ALL_PROJECTED_ATTRIBUTES" && !index_)
      throw validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
    if (*given == "ALL_ATTRIBUTES" && index_ && index_->global && index_->projection_type != "ALL")
      throw invalid("Select type ALL_ATTRIBUTES is not supported for global secondary index " + index_->name +
                    " because its projection type is not ALL");
    return *given;
  }

  // What the answer holds of an item: a local index fetches from the table what it
  // does not hold itself.
  Item shaped(const Item& item, const Item& read) const {
    if (select_ == "SPECIFIC_ATTRIBUTES") return project(index_ && index_->global ? read : item, *expressions_.projection);
    if (select_ == "ALL_PROJECTED_ATTRIBUTES") return index_->projected(table_.key, item);
    return item;
  }

  Item key_attributes(const Item& item) const {
    Item key = dynamodb::key_attributes(table_, item);
    if (index_)
      for (const std::string* name : {&index_->key.partition_key, index_->key.sort_key ? &*index_->key.sort_key : nullptr})
        if (name) key.emplace(*name, item.at(*name));
    return key;
  }

  const Table& table_;
  const SecondaryIndex* index_;
  const RequestExpressions& expressions_;
  std::optional<std::int64_t> limit_;
  std::string select_;
  std::optional<Item> held_;
  Value items_ = Value::array();
  std::int64_t count_ = 0, scanned_ = 0;
  std::size_t bytes_ = 0;
  bool more_ = false;
  bool read_any_ = false;
  Item last_key_;
};

const SecondaryIndex* index_of(const Table& t, const Value& input) {
  auto name = input::optional_string(input, "IndexName");
  if (!name) return nullptr;
  auto it = t.indexes.find(*name);
  if (it == t.indexes.end()) throw validation("The table does not have the specified index: " + *name);
  return &it->second;
}

bool consistent_read(const SecondaryIndex* index, const Value& input) {
  bool consistent = input::optional_bool(input, "ConsistentRead").value_or(false);
  if (consistent && index && index->global) throw validation("Consistent reads are not supported on global secondary indexes");
  return consistent;
}

// ExclusiveStartKey as a position in the table or the index.
template <typename Key>
std::optional<Key> start_key(const Table& t, const SecondaryIndex* index, const Value& input) {
  const Value* wire = input.find("ExclusiveStartKey");
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

IndexKey index_bound(const std::string& partition, const std::string& sort) { return IndexKey{partition, sort, {}}; }

}  // namespace

Value DynamoDbService::query(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  const SecondaryIndex* index = index_of(t, input);
  bool consistent = consistent_read(index, input);
  RequestExpressions expressions = read_expressions(input, kKeyCondition | kFilter | kProjection);
  if (!expressions.key_condition)
    throw validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  const KeySchema& schema = index ? index->key : t.key;
  KeyQuery q = key_query(*expressions.key_condition, schema, t.attribute_types, input.find("KeyConditions") != nullptr);
  check_filter(expressions.filter, schema, input);
  bool forward = input::optional_bool(input, "ScanIndexForward").value_or(true);
  Page page(t, index, input, expressions);
  if (!index) {
    auto start = start_key<ItemKey>(t, index, input);
    check_start(start, q);
    t.items->query(q.partition, q.range, forward, start, [&](const ItemKey&, const Item& item) { return page.offer(item); });
  } else {
    auto start = start_key<IndexKey>(t, index, input);
    check_start(start, q);
    visit_range(index->entries, q.partition, q.range, forward, start, index_bound,
                [&](const IndexKey& entry) { return page.offer(t.items->get(entry.table).value()); });
  }
  return page.answer(input, consistent);
}

Value DynamoDbService::scan(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  const SecondaryIndex* index = index_of(t, input);
  bool consistent = consistent_read(index, input);
  auto segment = input::optional_int(input, "Segment"), total = input::optional_int(input, "TotalSegments");
  if (segment && !total)
    throw validation("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  if (total && !segment)
    throw validation("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  if (total && (*total < 1 || *total > kMaxTotalSegments))
    throw validation("1 validation error detected: Value '" + std::to_string(*total) +
                     "' at 'totalSegments' failed to satisfy constraint: Member must have value " +
                     (*total < 1 ? "greater than or equal to 1" : "less than or equal to 1000000"));
  if (segment && *segment >= *total)
    throw validation("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: " +
                     std::to_string(*segment) + " is not less than TotalSegments: " + std::to_string(*total));
  RequestExpressions expressions = read_expressions(input, kFilter | kProjection);
  Page page(t, index, input, expressions);
  auto in_segment = [&](const std::string& partition) {
    return !total || fnv1a(partition) % static_cast<std::uint64_t>(*total) == static_cast<std::uint64_t>(*segment);
  };
  if (!index) {
    t.items->scan(start_key<ItemKey>(t, index, input), [&](const ItemKey& key, const Item& item) {
      return !in_segment(key.partition) || page.offer(item);
    });
  } else {
    auto after = start_key<IndexKey>(t, index, input);
    for (auto it = after ? index->entries.upper_bound(*after) : index->entries.begin(); it != index->entries.end(); ++it)
      if (in_segment(it->table.partition) && !page.offer(t.items->get(it->table).value())) break;
  }
  return page.answer(input, consistent);
}

}  // namespace stratus::dynamodb
