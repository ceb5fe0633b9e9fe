// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements run
// on the item machinery. A statement's WHERE is split into the key it names (equalities
// on the key attributes, ANDed at its top) and the rest. Writes are planned as the item
// operations plan them, the rest becoming their condition (an UPDATE also requires the
// item to exist, an INSERT that it does not). A SELECT that pins the partition key with
// = or IN reads those partitions in sort key order, as Query does, otherwise the whole
// table or index, as Scan does; either way the whole WHERE filters what is read.
#include <algorithm>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/partiql_parser.hpp"
#include "services/dynamodb/read_page.hpp"
#include "services/dynamodb/transactions.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

using partiql::Statement;

constexpr std::size_t kMaxStatementLength = 8192;
constexpr std::size_t kMaxBatchStatements = 25, kMaxTransactionStatements = 100;
constexpr std::size_t kMaxTransactionBytes = 4 * 1024 * 1024;

// -- statements of a request --------------------------------------------------------------

std::vector<AttributeValue> parameters_of(const Value& request) {
  const Value* given = request.find("Parameters");
  if (given && given->is_array() && given->as_array().empty())
    throw validation("1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: Member must have "
                     "length greater than or equal to 1");
  std::vector<AttributeValue> parameters;
  for (const auto& p : input::list(request, "Parameters")) parameters.push_back(AttributeValue::parse(p));
  return parameters;
}

Statement read_statement(const Value& request) {
  const std::string& text = input::required_string(request, "Statement");
  if (text.empty() || text.size() > kMaxStatementLength)
    throw validation("1 validation error detected: Value at 'statement' failed to satisfy constraint: Member must have length " +
                     std::string(text.empty() ? "greater than or equal to 1" : "less than or equal to 8192"));
  return partiql::parse(text, parameters_of(request));
}

const Array& statement_list(const Value& input, const char* member, const char* shown, std::size_t most) {
  const Array& list = input::list(input, member);
  if (list.empty() || list.size() > most)
    throw validation(std::string("1 validation error detected: Value at '") + shown +
                     "' failed to satisfy constraint: Member must have length " +
                     (list.empty() ? "greater than or equal to 1" : "less than or equal to " + std::to_string(most)));
  return list;
}

bool is_read(const Statement& s) { return s.kind == Statement::Kind::Select; }

// -- keys ---------------------------------------------------------------------------------

std::vector<std::string> key_names(const KeySchema& schema) {
  std::vector<std::string> names{schema.partition_key};
  if (schema.sort_key) names.push_back(*schema.sort_key);
  return names;
}

// `name = value` or `value = name` for a top-level attribute: the attribute and the value.
std::optional<std::pair<std::string, const AttributeValue*>> equality(const Condition& c) {
  if (c.kind != Condition::Kind::Compare || c.op != "=") return std::nullopt;
  const Operand *path = &c.operands[0], *value = &c.operands[1];
  if (path->kind != Operand::Kind::Path) std::swap(path, value);
  if (path->kind != Operand::Kind::Path || path->path.size() != 1 || value->kind != Operand::Kind::Value) return std::nullopt;
  return std::pair{path->path[0].name, &value->value};
}

Condition all_of(std::vector<Condition> parts) {
  Condition c = std::move(parts.front());
  for (std::size_t i = 1; i < parts.size(); ++i) {
    Condition both;
    both.kind = Condition::Kind::And;
    both.children.push_back(std::move(c));
    both.children.push_back(std::move(parts[i]));
    c = std::move(both);
  }
  return c;
}

// A WHERE that names one item: the key its equalities give, and what else it asks.
struct KeyedWhere {
  Item key;
  std::optional<Condition> rest;
};

KeyedWhere keyed_where(const Table& t, const std::optional<Condition>& where) {
  KeyedWhere out;
  std::vector<Condition> rest;
  std::vector<std::string> keys = key_names(t.key);
  for (const Condition* part : where ? conjuncts(*where) : std::vector<const Condition*>{}) {
    auto eq = equality(*part);
    if (!eq || std::find(keys.begin(), keys.end(), eq->first) == keys.end()) {
      rest.push_back(*part);
      continue;
    }
    auto [it, added] = out.key.emplace(eq->first, *eq->second);
    if (!added && !(it->second == *eq->second))
      throw validation("Multiple conditions on same key " + eq->first + ". Only single item Update/Insert/Delete are supported");
  }
  if (out.key.size() != keys.size()) throw validation("Where clause does not contain a mandatory equality on all key attributes");
  if (!rest.empty()) out.rest = all_of(std::move(rest));
  return out;
}

