#pragma once
// What a listener does with one request, decided without sockets: the rules in
// priority order, then the chosen target group's pick of a target. The control plane
// compiles a RouteTable whenever listeners, rules or target groups change and swaps it
// in whole; the data plane reads the current one per request.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stratus::elb {

// One registered target as traffic sees it. The health checker flips `healthy`;
// deregistration sets `draining`; the proxy counts requests in flight.
struct Endpoint {
  Endpoint(std::string key, std::string host, int port) : key(std::move(key)), host(std::move(host)), port(port) {}
  const std::string key;  // "<id>:<port>": names the target in a stickiness cookie
  const std::string host;  // an address, or a Lambda function's ARN (port 0)
  const int port;
  bool is_function() const { return port == 0; }
  std::atomic<bool> healthy{false};
  std::atomic<bool> draining{false};
  std::atomic<int> in_flight{0};
};

// Holds one request's place on a target (least-outstanding-requests and draining
// count these); released when the exchange is over.
class TargetLease {
 public:
  TargetLease() = default;
  explicit TargetLease(std::shared_ptr<Endpoint> endpoint);
  ~TargetLease();
  TargetLease(TargetLease&& other) noexcept = default;
  TargetLease& operator=(TargetLease&& other) noexcept;
  TargetLease(const TargetLease&) = delete;
  TargetLease& operator=(const TargetLease&) = delete;
  const Endpoint* operator->() const { return endpoint_.get(); }
  explicit operator bool() const { return endpoint_ != nullptr; }

 private:
  std::shared_ptr<Endpoint> endpoint_;
};

struct Stickiness {
  bool enabled = false;
  std::int64_t duration_seconds = 86400;
};

// The targets of one target group, and how it chooses among them.
class TargetPool {
 public:
  void set_targets(std::vector<std::shared_ptr<Endpoint>> targets);
  void set_least_outstanding(bool on) { least_outstanding_ = on; }
  void set_stickiness(Stickiness s);
  Stickiness stickiness() const;
  // The sticky target named by `sticky_key` if it can still take traffic, else a
  // healthy one (round robin or least outstanding requests), else any registered one
  // that is not draining (an ALB fails open); empty when there is none.
  TargetLease pick(std::string_view sticky_key);

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Endpoint>> targets_;
  std::size_t next_ = 0;
  std::atomic<bool> least_outstanding_{false};
  Stickiness stickiness_;
};

// A request as the rules see it.
struct IncomingRequest {
  std::string_view method;
  std::string_view path;   // without the query
  std::string_view query;  // without the '?'
  std::string_view host;   // Host header, port included if sent
  std::string_view source_ip;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  std::string_view header(std::string_view name) const;
};

struct Condition {
  enum class Field { Host, Path, Header, Method, Query, SourceIp } field;
  std::string header_name;  // Field::Header
  // Alternatives: any may match. For Query, `keys` pairs with `values` (empty key: any).
  std::vector<std::string> keys, values;
  bool matches(const IncomingRequest& request) const;
};

struct WeightedPool {
  std::shared_ptr<TargetPool> pool;
  std::string target_group_arn;
  std::int64_t weight = 1;
};

struct Action {
  enum class Kind { Forward, Redirect, FixedResponse } kind = Kind::FixedResponse;
  std::vector<WeightedPool> forward;
  // Redirect: each part may use #{protocol}, #{host}, #{port}, #{path}, #{query}.
  std::string protocol, host, port, path, query;
  int status = 503;  // redirect (301/302) or fixed response
  std::string content_type, body;
};

struct CompiledRule {
  std::vector<Condition> conditions;  // all must match
  Action action;
};

// What the load balancer does with a request.
struct Decision {
  // Set when the load balancer answers itself (fixed response, redirect, no target).
  int status = 0;
  std::string content_type, body, location;
  // Otherwise the request goes to this target (of this target group)...
  TargetLease target;
  std::string target_group_arn;
  // ...and these Set-Cookie values go back with its answer (stickiness).
  std::vector<std::string> set_cookies;
};

struct RouteTable {
  std::vector<CompiledRule> rules;  // in priority order, the default rule last
  std::string protocol = "HTTP";    // the listener's, for #{protocol} and X-Forwarded-Proto
  int port = 80;
  int idle_timeout_seconds = 60;    // the load balancer's idle_timeout.timeout_seconds
  Decision route(const IncomingRequest& request) const;
};

// The proxy's handle on one listener: the current routes, replaced whole on change.
class ListenerTraffic {
 public:
  void set_routes(std::shared_ptr<const RouteTable> routes);
  std::shared_ptr<const RouteTable> routes() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const RouteTable> routes_ = std::make_shared<RouteTable>();
};

// ALB's wildcard matching: '*' any run, '?' one character.
bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case);
// "10.0.0.0/8" style IPv4 ranges (a bare address is a /32).
bool cidr_contains(std::string_view cidr, std::string_view address);

}  // namespace stratus::elb
