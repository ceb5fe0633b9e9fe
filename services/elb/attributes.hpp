#pragma once
// The attributes of load balancers, target groups and listeners (which keys each kind
// has, their defaults, the values AWS accepts), and the tags of every resource.
#include <string>

#include "protocol/value.hpp"
#include "services/elb/resources.hpp"

namespace stratus::elb {

Attributes load_balancer_defaults(const std::string& type);
// `protocol` and `target_type` decide which keys a target group has.
Attributes target_group_defaults(const std::string& protocol, const std::string& target_type);
Attributes listener_defaults(const std::string& protocol);

// Applies an input's Attributes list ({Key, Value}) to `current`, all or nothing:
// unknown keys and bad values throw ValidationError. `what` names the resource kind in
// messages ("Load balancer", "Target group", "Listener").
void modify_attributes(Attributes& current, const Value& input, const std::string& what);

// The Attributes list of a Describe*Attributes answer.
Value attributes_value(const Attributes& attributes);

// An input's Tags list, checked (1-128 character keys, no "aws:", no repeats, 50 at most).
Tags tags_from(const Value& input);
Value tags_value(const Tags& tags);

}  // namespace stratus::elb
