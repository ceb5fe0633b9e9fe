#pragma once
// The ELB resources as the control plane keeps them. Each keeps its AWS description
// (the shape Describe* returns) as a Value, so that what was asked for is what is
// described; the fields traffic and health checks need are read from it when the
// routes are compiled.
#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "protocol/value.hpp"
#include "services/elb/routing.hpp"
#include "services/service.hpp"

namespace stratus::elb {

using Attributes = std::map<std::string, std::string>;
using Tags = std::map<std::string, std::string>;

struct LoadBalancer {
  std::string arn, name, account, region;
  Value description;
  Attributes attributes;
  Tags tags;
  std::string type() const;  // application | network | gateway
};

// A target's health as DescribeTargetHealth reports it.
struct Health {
  std::string state = "initial";
  std::string reason = "Elb.RegistrationInProgress";
  std::string description = "Target registration is in progress";
  int successes = 0, failures = 0;  // consecutive probe results
  bool probing = false;
};

struct TargetKey {
  std::string id;
  std::int64_t port = 0;
  auto operator<=>(const TargetKey&) const = default;
};

struct RegisteredTarget {
  TargetKey key;
  std::string availability_zone;  // as registered ("all" for targets outside the VPC)
  std::shared_ptr<Endpoint> endpoint;
  Health health;
  std::unique_ptr<Timer> drained;  // while draining: ends the deregistration
};

struct TargetGroup {
  std::string arn, name, account, region;
  Value description;  // LoadBalancerArns is filled in when described
  Attributes attributes;
  Tags tags;
  std::map<TargetKey, RegisteredTarget> targets;
  std::shared_ptr<TargetPool> pool = std::make_shared<TargetPool>();
  std::unique_ptr<Timer> health_timer;  // set while a load balancer sends it traffic
  Value health_settings;                // those the running checks use (null: not checking)
  std::uint64_t health_round = 0;       // bumped whenever checks stop or restart
  std::string text(const char* member) const;
  std::int64_t number(const char* member) const;
  bool flag(const char* member) const;
};

struct Listener {
  std::string arn, load_balancer_arn, account, region;
  Value description;
  Attributes attributes;
  Tags tags;
  std::shared_ptr<ListenerTraffic> traffic = std::make_shared<ListenerTraffic>();
  std::string listening_error;  // why its port could not be opened, if it could not
};

struct Rule {
  std::string arn, listener_arn;
  Value description;
  Tags tags;
  // The priority as a number; the default rule sorts after every other.
  std::int64_t priority() const;
  bool is_default() const;
};

}  // namespace stratus::elb