Operand attribute(const std::string& name) {
  Operand o;
  o.path = {{name}};
  return o;
}

Operand constant(const AttributeValue& v) {
  Operand o;
  o.kind = Operand::Kind::Value;
  o.value = v;
  return o;
}

// attribute_exists(name): an UPDATE changes only an item that is there.
Condition attribute_exists(const std::string& name) {
  Condition c;
  c.kind = Condition::Kind::Exists;
  c.operands.push_back(attribute(name));
  return c;
}

// INSERT's item must hold the key attributes with their defined types.
void check_insert_key(const Table& t, const Item& item) {
  for (const std::string& name : key_names(t.key)) {
    auto it = item.find(name);
    if (it == item.end()) throw validation("Key attribute should be present in the item: Key " + name);
    if (type_name(it->second.type()) != t.attribute_types.at(name))
      throw validation("Key attribute's data type should match its data type in table's schema: Key " + name);
  }
}

// -- writes -------------------------------------------------------------------------------

ApiError duplicate_item() { return ApiError("DuplicateItemException", "Duplicate primary key exists in table"); }

ItemWrite plan_insert(Table& t, const Statement& s) {
  check_insert_key(t, s.item);
  ItemKey key = key_of(t, s.item, false);
  check_item_size(s.item);
  WriteRequest request;
  request.item = s.item;
  ItemWrite w = plan_put(t, std::move(key), std::move(request));
  if (w.before) throw duplicate_item();
  return w;
}

ItemWrite plan_statement_update(Table& t, const Statement& s, bool old_item_on_failure) {
  KeyedWhere where = keyed_where(t, s.where);
  ItemKey key = key_of(t, where.key, true);
  Condition condition = attribute_exists(t.key.partition_key);
  if (where.rest) condition = all_of({std::move(condition), std::move(*where.rest)});
  return plan_update(t, std::move(key), WriteRequest{std::move(where.key), std::move(condition), s.update, old_item_on_failure});
}

ItemWrite plan_statement_delete(Table& t, const Statement& s, bool old_item_on_failure) {
  KeyedWhere where = keyed_where(t, s.where);
  ItemKey key = key_of(t, where.key, true);
  return plan_delete(t, std::move(key), WriteRequest{std::move(where.key), std::move(where.rest), {}, old_item_on_failure});
}

// EXISTS(SELECT ... WHERE <key> AND <condition>): its item and the condition to check.
KeyedWhere exists_where(const Table& t, const Statement& s) {
  static const char* const kMessage = "EXISTS() must contain a single item read with additional condition";
  if (s.index) throw validation("Operations on indices are not supported in transactions");
  KeyedWhere where;
  try {
    where = keyed_where(t, s.where);
  } catch (const ApiError&) {
    throw validation(kMessage);
  }
  if (!where.rest) throw validation(kMessage);
  return where;
}

// EXISTS as the ConditionCheck of TransactWriteItems.
ItemWrite plan_exists(Table& t, const Statement& s, bool old_item_on_failure) {
  KeyedWhere where = exists_where(t, s);
  ItemKey key = key_of(t, where.key, true);
  return plan_condition_check(t, std::move(key), WriteRequest{std::move(where.key), std::move(where.rest), {}, old_item_on_failure});
}

ItemWrite plan_statement(Table& t, const Statement& s, bool old_item_on_failure) {
  if (s.index && s.kind != Statement::Kind::Exists) throw validation("This operation is not supported on an index");
  switch (s.kind) {
    case Statement::Kind::Insert: return plan_insert(t, s);
    case Statement::Kind::Update: return plan_statement_update(t, s, old_item_on_failure);
    case Statement::Kind::Delete: return plan_statement_delete(t, s, old_item_on_failure);
    case Statement::Kind::Exists: return plan_exists(t, s, old_item_on_failure);
    case Statement::Kind::Select: break;
  }
  throw validation("Unsupported operation: Select");
}

