#include "services/dynamodb/table.hpp"
#include "services/dynamodb/errors.hpp"

#include <set>

#include "protocol/api_error.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxGlobalIndexes = 20, kMaxLocalIndexes = 5;

void check_name(const std::string& name, const char* field) {
  if (name.size() < 3)
    throw validation("1 validation error detected: Value '" + name + "' at '" + field +
                     "' failed to satisfy constraint: Member must have length greater than or equal to 3");
  if (name.size() > 255)
    throw validation("1 validation error detected: Value '" + name + "' at '" + field +
                     "' failed to satisfy constraint: Member must have length less than or equal to 255");
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.')
      throw validation("1 validation error detected: Value '" + name + "' at '" + field +
                       "' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

// A KeySchema list: a HASH key, then optionally a RANGE key.
KeySchema key_schema(const Value& list, const char* field) {
  const Array& elements = list.is_array() ? list.as_array() : Array{};
  if (elements.empty() || elements.size() > 2)
    throw validation(std::string("1 validation error detected: Value '[]' at '") + field +
                     "' failed to satisfy constraint: Member must have length less than or equal to 2 and greater than or equal to 1");
  KeySchema k;
  if (input::optional_string(elements[0], "KeyType").value_or("") != "HASH")
    throw validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  k.partition_key = input::optional_string(elements[0], "AttributeName").value_or("");
  if (elements.size() == 2) {
    if (input::optional_string(elements[1], "KeyType").value_or("") != "RANGE")
      throw validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
    k.sort_key = input::optional_string(elements[1], "AttributeName").value_or("");
    if (*k.sort_key == k.partition_key)
      throw validation("Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  return k;
}

Value projection(const Value& input) {
  const Value* p = input.find("Projection");
  std::string type = p ? input::optional_string(*p, "ProjectionType").value_or("") : "";
  if (type != "ALL" && type != "KEYS_ONLY" && type != "INCLUDE")
    throw validation("1 validation error detected: Value '" + type +
                     "' at 'projection.projectionType' failed to satisfy constraint: Member must satisfy enum value set: [ALL, INCLUDE, KEYS_ONLY]");
  auto non_key = input::strings(*p, "NonKeyAttributes");
  if (type != "INCLUDE" && !non_key.empty())
    throw invalid("ProjectionType is " + type + ", but NonKeyAttributes is specified");
  Value out = Value(Object{{"ProjectionType", Value(type)}});
  if (type == "INCLUDE") {
    Value list = Value::array();
    for (const auto& a : non_key) list.push(a);
    out.set("NonKeyAttributes", std::move(list));
  }
  return out;
}

Value throughput(const Value* given, bool provisioned, const std::string& where) {
  if (!provisioned) {
    if (given) throw invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    return Value(Object{{"NumberOfDecreasesToday", Value(0)}, {"ReadCapacityUnits", Value(0)}, {"WriteCapacityUnits", Value(0)}});
  }
  auto read = given ? input::optional_int(*given, "ReadCapacityUnits") : std::nullopt;
  auto write = given ? input::optional_int(*given, "WriteCapacityUnits") : std::nullopt;
  if (!read || !write)
    throw invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED" + where);
  if (*read < 1 || *write < 1) throw invalid("ReadCapacityUnits and WriteCapacityUnits must be at least 1");
  return Value(Object{{"NumberOfDecreasesToday", Value(0)}, {"ReadCapacityUnits", Value(*read)}, {"WriteCapacityUnits", Value(*write)}});
}

Value key_schema_value(const KeySchema& k) {
  Value list = Value::array();
  list.push(Value(Object{{"AttributeName", Value(k.partition_key)}, {"KeyType", Value("HASH")}}));
  if (k.sort_key) list.push(Value(Object{{"AttributeName", Value(*k.sort_key)}, {"KeyType", Value("RANGE")}}));
  return list;
}

}  // namespace

std::string table_arn(const std::string& account, const std::string& region, std::string_view name) {
  constexpr std::string_view kPrefix = "arn:aws:dynamodb:", kTable = ":table/";
  std::string arn;
  arn.reserve(kPrefix.size() + region.size() + 1 + account.size() + kTable.size() + name.size());
  arn.append(kPrefix).append(region).append(":").append(account).append(kTable).append(name);
  return arn;
}

Table define_table(const Value& input, const std::string& account, const std::string& region) {
  Table t;
  t.input = input;
  t.time_to_live = Value(Object{{"TimeToLiveStatus", Value("DISABLED")}});
  t.name = input::required_string(input, "TableName");
  check_name(t.name, "tableName");
  t.account = account;
  t.region = region;
  t.arn = table_arn(account, region, t.name);
  const Value* schema = input.find("KeySchema");
  t.key = key_schema(schema ? *schema : Value(), "keySchema");

  std::set<std::string> used = {t.key.partition_key};
  if (t.key.sort_key) used.insert(*t.key.sort_key);
  for (const auto& d : input::list(input, "AttributeDefinitions")) {
    std::string name = input::optional_string(d, "AttributeName").value_or("");
    std::string type = input::optional_string(d, "AttributeType").value_or("");
    if (type != "S" && type != "N" && type != "B")
      throw validation("1 validation error detected: Value '" + type +
                       "' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
    if (!t.attribute_types.emplace(name, type).second)
      throw invalid("Duplicate AttributeName in AttributeDefinitions: " + name);
  }

  std::string billing = input::optional_string(input, "BillingMode").value_or("PROVISIONED");
  if (billing != "PROVISIONED" && billing != "PAY_PER_REQUEST")
    throw validation("1 validation error detected: Value '" + billing +
                     "' at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]");
  bool provisioned = billing == "PROVISIONED";

  Value globals = Value::array(), locals = Value::array();
  std::set<std::string> index_names;
  auto index_keys = [&](const Value& index, const char* field) {
    std::string name = input::optional_string(index, "IndexName").value_or("");
    check_name(name, "indexName");
    if (!index_names.insert(name).second) throw invalid("Duplicate index name: " + name);
    const Value* ks = index.find("KeySchema");
    KeySchema k = key_schema(ks ? *ks : Value(), field);
    const Value* p = index.find("Projection");
    t.indexes[name] = SecondaryIndex{name, k, std::string(field).starts_with("global"),
                                     p ? input::optional_string(*p, "ProjectionType").value_or("") : "",
                                     p ? input::strings(*p, "NonKeyAttributes") : std::vector<std::string>{}, {}, nullptr};
    used.insert(k.partition_key);
    if (k.sort_key) used.insert(*k.sort_key);
    return std::pair{name, k};
  };
  const Array& gsis = input::list(input, "GlobalSecondaryIndexes");
  if (gsis.size() > kMaxGlobalIndexes)
    throw ApiError("LimitExceededException", "Subscriber limit exceeded: The number of global secondary indexes exceeds the limit of 20");
  for (const auto& g : gsis) {
    auto [name, k] = index_keys(g, "globalSecondaryIndexes.1.member.keySchema");
    const Value* pt = g.find("ProvisionedThroughput");
    globals.push(Value(Object{{"IndexName", Value(name)},
                              {"KeySchema", key_schema_value(k)},
                              {"Projection", projection(g)},
                              {"IndexStatus", Value("ACTIVE")},
                              {"ProvisionedThroughput", throughput(pt, provisioned, " for index " + name)},
                              {"IndexSizeBytes", Value(0)},
                              {"ItemCount", Value(0)},
                              {"IndexArn", Value(t.arn + "/index/" + name)}}));
  }
  const Array& lsis = input::list(input, "LocalSecondaryIndexes");
  if (lsis.size() > kMaxLocalIndexes) throw invalid("Number of LocalSecondaryIndexes exceeds the limit of 5");
  for (const auto& l : lsis) {
    auto [name, k] = index_keys(l, "localSecondaryIndexes.1.member.keySchema");
    if (!t.key.sort_key) throw invalid("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
    if (k.partition_key != t.key.partition_key || !k.sort_key)
      throw invalid("Index KeySchema does not have the same leading hash key as table KeySchema for index: " + name +
                    ". index hash key: " + k.partition_key + ", table hash key: " + t.key.partition_key);
    locals.push(Value(Object{{"IndexName", Value(name)},
                             {"KeySchema", key_schema_value(k)},
                             {"Projection", projection(l)},
                             {"IndexSizeBytes", Value(0)},
                             {"ItemCount", Value(0)},
                             {"IndexArn", Value(t.arn + "/index/" + name)}}));
  }

  std::vector<std::string> undefined;
  for (const auto& name : used)
    if (!t.attribute_types.contains(name)) undefined.push_back(name);
  if (!undefined.empty()) {
    std::string keys, defined;
    for (const auto& u : undefined) keys += (keys.empty() ? "" : ", ") + u;
    for (const auto& [n, type] : t.attribute_types) defined += (defined.empty() ? "" : ", ") + n;
    throw invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [" + keys +
                  "], AttributeDefinitions: [" + defined + "]");
  }
  if (used.size() != t.attribute_types.size())
    throw invalid("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
  for (auto& [name, index] : t.indexes)
    for (const std::string* attribute : {&index.key.partition_key, index.key.sort_key ? &*index.key.sort_key : nullptr})
      if (attribute) index.key_types[*attribute] = t.attribute_types.at(*attribute);

  Value definitions = Value::array();
  for (const auto& d : input::list(input, "AttributeDefinitions")) definitions.push(d);
  Value d = Value::object();
  d.set("AttributeDefinitions", std::move(definitions));
  d.set("TableName", t.name);
  d.set("KeySchema", key_schema_value(t.key));
  d.set("TableStatus", "ACTIVE");
  d.set("CreationDateTime", static_cast<double>(ids::now_ms()) / 1000.0);
  d.set("ProvisionedThroughput", throughput(input.find("ProvisionedThroughput"), provisioned, ""));
  d.set("TableArn", t.arn);
  d.set("TableId", ids::uuid());
  if (!provisioned)
    d.set("BillingModeSummary", Value(Object{{"BillingMode", Value("PAY_PER_REQUEST")},
                                              {"LastUpdateToPayPerRequestDateTime", *d.find("CreationDateTime")}}));
  if (!locals.as_array().empty()) d.set("LocalSecondaryIndexes", std::move(locals));
  if (!globals.as_array().empty()) d.set("GlobalSecondaryIndexes", std::move(globals));
  if (const Value* stream = input.find("StreamSpecification");
      stream && stream->is_object() && input::optional_bool(*stream, "StreamEnabled").value_or(false)) {
    d.set("StreamSpecification", *stream);
    std::string label = ids::iso8601(ids::now_ms());
    label.pop_back();
    d.set("LatestStreamLabel", label);
    d.set("LatestStreamArn", t.arn + "/stream/" + label);
  }
  if (auto table_class = input::optional_string(input, "TableClass"))
    d.set("TableClassSummary", Value(Object{{"TableClass", Value(*table_class)}}));
  d.set("DeletionProtectionEnabled", input::optional_bool(input, "DeletionProtectionEnabled").value_or(false));
  t.description = std::move(d);
  for (const auto& tag : input::list(input, "Tags"))
    t.tags[input::optional_string(tag, "Key").value_or("")] = input::optional_string(tag, "Value").value_or("");
  return t;
}

namespace {

constexpr std::size_t kMaxPartitionKeyBytes = 2048, kMaxSortKeyBytes = 1024;

// One key attribute of an item, checked: present, of its defined type, within size.
std::string key_part(const Table& table, const Item& item, const std::string& name, std::size_t max_bytes, const char* which) {
  auto it = item.find(name);
  if (it == item.end()) throw invalid("Missing the key " + name + " in the item");
  const std::string& expected = table.attribute_types.at(name);
  std::string actual = type_name(it->second.type());
  if (actual != expected) throw invalid("Type mismatch for key " + name + " expected: " + expected + " actual: " + actual);
  if (it->second.type() != Type::N && it->second.as_string().empty())
    throw validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty " +
                     std::string(expected == "S" ? "string" : "binary") + " value. Key: " + name);
  std::string bytes = it->second.key_bytes();
  if (it->second.type() != Type::N && bytes.size() > max_bytes)
    throw invalid(std::string("Size of ") + which + " has exceeded the maximum size limit of" + std::to_string(max_bytes) + " bytes");
  return bytes;
}

}  // namespace

ItemKey key_of(const Table& table, const Item& item, bool exact) {
  if (exact && item.size() != (table.key.sort_key ? 2u : 1u)) throw validation("The provided key element does not match the schema");
  ItemKey key;
  try {
    key.partition = key_part(table, item, table.key.partition_key, kMaxPartitionKeyBytes, "hashkey");
    if (table.key.sort_key) key.sort = key_part(table, item, *table.key.sort_key, kMaxSortKeyBytes, "rangekey");
  } catch (const ApiError&) {
    if (exact) throw validation("The provided key element does not match the schema");
    throw;
  }
  if (!exact) {
    // An index key attribute, where an item has one, must be of its defined type.
    for (const auto& [index, definition] : table.indexes) {
      const KeySchema& k = definition.key;
      for (const std::string* name : {&k.partition_key, k.sort_key ? &*k.sort_key : nullptr}) {
        if (!name) continue;
        auto it = item.find(*name);
        if (it == item.end()) continue;
        const std::string& expected = table.attribute_types.at(*name);
        std::string actual = type_name(it->second.type());
        if (actual != expected)
          throw invalid("Type mismatch for Index Key " + *name + " Expected: " + expected + " Actual: " + actual +
                        " IndexName: " + index);
        if (it->second.type() != Type::N && it->second.as_string().empty())
          throw validation("One or more parameter values are not valid. A value specified for a secondary index key is not "
                           "supported. The AttributeValue for a key attribute cannot contain an empty " +
                           std::string(expected == "S" ? "string" : "binary") + " value. IndexName: " + index +
                           ", IndexKey: " + *name);
      }
    }
  }
  return key;
}

Item key_attributes(const Table& table, const Item& item) {
  Item key;
  key.emplace(table.key.partition_key, item.at(table.key.partition_key));
  if (table.key.sort_key) key.emplace(*table.key.sort_key, item.at(*table.key.sort_key));
  return key;
}

void Table::write(const ItemKey& key, const Item* before, std::optional<Item> after, bool expired) {
  // A write that changes nothing leaves no stream record, as in DynamoDB, and nothing to store.
  if (before && after && *before == *after) return;
  for (auto& [name, index] : indexes) index.update(this->key, key, before, after ? &*after : nullptr);
  if (streams && !stream_arn.empty())
    streams->append(stream_arn, ItemChange{key_attributes(*this, after ? *after : *before), before, after ? &*after : nullptr, expired});
  if (after) items->put(key, std::move(*after), before);
  else if (before) items->erase(key, *before);
}

std::optional<Stream> Table::stream() const {
  const Value* spec = description.find("StreamSpecification");
  const Value* arn = description.find("LatestStreamArn");
  if (!spec || !arn || !input::optional_bool(*spec, "StreamEnabled").value_or(false)) return std::nullopt;
  Stream s;
  s.arn = arn->as_string();
  s.label = description.find("LatestStreamLabel")->as_string();
  s.table_name = name;
  s.view_type = input::optional_string(*spec, "StreamViewType").value_or("NEW_AND_OLD_IMAGES");
  s.account = account;
  s.region = region;
  s.key_schema = *description.find("KeySchema");
  s.created_ms = ids::now_ms();
  return s;
}

void Table::open_stores(storage::Database& db, storage::SnapshotReader* reader, KeySpaces& spaces) {
  if (!items) items = std::make_shared<ItemStore>(db, reader, spaces, id());
  for (auto& [name, index] : indexes)
    if (!index.store) index.store = std::make_shared<IndexStore>(db, reader, spaces, id(), name);
}

}  // namespace stratus::dynamodb
