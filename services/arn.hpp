#pragma once
// ARNs, as services name each other's resources.
#include <optional>
#include <string>

#include "services/service.hpp"

namespace stratus {

struct Arn {
  std::string service, region, account, resource;  // resource: "name", "name:id", "function:name:qualifier"
};
// "arn:aws:<service>:<region>:<account>:<resource>"
std::optional<Arn> parse_arn(const std::string& arn);

// The context one service calls another with, on a resource's own account and region.
RequestContext context_for(const Arn& arn);

}  // namespace stratus
