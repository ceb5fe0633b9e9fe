#pragma once
// How a service turns an operation name into a call of one of its members: a table of
// handlers, run under the service's lock, with every failure answered as an AWS error.
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "services/service.hpp"

namespace stratus {

template <typename S>
struct OperationHandler {
  // Answers at once...
  Value (S::*sync)(const RequestContext&, const Value&) = nullptr;
  // ...or takes the reply to answer later (long polls, invocations).
  void (S::*async)(const RequestContext&, const Value&, Reply&) = nullptr;
};

template <typename S>
using OperationTable = std::map<std::string, OperationHandler<S>, std::less<>>;

// The answer to an exception that is not an ApiError (logged with its context).
ApiError internal_failure(std::string_view service, std::string_view operation, const std::exception& e);
ApiError unknown_operation(std::string_view operation);

template <typename S>
void dispatch(S& service, const OperationTable<S>& table, std::mutex& mutex, std::string_view operation,
              const RequestContext& context, const Value& input, Reply& reply) {
  auto it = table.find(operation);
  if (it == table.end()) return reply(unknown_operation(operation));
  Outcome outcome;
  try {
    std::lock_guard lock(mutex);
    if (it->second.async) return (service.*it->second.async)(context, input, reply);
    outcome = (service.*it->second.sync)(context, input);
  } catch (const ApiError& e) {
    outcome = e;
  } catch (const std::exception& e) {
    outcome = internal_failure(service.name(), operation, e);
  }
  reply(std::move(outcome));
}

}  // namespace stratus