// What RETURNING asks a write to give back (nothing when the projection is empty).
std::optional<Item> returned(const ItemWrite& w, const std::string& returning) {
  if (returning.empty()) return std::nullopt;
  const Item* item = returning.ends_with("OLD") ? (w.before ? &*w.before : nullptr) : w.after ? &*w.after : nullptr;
  if (!item) return std::nullopt;
  Item out = returning.starts_with("MODIFIED") ? project(*item, w.updated) : *item;
  if (out.empty()) return std::nullopt;
  return out;
}

// -- reads --------------------------------------------------------------------------------

// SELECT a.b, c[1]: each value found, named by the last name in its path with the list
// indexes after it ("b", "c[1]").
Item flattened(const Item& item, const std::vector<Path>& paths) {
  Item out;
  for (const Path& path : paths) {
    const AttributeValue* v = find(item, path);
    if (!v) continue;
    std::string name;
    for (const PathElement& step : path) name = step.is_index ? name + "[" + std::to_string(step.index) + "]" : step.name;
    out.insert_or_assign(name, *v);
  }
  return out;
}

const SecondaryIndex* index_of(const Table& t, const Statement& s) {
  if (!s.index) return nullptr;
  auto it = t.indexes.find(*s.index);
  if (it == t.indexes.end()) throw validation("The table does not have the specified index");
  return &it->second;
}

// The attributes an index holds, when it does not hold them all.
std::optional<std::set<std::string>> held_attributes(const Table& t, const SecondaryIndex& index) {
  if (index.projection_type == "ALL") return std::nullopt;
  std::set<std::string> held(index.non_key_attributes.begin(), index.non_key_attributes.end());
  for (const KeySchema* schema : {&t.key, &index.key})
    for (const std::string& name : key_names(*schema)) held.insert(name);
  return held;
}

std::string listed(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return "[" + out + "]";
}

// A SELECT on an index may only read and filter by what the index holds (a local index
// fetches the rest of what it returns from the table).
void check_index_reads(const Table& t, const SecondaryIndex* index, const Statement& s) {
  if (!index) return;
  auto held = held_attributes(t, *index);
  if (!held) return;
  std::set<std::string> missing;
  if (s.where)
    for (const auto& name : top_level_names(*s.where))
      if (!held->contains(name)) missing.insert(name);
  if (!missing.empty())
    throw invalid("Secondary index " + index->name + " does not project one or more filter attributes: " + listed(missing));
  if (!index->global) return;
  for (const Path& p : s.projection)
    if (!held->contains(p.front().name)) missing.insert(p.front().name);
  if (!missing.empty()) throw invalid("Global secondary index " + index->name + " does not project " + listed(missing));
}

ReadPage::Shape select_shape(const Table& t, const SecondaryIndex* index, const std::vector<Path>& projection) {
  if (!projection.empty())
    return [index, &projection](const Item& item, const Item& read) {
      return AttributeValue::item_value(flattened(index && index->global ? read : item, projection));
    };
  if (index) return index_projections(t, *index);
  return whole_items();
}

bool consistent_read(const SecondaryIndex* index, const Value& request) {
  bool consistent = input::optional_bool(request, "ConsistentRead").value_or(false);
  if (consistent && index && index->global)
    throw validation("Strongly consistent read is not supported on Global Secondary Indexes");
  return consistent;
}

// Whether a condition tests the top-level attribute `name` against constants only.
bool on_attribute(const Condition& c, const std::string& name) {
  auto named = [&](const Operand& o) { return o.kind == Operand::Kind::Path && o.path.size() == 1 && o.path[0].name == name; };
  auto constant = [](const Operand& o) { return o.kind == Operand::Kind::Value; };
  if (c.operands.empty()) return false;
  bool first = named(c.operands[0]) && std::all_of(c.operands.begin() + 1, c.operands.end(), constant);
  return first || (c.kind == Condition::Kind::Compare && constant(c.operands[0]) && named(c.operands[1]));
}

// The partition key values the first = or IN on the partition key gives.
std::vector<AttributeValue> pinned_partitions(const std::vector<const Condition*>& parts, const std::string& partition_key) {
  for (const Condition* part : parts) {
    if (!on_attribute(*part, partition_key)) continue;
    if (auto eq = equality(*part)) return {*eq->second};
    if (part->kind != Condition::Kind::In) continue;
    std::vector<AttributeValue> values;
    for (auto o = part->operands.begin() + 1; o != part->operands.end(); ++o) values.push_back(o->value);
    return values;
  }
  return {};
}

