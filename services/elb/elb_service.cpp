#include "services/elb/elb_service.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "services/elb/attributes.hpp"
#include "services/elb/names.hpp"
#include "services/elb/paging.hpp"
#include "services/input.hpp"

namespace stratus::elb {
namespace {

// The not-found error of the kind of resource an ARN names.
ApiError not_found(const std::string& arn) {
  auto colon = arn.rfind(':');
  std::string_view resource = colon == std::string::npos ? std::string_view(arn) : std::string_view(arn).substr(colon + 1);
  if (resource.starts_with("targetgroup/")) return ApiError("TargetGroupNotFoundException", "One or more target groups not found");
  if (resource.starts_with("listener-rule/")) return ApiError("RuleNotFoundException", "One or more rules not found");
  if (resource.starts_with("listener/")) return ApiError("ListenerNotFoundException", "One or more listeners not found");
  return ApiError("LoadBalancerNotFoundException", "One or more load balancers not found");
}

}  // namespace

const OperationTable<ElbService>& ElbService::operations() {
  static const OperationTable<ElbService> table = {
      {"AddListenerCertificates", {&ElbService::add_listener_certificates}},
      {"AddTags", {&ElbService::add_tags}},
      {"CreateListener", {&ElbService::create_listener}},
      {"CreateLoadBalancer", {&ElbService::create_load_balancer}},
      {"CreateRule", {&ElbService::create_rule}},
      {"CreateTargetGroup", {&ElbService::create_target_group}},
      {"DeleteListener", {&ElbService::delete_listener}},
      {"DeleteLoadBalancer", {&ElbService::delete_load_balancer}},
      {"DeleteRule", {&ElbService::delete_rule}},
      {"DeleteTargetGroup", {&ElbService::delete_target_group}},
      {"DeregisterTargets", {&ElbService::deregister_targets}},
      {"DescribeAccountLimits", {&ElbService::describe_account_limits}},
      {"DescribeCapacityReservation", {&ElbService::describe_capacity_reservation}},
      {"DescribeListenerAttributes", {&ElbService::describe_listener_attributes}},
      {"DescribeListenerCertificates", {&ElbService::describe_listener_certificates}},
      {"DescribeListeners", {&ElbService::describe_listeners}},
      {"DescribeLoadBalancerAttributes", {&ElbService::describe_load_balancer_attributes}},
      {"DescribeLoadBalancers", {&ElbService::describe_load_balancers}},
      {"DescribeRules", {&ElbService::describe_rules}},
      {"DescribeSSLPolicies", {&ElbService::describe_ssl_policies}},
      {"DescribeTags", {&ElbService::describe_tags}},
      {"DescribeTargetGroupAttributes", {&ElbService::describe_target_group_attributes}},
      {"DescribeTargetGroups", {&ElbService::describe_target_groups}},
      {"DescribeTargetHealth", {&ElbService::describe_target_health}},
      {"ModifyListener", {&ElbService::modify_listener}},
      {"ModifyListenerAttributes", {&ElbService::modify_listener_attributes}},
      {"ModifyLoadBalancerAttributes", {&ElbService::modify_load_balancer_attributes}},
      {"ModifyRule", {&ElbService::modify_rule}},
      {"ModifyTargetGroup", {&ElbService::modify_target_group}},
      {"ModifyTargetGroupAttributes", {&ElbService::modify_target_group_attributes}},
      {"RegisterTargets", {&ElbService::register_targets}},
      {"RemoveListenerCertificates", {&ElbService::remove_listener_certificates}},
      {"RemoveTags", {&ElbService::remove_tags}},
      {"SetIpAddressType", {&ElbService::set_ip_address_type}},
      {"SetRulePriorities", {&ElbService::set_rule_priorities}},
      {"SetSecurityGroups", {&ElbService::set_security_groups}},
      {"SetSubnets", {&ElbService::set_subnets}},
  };
  return table;
}

ElbService::ElbService(storage::Database& db, Scheduler& scheduler, HttpClient& http, ListenerHost& listeners)
    : store_(db), scheduler_(scheduler), http_(http), host_(listeners) {
  store_.load({
      .load_balancer = [this](LoadBalancer lb) { load_balancers_.emplace(lb.arn, std::move(lb)); },
      .target_group = [this](TargetGroup g) { target_groups_.emplace(g.arn, std::move(g)); },
      .listener = [this](Listener l) { listeners_.emplace(l.arn, std::move(l)); },
      .rule = [this](Rule r) { rules_.emplace(r.arn, std::move(r)); },
  });
  std::lock_guard lock(mutex_);
  sync_traffic();
  for (auto& [arn, l] : listeners_) open_listener(l);
}

ElbService::~ElbService() { shutdown(); }

void ElbService::call(std::string_view operation, const RequestContext& context, Value input, Reply reply) {
  dispatch(*this, operations(), mutex_, operation, context, input, reply);
}

void ElbService::reset() {
  std::lock_guard lock(mutex_);
  for (const auto& [arn, l] : listeners_) host_.close(arn);
  listeners_.clear();
  rules_.clear();
  target_groups_.clear();
  load_balancers_.clear();
  store_.clear();
}

void ElbService::shutdown() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (const auto& [arn, l] : listeners_) host_.close(arn);
  for (auto& [arn, g] : target_groups_) {
    g.health_timer.reset();
    for (auto& [key, t] : g.targets) t.drained.reset();
  }
}

