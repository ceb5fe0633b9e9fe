// Listeners: lifecycle, default actions (kept in step with the listener's default
// rule), attributes and certificates.
#include <spdlog/spdlog.h>

#include <set>

#include "services/elb/actions.hpp"
#include "services/elb/attributes.hpp"
#include "services/elb/elb_service.hpp"
#include "services/elb/names.hpp"
#include "services/elb/paging.hpp"
#include "services/input.hpp"

namespace stratus::elb {
namespace {

constexpr std::size_t kMaxListeners = 50;
constexpr const char* kDefaultSslPolicy = "ELBSecurityPolicy-2016-08";

void check_protocol(const std::string& protocol, const std::string& lb_type) {
  static const std::set<std::string, std::less<>> application = {"HTTP", "HTTPS"};
  static const std::set<std::string, std::less<>> network = {"TCP", "TLS", "UDP", "TCP_UDP"};
  bool ok = lb_type == "application" ? application.contains(protocol)
            : lb_type == "network"   ? network.contains(protocol)
                                     : protocol == "GENEVE";
  if (!ok)
    throw ApiError("UnsupportedProtocolException",
                   "Protocol '" + protocol + "' is not supported for load balancers of type '" + lb_type + "'");
}

// A member of a description, null when absent (gateway listeners have no port).
Value member(const Value& d, const char* name) {
  const Value* v = d.find(name);
  return v ? *v : Value();
}

Value certificates_of(const Value& input) {
  Value list = Value::array();
  for (const auto& c : input::list(input, "Certificates"))
    if (auto arn = input::optional_string(c, "CertificateArn")) list.push(Value(Object{{"CertificateArn", Value(*arn)}}));
  return list;
}

}  // namespace

void ElbService::check_actions(const Value& actions, const std::string& load_balancer_arn) const {
  const LoadBalancer& lb = load_balancers_.at(load_balancer_arn);
  for (const auto& arn : target_groups_of(actions)) {
    auto it = target_groups_.find(arn);
    if (it == target_groups_.end()) throw ApiError("TargetGroupNotFoundException", "One or more target groups not found");
    const TargetGroup& group = it->second;
    std::string protocol = group.text("Protocol");
    bool http_group = protocol == "HTTP" || protocol == "HTTPS" || group.text("TargetType") == "lambda";
    if ((lb.type() == "application") != http_group)
      throw ApiError("IncompatibleProtocolsException", "The target group '" + arn +
                                                          "' is not compatible with a load balancer of type '" + lb.type() + "'");
    for (const auto& other : load_balancers_of(group))
      if (other != load_balancer_arn)
        throw ApiError("TargetGroupAssociationLimitException",
                       "The following target groups cannot be associated with more than one load balancer: " + arn);
  }
}

Value ElbService::create_listener(const RequestContext& ctx, const Value& input) {
  LoadBalancer& lb = load_balancer(input::required_string(input, "LoadBalancerArn"));
  std::string protocol = input::optional_string(input, "Protocol").value_or(lb.type() == "application" ? "HTTP" : "TCP");
  check_protocol(protocol, lb.type());
  auto port = input::optional_int(input, "Port");
  if (!port && lb.type() != "gateway") throw validation("A listener port must be specified");
  if (port && (*port < 1 || *port > 65535)) throw validation("Listener port must be between 1 and 65535");
  std::size_t count = 0;
  for (const auto& [arn, l] : listeners_) {
    if (l.load_balancer_arn != lb.arn) continue;
    ++count;
    if (port && member(l.description, "Port") == Value(*port))
      throw ApiError("DuplicateListenerException", "A listener already exists on this port for this load balancer");
  }
  if (count >= kMaxListeners) throw ApiError("TooManyListenersException", "You have reached the limit on the number of listeners");
  Value actions = normalize_actions(input.find("DefaultActions") ? *input.find("DefaultActions") : Value::array());
  check_actions(actions, lb.arn);
  Value certificates = certificates_of(input);
  if ((protocol == "HTTPS" || protocol == "TLS") && certificates.as_array().empty())
    throw ApiError("CertificateNotFoundException", "A certificate must be specified for " + protocol + " listeners");
  Tags tags = tags_from(input);

  Listener listener;
  listener.arn = listener_arn(lb.arn);
  listener.load_balancer_arn = lb.arn;
  listener.account = ctx.account;
  listener.region = ctx.region;
  listener.attributes = listener_defaults(protocol);
  listener.tags = std::move(tags);
  Value d = Value::object();
  d.set("ListenerArn", listener.arn);
  d.set("LoadBalancerArn", lb.arn);
  if (port) d.set("Port", *port);
  d.set("Protocol", protocol);
  if (!certificates.as_array().empty()) d.set("Certificates", std::move(certificates));
  if (protocol == "HTTPS" || protocol == "TLS") d.set("SslPolicy", input::optional_string(input, "SslPolicy").value_or(kDefaultSslPolicy));
  d.set("DefaultActions", actions);
  if (auto alpn = input::strings(input, "AlpnPolicy"); !alpn.empty()) {
    Value list = Value::array();
    for (const auto& a : alpn) list.push(a);
    d.set("AlpnPolicy", std::move(list));
  }
  listener.description = std::move(d);

  Rule default_rule;
  default_rule.arn = rule_arn(listener.arn);
  default_rule.listener_arn = listener.arn;
  default_rule.description = Value(Object{{"RuleArn", Value(default_rule.arn)},
                                          {"Priority", Value("default")},
                                          {"Conditions", Value::array()},
                                          {"Actions", std::move(actions)},
                                          {"IsDefault", Value(true)}});
  store_.save(listener);
  store_.save(default_rule);
  rules_.emplace(default_rule.arn, std::move(default_rule));
  auto [it, inserted] = listeners_.emplace(listener.arn, std::move(listener));
  sync_traffic();
  open_listener(it->second);
  Value out = Value::object();
  out.set("Listeners", Value(Array{it->second.description}));
  return out;
}

void ElbService::open_listener(Listener& listener) {
  const Value* port = listener.description.find("Port");
  if (!port) return;
  std::string protocol = listener.description.find("Protocol")->as_string();
  if (protocol != "HTTP" && protocol != "TCP") {
    listener.listening_error = protocol + " listeners do not carry traffic yet";
  } else {
    listener.listening_error = host_.open(listener.arn, static_cast<int>(port->as_int()), protocol, listener.traffic);
  }
  if (!listener.listening_error.empty())
    spdlog::warn("elbv2: listener {} on port {} carries no traffic: {}", listener.arn, port->as_int(), listener.listening_error);
}

Value ElbService::describe_listeners(const RequestContext&, const Value& input) {
  auto arns = input::strings(input, "ListenerArns");
  auto lb_arn = input::optional_string(input, "LoadBalancerArn");
  if (arns.empty() && !lb_arn) throw validation("You must specify either listener ARNs or a load balancer ARN");
  if (!arns.empty() && lb_arn) throw validation("Listener ARNs and a load balancer ARN cannot be specified at the same time");
  Array found;
  if (lb_arn) {
    load_balancer(*lb_arn);
    for (const auto& [arn, l] : listeners_)
      if (l.load_balancer_arn == *lb_arn) found.push_back(l.description);
  } else {
    for (const auto& arn : arns) found.push_back(listener(arn).description);
  }
  Value out = Value::object();
  page_into(out, "Listeners", std::move(found), input);
  return out;
}

Value ElbService::modify_listener(const RequestContext&, const Value& input) {
  Listener& l = listener(input::required_string(input, "ListenerArn"));
  LoadBalancer& lb = load_balancer(l.load_balancer_arn);
  Value d = l.description;
  if (auto protocol = input::optional_string(input, "Protocol")) {
    check_protocol(*protocol, lb.type());
    d.set("Protocol", *protocol);
  }
  if (auto port = input::optional_int(input, "Port")) {
    if (*port < 1 || *port > 65535) throw validation("Listener port must be between 1 and 65535");
    for (const auto& [arn, other] : listeners_)
      if (arn != l.arn && other.load_balancer_arn == lb.arn && member(other.description, "Port") == Value(*port))
        throw ApiError("DuplicateListenerException", "A listener already exists on this port for this load balancer");
    d.set("Port", *port);
  }
  if (const Value* actions = input.find("DefaultActions"); actions && actions->is_array()) {
    Value normalized = normalize_actions(*actions);
    check_actions(normalized, lb.arn);
    d.set("DefaultActions", std::move(normalized));
  }
  if (!input::list(input, "Certificates").empty()) d.set("Certificates", certificates_of(input));
  if (auto policy = input::optional_string(input, "SslPolicy")) d.set("SslPolicy", *policy);
  bool reopen = !(member(d, "Port") == member(l.description, "Port")) ||
                !(member(d, "Protocol") == member(l.description, "Protocol"));
  l.description = std::move(d);
  for (auto& [arn, r] : rules_)
    if (r.listener_arn == l.arn && r.is_default()) {
      r.description.set("Actions", *l.description.find("DefaultActions"));
      store_.save(r);
    }
  store_.save(l);
  sync_traffic();
  if (reopen) {
    host_.close(l.arn);
    open_listener(l);
  }
  Value out = Value::object();
  out.set("Listeners", Value(Array{l.description}));
  return out;
}

Value ElbService::delete_listener(const RequestContext&, const Value& input) {
  remove_listener(listener(input::required_string(input, "ListenerArn")).arn);
  sync_traffic();
  return Value::object();
}

void ElbService::remove_listener(const std::string& arn) {
  host_.close(arn);
  for (auto it = rules_.begin(); it != rules_.end();) {
    if (it->second.listener_arn != arn) {
      ++it;
      continue;
    }
    store_.remove(it->first);
    it = rules_.erase(it);
  }
  store_.remove(arn);
  listeners_.erase(arn);
}

Value ElbService::describe_listener_attributes(const RequestContext&, const Value& input) {
  Value out = Value::object();
  out.set("Attributes", attributes_value(listener(input::required_string(input, "ListenerArn")).attributes));
  return out;
}

Value ElbService::modify_listener_attributes(const RequestContext&, const Value& input) {
  Listener& l = listener(input::required_string(input, "ListenerArn"));
  modify_attributes(l.attributes, input, "Listener");
  store_.save(l);
  Value out = Value::object();
  out.set("Attributes", attributes_value(l.attributes));
  return out;
}

Value ElbService::add_listener_certificates(const RequestContext&, const Value& input) {
  Listener& l = listener(input::required_string(input, "ListenerArn"));
  Value added = certificates_of(input);
  if (added.as_array().empty()) throw validation("A certificate must be specified");
  Value& extra = l.description.find("ExtraCertificates") ? *l.description.find("ExtraCertificates")
                                                         : l.description.set("ExtraCertificates", Value::array());
  for (const auto& c : added.as_array())
    if (std::find(extra.as_array().begin(), extra.as_array().end(), c) == extra.as_array().end()) extra.push(c);
  store_.save(l);
  Value out = Value::object();
  out.set("Certificates", std::move(added));
  return out;
}

Value ElbService::remove_listener_certificates(const RequestContext&, const Value& input) {
  Listener& l = listener(input::required_string(input, "ListenerArn"));
  if (Value* extra = l.description.find("ExtraCertificates")) {
    for (const auto& c : certificates_of(input).as_array()) {
      auto& list = extra->as_array();
      list.erase(std::remove(list.begin(), list.end(), c), list.end());
    }
  }
  store_.save(l);
  return Value::object();
}

Value ElbService::describe_listener_certificates(const RequestContext&, const Value& input) {
  Listener& l = listener(input::required_string(input, "ListenerArn"));
  Array certificates;
  if (const Value* main = l.description.find("Certificates")) {
    for (auto c : main->as_array()) {
      c.set("IsDefault", true);
      certificates.push_back(std::move(c));
    }
  }
  if (const Value* extra = l.description.find("ExtraCertificates")) {
    for (auto c : extra->as_array()) {
      c.set("IsDefault", false);
      certificates.push_back(std::move(c));
    }
  }
  Value out = Value::object();
  page_into(out, "Certificates", std::move(certificates), input);
  return out;
}

}  // namespace stratus::elb
