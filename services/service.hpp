#pragma once
// What every service is to the server: a name, operations called with a
// protocol-neutral input, and a reply that may come later (long polls, invocations).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/api_error.hpp"
#include "protocol/value.hpp"

namespace stratus {

// Who calls, and where: resources are namespaced by (account, region).
struct RequestContext {
  std::string account;
  std::string region;
  std::string host;  // the request's Host header, for URLs that point back at us
  std::string request_id;
  std::string access_key;
};

using Outcome = std::variant<Value, ApiError>;
// Called exactly once per call, from any thread.
using Reply = std::function<void(Outcome)>;

// A cancellable one-shot timer; destroying it cancels it.
class Timer {
 public:
  virtual ~Timer() = default;
};

// How services wait without holding a thread (implemented by the server on Asio).
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs `fn` after `delay` on a worker thread unless the returned timer is destroyed first.
  virtual std::unique_ptr<Timer> after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  // Runs `fn` soon on a worker thread.
  virtual void post(std::function<void()> fn) = 0;
};

// A static resource a service serves over plain HTTP (e.g. SNS's signing certificate).
struct Document {
  std::string content_type;
  std::string body;
};

class Service {
 public:
  virtual ~Service() = default;
  virtual std::string_view name() const = 0;
  virtual void call(std::string_view operation, const RequestContext& context, Value input, Reply reply) = 0;
  // Empties all state (the /_stratus/reset endpoint).
  virtual void reset() = 0;
  // Answers every pending wait now, so that shutdown need not wait for them.
  virtual void shutdown() = 0;
  // The document at /_stratus/<service>/<path>, if the service has one there.
  virtual std::optional<Document> document(std::string_view /*path*/) const { return std::nullopt; }
};

}  // namespace stratus