LoadBalancer& ElbService::load_balancer(const std::string& arn) {
  auto it = load_balancers_.find(arn);
  if (it == load_balancers_.end()) throw ApiError("LoadBalancerNotFoundException", "One or more load balancers not found");
  return it->second;
}

TargetGroup& ElbService::target_group(const std::string& arn) {
  auto it = target_groups_.find(arn);
  if (it == target_groups_.end()) throw ApiError("TargetGroupNotFoundException", "One or more target groups not found");
  return it->second;
}

Listener& ElbService::listener(const std::string& arn) {
  auto it = listeners_.find(arn);
  if (it == listeners_.end()) throw ApiError("ListenerNotFoundException", "One or more listeners not found");
  return it->second;
}

Rule& ElbService::rule(const std::string& arn) {
  auto it = rules_.find(arn);
  if (it == rules_.end()) throw ApiError("RuleNotFoundException", "One or more rules not found");
  return it->second;
}

Tags* ElbService::tags_of(const std::string& arn) {
  if (auto it = load_balancers_.find(arn); it != load_balancers_.end()) return &it->second.tags;
  if (auto it = target_groups_.find(arn); it != target_groups_.end()) return &it->second.tags;
  if (auto it = listeners_.find(arn); it != listeners_.end()) return &it->second.tags;
  if (auto it = rules_.find(arn); it != rules_.end()) return &it->second.tags;
  return nullptr;
}

void ElbService::save_resource(const std::string& arn) {
  if (auto it = load_balancers_.find(arn); it != load_balancers_.end()) store_.save(it->second);
  if (auto it = target_groups_.find(arn); it != target_groups_.end()) store_.save(it->second);
  if (auto it = listeners_.find(arn); it != listeners_.end()) store_.save(it->second);
  if (auto it = rules_.find(arn); it != rules_.end()) store_.save(it->second);
}

Value ElbService::add_tags(const RequestContext&, const Value& input) {
  auto arns = input::strings(input, "ResourceArns");
  Tags added = tags_from(input);
  for (const auto& arn : arns) {
    Tags* tags = tags_of(arn);
    if (!tags) throw not_found(arn);
    Tags merged = *tags;
    for (const auto& [k, v] : added) merged[k] = v;
    if (merged.size() > 50) throw ApiError("TooManyTagsException", "The quota for the number of tags per resource has been reached");
  }
  for (const auto& arn : arns) {
    for (const auto& [k, v] : added) (*tags_of(arn))[k] = v;
    save_resource(arn);
  }
  return Value::object();
}

Value ElbService::remove_tags(const RequestContext&, const Value& input) {
  auto arns = input::strings(input, "ResourceArns");
  for (const auto& arn : arns)
    if (!tags_of(arn)) throw not_found(arn);
  for (const auto& arn : arns) {
    for (const auto& key : input::strings(input, "TagKeys")) tags_of(arn)->erase(key);
    save_resource(arn);
  }
  return Value::object();
}

Value ElbService::describe_tags(const RequestContext&, const Value& input) {
  auto arns = input::strings(input, "ResourceArns");
  if (arns.size() > 20) throw validation("You can specify up to 20 resource ARNs");
  Value descriptions = Value::array();
  for (const auto& arn : arns) {
    Tags* tags = tags_of(arn);
    if (!tags) throw not_found(arn);
    descriptions.push(Value(Object{{"ResourceArn", Value(arn)}, {"Tags", tags_value(*tags)}}));
  }
  Value out = Value::object();
  out.set("TagDescriptions", std::move(descriptions));
  return out;
}

