// Health checks, for real: every target of a target group that a load balancer sends
// traffic to is probed on the group's interval (HTTP/HTTPS GET of the path, or a TCP
// connect), and turns healthy or unhealthy after the threshold counts, with the
// reasons DescribeTargetHealth reports.
#include <charconv>

#include "services/elb/elb_service.hpp"

namespace stratus::elb {
namespace {

void set_health(RegisteredTarget& target, std::string state, std::string reason, std::string description) {
  target.health.state = std::move(state);
  target.health.reason = std::move(reason);
  target.health.description = std::move(description);
  if (target.endpoint) target.endpoint->healthy = target.health.state == "healthy" || target.health.state == "unavailable";
}

void restart_health(RegisteredTarget& target) {
  bool probing = target.health.probing;
  target.health = Health{};
  target.health.probing = probing;
  if (target.endpoint) target.endpoint->healthy = false;
}

Value settings_of(const TargetGroup& group) {
  Value settings = Value::object();
  for (const auto& [name, value] : group.description.as_object())
    if (name.starts_with("HealthCheck") || name.ends_with("ThresholdCount") || name == "Matcher") settings.set(name, value);
  return settings;
}

// Does the status match the Matcher's HttpCode ("200", "200,202", "200-299")?
bool matches(const std::string& codes, int status) {
  std::size_t start = 0;
  while (start <= codes.size()) {
    auto end = codes.find(',', start);
    std::string part = codes.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto dash = part.find('-');
    int low = 0, high = 0;
    std::from_chars(part.data(), part.data() + (dash == std::string::npos ? part.size() : dash), low);
    high = low;
    if (dash != std::string::npos) std::from_chars(part.data() + dash + 1, part.data() + part.size(), high);
    if (status >= low && status <= high) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

}  // namespace

void ElbService::start_health_checks(TargetGroup& group) {
  Value settings = settings_of(group);
  bool enabled = group.flag("HealthCheckEnabled");
  if (settings == group.health_settings) {
    for (auto& [key, target] : group.targets)  // newly registered targets go first
      if (enabled && target.health.state == "initial" && target.health.successes + target.health.failures == 0 &&
          !target.health.probing)
        probe(group, target);
    return;
  }
  // New settings keep what is known of each target; a group that starts getting
  // traffic checks its targets afresh.
  bool was_checking = !group.health_settings.is_null();
  group.health_timer.reset();
  ++group.health_round;
  group.health_settings = settings;
  for (auto& [key, target] : group.targets) {
    if (target.health.state == "draining") continue;
    if (!enabled) {
      set_health(target, "unavailable", "Target.HealthCheckDisabled", "Health checks are disabled");
    } else if (!was_checking || target.health.state == "unused" || target.health.state == "unavailable") {
      restart_health(target);
    }
  }
  if (enabled) probe_all(group.arn);
}

void ElbService::stop_health_checks(TargetGroup& group) {
  group.health_timer.reset();
  ++group.health_round;
  group.health_settings = Value();
  for (auto& [key, target] : group.targets)
    if (target.health.state != "draining")
      set_health(target, "unused", "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer");
}

void ElbService::probe_all(const std::string& group_arn) {
  auto it = target_groups_.find(group_arn);
  if (it == target_groups_.end() || stopping_) return;
  TargetGroup& group = it->second;
  for (auto& [key, target] : group.targets)
    if (target.health.state != "draining" && !target.health.probing) probe(group, target);
  auto interval = std::chrono::seconds(group.number("HealthCheckIntervalSeconds"));
  group.health_timer = scheduler_.after(interval, [this, arn = group.arn, round = group.health_round] {
    std::lock_guard lock(mutex_);
    auto g = target_groups_.find(arn);
    if (g != target_groups_.end() && g->second.health_round == round) probe_all(arn);
  });
}

void ElbService::probe(TargetGroup& group, RegisteredTarget& target) {
  std::string port = group.text("HealthCheckPort");
  if (port == "traffic-port") port = std::to_string(target.key.port);
  std::string protocol = group.text("HealthCheckProtocol");
  OutboundRequest request;
  request.method = "GET";
  request.url = (protocol == "HTTPS" ? "https://" : "http://") + target.endpoint->host + ":" + port +
                (protocol == "TCP" ? "/" : group.text("HealthCheckPath"));
  request.headers = {{"User-Agent", "ELB-HealthChecker/2.0"}};
  request.timeout = std::chrono::seconds(group.number("HealthCheckTimeoutSeconds"));
  request.connect_only = protocol == "TCP";
  target.health.probing = true;
  http_.send(std::move(request), [this, arn = group.arn, key = target.key, round = group.health_round,
                                  endpoint = std::weak_ptr(target.endpoint)](OutboundResult result) {
    std::lock_guard lock(mutex_);
    auto g = target_groups_.find(arn);
    if (g == target_groups_.end()) return;
    auto t = g->second.targets.find(key);
    if (t == g->second.targets.end() || t->second.endpoint != endpoint.lock()) return;
    t->second.health.probing = false;
    if (g->second.health_round == round) record_probe(arn, key, result);
  });
}

void ElbService::record_probe(const std::string& group_arn, const TargetKey& key, const OutboundResult& result) {
  TargetGroup& group = target_groups_.at(group_arn);
  RegisteredTarget& target = group.targets.at(key);
  Health& h = target.health;
  if (h.state == "draining") return;
  bool tcp = group.text("HealthCheckProtocol") == "TCP";
  const Value* matcher = group.description.find("Matcher");
  std::string codes = matcher && matcher->find("HttpCode") ? matcher->find("HttpCode")->as_string() : "200";
  bool ok = tcp ? result.connected : result.status != 0 && matches(codes, result.status);
  if (ok) {
    ++h.successes;
    h.failures = 0;
    // A new target needs one passing check; an unhealthy one needs the threshold.
    if (h.state == "initial" || (h.state == "unhealthy" && h.successes >= group.number("HealthyThresholdCount")))
      set_health(target, "healthy", "", "");
    return;
  }
  ++h.failures;
  h.successes = 0;
  if (h.state == "unhealthy" || h.failures >= group.number("UnhealthyThresholdCount")) {
    if (result.status != 0) {
      set_health(target, "unhealthy", "Target.ResponseCodeMismatch",
                 "Health checks failed with these codes: [" + std::to_string(result.status) + "]");
    } else if (result.timed_out) {
      set_health(target, "unhealthy", "Target.Timeout", "Request timed out");
    } else {
      set_health(target, "unhealthy", "Target.FailedHealthChecks", "Health checks failed");
    }
  } else if (h.state == "initial") {
    set_health(target, "initial", "Elb.InitialHealthChecking", "Initial health checks in progress");
  }
}

void ElbService::drain(TargetGroup& group, RegisteredTarget& target) {
  auto setting = group.attributes.find("deregistration_delay.timeout_seconds");
  std::int64_t delay = setting == group.attributes.end() ? 0 : std::stoll(setting->second);
  if (target.health.state == "draining") return;
  if (load_balancers_of(group).empty() || delay == 0) {
    if (target.endpoint) target.endpoint->draining = true;
    group.targets.erase(target.key);
    return;
  }
  set_health(target, "draining", "Target.DeregistrationInProgress", "Target deregistration is in progress");
  target.endpoint->draining = true;
  target.drained = scheduler_.after(std::chrono::seconds(delay), [this, arn = group.arn, key = target.key,
                                                                  endpoint = std::weak_ptr(target.endpoint)] {
    std::lock_guard lock(mutex_);
    auto g = target_groups_.find(arn);
    if (g == target_groups_.end()) return;
    auto t = g->second.targets.find(key);
    if (t == g->second.targets.end() || t->second.endpoint != endpoint.lock()) return;
    g->second.targets.erase(t);
    sync_traffic();
  });
}

}  // namespace stratus::elb
