// TransactWriteItems and TransactGetItems. Under the service's lock a transaction
// is isolated; it is atomic because every action is checked and worked out before
// any is applied, and a failed condition cancels them all with reasons in item order.
#include <set>

#include "protocol/json.hpp"
#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/errors.hpp"
#include "services/dynamodb/transactions.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"

namespace stratus::dynamodb {
namespace {

constexpr std::size_t kMaxActions = 100;
constexpr std::size_t kMaxTransactionBytes = 4 * 1024 * 1024;
constexpr std::int64_t kTokenLifetimeMs = 10 * 60 * 1000;

const Array& actions(const Value& input) {
  const Array& list = input::list(input, "TransactItems");
  if (list.empty() || list.size() > kMaxActions)
    throw validation("1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length " +
                     std::string(list.empty() ? "greater than or equal to 1" : "less than or equal to 100"));
  return list;
}

// The one member of an action ({"Put": {...}}): its kind and its request.
std::pair<std::string, const Value*> action_of(const Value& action) {
  if (!action.is_object() || action.as_object().size() != 1)
    throw validation("TransactItems can only contain one of Check, Put, Update or Delete");
  const auto& [kind, request] = action.as_object().front();
  return {kind, &request};
}

}  // namespace

Value cancellation_reason(const char* code, const ApiError* failure) {
  Value r = Value(Object{{"Code", Value(code)}});
  if (!failure) return r;
  r.set("Message", Value(std::string(failure->what())));
  for (const auto& [name, value] : failure->members) r.set(name, value);
  return r;
}

ApiError transaction_cancelled(const std::vector<Value>& reasons) {
  std::string codes;
  for (const auto& r : reasons) codes += (codes.empty() ? "" : ", ") + r.find("Code")->as_string();
  ApiError e("TransactionCanceledException",
             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + codes + "]");
  e.members.emplace_back("CancellationReasons", Value(Array(reasons.begin(), reasons.end())));
  return e;
}

std::map<std::string, Capacity> apply_transaction(std::vector<ItemWrite>& writes) {
  std::map<std::string, Capacity> used;
  for (auto& w : writes) {
    Capacity c = w.capacity();
    c.table *= 2;  // transactional writes cost twice
    used[w.table->name] += c;
    w.apply();
  }
  return used;
}

bool DynamoDbService::already_applied(const std::optional<std::string>& token, const std::string& fingerprint) {
  std::int64_t now = ids::now_ms();
  std::erase_if(transaction_tokens_, [&](const auto& entry) { return entry.second.expires_ms < now; });
  if (!token) return false;
  auto it = transaction_tokens_.find(*token);
  if (it == transaction_tokens_.end()) return false;
  if (it->second.fingerprint != fingerprint)
    throw ApiError("IdempotentParameterMismatchException",
                   "The request uses the same client token as a previous, but non-identical request.");
  return true;
}

void DynamoDbService::remember_applied(const std::optional<std::string>& token, const std::string& fingerprint) {
  if (token) transaction_tokens_[*token] = {fingerprint, ids::now_ms() + kTokenLifetimeMs};
}

Value DynamoDbService::transact_write_items(const RequestContext& ctx, const Value& input) {
  const Array& list = actions(input);
  auto token = input::optional_string(input, "ClientRequestToken");
  std::string fingerprint = json::write(Value(list));
  if (already_applied(token, fingerprint)) return Value::object();
  if (fingerprint.size() > kMaxTransactionBytes) throw validation("Transaction request size has exceeded the maximum allowed size");

  // Every table and key first: a missing table or an item named twice fails the whole call.
  std::vector<std::pair<Table*, const Value*>> targets;
  std::set<std::pair<std::string, ItemKey>> seen;
  for (const auto& action : list) {
    auto [kind, request] = action_of(action);
    Table& t = table(ctx, input::required_string(*request, "TableName"));
    ItemKey key = request_key(t, *request, kind == "Put");
    if (!seen.emplace(t.arn, key).second) throw validation("Transaction request cannot include multiple operations on one item");
    targets.emplace_back(&t, request);
  }

  std::vector<ItemWrite> writes;
  std::vector<Value> reasons;
  bool failed = false;
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto [kind, request] = action_of(list[i]);
    Table& t = *targets[i].first;
    try {
      if (kind == "Put") writes.push_back(plan_put(t, *request));
      else if (kind == "Update") writes.push_back(plan_update(t, *request));
      else if (kind == "Delete") writes.push_back(plan_delete(t, *request));
      else if (kind == "ConditionCheck") writes.push_back(plan_condition_check(t, *request));
      else throw validation("TransactItems can only contain one of Check, Put, Update or Delete");
      reasons.push_back(cancellation_reason());
    } catch (const ApiError& e) {
      if (e.code != "ConditionalCheckFailedException") throw;
      failed = true;
      reasons.push_back(cancellation_reason("ConditionalCheckFailed", &e));
    }
  }
  if (failed) throw transaction_cancelled(reasons);

  Value out = Value::object();
  add_collection_metrics(out, input, writes);
  std::map<std::string, Capacity> used = apply_transaction(writes);
  remember_applied(token, fingerprint);
  add_capacities(out, input, used);
  return out;
}

Value DynamoDbService::transact_get_items(const RequestContext& ctx, const Value& input) {
  const Array& list = actions(input);
  Value responses = Value::array();
  std::map<std::string, Capacity> used;
  for (const auto& action : list) {
    auto [kind, request] = action_of(action);
    if (kind != "Get") throw validation("TransactItems can only contain Get");
    Table& t = table(ctx, input::required_string(*request, "TableName"));
    ItemKey key = request_key(t, *request, false);
    RequestExpressions expressions = read_expressions(*request, kProjection);
    std::optional<Item> item = t.items->get(key);
    used[t.name].read(item ? item_size(*item) : 0, kTransactional);
    Value entry = Value::object();
    if (item) entry.set("Item", AttributeValue::item_value(projected(*item, expressions)));
    responses.push(std::move(entry));
  }
  Value out = Value(Object{{"Responses", std::move(responses)}});
  add_capacities(out, input, used);
  return out;
}

}  // namespace stratus::dynamodb