// The first condition on the sort key that a key range can hold.
const Condition* sort_condition(const std::vector<const Condition*>& parts, const std::optional<std::string>& sort_key) {
  for (const Condition* part : parts) {
    bool ranged = (part->kind == Condition::Kind::Compare && part->op != "<>") || part->kind == Condition::Kind::Between ||
                  part->kind == Condition::Kind::BeginsWith;
    if (sort_key && ranged && on_attribute(*part, *sort_key)) return part;
  }
  return nullptr;
}

// The key ranges a SELECT reads: one for each partition its WHERE pins with = or IN on
// the partition key, in the order written, with the sort key range of its first usable
// sort key condition; none when it pins no partition, which makes the read a scan. The
// key conditions are checked as Query checks them.
std::vector<KeyQuery> key_queries(const Table& t, const KeySchema& schema, const std::optional<Condition>& where) {
  if (!where) return {};
  std::vector<const Condition*> parts = conjuncts(*where);
  const Condition* sort = sort_condition(parts, schema.sort_key);
  std::vector<KeyQuery> queries;
  std::set<std::string> seen;
  for (const AttributeValue& partition : pinned_partitions(parts, schema.partition_key)) {
    Condition key;
    key.kind = Condition::Kind::Compare;
    key.op = "=";
    key.operands = {attribute(schema.partition_key), constant(partition)};
    KeyQuery q = key_query(sort ? all_of({key, *sort}) : key, schema, t.attribute_types, false);
    if (seen.insert(q.partition).second) queries.push_back(std::move(q));
  }
  return queries;
}

// ORDER BY names key attributes: the sort key orders each partition, the partition key
// orders the partitions by their key bytes. Returns whether sort keys ascend.
bool apply_order(const Statement& s, const KeySchema& schema, std::vector<KeyQuery>& queries) {
  if (s.order_by.empty()) return true;
  if (!s.where) throw validation("Must have WHERE clause in the statement when using ORDER BY clause.");
  if (queries.empty())
    throw validation("Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.");
  bool forward = true, ordered_partitions = false;
  for (const auto& o : s.order_by) {
    if (o.attribute == schema.partition_key) {
      ordered_partitions = true;
      std::stable_sort(queries.begin(), queries.end(), [&](const KeyQuery& a, const KeyQuery& b) {
        return o.descending ? b.partition < a.partition : a.partition < b.partition;
      });
    } else if (schema.sort_key && o.attribute == *schema.sort_key) {
      forward = !o.descending;
    } else {
      throw validation("Variable reference " + o.attribute + " in ORDER BY clause must be part of the primary key");
    }
  }
  if (queries.size() > 1 && !ordered_partitions)
    throw validation("Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.");
  return forward;
}

// NextToken: where the next page starts, tied to the statement and parameters it pages.
std::string paged_request(const Value& request) {
  const Value* parameters = request.find("Parameters");
  return checksums::sha256_hex(input::required_string(request, "Statement") + "\n" + (parameters ? json::write(*parameters) : ""));
}

std::string next_token(const Value& request, const Item& last_key) {
  Value token = Value(Object{{"Request", Value(paged_request(request))}, {"Key", AttributeValue::item_value(last_key)}});
  return checksums::base64_encode(json::write(token));
}

// The start key a NextToken holds (in the wire form), or null without one.
std::optional<Value> token_start(const Value& request) {
  auto token = input::optional_string(request, "NextToken");
  if (!token) return std::nullopt;
  Value decoded;
  try {
    auto text = checksums::base64_decode(*token);
    if (text) decoded = json::parse(*text);
  } catch (const std::exception&) {
  }
  const Value* owner = decoded.is_object() ? decoded.find("Request") : nullptr;
  const Value* key = decoded.is_object() ? decoded.find("Key") : nullptr;
  if (!owner || !owner->is_string() || !key || !key->is_object()) throw validation("Invalid NextToken");
  if (owner->as_string() != paged_request(request)) throw validation("NextToken does not match request");
  return *key;
}

