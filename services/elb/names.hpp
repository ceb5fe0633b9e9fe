#pragma once
// ELB names, ARNs and DNS names, and the ValidationError AWS gives for bad input.
#include <string>

#include "protocol/api_error.hpp"

namespace stratus::elb {

ApiError validation(const std::string& message);

// Throw ValidationError with AWS's wording when a name breaks the rules.
void check_load_balancer_name(const std::string& name);
void check_target_group_name(const std::string& name);

// "app", "net" or "gwy": the load balancer type's part of its ARNs.
std::string type_prefix(const std::string& type);
std::string load_balancer_arn(const std::string& region, const std::string& account, const std::string& type,
                              const std::string& name);
std::string target_group_arn(const std::string& region, const std::string& account, const std::string& name);
// Listener and rule ARNs extend their parent's resource path.
std::string listener_arn(const std::string& load_balancer_arn);
std::string rule_arn(const std::string& listener_arn);
// A name under .localhost, which resolvers and browsers send to this machine.
std::string dns_name(const std::string& region, const std::string& type, const std::string& scheme,
                     const std::string& name);

}  // namespace stratus::elb
