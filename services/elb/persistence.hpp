#pragma once
// ELB's table: one row a resource (load balancer, target group with its registered
// targets, listener, rule), written through on every change and read at start-up.
// Health is not kept: after a restart targets are checked afresh.
#include <functional>
#include <string>

#include "services/elb/resources.hpp"
#include "storage/database.hpp"

namespace stratus::elb {

class ElbStore {
 public:
  explicit ElbStore(storage::Database& db);

  struct Loaded {
    std::function<void(LoadBalancer)> load_balancer;
    std::function<void(TargetGroup)> target_group;
    std::function<void(Listener)> listener;
    std::function<void(Rule)> rule;
  };
  void load(const Loaded& on);

  void save(const LoadBalancer& lb);
  void save(const TargetGroup& group);
  void save(const Listener& listener);
  void save(const Rule& rule);
  void remove(const std::string& arn);
  void clear();

 private:
  void write(const std::string& kind, const std::string& arn, Value document);

  storage::Database& db_;
  std::int64_t next_position_ = 0;  // resources load in the order they were made
};

}  // namespace stratus::elb