Value ElbService::describe_account_limits(const RequestContext&, const Value& input) {
  static const std::pair<const char*, const char*> limits[] = {
      {"application-load-balancers", "50"},
      {"condition-values-per-alb-rule", "5"},
      {"condition-wildcards-per-alb-rule", "5"},
      {"gateway-load-balancers", "100"},
      {"listeners-per-application-load-balancer", "50"},
      {"listeners-per-network-load-balancer", "50"},
      {"network-load-balancers", "50"},
      {"rules-per-application-load-balancer", "100"},
      {"target-groups", "3000"},
      {"target-groups-per-action-on-application-load-balancer", "5"},
      {"target-groups-per-action-on-network-load-balancer", "1"},
      {"target-groups-per-application-load-balancer", "100"},
      {"targets-per-application-load-balancer", "1000"},
      {"targets-per-availability-zone-per-network-load-balancer", "500"},
      {"targets-per-network-load-balancer", "3000"},
  };
  Array list;
  for (const auto& [name, max] : limits) list.push_back(Value(Object{{"Name", Value(name)}, {"Max", Value(max)}}));
  Value out = Value::object();
  page_into(out, "Limits", std::move(list), input);
  return out;
}

Value ElbService::describe_ssl_policies(const RequestContext&, const Value& input) {
  struct Policy {
    const char* name;
    std::vector<const char*> protocols;
    std::vector<const char*> ciphers;
  };
  static const std::vector<Policy> policies = {
      {"ELBSecurityPolicy-2016-08",
       {"TLSv1", "TLSv1.1", "TLSv1.2"},
       {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES128-SHA256",
        "ECDHE-RSA-AES128-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "AES128-GCM-SHA256",
        "AES256-GCM-SHA384"}},
      {"ELBSecurityPolicy-TLS13-1-2-2021-06",
       {"TLSv1.2", "TLSv1.3"},
       {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384"}},
      {"ELBSecurityPolicy-TLS-1-2-2017-01",
       {"TLSv1.2"},
       {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "AES128-GCM-SHA256", "AES256-GCM-SHA384"}},
  };
  auto names = input::strings(input, "Names");
  Array list;
  std::size_t matched = 0;
  for (const auto& p : policies) {
    if (!names.empty() && std::find(names.begin(), names.end(), p.name) == names.end()) continue;
    ++matched;
    Value protocols = Value::array(), ciphers = Value::array();
    for (const char* protocol : p.protocols) protocols.push(protocol);
    for (std::size_t i = 0; i < p.ciphers.size(); ++i)
      ciphers.push(Value(Object{{"Name", Value(p.ciphers[i])}, {"Priority", Value(static_cast<std::int64_t>(i + 1))}}));
    list.push_back(Value(Object{{"SslProtocols", std::move(protocols)},
                                {"Ciphers", std::move(ciphers)},
                                {"Name", Value(p.name)},
                                {"SupportedLoadBalancerTypes", Value(Array{Value("application"), Value("network")})}}));
  }
  if (matched < names.size()) throw ApiError("SSLPolicyNotFoundException", "One or more SSL policies not found");
  Value out = Value::object();
  page_into(out, "SslPolicies", std::move(list), input);
  return out;
}

std::string LoadBalancer::type() const {
  const Value* t = description.find("Type");
  return t ? t->as_string() : "application";
}

std::string TargetGroup::text(const char* member) const {
  const Value* v = description.find(member);
  return v && v->is_string() ? v->as_string() : std::string();
}

std::int64_t TargetGroup::number(const char* member) const {
  const Value* v = description.find(member);
  return v && v->is_int() ? v->as_int() : 0;
}

bool TargetGroup::flag(const char* member) const {
  const Value* v = description.find(member);
  return v && v->is_bool() && v->as_bool();
}

bool Rule::is_default() const {
  const Value* d = description.find("IsDefault");
  return d && d->as_bool();
}

std::int64_t Rule::priority() const {
  if (is_default()) return std::numeric_limits<std::int64_t>::max();
  const std::string& text = description.find("Priority")->as_string();
  std::int64_t n = 0;
  std::from_chars(text.data(), text.data() + text.size(), n);
  return n;
}

}  // namespace stratus::elb
