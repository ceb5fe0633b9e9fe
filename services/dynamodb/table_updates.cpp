// UpdateTable. The change is checked as DynamoDB checks it, applied to the CreateTable
// input the table was made from, and that input is defined afresh (so a changed
// table passes CreateTable's checks too); then what must stay is carried over:
// identity, items, settings, index entries, the stream, throughput history.
#include <algorithm>

#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

bool given(const Value& input, const char* member) {
  const Value* v = input.find(member);
  return v && !v->is_null();
}

ApiError index_not_found(const std::string& index, const Table& t) {
  return ApiError("ResourceNotFoundException", "Requested resource not found: Index " + index + " for table " + t.name);
}

std::string throughput_text(const char* what, const Value& current, const Value& requested) {
  auto units = [](const Value& v, const char* m) { return std::to_string(input::optional_int(v, m).value_or(0)); };
  return std::string("The provisioned throughput for the ") + what + " will not change. The requested value equals the current value. " +
         "Current ReadCapacityUnits provisioned for the " + what + ": " + units(current, "ReadCapacityUnits") +
         ". Requested ReadCapacityUnits: " + units(requested, "ReadCapacityUnits") + ". Current WriteCapacityUnits provisioned for the " +
         what + ": " + units(current, "WriteCapacityUnits") + ". Requested WriteCapacityUnits: " + units(requested, "WriteCapacityUnits") +
         ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.";
}

bool same_throughput(const Value& a, const Value& b) {
  return input::optional_int(a, "ReadCapacityUnits") == input::optional_int(b, "ReadCapacityUnits") &&
         input::optional_int(a, "WriteCapacityUnits") == input::optional_int(b, "WriteCapacityUnits");
}

const Value* described_index(const Table& t, const std::string& name) {
  if (const Value* gsis = t.description.find("GlobalSecondaryIndexes"))
    for (const auto& g : gsis->as_array())
      if (g.find("IndexName")->as_string() == name) return &g;
  return nullptr;
}

// The checks DynamoDB makes before it looks at the change itself: what may not be
// combined in one call, and the stream switch.
void check_combination(const Table& t, const Value& input) {
  bool stream = given(input, "StreamSpecification");
  bool index_create_or_delete = false;
  std::size_t creates_and_deletes = 0;
  for (const auto& u : input::list(input, "GlobalSecondaryIndexUpdates"))
    if (u.find("Create") || u.find("Delete")) {
      index_create_or_delete = true;
      ++creates_and_deletes;
    }
  std::size_t changes = stream + given(input, "ProvisionedThroughput") + given(input, "BillingMode") +
                        !input::list(input, "GlobalSecondaryIndexUpdates").empty() + given(input, "SSESpecification");
  if (given(input, "TableClass") && changes) throw invalid("TableClass modification must be the only operation in the request");
  if (given(input, "DeletionProtectionEnabled") && (changes || given(input, "TableClass")))
    throw invalid("DeletionProtection modification must be the only operation in the request");
  if (stream && index_create_or_delete) throw invalid("You cannot create or delete index while changing stream status");
  if (stream && given(input, "ProvisionedThroughput")) throw invalid("You cannot modify stream status while updating table IOPS");
  if (creates_and_deletes > 1)
    throw ApiError("LimitExceededException",
                   "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");
  if (stream) {
    const Value& spec = *input.find("StreamSpecification");
    bool enable = input::optional_bool(spec, "StreamEnabled").value_or(false);
    bool view = given(spec, "StreamViewType");
    if (enable && !view) throw invalid("If stream is being enabled then UpdateViewType is required");
    if (!enable && view) throw invalid("If stream is being disabled, then UpdateViewType must not be specified");
    if (enable && t.stream()) throw validation("Table already has an enabled stream: TableName: " + t.name);
    if (!enable && !t.stream()) throw validation("Table has no stream to disable: TableName: " + t.name);
  }
  if (auto table_class = input::optional_string(input, "TableClass");
      table_class && *table_class != "STANDARD" && *table_class != "STANDARD_INFREQUENT_ACCESS")
    throw validation("1 validation error detected: Value '" + *table_class +
                     "' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]");
}

