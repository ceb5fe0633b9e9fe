#include "services/elb/actions.hpp"

#include <algorithm>
#include <set>

#include "services/elb/names.hpp"
#include "services/input.hpp"

namespace stratus::elb {
namespace {

constexpr std::size_t kMaxForwardGroups = 5;
constexpr std::size_t kMaxMessageBody = 1024;
constexpr std::size_t kMaxConditionValues = 5;

const std::string& text(const Value& v, std::string_view name, const std::string& fallback = {}) {
  const Value* m = v.find(name);
  return m && m->is_string() ? m->as_string() : fallback;
}

Value string_list(const std::vector<std::string>& values) {
  Value list = Value::array();
  for (const auto& v : values) list.push(v);
  return list;
}

Value forward_action(const Value& action) {
  Value out = Value::object();
  out.set("Type", "forward");
  std::string single = text(action, "TargetGroupArn");
  const Value* config = action.find("ForwardConfig");
  Value groups = Value::array();
  std::set<std::string> seen;
  for (const auto& g : config ? input::list(*config, "TargetGroups") : Array{}) {
    std::string arn = text(g, "TargetGroupArn");
    if (arn.empty()) throw validation("A target group ARN must be specified");
    if (!seen.insert(arn).second) throw validation("Target group '" + arn + "' is specified more than once");
    std::int64_t weight = input::optional_int(g, "Weight").value_or(1);
    if (weight < 0 || weight > 999) throw validation("Target group weight must be between 0 and 999");
    groups.push(Value(Object{{"TargetGroupArn", Value(arn)}, {"Weight", Value(weight)}}));
  }
  if (groups.as_array().empty()) {
    if (single.empty()) throw validation("A target group ARN must be specified");
    groups.push(Value(Object{{"TargetGroupArn", Value(single)}, {"Weight", Value(1)}}));
  } else if (!single.empty() && (groups.as_array().size() != 1 || text(groups.as_array()[0], "TargetGroupArn") != single)) {
    throw validation("You cannot specify both a target group ARN and a forward config with different target groups");
  }
  if (groups.as_array().size() > kMaxForwardGroups)
    throw ApiError("TooManyTargetGroupsException", "You can specify up to 5 target groups in a forward action");
  if (groups.as_array().size() == 1) out.set("TargetGroupArn", text(groups.as_array()[0], "TargetGroupArn"));
  Value stickiness = Value::object();
  const Value* sticky = config ? config->find("TargetGroupStickinessConfig") : nullptr;
  bool enabled = sticky && input::optional_bool(*sticky, "Enabled").value_or(false);
  stickiness.set("Enabled", enabled);
  if (enabled) stickiness.set("DurationSeconds", input::optional_int(*sticky, "DurationSeconds").value_or(3600));
  out.set("ForwardConfig", Value(Object{{"TargetGroups", std::move(groups)}, {"TargetGroupStickinessConfig", std::move(stickiness)}}));
  return out;
}

Value redirect_action(const Value& action) {
  const Value* config = action.find("RedirectConfig");
  if (!config) throw validation("A redirect configuration must be specified for a redirect action");
  std::string status = text(*config, "StatusCode");
  if (status != "HTTP_301" && status != "HTTP_302") throw validation("Redirect status code must be HTTP_301 or HTTP_302");
  std::string protocol = text(*config, "Protocol", "#{protocol}");
  if (protocol != "#{protocol}" && protocol != "HTTP" && protocol != "HTTPS")
    throw validation("Redirect protocol must be HTTP, HTTPS or #{protocol}");
  std::string path = text(*config, "Path", "/#{path}");
  if (!path.starts_with('/')) throw validation("Redirect path must start with a '/'");
  Value c = Value(Object{{"Protocol", Value(protocol)},
                         {"Port", Value(text(*config, "Port", "#{port}"))},
                         {"Host", Value(text(*config, "Host", "#{host}"))},
                         {"Path", Value(path)},
                         {"Query", Value(text(*config, "Query", "#{query}"))},
                         {"StatusCode", Value(status)}});
  return Value(Object{{"Type", Value("redirect")}, {"RedirectConfig", std::move(c)}});
}

Value fixed_response_action(const Value& action) {
  const Value* config = action.find("FixedResponseConfig");
  if (!config) throw validation("A fixed response configuration must be specified for a fixed-response action");
  std::string status = text(*config, "StatusCode");
  bool code_ok = status.size() == 3 && std::all_of(status.begin(), status.end(), ::isdigit) &&
                 (status[0] == '2' || status[0] == '4' || status[0] == '5');
  if (!code_ok) throw validation("Fixed response status code must be 2XX, 4XX or 5XX");
  Value c = Value(Object{{"StatusCode", Value(status)}});
  if (auto body = input::optional_string(*config, "MessageBody")) {
    if (body->size() > kMaxMessageBody) throw validation("Fixed response message body cannot be longer than 1024 characters");
    c.set("MessageBody", *body);
  }
  if (auto type = input::optional_string(*config, "ContentType")) {
    static const std::set<std::string, std::less<>> types = {"text/plain", "text/css", "text/html",
                                                             "application/javascript", "application/json"};
    if (!types.contains(*type)) throw validation("Fixed response content type '" + *type + "' is not supported");
    c.set("ContentType", *type);
  }
  return Value(Object{{"Type", Value("fixed-response")}, {"FixedResponseConfig", std::move(c)}});
}

bool terminal(const std::string& type) { return type == "forward" || type == "redirect" || type == "fixed-response"; }

// Actions sorted by Order (those without one keep their place after those with one).
std::vector<const Value*> by_order(const Value& actions) {
  std::vector<const Value*> sorted;
  for (const auto& a : actions.as_array()) sorted.push_back(&a);
  std::stable_sort(sorted.begin(), sorted.end(), [](const Value* a, const Value* b) {
    auto order = [](const Value* v) { return input::optional_int(*v, "Order").value_or(50001); };
    return order(a) < order(b);
  });
  return sorted;
}

std::vector<std::string> values_of(const Value& v, std::string_view name) { return input::strings(v, name); }

void check_values(const std::vector<std::string>& values, const std::string& field) {
  if (values.empty()) throw validation("A condition value must be specified for the '" + field + "' field");
  if (values.size() > kMaxConditionValues)
    throw validation("A condition can have at most 5 values for the '" + field + "' field");
}

}  // namespace

Value normalize_actions(const Value& actions) {
  if (!actions.is_array() || actions.as_array().empty()) throw validation("An action must be specified");
  Value out = Value::array();
  std::set<std::int64_t> orders;
  for (const Value* a : by_order(actions)) {
    std::string type = text(*a, "Type");
    Value normalized;
    if (type == "forward") normalized = forward_action(*a);
    else if (type == "redirect") normalized = redirect_action(*a);
    else if (type == "fixed-response") normalized = fixed_response_action(*a);
    else if (type == "authenticate-oidc" || type == "authenticate-cognito") normalized = *a;
    else throw validation("Action type '" + type + "' must be one of 'forward', 'redirect', 'fixed-response', "
                          "'authenticate-oidc', 'authenticate-cognito'");
    if (auto order = input::optional_int(*a, "Order")) {
      if (*order < 1 || *order > 50000) throw validation("Action order must be between 1 and 50000");
      if (!orders.insert(*order).second) throw validation("Action order '" + std::to_string(*order) + "' must be unique");
      normalized.set("Order", *order);
    }
    out.push(std::move(normalized));
  }
  const auto& list = out.as_array();
  if (!terminal(text(list.back(), "Type")))
    throw ApiError("InvalidLoadBalancerActionException", "The last action must be one of 'forward', 'redirect' or 'fixed-response'");
  for (std::size_t i = 0; i + 1 < list.size(); ++i)
    if (terminal(text(list[i], "Type")))
      throw ApiError("InvalidLoadBalancerActionException", "Only the last action can be of type '" + text(list[i], "Type") + "'");
  return out;
}

Value normalize_conditions(const Value& conditions) {
  Value out = Value::array();
  if (!conditions.is_array()) return out;
  for (const auto& c : conditions.as_array()) {
    std::string field = text(c, "Field");
    Value n = Value(Object{{"Field", Value(field)}});
    if (field == "path-pattern" || field == "host-header") {
      const char* config_name = field == "path-pattern" ? "PathPatternConfig" : "HostHeaderConfig";
      auto values = values_of(c, "Values");
      if (const Value* config = c.find(config_name)) {
        auto config_values = values_of(*config, "Values");
        if (!values.empty() && values != config_values)
          throw validation("You cannot specify both 'Values' and '" + std::string(config_name) + "'");
        values = config_values;
      }
      check_values(values, field);
      n.set("Values", string_list(values));
      n.set(config_name, Value(Object{{"Values", string_list(values)}}));
    } else if (field == "http-header") {
      const Value* config = c.find("HttpHeaderConfig");
      std::string name = config ? text(*config, "HttpHeaderName") : "";
      if (name.empty()) throw validation("An HTTP header name must be specified for the 'http-header' field");
      auto values = config ? values_of(*config, "Values") : std::vector<std::string>{};
      check_values(values, field);
      n.set("HttpHeaderConfig", Value(Object{{"HttpHeaderName", Value(name)}, {"Values", string_list(values)}}));
    } else if (field == "http-request-method" || field == "source-ip") {
      const char* config_name = field == "source-ip" ? "SourceIpConfig" : "HttpRequestMethodConfig";
      const Value* config = c.find(config_name);
      auto values = config ? values_of(*config, "Values") : std::vector<std::string>{};
      check_values(values, field);
      n.set(config_name, Value(Object{{"Values", string_list(values)}}));
    } else if (field == "query-string") {
      const Value* config = c.find("QueryStringConfig");
      Value pairs = Value::array();
      for (const auto& kv : config ? input::list(*config, "Values") : Array{}) {
        Value pair = Value::object();
        if (auto key = input::optional_string(kv, "Key")) pair.set("Key", *key);
        pair.set("Value", text(kv, "Value"));
        pairs.push(std::move(pair));
      }
      if (pairs.as_array().empty()) throw validation("A condition value must be specified for the 'query-string' field");
      n.set("QueryStringConfig", Value(Object{{"Values", std::move(pairs)}}));
    } else {
      throw validation("Condition field '" + field + "' must be one of '[http-header, http-request-method, host-header, "
                       "path-pattern, query-string, source-ip]'");
    }
    out.push(std::move(n));
  }
  return out;
}

std::vector<std::string> target_groups_of(const Value& actions) {
  std::vector<std::string> arns;
  if (!actions.is_array()) return arns;
  for (const auto& a : actions.as_array()) {
    const Value* config = a.find("ForwardConfig");
    for (const auto& g : config ? input::list(*config, "TargetGroups") : Array{}) arns.push_back(text(g, "TargetGroupArn"));
  }
  return arns;
}

Action compile_action(const Value& actions, const PoolLookup& pool_of) {
  Action out;
  for (const Value* a : by_order(actions)) {
    std::string type = text(*a, "Type");
    if (type == "forward") {
      out.kind = Action::Kind::Forward;
      for (const auto& g : input::list(*a->find("ForwardConfig"), "TargetGroups")) {
        std::string arn = text(g, "TargetGroupArn");
        if (auto pool = pool_of(arn)) out.forward.push_back({pool, arn, input::optional_int(g, "Weight").value_or(1)});
      }
      return out;
    }
    if (type == "redirect") {
      const Value& c = *a->find("RedirectConfig");
      out.kind = Action::Kind::Redirect;
      out.protocol = text(c, "Protocol");
      out.host = text(c, "Host");
      out.port = text(c, "Port");
      out.path = text(c, "Path");
      out.query = text(c, "Query");
      out.status = text(c, "StatusCode") == "HTTP_301" ? 301 : 302;
      return out;
    }
    if (type == "fixed-response") {
      const Value& c = *a->find("FixedResponseConfig");
      out.kind = Action::Kind::FixedResponse;
      out.status = std::stoi(text(c, "StatusCode"));
      out.content_type = text(c, "ContentType");
      out.body = text(c, "MessageBody");
      return out;
    }
  }
  return out;
}

Condition compile_condition(const Value& condition) {
  std::string field = text(condition, "Field");
  Condition c;
  if (field == "path-pattern" || field == "host-header") {
    c.field = field == "path-pattern" ? Condition::Field::Path : Condition::Field::Host;
    c.values = values_of(condition, "Values");
  } else if (field == "http-header") {
    c.field = Condition::Field::Header;
    c.header_name = text(*condition.find("HttpHeaderConfig"), "HttpHeaderName");
    c.values = values_of(*condition.find("HttpHeaderConfig"), "Values");
  } else if (field == "http-request-method") {
    c.field = Condition::Field::Method;
    c.values = values_of(*condition.find("HttpRequestMethodConfig"), "Values");
  } else if (field == "source-ip") {
    c.field = Condition::Field::SourceIp;
    c.values = values_of(*condition.find("SourceIpConfig"), "Values");
  } else {
    c.field = Condition::Field::Query;
    for (const auto& kv : input::list(*condition.find("QueryStringConfig"), "Values")) {
      c.keys.push_back(text(kv, "Key"));
      c.values.push_back(text(kv, "Value"));
    }
  }
  return c;
}

}  // namespace stratus::elb
