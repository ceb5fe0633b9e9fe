// Load balancers: lifecycle, attributes, and the network settings that are stored
// as given (subnets, security groups, address type).
#include <functional>
#include <set>

#include "services/elb/attributes.hpp"
#include "services/elb/elb_service.hpp"
#include "services/elb/names.hpp"
#include "services/elb/paging.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"

namespace stratus::elb {
namespace {

// Hosted zone ids AWS publishes for us-east-1; DNS here is .localhost, so any region's
// answer only needs the right shape.
constexpr const char* kApplicationZone = "Z35SXDOTRQ7X7K";
constexpr const char* kNetworkZone = "Z26RNL4JYFTOTI";

std::string short_hash(const std::string& text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::size_t h = std::hash<std::string>{}(text);
  std::string out;
  for (int i = 0; i < 17; ++i, h = h * 31 + 7) out += kDigits[(h >> 7) & 15];
  return out;
}

// Without EC2, every subnet belongs to the account's one VPC, and the n-th subnet
// given is in the region's n-th zone.
std::string default_vpc(const RequestContext& ctx) { return "vpc-" + short_hash(ctx.account + ctx.region); }

Value availability_zones(const RequestContext& ctx, const Value& input, const std::string& type) {
  std::vector<std::string> subnets = input::strings(input, "Subnets");
  for (const auto& mapping : input::list(input, "SubnetMappings"))
    if (auto id = input::optional_string(mapping, "SubnetId")) subnets.push_back(*id);
  std::set<std::string> unique(subnets.begin(), subnets.end());
  if (unique.size() != subnets.size()) throw validation("Subnets must be unique");
  if (type == "application" && subnets.size() < 2)
    throw validation("At least two subnets in two different Availability Zones must be specified");
  if (subnets.empty()) throw validation("At least one subnet must be specified");
  Value zones = Value::array();
  for (std::size_t i = 0; i < subnets.size(); ++i) {
    std::string zone = ctx.region + static_cast<char>('a' + i % 6);
    zones.push(Value(Object{{"ZoneName", Value(zone)}, {"SubnetId", Value(subnets[i])}, {"LoadBalancerAddresses", Value::array()}}));
  }
  return zones;
}

void check_ip_address_type(const std::string& type) {
  if (type != "ipv4" && type != "dualstack" && type != "dualstack-without-public-ipv4")
    throw validation("IP address type must be one of 'ipv4', 'dualstack', 'dualstack-without-public-ipv4'");
}

}  // namespace

Value ElbService::create_load_balancer(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "Name");
  check_load_balancer_name(name);
  std::string type = input::optional_string(input, "Type").value_or("application");
  if (type != "application" && type != "network" && type != "gateway")
    throw validation("Load balancer type must be one of 'application', 'network', 'gateway'");
  std::string scheme = input::optional_string(input, "Scheme").value_or("internet-facing");
  if (scheme != "internet-facing" && scheme != "internal") throw validation("Scheme must be 'internet-facing' or 'internal'");
  std::string ip_type = input::optional_string(input, "IpAddressType").value_or("ipv4");
  check_ip_address_type(ip_type);
  Value zones = availability_zones(ctx, input, type);
  Tags tags = tags_from(input);

  for (auto& [arn, existing] : load_balancers_) {
    if (existing.name != name || existing.account != ctx.account || existing.region != ctx.region) continue;
    const Value& d = existing.description;
    if (existing.type() == type && *d.find("Scheme") == Value(scheme) && *d.find("AvailabilityZones") == zones) {
      Value out = Value::object();
      out.set("LoadBalancers", Value(Array{d}));
      return out;
    }
    throw ApiError("DuplicateLoadBalancerNameException", "A load balancer with the same name '" + name + "' exists");
  }

  LoadBalancer lb;
  lb.name = name;
  lb.account = ctx.account;
  lb.region = ctx.region;
  lb.arn = load_balancer_arn(ctx.region, ctx.account, type, name);
  lb.attributes = load_balancer_defaults(type);
  lb.tags = std::move(tags);
  Value d = Value::object();
  d.set("LoadBalancerArn", lb.arn);
  d.set("DNSName", dns_name(ctx.region, type, scheme, name));
  d.set("CanonicalHostedZoneId", type == "application" ? kApplicationZone : kNetworkZone);
  d.set("CreatedTime", ids::iso8601(ids::now_ms()));
  d.set("LoadBalancerName", name);
  d.set("Scheme", scheme);
  d.set("VpcId", default_vpc(ctx));
  d.set("State", Value(Object{{"Code", Value("active")}}));
  d.set("Type", type);
  d.set("AvailabilityZones", std::move(zones));
  if (type == "application") {
    std::vector<std::string> groups = input::strings(input, "SecurityGroups");
    if (groups.empty()) groups.push_back("sg-" + short_hash(ctx.account + ctx.region + "default"));
    Value list = Value::array();
    for (const auto& g : groups) list.push(g);
    d.set("SecurityGroups", std::move(list));
  }
  d.set("IpAddressType", ip_type);
  lb.description = std::move(d);
  store_.save(lb);
  // Real load balancers take a while to come up; waiters expect to see it.
  Value created = lb.description;
  created.set("State", Value(Object{{"Code", Value("provisioning")}}));
  load_balancers_.emplace(lb.arn, std::move(lb));
  Value out = Value::object();
  out.set("LoadBalancers", Value(Array{std::move(created)}));
  return out;
}