// Billing and throughput, table and indexes, as the change leaves them.
void apply_billing(const Table& t, const Value& input, Value& next) {
  bool provisioned = input::optional_string(next, "BillingMode").value_or("PROVISIONED") == "PROVISIONED";
  if (auto mode = input::optional_string(input, "BillingMode")) provisioned = *mode == "PROVISIONED";
  bool switching = given(input, "BillingMode") && provisioned != (input::optional_string(t.input, "BillingMode").value_or("PROVISIONED") == "PROVISIONED");
  next.set("BillingMode", provisioned ? "PROVISIONED" : "PAY_PER_REQUEST");
  if (!provisioned) {
    if (given(input, "ProvisionedThroughput"))
      throw invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    next.erase("ProvisionedThroughput");
    if (Value* gsis = next.find("GlobalSecondaryIndexes"))
      for (Value& g : gsis->as_array()) g.erase("ProvisionedThroughput");
    return;
  }
  if (given(input, "ProvisionedThroughput")) {
    const Value& requested = *input.find("ProvisionedThroughput");
    if (!switching && same_throughput(requested, *t.description.find("ProvisionedThroughput")))
      throw validation(throughput_text("table", *t.description.find("ProvisionedThroughput"), requested));
    next.set("ProvisionedThroughput", requested);
  } else if (switching) {
    throw invalid("ProvisionedThroughput must be specified when BillingMode is PROVISIONED");
  }
  if (switching)
    for (const auto& g : input::list(next, "GlobalSecondaryIndexes")) {
      bool updated = false;
      for (const auto& u : input::list(input, "GlobalSecondaryIndexUpdates"))
        if (const Value* change = u.find("Update"); change && *change->find("IndexName") == *g.find("IndexName")) updated = true;
      if (!given(g, "ProvisionedThroughput") && !updated)
        throw invalid("ProvisionedThroughput must be specified for index: " + g.find("IndexName")->as_string());
    }
}

void apply_index_updates(const Table& t, const Value& input, bool provisioned, Array& gsis) {
  if (const Value* updates = input.find("GlobalSecondaryIndexUpdates"); updates && updates->is_array() && updates->as_array().empty())
    throw validation("1 validation error detected: Value '[]' at 'globalSecondaryIndexUpdates' failed to satisfy constraint: "
                     "Member must have length greater than or equal to 1");
  for (const auto& update : input::list(input, "GlobalSecondaryIndexUpdates")) {
    const Value* spec = update.find("Create") ? update.find("Create") : update.find("Delete") ? update.find("Delete") : update.find("Update");
    if (!spec) throw validation("One or more parameter values were invalid: One of Create, Update or Delete must be specified");
    const std::string& name = input::required_string(*spec, "IndexName");
    auto it = std::find_if(gsis.begin(), gsis.end(), [&](const Value& g) { return g.find("IndexName")->as_string() == name; });
    bool local = t.indexes.contains(name) && !t.indexes.at(name).global;
    if (update.find("Create")) {
      if (it != gsis.end() || local) throw validation("Attempting to create an index which already exists");
      gsis.push_back(*spec);
    } else if (local) {
      throw validation("One or more parameter values were invalid: Cannot delete an index that is not a GlobalSecondaryIndex: " + name);
    } else if (it == gsis.end()) {
      throw index_not_found(name, t);
    } else if (update.find("Delete")) {
      gsis.erase(it);
    } else {
      const Value* requested = spec->find("ProvisionedThroughput");
      if (!provisioned)
        throw invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
      if (requested && same_throughput(*requested, *described_index(t, name)->find("ProvisionedThroughput")))
        throw validation(throughput_text(("index " + name).c_str(), *described_index(t, name)->find("ProvisionedThroughput"), *requested));
      if (requested) it->set("ProvisionedThroughput", *requested);
    }
  }
}

// Definitions the change adds (never redefining one), less those no key uses any more.
Value attribute_definitions(const Table& t, const Value& input, const Array& gsis) {
  Value definitions = t.input.find("AttributeDefinitions") ? *t.input.find("AttributeDefinitions") : Value::array();
  for (const auto& d : input::list(input, "AttributeDefinitions")) {
    const std::string& name = input::required_string(d, "AttributeName");
    auto it = t.attribute_types.find(name);
    if (it == t.attribute_types.end()) definitions.push(d);
    else if (it->second != input::optional_string(d, "AttributeType").value_or(""))
      throw invalid("Attributes cannot be redefined: " + name);
  }
  auto keys_name = [](const Value& index, const std::string& name) {
    for (const auto& k : input::list(index, "KeySchema"))
      if (input::optional_string(k, "AttributeName") == name) return true;
    return false;
  };
  Value used = Value::array();
  for (const auto& d : definitions.as_array()) {
    const std::string& name = d.find("AttributeName")->as_string();
    bool needed = name == t.key.partition_key || (t.key.sort_key && name == *t.key.sort_key);
    for (const auto& g : gsis) needed = needed || keys_name(g, name);
    for (const auto& l : input::list(t.input, "LocalSecondaryIndexes")) needed = needed || keys_name(l, name);
    if (needed) used.push(d);
  }
  return used;
}

// The CreateTable input the table would have been made from with the change.
Value updated_definition(const Table& t, const Value& input) {
  check_combination(t, input);
  Value next = t.input;
  for (const char* member : {"StreamSpecification", "TableClass", "DeletionProtectionEnabled", "SSESpecification"})
    if (given(input, member)) next.set(member, *input.find(member));
  apply_billing(t, input, next);
  bool provisioned = next.find("BillingMode")->as_string() == "PROVISIONED";
  Array gsis = input::list(next, "GlobalSecondaryIndexes");
  apply_index_updates(t, input, provisioned, gsis);
  next.set("AttributeDefinitions", attribute_definitions(t, input, gsis));
  if (gsis.empty()) next.erase("GlobalSecondaryIndexes");
  else next.set("GlobalSecondaryIndexes", Value(std::move(gsis)));
  bool changed = given(input, "StreamSpecification") || given(input, "TableClass") || given(input, "DeletionProtectionEnabled") ||
                 given(input, "SSESpecification") || given(input, "BillingMode") || given(input, "ProvisionedThroughput") ||
                 !input::list(input, "GlobalSecondaryIndexUpdates").empty();
  if (!changed)
    throw validation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates "
                     "or SSESpecification or ReplicaUpdates is required");
  return next;
}

