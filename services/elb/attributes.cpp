#include "services/elb/attributes.hpp"

#include <charconv>
#include <set>

#include "services/elb/names.hpp"
#include "services/input.hpp"

namespace stratus::elb {
namespace {

struct Range {
  std::int64_t low, high;
};

bool parses_in(const std::string& value, Range range) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  return ec == std::errc() && end == value.data() + value.size() && !value.empty() && n >= range.low && n <= range.high;
}

bool is_bool(const std::string& value) { return value == "true" || value == "false"; }

// Values with a closed set of choices or a numeric range; keys not listed take any
// string (bucket names, prefixes).
bool acceptable(const std::string& key, const std::string& value, const std::string& current) {
  static const std::map<std::string, Range, std::less<>> ranges = {
      {"idle_timeout.timeout_seconds", {1, 4000}},
      {"client_keep_alive.seconds", {60, 604800}},
      {"deregistration_delay.timeout_seconds", {0, 3600}},
      {"stickiness.lb_cookie.duration_seconds", {1, 604800}},
      {"stickiness.app_cookie.duration_seconds", {1, 604800}},
      {"slow_start.duration_seconds", {0, 900}},
      {"tcp.idle_timeout.seconds", {60, 6000}},
      {"target_health_state.unhealthy.draining_interval_seconds", {0, 360000}},
  };
  static const std::map<std::string, std::set<std::string, std::less<>>, std::less<>> choices = {
      {"stickiness.type", {"lb_cookie", "app_cookie", "source_ip", "source_ip_dest_ip", "source_ip_dest_ip_proto"}},
      {"load_balancing.algorithm.type", {"round_robin", "least_outstanding_requests", "weighted_random"}},
      {"load_balancing.algorithm.anomaly_mitigation", {"on", "off"}},
      {"routing.http.desync_mitigation_mode", {"monitor", "defensive", "strictest"}},
      {"routing.http.xff_header_processing.mode", {"append", "preserve", "remove"}},
      {"dns_record.client_routing_policy",
       {"availability_zone_affinity", "partial_availability_zone_affinity", "any_availability_zone"}},
  };
  if (auto r = ranges.find(key); r != ranges.end()) return parses_in(value, r->second);
  if (auto c = choices.find(key); c != choices.end()) return c->second.contains(value);
  if (key.ends_with(".enabled") && is_bool(current)) return is_bool(value);
  return true;
}

}  // namespace

Attributes load_balancer_defaults(const std::string& type) {
  Attributes a = {
      {"access_logs.s3.enabled", "false"},  {"access_logs.s3.bucket", ""},
      {"access_logs.s3.prefix", ""},        {"deletion_protection.enabled", "false"},
      {"zonal_shift.config.enabled", "false"},
  };
  if (type == "application") {
    a.insert({{"idle_timeout.timeout_seconds", "60"},
              {"client_keep_alive.seconds", "3600"},
              {"connection_logs.s3.enabled", "false"},
              {"connection_logs.s3.bucket", ""},
              {"connection_logs.s3.prefix", ""},
              {"routing.http.desync_mitigation_mode", "defensive"},
              {"routing.http.drop_invalid_header_fields.enabled", "false"},
              {"routing.http.preserve_host_header.enabled", "false"},
              {"routing.http.x_amzn_tls_version_and_cipher_suite.enabled", "false"},
              {"routing.http.xff_client_port.enabled", "false"},
              {"routing.http.xff_header_processing.mode", "append"},
              {"routing.http2.enabled", "true"},
              {"waf.fail_open.enabled", "false"},
              {"load_balancing.cross_zone.enabled", "true"}});
  } else {
    a.insert({{"load_balancing.cross_zone.enabled", "false"},
              {"dns_record.client_routing_policy", "any_availability_zone"}});
  }
  return a;
}

Attributes target_group_defaults(const std::string& protocol, const std::string& target_type) {
  if (target_type == "lambda") return {{"lambda.multi_value_headers.enabled", "false"}};
  Attributes a = {
      {"deregistration_delay.timeout_seconds", "300"},
      {"stickiness.enabled", "false"},
      {"load_balancing.cross_zone.enabled", "use_load_balancer_configuration"},
      {"target_group_health.dns_failover.minimum_healthy_targets.count", "1"},
      {"target_group_health.dns_failover.minimum_healthy_targets.percentage", "off"},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count", "1"},
      {"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage", "off"},
  };
  if (protocol == "HTTP" || protocol == "HTTPS") {
    a.insert({{"stickiness.type", "lb_cookie"},
              {"stickiness.lb_cookie.duration_seconds", "86400"},
              {"stickiness.app_cookie.cookie_name", ""},
              {"stickiness.app_cookie.duration_seconds", "86400"},
              {"slow_start.duration_seconds", "0"},
              {"load_balancing.algorithm.type", "round_robin"},
              {"load_balancing.algorithm.anomaly_mitigation", "off"}});
  } else {
    a.insert({{"stickiness.type", "source_ip"},
              {"deregistration_delay.connection_termination.enabled", "false"},
              {"proxy_protocol_v2.enabled", "false"},
              {"preserve_client_ip.enabled", target_type == "instance" ? "true" : "false"},
              {"target_health_state.unhealthy.connection_termination.enabled", "true"},
              {"target_health_state.unhealthy.draining_interval_seconds", "0"}});
  }
  return a;
}

Attributes listener_defaults(const std::string& protocol) {
  if (protocol == "TCP" || protocol == "UDP" || protocol == "TCP_UDP" || protocol == "TLS")
    return {{"tcp.idle_timeout.seconds", "350"}};
  return {{"routing.http.response.server.enabled", "true"}};
}

void modify_attributes(Attributes& current, const Value& input, const std::string& what) {
  Attributes changed = current;
  for (const auto& entry : input::list(input, "Attributes")) {
    std::string key = input::optional_string(entry, "Key").value_or("");
    std::string value = input::optional_string(entry, "Value").value_or("");
    auto it = changed.find(key);
    if (it == changed.end()) throw validation(what + " attribute key '" + key + "' is not recognized");
    if (!acceptable(key, value, it->second))
      throw validation(what + " attribute '" + key + "' cannot have the value '" + value + "'");
    it->second = value;
  }
  current = std::move(changed);
}

Value attributes_value(const Attributes& attributes) {
  Value list = Value::array();
  for (const auto& [k, v] : attributes) list.push(Value(Object{{"Key", Value(k)}, {"Value", Value(v)}}));
  return list;
}

Tags tags_from(const Value& input) {
  Tags tags;
  for (const auto& t : input::list(input, "Tags")) {
    std::string key = input::optional_string(t, "Key").value_or("");
    if (key.empty() || key.size() > 128) throw validation("Tag keys must be between 1 and 128 characters");
    if (key.starts_with("aws:")) throw validation("Tag keys cannot start with 'aws:'");
    if (!tags.emplace(key, input::optional_string(t, "Value").value_or("")).second)
      throw ApiError("DuplicateTagKeysException", "Tag key '" + key + "' is duplicated");
  }
  if (tags.size() > 50) throw ApiError("TooManyTagsException", "The quota for the number of tags per resource has been reached");
  return tags;
}


Value tags_value(const Tags& tags) {
  Value list = Value::array();
  for (const auto& [k, v] : tags) list.push(Value(Object{{"Key", Value(k)}, {"Value", Value(v)}}));
  return list;
}

}  // namespace stratus::elb