Value ElbService::describe_load_balancers(const RequestContext& ctx, const Value& input) {
  auto arns = input::strings(input, "LoadBalancerArns");
  auto names = input::strings(input, "Names");
  if (!arns.empty() && !names.empty()) throw validation("Load balancer names and load balancer ARNs cannot be specified at the same time");
  Array found;
  if (!arns.empty()) {
    for (const auto& arn : arns) found.push_back(load_balancer(arn).description);
  } else {
    std::set<std::string> missing(names.begin(), names.end());
    for (const auto& [arn, lb] : load_balancers_) {
      if (lb.account != ctx.account || lb.region != ctx.region) continue;
      if (!names.empty() && std::find(names.begin(), names.end(), lb.name) == names.end()) continue;
      missing.erase(lb.name);
      found.push_back(lb.description);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& n : missing) list += (list.empty() ? "" : ", ") + ("'" + n + "'");
      throw ApiError("LoadBalancerNotFoundException", "Load balancers '[" + list + "]' not found");
    }
  }
  Value out = Value::object();
  page_into(out, "LoadBalancers", std::move(found), input);
  return out;
}

Value ElbService::delete_load_balancer(const RequestContext&, const Value& input) {
  const std::string& arn = input::required_string(input, "LoadBalancerArn");
  auto it = load_balancers_.find(arn);
  if (it == load_balancers_.end()) return Value::object();  // deleting twice succeeds
  if (it->second.attributes["deletion_protection.enabled"] == "true")
    throw ApiError("OperationNotPermittedException",
                   "Load balancer '" + arn + "' cannot be deleted because deletion protection is enabled");
  std::vector<std::string> owned;
  for (const auto& [listener_arn, l] : listeners_)
    if (l.load_balancer_arn == arn) owned.push_back(listener_arn);
  for (const auto& l : owned) remove_listener(l);
  store_.remove(arn);
  load_balancers_.erase(it);
  sync_traffic();
  return Value::object();
}

Value ElbService::describe_load_balancer_attributes(const RequestContext&, const Value& input) {
  Value out = Value::object();
  out.set("Attributes", attributes_value(load_balancer(input::required_string(input, "LoadBalancerArn")).attributes));
  return out;
}

Value ElbService::modify_load_balancer_attributes(const RequestContext&, const Value& input) {
  LoadBalancer& lb = load_balancer(input::required_string(input, "LoadBalancerArn"));
  modify_attributes(lb.attributes, input, "Load balancer");
  store_.save(lb);
  sync_traffic();
  Value out = Value::object();
  out.set("Attributes", attributes_value(lb.attributes));
  return out;
}

Value ElbService::set_security_groups(const RequestContext&, const Value& input) {
  LoadBalancer& lb = load_balancer(input::required_string(input, "LoadBalancerArn"));
  if (lb.type() == "gateway") throw validation("Security groups are not supported for load balancers with type 'gateway'");
  Value groups = Value::array();
  for (const auto& g : input::strings(input, "SecurityGroups")) groups.push(g);
  lb.description.set("SecurityGroups", groups);
  store_.save(lb);
  Value out = Value::object();
  out.set("SecurityGroupIds", std::move(groups));
  return out;
}

Value ElbService::set_subnets(const RequestContext& ctx, const Value& input) {
  LoadBalancer& lb = load_balancer(input::required_string(input, "LoadBalancerArn"));
  Value zones = availability_zones(ctx, input, lb.type());
  if (auto ip_type = input::optional_string(input, "IpAddressType")) {
    check_ip_address_type(*ip_type);
    lb.description.set("IpAddressType", *ip_type);
  }
  lb.description.set("AvailabilityZones", zones);
  store_.save(lb);
  Value out = Value::object();
  out.set("AvailabilityZones", std::move(zones));
  out.set("IpAddressType", *lb.description.find("IpAddressType"));
  return out;
}

Value ElbService::set_ip_address_type(const RequestContext&, const Value& input) {
  LoadBalancer& lb = load_balancer(input::required_string(input, "LoadBalancerArn"));
  const std::string& ip_type = input::required_string(input, "IpAddressType");
  check_ip_address_type(ip_type);
  lb.description.set("IpAddressType", ip_type);
  store_.save(lb);
  Value out = Value::object();
  out.set("IpAddressType", ip_type);
  return out;
}

Value ElbService::describe_capacity_reservation(const RequestContext&, const Value& input) {
  LoadBalancer& lb = load_balancer(input::required_string(input, "LoadBalancerArn"));
  Value out = Value::object();
  out.set("CapacityReservationState", Value::array());
  out.set("LastModifiedTime", *lb.description.find("CreatedTime"));
  return out;
}

}  // namespace stratus::elb
