#pragma once
// What the transactional writes (TransactWriteItems and PartiQL's ExecuteTransaction)
// share: every write is planned before any is applied, a failed one cancels them all
// with reasons in request order.
#include <map>
#include <string>
#include <vector>

#include "protocol/api_error.hpp"
#include "services/dynamodb/item_writes.hpp"

namespace stratus::dynamodb {

// A cancellation reason: "None" for a write that would have succeeded, else the code
// with the failure's message and members (the item, when ALL_OLD was asked for).
Value cancellation_reason(const char* code = "None", const ApiError* failure = nullptr);

// TransactionCanceledException with the reasons.
ApiError transaction_cancelled(const std::vector<Value>& reasons);

// Applies the planned writes; the capacity they used, by table (transactional writes
// cost twice).
std::map<std::string, Capacity> apply_transaction(std::vector<ItemWrite>& writes);

}  // namespace stratus::dynamodb
