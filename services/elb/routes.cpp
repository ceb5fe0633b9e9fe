// From the control plane's resources to what traffic uses: target pools that match
// the registered targets and attributes, route tables that match the listeners and
// rules, and health checks running exactly for the target groups that get traffic.
#include <algorithm>
#include <set>

#include "services/elb/actions.hpp"
#include "services/elb/elb_service.hpp"

namespace stratus::elb {
namespace {

// An instance target is this machine's port; an ip target is its address; a lambda
// target is its function's ARN.
std::string address_of(const TargetGroup& group, const TargetKey& key) {
  std::string type = group.text("TargetType");
  return type == "ip" || type == "lambda" ? key.id : "127.0.0.1";
}

std::string attribute(const TargetGroup& group, const std::string& key) {
  auto it = group.attributes.find(key);
  return it == group.attributes.end() ? std::string() : it->second;
}

void sync_pool(TargetGroup& group) {
  std::vector<std::shared_ptr<Endpoint>> endpoints;
  for (auto& [key, target] : group.targets) {
    if (!target.endpoint)
      target.endpoint = std::make_shared<Endpoint>(key.id + ":" + std::to_string(key.port), address_of(group, key),
                                                   static_cast<int>(key.port));
    endpoints.push_back(target.endpoint);
  }
  group.pool->set_targets(std::move(endpoints));
  group.pool->set_least_outstanding(attribute(group, "load_balancing.algorithm.type") == "least_outstanding_requests");
  Stickiness stickiness;
  stickiness.enabled = attribute(group, "stickiness.enabled") == "true" && attribute(group, "stickiness.type") == "lb_cookie";
  if (stickiness.enabled) stickiness.duration_seconds = std::stoll(attribute(group, "stickiness.lb_cookie.duration_seconds"));
  group.pool->set_stickiness(stickiness);
}

}  // namespace

std::vector<std::string> ElbService::load_balancers_of(const TargetGroup& group) const {
  std::set<std::string> found;
  for (const auto& [arn, r] : rules_) {
    auto groups = target_groups_of(*r.description.find("Actions"));
    if (std::find(groups.begin(), groups.end(), group.arn) == groups.end()) continue;
    if (auto l = listeners_.find(r.listener_arn); l != listeners_.end()) found.insert(l->second.load_balancer_arn);
  }
  return {found.begin(), found.end()};
}

RouteTable ElbService::compile_routes(const Listener& listener) const {
  std::vector<const Rule*> ordered;
  for (const auto& [arn, r] : rules_)
    if (r.listener_arn == listener.arn) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Rule* a, const Rule* b) { return a->priority() < b->priority(); });
  PoolLookup pool_of = [this](const std::string& arn) {
    auto it = target_groups_.find(arn);
    return it == target_groups_.end() ? nullptr : it->second.pool;
  };
  RouteTable table;
  for (const Rule* r : ordered) {
    CompiledRule compiled;
    for (const auto& c : r->description.find("Conditions")->as_array()) compiled.conditions.push_back(compile_condition(c));
    compiled.action = compile_action(*r->description.find("Actions"), pool_of);
    table.rules.push_back(std::move(compiled));
  }
  table.protocol = listener.description.find("Protocol")->as_string();
  if (const Value* port = listener.description.find("Port")) table.port = static_cast<int>(port->as_int());
  if (auto lb = load_balancers_.find(listener.load_balancer_arn); lb != load_balancers_.end()) {
    auto timeout = lb->second.attributes.find("idle_timeout.timeout_seconds");
    if (timeout != lb->second.attributes.end()) table.idle_timeout_seconds = std::stoi(timeout->second);
  }
  return table;
}

void ElbService::sync_traffic() {
  for (auto& [arn, group] : target_groups_) {
    sync_pool(group);
    if (load_balancers_of(group).empty()) {
      stop_health_checks(group);
    } else {
      start_health_checks(group);
    }
  }
  for (auto& [arn, listener] : listeners_)
    listener.traffic->set_routes(std::make_shared<const RouteTable>(compile_routes(listener)));
}

}  // namespace stratus::elb
