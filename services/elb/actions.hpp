#pragma once
// Listener and rule actions and rule conditions: checked and written out as
// Describe* returns them (both the legacy and the *Config forms where AWS gives both),
// and compiled into what routing uses.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "protocol/value.hpp"
#include "services/elb/routing.hpp"

namespace stratus::elb {

// Throws ValidationError (or InvalidLoadBalancerAction) for a bad list.
Value normalize_actions(const Value& actions);
Value normalize_conditions(const Value& conditions);

// The target group ARNs that forward actions name.
std::vector<std::string> target_groups_of(const Value& actions);

// The action that decides (the first forward, redirect or fixed-response by Order);
// `pool_of` finds a target group's pool.
using PoolLookup = std::function<std::shared_ptr<TargetPool>(const std::string& arn)>;
Action compile_action(const Value& actions, const PoolLookup& pool_of);
Condition compile_condition(const Value& condition);

}  // namespace stratus::elb
