// Listener rules: conditions and actions with a priority; the default rule follows
// its listener's default actions and cannot be changed here.
#include <algorithm>
#include <charconv>
#include <set>

#include "services/elb/actions.hpp"
#include "services/elb/attributes.hpp"
#include "services/elb/elb_service.hpp"
#include "services/elb/names.hpp"
#include "services/elb/paging.hpp"
#include "services/input.hpp"

namespace stratus::elb {
namespace {

constexpr std::size_t kMaxRules = 100;
constexpr std::size_t kMaxConditionValues = 5;

std::int64_t checked_priority(std::optional<std::int64_t> priority) {
  if (!priority) throw validation("A rule priority must be specified");
  if (*priority < 1 || *priority > 50000) throw validation("Rule priority must be between 1 and 50000");
  return *priority;
}

Value checked_conditions(const Value& input) {
  const Value* list = input.find("Conditions");
  Value conditions = normalize_conditions(list ? *list : Value::array());
  if (conditions.as_array().empty()) throw validation("A condition must be specified");
  std::size_t values = 0;
  for (const auto& c : conditions.as_array()) {
    for (const char* config : {"PathPatternConfig", "HostHeaderConfig", "HttpHeaderConfig", "HttpRequestMethodConfig",
                               "SourceIpConfig", "QueryStringConfig"})
      if (const Value* v = c.find(config)) values += v->find("Values")->as_array().size();
  }
  if (values > kMaxConditionValues)
    throw validation("A rule can have at most 5 condition values");
  return conditions;
}

}  // namespace

Value ElbService::create_rule(const RequestContext&, const Value& input) {
  Listener& l = listener(input::required_string(input, "ListenerArn"));
  std::int64_t priority = checked_priority(input::optional_int(input, "Priority"));
  Value conditions = checked_conditions(input);
  const Value* asked = input.find("Actions");
  Value actions = normalize_actions(asked ? *asked : Value::array());
  check_actions(actions, l.load_balancer_arn);
  Tags tags = tags_from(input);
  std::size_t count = 0;
  for (const auto& [arn, r] : rules_) {
    if (r.listener_arn != l.arn) continue;
    ++count;
    if (r.priority() == priority)
      throw ApiError("PriorityInUseException", "Priority '" + std::to_string(priority) + "' is currently in use");
  }
  if (count > kMaxRules) throw ApiError("TooManyRulesException", "You have reached the limit on the number of rules");
  Rule rule;
  rule.arn = rule_arn(l.arn);
  rule.listener_arn = l.arn;
  rule.tags = std::move(tags);
  rule.description = Value(Object{{"RuleArn", Value(rule.arn)},
                                  {"Priority", Value(std::to_string(priority))},
                                  {"Conditions", std::move(conditions)},
                                  {"Actions", std::move(actions)},
                                  {"IsDefault", Value(false)}});
  store_.save(rule);
  Value out = Value::object();
  out.set("Rules", Value(Array{rule.description}));
  rules_.emplace(rule.arn, std::move(rule));
  sync_traffic();
  return out;
}

Value ElbService::describe_rules(const RequestContext&, const Value& input) {
  auto arns = input::strings(input, "RuleArns");
  auto listener_arn = input::optional_string(input, "ListenerArn");
  if (arns.empty() && !listener_arn) throw validation("You must specify either listener ARN or rule ARNs");
  if (!arns.empty() && listener_arn) throw validation("Listener ARN and rule ARNs cannot be specified at the same time");
  std::vector<const Rule*> found;
  if (listener_arn) {
    listener(*listener_arn);
    for (const auto& [arn, r] : rules_)
      if (r.listener_arn == *listener_arn) found.push_back(&r);
    std::stable_sort(found.begin(), found.end(), [](const Rule* a, const Rule* b) { return a->priority() < b->priority(); });
  } else {
    for (const auto& arn : arns) found.push_back(&rule(arn));
  }
  Array descriptions;
  for (const Rule* r : found) descriptions.push_back(r->description);
  Value out = Value::object();
  page_into(out, "Rules", std::move(descriptions), input);
  return out;
}

Value ElbService::modify_rule(const RequestContext&, const Value& input) {
  Rule& r = rule(input::required_string(input, "RuleArn"));
  Value d = r.description;
  if (const Value* conditions = input.find("Conditions"); conditions && conditions->is_array()) {
    if (r.is_default()) throw ApiError("OperationNotPermittedException", "The conditions of a default rule cannot be modified");
    d.set("Conditions", checked_conditions(input));
  }
  if (const Value* actions = input.find("Actions"); actions && actions->is_array()) {
    Value normalized = normalize_actions(*actions);
    check_actions(normalized, listener(r.listener_arn).load_balancer_arn);
    d.set("Actions", std::move(normalized));
  }
  r.description = std::move(d);
  if (r.is_default()) {
    Listener& l = listener(r.listener_arn);
    l.description.set("DefaultActions", *r.description.find("Actions"));
    store_.save(l);
  }
  store_.save(r);
  sync_traffic();
  Value out = Value::object();
  out.set("Rules", Value(Array{r.description}));
  return out;
}

Value ElbService::delete_rule(const RequestContext&, const Value& input) {
  Rule& r = rule(input::required_string(input, "RuleArn"));
  if (r.is_default()) throw ApiError("OperationNotPermittedException", "Default rule '" + r.arn + "' cannot be deleted");
  store_.remove(r.arn);
  rules_.erase(r.arn);
  sync_traffic();
  return Value::object();
}

Value ElbService::set_rule_priorities(const RequestContext&, const Value& input) {
  std::map<std::string, std::int64_t> wanted;
  std::set<std::pair<std::string, std::int64_t>> taken;  // (listener, priority) after the change
  for (const auto& entry : input::list(input, "RulePriorities")) {
    Rule& r = rule(input::optional_string(entry, "RuleArn").value_or(""));
    if (r.is_default()) throw ApiError("OperationNotPermittedException", "Default rule '" + r.arn + "' cannot be modified");
    std::int64_t priority = checked_priority(input::optional_int(entry, "Priority"));
    if (!taken.insert({r.listener_arn, priority}).second)
      throw ApiError("PriorityInUseException", "Priority '" + std::to_string(priority) + "' is currently in use");
    wanted[r.arn] = priority;
  }
  for (const auto& [arn, r] : rules_) {
    if (r.is_default() || wanted.contains(arn)) continue;
    if (taken.contains({r.listener_arn, r.priority()}))
      throw ApiError("PriorityInUseException", "Priority '" + std::to_string(r.priority()) + "' is currently in use");
  }
  Array changed;
  for (const auto& [arn, priority] : wanted) {
    Rule& r = rules_.at(arn);
    r.description.set("Priority", std::to_string(priority));
    store_.save(r);
    changed.push_back(r.description);
  }
  sync_traffic();
  Value out = Value::object();
  out.set("Rules", Value(std::move(changed)));
  return out;
}

}  // namespace stratus::elb