// Throughput history: when it last went up or down, and how often down today.
void carry_throughput(const Value& before, Value& after, std::int64_t now_ms) {
  Value history = before;
  if (!same_throughput(before, after)) {
    bool down = input::optional_int(after, "ReadCapacityUnits") < input::optional_int(before, "ReadCapacityUnits") ||
                input::optional_int(after, "WriteCapacityUnits") < input::optional_int(before, "WriteCapacityUnits");
    history.set(down ? "LastDecreaseDateTime" : "LastIncreaseDateTime", static_cast<double>(now_ms) / 1000.0);
    if (down) history.set("NumberOfDecreasesToday", input::optional_int(before, "NumberOfDecreasesToday").value_or(0) + 1);
  }
  history.set("ReadCapacityUnits", *after.find("ReadCapacityUnits"));
  history.set("WriteCapacityUnits", *after.find("WriteCapacityUnits"));
  after = std::move(history);
}

// What DescribeTable showed that a fresh definition would lose.
void carry_description(const Table& t, Table& next, bool keep_stream, std::int64_t now_ms) {
  Value& d = next.description;
  for (const char* member : {"TableId", "CreationDateTime"}) d.set(member, *t.description.find(member));
  if (keep_stream)
    for (const char* member : {"LatestStreamArn", "LatestStreamLabel"})
      if (const Value* v = t.description.find(member)) d.set(member, *v);
  carry_throughput(*t.description.find("ProvisionedThroughput"), *d.find("ProvisionedThroughput"), now_ms);
  if (Value* gsis = d.find("GlobalSecondaryIndexes"))
    for (Value& g : gsis->as_array())
      if (const Value* old = described_index(t, g.find("IndexName")->as_string()))
        carry_throughput(*old->find("ProvisionedThroughput"), *g.find("ProvisionedThroughput"), now_ms);
  // The last switch to on-demand stays what it was unless this is one.
  if (Value* summary = d.find("BillingModeSummary"))
    if (const Value* old = t.description.find("BillingModeSummary"))
      summary->set("LastUpdateToPayPerRequestDateTime", *old->find("LastUpdateToPayPerRequestDateTime"));
  if (Value* summary = d.find("TableClassSummary")) {
    const Value* old = t.description.find("TableClassSummary");
    if (!old || *old->find("TableClass") != *summary->find("TableClass"))
      summary->set("LastUpdateDateTime", static_cast<double>(now_ms) / 1000.0);
    else if (const Value* at = old->find("LastUpdateDateTime"))
      summary->set("LastUpdateDateTime", *at);
  }
}

}  // namespace

Value DynamoDbService::update_table(const RequestContext& ctx, const Value& input) {
  Table& t = table(ctx, input::required_string(input, "TableName"));
  Table next = define_table(updated_definition(t, input), t.account, t.region);
  std::optional<Stream> old_stream = t.stream(), new_stream = next.stream();
  std::int64_t now = ids::now_ms();
  carry_description(t, next, !new_stream || old_stream, now);
  next.tags = std::move(t.tags);
  next.time_to_live = std::move(t.time_to_live);
  next.point_in_time_recovery = t.point_in_time_recovery;
  next.items = std::move(t.items);
  std::vector<std::string> created;
  for (auto& [name, index] : next.indexes) {
    if (auto old = t.indexes.find(name); old != t.indexes.end()) index.store = std::move(old->second.store);
    else created.push_back(name);
  }
  for (auto& [name, index] : t.indexes)
    if (index.store) index.store->clear();  // a deleted index
  next.open_stores(db_, reader_.get(), *key_spaces_);
  if (!created.empty())
    next.items->scan(std::nullopt, [&](const ItemKey& k, const Item& item) {  // backfill
      for (const auto& name : created) next.indexes.at(name).update(next.key, k, nullptr, &item);
      return true;
    });
  if (old_stream && !new_stream) streams_->close(old_stream->arn);
  attach_stream(next, !old_stream && new_stream);
  t = std::move(next);
  save(t);

  // Answered as being updated (new indexes as being built), then ACTIVE, as waiters expect.
  Value answer = described(t);
  answer.set("TableStatus", "UPDATING");
  if (Value* gsis = answer.find("GlobalSecondaryIndexes"))
    for (Value& g : gsis->as_array())
      if (std::find(created.begin(), created.end(), g.find("IndexName")->as_string()) != created.end()) {
        g.set("IndexStatus", "CREATING");
        g.set("Backfilling", false);
      }
  return Value(Object{{"TableDescription", std::move(answer)}});
}

}  // namespace stratus::dynamodb