// The position in `queries` a start key falls in.
std::size_t start_partition(const std::vector<KeyQuery>& queries, const KeySchema& schema, const Value& start) {
  try {
    Item key = AttributeValue::parse_item(start);
    std::string partition = key.at(schema.partition_key).key_bytes();
    for (std::size_t i = 0; i < queries.size(); ++i)
      if (queries[i].partition == partition) return i;
  } catch (const std::exception&) {
  }
  throw validation("Invalid NextToken");
}

void read_statement_items(const Table& t, const SecondaryIndex* index, const Statement& s, const Value& request, ReadPage& page) {
  const KeySchema& schema = index ? index->key : t.key;
  std::vector<KeyQuery> queries = key_queries(t, schema, s.where);
  bool forward = apply_order(s, schema, queries);
  std::optional<Value> start = token_start(request);
  if (queries.empty()) return read_all(t, index, start ? &*start : nullptr, nullptr, page);
  std::size_t first = start ? start_partition(queries, schema, *start) : 0;
  for (std::size_t i = first; i < queries.size(); ++i)
    read_partition(t, index, queries[i], forward, start && i == first ? &*start : nullptr, page);
}

Value execute_select(const Table& t, const Statement& s, const Value& request) {
  const SecondaryIndex* index = index_of(t, s);
  bool consistent = consistent_read(index, request);
  check_index_reads(t, index, s);
  ReadPage page(t, index, page_limit(request), s.where ? &*s.where : nullptr, select_shape(t, index, s.projection));
  read_statement_items(t, index, s, request, page);
  Value out = Value(Object{{"Items", std::move(page.items())}});
  if (auto last = page.last_key()) {
    out.set("NextToken", next_token(request, *last));
    out.set("LastEvaluatedKey", AttributeValue::item_value(*last));
  }
  add_capacity(out, request, t, page.capacity(consistent));
  return out;
}

// The item a SELECT names by its whole key, as batches and transactions read; `refusal`
// is their message for any other SELECT.
ItemKey selected_key(const Table& t, const Statement& s, const char* refusal) {
  KeyedWhere where;
  try {
    if (s.index) throw validation(refusal);
    where = keyed_where(t, s.where);
  } catch (const ApiError&) {
    throw validation(refusal);
  }
  if (where.rest) throw validation(refusal);
  return key_of(t, where.key, true);
}

// The item at `key` as the SELECT shapes it, if there is one; the read is charged to `used`.
std::optional<Item> read_item(const Table& t, const ItemKey& key, const Statement& s, double units_per_4kb, Capacity& used) {
  std::optional<Item> item = t.items->get(key);
  used.read(item ? item_size(*item) : 0, units_per_4kb);
  if (!item) return std::nullopt;
  return s.projection.empty() ? *item : flattened(*item, s.projection);
}

// -- batches ------------------------------------------------------------------------------

// A batch answers a failed statement with its error's code in the batch's own words.
Value batch_error(const ApiError& e, const Table* t) {
  std::string code = e.code == "ValidationException" ? "ValidationError" : e.code;
  if (code.ends_with("Exception")) code.erase(code.size() - std::string_view("Exception").size());
  Value error = Value(Object{{"Code", Value(code)}, {"Message", Value(std::string(e.what()))}});
  for (const auto& [name, value] : e.members) error.set(name, value);
  Value response = Value(Object{{"Error", std::move(error)}});
  if (t) response.set("TableName", t->name);
  return response;
}

// One statement of a batch or transaction: parsed and its table found, or the error.
struct Entry {
  std::optional<Statement> statement;
  Table* table = nullptr;
  std::optional<ApiError> error;
};

// The item a write statement addresses.
ItemKey statement_key(const Table& t, const Statement& s) {
  if (s.kind == Statement::Kind::Exists) return key_of(t, exists_where(t, s).key, true);
  if (s.index) throw validation("This operation is not supported on an index");
  if (s.kind != Statement::Kind::Insert) return key_of(t, keyed_where(t, s.where).key, true);
  check_insert_key(t, s.item);
  return key_of(t, s.item, false);
}

// Finds the item each statement names (a failure becomes that statement's error); an item
// named twice fails the whole batch before anything is read or written.
template <typename KeyOf>
std::vector<ItemKey> batch_keys(std::vector<Entry>& entries, KeyOf key_of_statement) {
  std::vector<ItemKey> keys(entries.size());
  std::set<std::pair<std::string, ItemKey>> seen;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    Entry& e = entries[i];
    if (e.error) continue;
    try {
      keys[i] = key_of_statement(*e.table, *e.statement);
    } catch (const ApiError& error) {
      e.error = error;
      continue;
    }
    if (!seen.emplace(e.table->arn, keys[i]).second) throw validation("Provided list of item keys contains duplicates");
  }
  return keys;
}

