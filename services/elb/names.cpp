#include "services/elb/names.hpp"

#include <cctype>

#include "services/ids.hpp"

namespace stratus::elb {
namespace {

constexpr std::size_t kMaxNameLength = 32;

bool alphanumeric_or_hyphen(const std::string& name) {
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-') return false;
  return true;
}

// The part of an ARN after "<service>:<region>:<account>:", split at its first '/'.
std::string resource_path(const std::string& arn, const std::string& kind) {
  auto colon = arn.rfind(':');
  std::string resource = arn.substr(colon + 1);
  return arn.substr(0, colon + 1) + kind + resource.substr(resource.find('/'));
}

}  // namespace

ApiError validation(const std::string& message) { return ApiError("ValidationError", message); }

void check_load_balancer_name(const std::string& name) {
  if (name.empty()) throw validation("LoadBalancer name cannot be empty");
  if (name.size() > kMaxNameLength) throw validation("LoadBalancer name cannot be longer than 32 characters");
  if (!alphanumeric_or_hyphen(name))
    throw validation("LoadBalancer name cannot contain characters that are not letters, or digits or the dash.");
  if (name.front() == '-' || name.back() == '-')
    throw validation("LoadBalancer name cannot begin or end with a hyphen");
  if (name.starts_with("internal-")) throw validation("LoadBalancer name cannot begin with 'internal-'");
}

void check_target_group_name(const std::string& name) {
  if (name.empty()) throw validation("Target group name cannot be empty");
  if (name.size() > kMaxNameLength)
    throw validation("Target group name '" + name + "' cannot be longer than '32' characters");
  if (!alphanumeric_or_hyphen(name))
    throw validation("Target group name '" + name +
                     "' can only contain characters that are alphanumeric characters or hyphens(-)");
  if (name.front() == '-' || name.back() == '-')
    throw validation("Target group name '" + name + "' cannot begin or end with '-'");
}

std::string type_prefix(const std::string& type) {
  if (type == "network") return "net";
  if (type == "gateway") return "gwy";
  return "app";
}

std::string load_balancer_arn(const std::string& region, const std::string& account, const std::string& type,
                              const std::string& name) {
  return "arn:aws:elasticloadbalancing:" + region + ":" + account + ":loadbalancer/" + type_prefix(type) + "/" + name +
         "/" + ids::token();
}

std::string target_group_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:elasticloadbalancing:" + region + ":" + account + ":targetgroup/" + name + "/" + ids::token();
}

std::string listener_arn(const std::string& load_balancer_arn) {
  return resource_path(load_balancer_arn, "listener") + "/" + ids::token();
}

std::string rule_arn(const std::string& listener_arn) {
  return resource_path(listener_arn, "listener-rule") + "/" + ids::token();
}

std::string dns_name(const std::string& region, const std::string& type, const std::string& scheme,
                     const std::string& name) {
  std::string prefix = (scheme == "internal" ? "internal-" : "") + name + "-";
  if (type == "application") {
    std::string digits = std::to_string(1000000000 + std::stoull(ids::token().substr(0, 8), nullptr, 16) % 9000000000ULL);
    return prefix + digits + "." + region + ".elb.localhost";
  }
  return prefix + ids::token() + ".elb." + region + ".localhost";
}

}  // namespace stratus::elb
