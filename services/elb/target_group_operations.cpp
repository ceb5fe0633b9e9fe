// Target groups: lifecycle, health-check settings, attributes, and registered targets.
#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "services/elb/attributes.hpp"
#include "services/elb/elb_service.hpp"
#include "services/elb/names.hpp"
#include "services/elb/paging.hpp"
#include "services/input.hpp"

namespace stratus::elb {
namespace {

constexpr std::size_t kMaxTargets = 1000;

void check_range(const Value& d, const char* member, std::int64_t low, std::int64_t high, const std::string& label) {
  const Value* v = d.find(member);
  if (v && v->is_int() && (v->as_int() < low || v->as_int() > high))
    throw validation(label + " must be between " + std::to_string(low) + " and " + std::to_string(high));
}

bool valid_code_list(const std::string& codes, int low, int high) {
  if (codes.empty()) return false;
  std::size_t start = 0;
  while (start <= codes.size()) {
    auto end = codes.find(',', start);
    std::string part = codes.substr(start, end == std::string::npos ? std::string::npos : end - start);
    auto dash = part.find('-');
    auto number = [&](const std::string& s) {
      int n = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      return ec == std::errc() && p == s.data() + s.size() && !s.empty() && n >= low && n <= high ? n : -1;
    };
    if (dash == std::string::npos) {
      if (number(part) < 0) return false;
    } else {
      int a = number(part.substr(0, dash)), b = number(part.substr(dash + 1));
      if (a < 0 || b < 0 || a > b) return false;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return true;
}

bool is_http(const std::string& protocol) { return protocol == "HTTP" || protocol == "HTTPS"; }

// Health-check members from `input` onto `d` (a target group description), then the
// combined settings checked as AWS checks them.
void apply_health_check(Value& d, const Value& input) {
  for (const char* m : {"HealthCheckProtocol", "HealthCheckPort", "HealthCheckPath"})
    if (auto v = input::optional_string(input, m)) d.set(m, *v);
  for (const char* m : {"HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds", "HealthyThresholdCount",
                        "UnhealthyThresholdCount"})
    if (auto v = input::optional_int(input, m)) d.set(m, *v);
  if (auto v = input::optional_bool(input, "HealthCheckEnabled")) d.set("HealthCheckEnabled", *v);
  if (const Value* matcher = input.find("Matcher"); matcher && matcher->is_object()) d.set("Matcher", *matcher);

  check_range(d, "HealthCheckIntervalSeconds", 5, 300, "Health check interval");
  check_range(d, "HealthCheckTimeoutSeconds", 2, 120, "Health check timeout");
  check_range(d, "HealthyThresholdCount", 2, 10, "Healthy threshold count");
  check_range(d, "UnhealthyThresholdCount", 2, 10, "Unhealthy threshold count");
  const Value* interval = d.find("HealthCheckIntervalSeconds");
  const Value* timeout = d.find("HealthCheckTimeoutSeconds");
  if (interval && timeout && timeout->as_int() >= interval->as_int())
    throw validation("Health check timeout '" + std::to_string(timeout->as_int()) +
                     "' must be smaller than the interval '" + std::to_string(interval->as_int()) + "'");
  std::string hc_protocol = d.find("HealthCheckProtocol") ? d.find("HealthCheckProtocol")->as_string() : "";
  if (!hc_protocol.empty() && hc_protocol != "HTTP" && hc_protocol != "HTTPS" && hc_protocol != "TCP")
    throw validation("Health check protocol '" + hc_protocol + "' must be one of 'HTTP', 'HTTPS', 'TCP'");
  if (const Value* port = d.find("HealthCheckPort"); port && port->as_string() != "traffic-port") {
    int n = 0;
    const std::string& s = port->as_string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p != s.data() + s.size() || n < 1 || n > 65535)
      throw validation("Health check port '" + s + "' must be 'traffic-port' or a port between 1 and 65535");
  }
  if (const Value* path = d.find("HealthCheckPath")) {
    if (!path->as_string().starts_with('/') || path->as_string().size() > 1024)
      throw validation("Health check path must begin with a '/' character and can be at most 1024 characters");
  }
  if (const Value* matcher = d.find("Matcher")) {
    std::string codes = matcher->find("HttpCode") ? matcher->find("HttpCode")->as_string() : "";
    if (matcher->find("HttpCode") && !valid_code_list(codes, 200, 499))
      throw validation("Health check matcher HTTP code '" + codes + "' must be a value between 200 and 499, a list "
                       "of such values separated by commas, or a range such as '200-299'");
  }
}

// A new target group's description with AWS's defaults for its protocol and type.
Value new_description(const std::string& arn, const std::string& name, const Value& input) {
  std::string target_type = input::optional_string(input, "TargetType").value_or("instance");
  if (target_type != "instance" && target_type != "ip" && target_type != "lambda" && target_type != "alb")
    throw validation("Target type must be one of 'instance', 'ip', 'lambda', 'alb'");
  bool lambda = target_type == "lambda";
  auto protocol = input::optional_string(input, "Protocol");
  auto port = input::optional_int(input, "Port");
  auto vpc = input::optional_string(input, "VpcId");
  static const std::set<std::string, std::less<>> protocols = {"HTTP", "HTTPS", "TCP", "TLS", "UDP", "TCP_UDP", "GENEVE"};
  if (lambda) {
    if (protocol || port || vpc) throw validation("A protocol, port or VPC ID cannot be specified for target groups with target type 'lambda'");
  } else {
    if (!protocol) throw validation("A protocol must be specified");
    if (!protocols.contains(*protocol)) throw validation("Protocol '" + *protocol + "' is not supported");
    if (!port) throw validation("A port must be specified");
    if (*port < 1 || *port > 65535) throw validation("Port must be between 1 and 65535");
    if (!vpc) throw validation("A VPC ID must be specified");
  }
  bool http = lambda || is_http(protocol.value_or(""));
  Value d = Value::object();
  d.set("TargetGroupArn", arn);
  d.set("TargetGroupName", name);
  if (protocol) d.set("Protocol", *protocol);
  if (port) d.set("Port", *port);
  if (vpc) d.set("VpcId", *vpc);
  d.set("HealthCheckProtocol", http ? "HTTP" : "TCP");
  d.set("HealthCheckPort", "traffic-port");
  d.set("HealthCheckEnabled", !lambda);
  d.set("HealthCheckIntervalSeconds", lambda ? 35 : 30);
  d.set("HealthCheckTimeoutSeconds", lambda ? 30 : http ? 5 : 10);
  d.set("HealthyThresholdCount", 5);
  d.set("UnhealthyThresholdCount", 2);
  if (http) {
    d.set("HealthCheckPath", "/");
    d.set("Matcher", Value(Object{{"HttpCode", Value("200")}}));
  }
  d.set("LoadBalancerArns", Value::array());
  d.set("TargetType", target_type);
  if (is_http(protocol.value_or(""))) {
    std::string version = input::optional_string(input, "ProtocolVersion").value_or("HTTP1");
    if (version != "HTTP1" && version != "HTTP2" && version != "GRPC")
      throw validation("Protocol version must be one of 'HTTP1', 'HTTP2', 'GRPC'");
    d.set("ProtocolVersion", version);
  }
  if (!lambda) d.set("IpAddressType", input::optional_string(input, "IpAddressType").value_or("ipv4"));
  apply_health_check(d, input);
  if (!d.find("HealthCheckEnabled")->as_bool() && (target_type == "instance" || target_type == "ip"))
    throw validation("Health check enabled must be true for target groups with target type '" + target_type + "'");
  // An HTTP health check of a TCP group (network load balancers) accepts any 2xx/3xx.
  if (!http && d.find("HealthCheckProtocol")->as_string() != "TCP") {
    if (!d.find("HealthCheckPath")) d.set("HealthCheckPath", "/");
    if (!d.find("Matcher")) d.set("Matcher", Value(Object{{"HttpCode", Value("200-399")}}));
  }
  return d;
}

bool is_ip_address(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

// The Targets of a Register/Deregister/DescribeTargetHealth input, ports defaulted.
std::vector<RegisteredTarget> targets_of(const Value& input, const TargetGroup& group) {
  std::vector<RegisteredTarget> out;
  std::string type = group.text("TargetType");
  for (const auto& t : input::list(input, "Targets")) {
    RegisteredTarget target;
    target.key.id = input::optional_string(t, "Id").value_or("");
    target.key.port = type == "lambda" ? 0 : input::optional_int(t, "Port").value_or(group.number("Port"));
    target.availability_zone = input::optional_string(t, "AvailabilityZone").value_or("");
    if (target.key.port < 0 || target.key.port > 65535) throw validation("Target port must be between 1 and 65535");
    out.push_back(std::move(target));
  }
  return out;
}

}  // namespace

Value ElbService::create_target_group(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "Name");
  check_target_group_name(name);
  Tags tags = tags_from(input);
  for (auto& [arn, existing] : target_groups_) {
    if (existing.name != name || existing.account != ctx.account || existing.region != ctx.region) continue;
    Value asked = new_description(arn, name, input);
    asked.set("LoadBalancerArns", *existing.description.find("LoadBalancerArns"));
    if (asked == existing.description) {
      Value out = Value::object();
      out.set("TargetGroups", Value(Array{std::move(asked)}));
      return out;
    }
    throw ApiError("DuplicateTargetGroupNameException", "A target group with the same name '" + name + "' exists, but with different settings");
  }
  TargetGroup group;
  group.name = name;
  group.account = ctx.account;
  group.region = ctx.region;
  group.arn = target_group_arn(ctx.region, ctx.account, name);
  group.description = new_description(group.arn, name, input);
  group.attributes = target_group_defaults(group.text("Protocol"), group.text("TargetType"));
  group.tags = std::move(tags);
  store_.save(group);
  Value out = Value::object();
  out.set("TargetGroups", Value(Array{group.description}));
  target_groups_.emplace(group.arn, std::move(group));
  return out;
}

Value ElbService::describe_target_groups(const RequestContext& ctx, const Value& input) {
  auto arns = input::strings(input, "TargetGroupArns");
  auto names = input::strings(input, "Names");
  auto lb_arn = input::optional_string(input, "LoadBalancerArn");
  if (int(!arns.empty()) + int(!names.empty()) + int(lb_arn.has_value()) > 1)
    throw validation("Target group names, target group ARNs and a load balancer ARN cannot be specified at the same time");
  if (lb_arn) load_balancer(*lb_arn);
  Array found;
  if (!arns.empty()) {
    for (const auto& arn : arns) found.push_back(described(target_group(arn)));
  } else {
    std::set<std::string> missing(names.begin(), names.end());
    for (const auto& [arn, g] : target_groups_) {
      if (g.account != ctx.account || g.region != ctx.region) continue;
      if (!names.empty() && std::find(names.begin(), names.end(), g.name) == names.end()) continue;
      if (lb_arn) {
        auto lbs = load_balancers_of(g);
        if (std::find(lbs.begin(), lbs.end(), *lb_arn) == lbs.end()) continue;
      }
      missing.erase(g.name);
      found.push_back(described(g));
    }
    if (!missing.empty()) throw ApiError("TargetGroupNotFoundException", "One or more target groups not found");
  }
  Value out = Value::object();
  page_into(out, "TargetGroups", std::move(found), input);
  return out;
}

Value ElbService::modify_target_group(const RequestContext&, const Value& input) {
  TargetGroup& group = target_group(input::required_string(input, "TargetGroupArn"));
  Value changed = group.description;
  apply_health_check(changed, input);
  group.description = std::move(changed);
  store_.save(group);
  sync_traffic();
  Value out = Value::object();
  out.set("TargetGroups", Value(Array{described(group)}));
  return out;
}

Value ElbService::described(const TargetGroup& group) const {
  Value d = group.description;
  Value lbs = Value::array();
  for (const auto& arn : load_balancers_of(group)) lbs.push(arn);
  d.set("LoadBalancerArns", std::move(lbs));
  return d;
}

Value ElbService::delete_target_group(const RequestContext&, const Value& input) {
  const std::string& arn = input::required_string(input, "TargetGroupArn");
  auto it = target_groups_.find(arn);
  if (it == target_groups_.end()) return Value::object();
  if (!load_balancers_of(it->second).empty())
    throw ApiError("ResourceInUseException", "Target group '" + arn + "' is currently in use by a listener or a rule");
  stop_health_checks(it->second);
  store_.remove(arn);
  target_groups_.erase(it);
  return Value::object();
}

Value ElbService::describe_target_group_attributes(const RequestContext&, const Value& input) {
  Value out = Value::object();
  out.set("Attributes", attributes_value(target_group(input::required_string(input, "TargetGroupArn")).attributes));
  return out;
}

Value ElbService::modify_target_group_attributes(const RequestContext&, const Value& input) {
  TargetGroup& group = target_group(input::required_string(input, "TargetGroupArn"));
  modify_attributes(group.attributes, input, "Target group");
  store_.save(group);
  sync_traffic();
  Value out = Value::object();
  out.set("Attributes", attributes_value(group.attributes));
  return out;
}

Value ElbService::register_targets(const RequestContext&, const Value& input) {
  TargetGroup& group = target_group(input::required_string(input, "TargetGroupArn"));
  auto targets = targets_of(input, group);
  if (targets.empty()) throw validation("A target must be specified");
  std::string type = group.text("TargetType");
  for (const auto& t : targets) {
    if (type == "instance" && !t.key.id.starts_with("i-"))
      throw ApiError("InvalidTargetException", "The following targets are not valid instances: '" + t.key.id + "'");
    if (type == "ip" && !is_ip_address(t.key.id))
      throw validation("The IP address '" + t.key.id + "' is not a valid IPv4 address");
    if (type == "lambda" && (targets.size() > 1 || group.targets.size() > 1 || !t.key.id.starts_with("arn:")))
      throw ApiError("TooManyTargetsException", "You can register only one Lambda function, by its ARN, in a target group");
    if (t.key.port == 0 && type != "lambda") throw validation("A port must be specified for target '" + t.key.id + "'");
  }
  if (group.targets.size() + targets.size() > kMaxTargets)
    throw ApiError("TooManyTargetsException", "You have reached the limit on the number of targets");
  for (auto& t : targets) {
    auto existing = group.targets.find(t.key);
    if (existing != group.targets.end()) {
      if (existing->second.health.state != "draining") continue;
      group.targets.erase(existing);  // registering a draining target again starts it afresh
    }
    group.targets.emplace(t.key, std::move(t));
  }
  store_.save(group);
  sync_traffic();
  return Value::object();
}

Value ElbService::deregister_targets(const RequestContext&, const Value& input) {
  TargetGroup& group = target_group(input::required_string(input, "TargetGroupArn"));
  auto targets = targets_of(input, group);
  if (targets.empty()) throw validation("A target must be specified");
  for (const auto& t : targets) {
    if (!group.targets.contains(t.key))
      throw ApiError("InvalidTargetException", "The following targets are not registered in target group '" +
                                                   group.arn + "': '" + t.key.id + "'");
  }
  for (const auto& t : targets)  // a target named twice is drained once
    if (auto it = group.targets.find(t.key); it != group.targets.end()) drain(group, it->second);
  store_.save(group);
  sync_traffic();
  return Value::object();
}

Value ElbService::describe_target_health(const RequestContext&, const Value& input) {
  TargetGroup& group = target_group(input::required_string(input, "TargetGroupArn"));
  auto asked = targets_of(input, group);
  std::string health_port = group.text("HealthCheckPort");
  auto describe = [&](const TargetKey& key, const std::string& zone, const Health& health) {
    Value target = Value(Object{{"Id", Value(key.id)}});
    if (group.text("TargetType") != "lambda") target.set("Port", key.port);
    if (!zone.empty()) target.set("AvailabilityZone", zone);
    Value state = Value(Object{{"State", Value(health.state)}});
    if (!health.reason.empty()) {
      state.set("Reason", health.reason);
      state.set("Description", health.description);
    }
    Value d = Value(Object{{"Target", std::move(target)}});
    if (group.text("TargetType") != "lambda")
      d.set("HealthCheckPort", health_port == "traffic-port" ? std::to_string(key.port) : health_port);
    d.set("TargetHealth", std::move(state));
    return d;
  };
  Value list = Value::array();
  if (asked.empty()) {
    for (const auto& [key, t] : group.targets) list.push(describe(key, t.availability_zone, t.health));
  } else {
    for (const auto& a : asked) {
      auto it = group.targets.find(a.key);
      if (it != group.targets.end()) {
        list.push(describe(a.key, it->second.availability_zone, it->second.health));
      } else {
        Health none{"unused", "Target.NotRegistered", "Target is not registered to the target group"};
        list.push(describe(a.key, a.availability_zone, none));
      }
    }
  }
  Value out = Value::object();
  out.set("TargetHealthDescriptions", std::move(list));
  return out;
}

}  // namespace stratus::elb