// A batch's answer: a statement that already failed answers with its error, each other
// with what `respond(i, entry, used)` makes of it. `respond` charges its table in `used`
// itself, so that a table none of whose statements got that far is left out of
// ConsumedCapacity.
template <typename Respond>
Value batch_answer(const std::vector<Entry>& entries, const Value& input, Respond respond) {
  Value responses = Value::array();
  std::map<std::string, Capacity> used;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    responses.push(e.error ? batch_error(*e.error, nullptr) : respond(i, e, used));
  }
  Value out = Value(Object{{"Responses", std::move(responses)}});
  add_capacities(out, input, used);
  return out;
}

Value batch_reads(const Array& list, std::vector<Entry>& entries, const Value& input) {
  std::vector<ItemKey> keys = batch_keys(entries, [](const Table& t, const Statement& s) {
    return selected_key(t, s, "Only single item select is supported");
  });
  return batch_answer(entries, input, [&](std::size_t i, const Entry& e, std::map<std::string, Capacity>& used) {
    bool consistent = input::optional_bool(list[i], "ConsistentRead").value_or(false);
    auto item = read_item(*e.table, keys[i], *e.statement, consistent ? kConsistent : kEventual, used[e.table->name]);
    Value response = Value(Object{{"TableName", Value(e.table->name)}});
    if (item) response.set("Item", AttributeValue::item_value(*item));
    return response;
  });
}

// Each write stands alone: one that fails leaves the others done.
Value batch_writes(const Array& list, std::vector<Entry>& entries, const Value& input) {
  batch_keys(entries, statement_key);
  return batch_answer(entries, input, [&](std::size_t i, const Entry& e, std::map<std::string, Capacity>& used) {
    try {
      ItemWrite w = plan_statement(*e.table, *e.statement, old_item_on_failure(list[i]));
      Value response = Value(Object{{"TableName", Value(e.table->name)}});
      if (auto item = returned(w, e.statement->returning)) response.set("Item", AttributeValue::item_value(*item));
      used[e.table->name] += w.capacity();
      w.apply();
      return response;
    } catch (const ApiError& error) {
      return batch_error(error, e.table);
    }
  });
}

// -- transactions -------------------------------------------------------------------------

// A statement's error as a transaction reports it, naming the statement.
ApiError in_statement(std::size_t i, const ApiError& e) {
  if (e.code == "ResourceNotFoundException") return e;
  return validation("Validation failed in TransactStatements[" + std::to_string(i) + "]: " + e.what());
}

Value transaction_reads(const std::vector<Entry>& entries, const Value& input) {
  Value responses = Value::array();
  std::map<std::string, Capacity> used;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    std::optional<Item> item;
    try {
      if (e.statement->index) throw validation("Reads on indices are not supported within transactions.");
      ItemKey key = selected_key(*e.table, *e.statement,
                                 "Select statements within ExecuteTransaction must specify the primary key in the where clause.");
      item = read_item(*e.table, key, *e.statement, kTransactional, used[e.table->name]);
    } catch (const ApiError& error) {
      throw in_statement(i, error);
    }
    Value response = Value::object();
    if (item) response.set("Item", AttributeValue::item_value(*item));
    responses.push(std::move(response));
  }
  Value out = Value(Object{{"Responses", std::move(responses)}});
  add_capacities(out, input, used);
  return out;
}

// Every write names its own item.
void check_distinct_items(const std::vector<Entry>& entries) {
  std::set<std::pair<std::string, ItemKey>> seen;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    ItemKey key;
    try {
      key = statement_key(*entries[i].table, *entries[i].statement);
    } catch (const ApiError& error) {
      throw in_statement(i, error);
    }
    if (!seen.emplace(entries[i].table->arn, std::move(key)).second)
      throw validation("Transaction request cannot include multiple operations on one item");
  }
}

// Plans every write; a failed condition, an INSERT of a key that exists or a value an
// update cannot use cancels the transaction with reasons in statement order.
std::vector<ItemWrite> plan_transaction(const Array& list, const std::vector<Entry>& entries) {
  std::vector<ItemWrite> writes;
  std::vector<Value> reasons;
  bool failed = false;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    try {
      writes.push_back(plan_statement(*entries[i].table, *entries[i].statement, old_item_on_failure(list[i])));
      reasons.push_back(cancellation_reason());
    } catch (const ApiError& error) {
      bool conditional = error.code == "ConditionalCheckFailedException";
      if (!conditional && error.code != "ValidationException" && error.code != "DuplicateItemException") throw;
      failed = true;
      reasons.push_back(cancellation_reason(conditional ? "ConditionalCheckFailed" : "ValidationError", &error));
    }
  }
  if (failed) throw transaction_cancelled(reasons);
  return writes;
}

}  // namespace

Table& DynamoDbService::statement_table(const RequestContext& ctx, const std::string& name) {
  try {
    return table(ctx, name);
  } catch (const ApiError& e) {
    throw ApiError(e.code, "Requested resource not found");
  }
}

Value DynamoDbService::execute_statement(const RequestContext& ctx, const Value& input) {
  Statement s = read_statement(input);
  if (s.kind == Statement::Kind::Exists) throw validation("EXISTS can only be used in ExecuteTransaction write requests.");
  Table& t = statement_table(ctx, s.table);
  if (is_read(s)) return execute_select(t, s, input);
  ItemWrite w = plan_statement(t, s, old_item_on_failure(input));
  Value items = Value::array();
  if (auto item = returned(w, s.returning)) items.push(AttributeValue::item_value(*item));
  Value out = Value(Object{{"Items", std::move(items)}});
  add_capacity(out, input, t, w.capacity());
  w.apply();
  return out;
}

Value DynamoDbService::batch_execute_statement(const RequestContext& ctx, const Value& input) {
  const Array& list = statement_list(input, "Statements", "statements", kMaxBatchStatements);
  std::vector<Entry> entries(list.size());
  std::optional<bool> reads;
  for (std::size_t i = 0; i < list.size(); ++i) {
    Entry& e = entries[i];
    try {
      e.statement = read_statement(list[i]);
      if (e.statement->kind == Statement::Kind::Exists) throw validation("EXISTS can only be used in ExecuteTransaction write requests.");
    } catch (const ApiError& error) {
      e.error = error;
      continue;
    }
    // Statements that cannot be read are answered with their error and count as neither.
    if (reads && *reads != is_read(*e.statement))
      throw validation("Read and write requests together in the same batch is not supported.");
    reads = is_read(*e.statement);
    try {
      e.table = &statement_table(ctx, e.statement->table);
    } catch (const ApiError& error) {
      e.error = error;
    }
  }
  return reads.value_or(false) ? batch_reads(list, entries, input) : batch_writes(list, entries, input);
}

Value DynamoDbService::execute_transaction(const RequestContext& ctx, const Value& input) {
  const Array& list = statement_list(input, "TransactStatements", "transactStatements", kMaxTransactionStatements);
  std::vector<Entry> entries(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    Entry& e = entries[i];
    try {
      e.statement = read_statement(list[i]);
    } catch (const ApiError& error) {
      throw in_statement(i, error);
    }
    if (is_read(*e.statement) != is_read(*entries[0].statement))
      throw validation("ExecuteTransaction API does not support both read and write operations in the same request.");
    try {
      if (!e.statement->returning.empty()) throw validation("RETURNING clause is not supported in ExecuteTransaction.");
      e.table = &statement_table(ctx, e.statement->table);
    } catch (const ApiError& error) {
      throw in_statement(i, error);
    }
  }
  if (is_read(*entries[0].statement)) return transaction_reads(entries, input);

  auto token = input::optional_string(input, "ClientRequestToken");
  std::string fingerprint = json::write(Value(list));
  Value out = Value(Object{{"Responses", Value::array()}});
  if (already_applied(token, fingerprint)) return out;
  if (fingerprint.size() > kMaxTransactionBytes) throw validation("Transaction request size has exceeded the maximum allowed size");
  check_distinct_items(entries);
  std::vector<ItemWrite> writes = plan_transaction(list, entries);
  std::map<std::string, Capacity> used = apply_transaction(writes);
  remember_applied(token, fingerprint);
  add_capacities(out, input, used);
  return out;
}

}  // namespace stratus::dynamodb
