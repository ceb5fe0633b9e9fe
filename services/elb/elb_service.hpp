#pragma once
// Elastic Load Balancing v2. The operation table in elb_service.cpp lists the API;
// operations live by resource in load_balancer_operations.cpp,
// target_group_operations.cpp, listener_operations.cpp and rule_operations.cpp.
// health_checks.cpp probes targets; routes.cpp turns listeners and rules into the
// route tables the proxy (server/load_balancer_proxy) forwards traffic by.
//
// Concurrency: one mutex guards the control plane. Traffic never takes it: it reads
// the route tables and target pools, which have their own small locks.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "services/elb/listener_host.hpp"
#include "services/elb/persistence.hpp"
#include "services/elb/resources.hpp"
#include "services/http_client.hpp"
#include "services/operations.hpp"
#include "services/service.hpp"

namespace stratus::elb {

class ElbService : public Service {
 public:
  ElbService(storage::Database& db, Scheduler& scheduler, HttpClient& http, ListenerHost& listeners);
  ~ElbService() override;

  std::string_view name() const override { return "elbv2"; }
  void call(std::string_view operation, const RequestContext& context, Value input, Reply reply) override;
  void reset() override;
  void shutdown() override;

 private:
  static const OperationTable<ElbService>& operations();

  // load_balancer_operations.cpp
  Value create_load_balancer(const RequestContext&, const Value&);
  Value describe_load_balancers(const RequestContext&, const Value&);
  Value delete_load_balancer(const RequestContext&, const Value&);
  Value describe_load_balancer_attributes(const RequestContext&, const Value&);
  Value modify_load_balancer_attributes(const RequestContext&, const Value&);
  Value set_security_groups(const RequestContext&, const Value&);
  Value set_subnets(const RequestContext&, const Value&);
  Value set_ip_address_type(const RequestContext&, const Value&);
  Value describe_capacity_reservation(const RequestContext&, const Value&);

  // target_group_operations.cpp
  Value create_target_group(const RequestContext&, const Value&);
  Value describe_target_groups(const RequestContext&, const Value&);
  Value modify_target_group(const RequestContext&, const Value&);
  Value delete_target_group(const RequestContext&, const Value&);
  Value describe_target_group_attributes(const RequestContext&, const Value&);
  Value modify_target_group_attributes(const RequestContext&, const Value&);
  Value register_targets(const RequestContext&, const Value&);
  Value deregister_targets(const RequestContext&, const Value&);
  Value describe_target_health(const RequestContext&, const Value&);

  // listener_operations.cpp
  Value create_listener(const RequestContext&, const Value&);
  Value describe_listeners(const RequestContext&, const Value&);
  Value modify_listener(const RequestContext&, const Value&);
  Value delete_listener(const RequestContext&, const Value&);
  Value describe_listener_attributes(const RequestContext&, const Value&);
  Value modify_listener_attributes(const RequestContext&, const Value&);
  Value add_listener_certificates(const RequestContext&, const Value&);
  Value remove_listener_certificates(const RequestContext&, const Value&);
  Value describe_listener_certificates(const RequestContext&, const Value&);

  // rule_operations.cpp
  Value create_rule(const RequestContext&, const Value&);
  Value describe_rules(const RequestContext&, const Value&);
  Value modify_rule(const RequestContext&, const Value&);
  Value delete_rule(const RequestContext&, const Value&);
  Value set_rule_priorities(const RequestContext&, const Value&);

  // elb_service.cpp: tags and account-wide answers
  Value add_tags(const RequestContext&, const Value&);
  Value remove_tags(const RequestContext&, const Value&);
  Value describe_tags(const RequestContext&, const Value&);
  Value describe_account_limits(const RequestContext&, const Value&);
  Value describe_ssl_policies(const RequestContext&, const Value&);

  // Lookups, by ARN, throwing AWS's not-found errors.
  LoadBalancer& load_balancer(const std::string& arn);
  TargetGroup& target_group(const std::string& arn);
  Listener& listener(const std::string& arn);
  Rule& rule(const std::string& arn);
  // The tags of any resource by ARN; nullptr when there is none.
  Tags* tags_of(const std::string& arn);

  void remove_listener(const std::string& arn);
  // The group as DescribeTargetGroups gives it, with the load balancers it serves.
  Value described(const TargetGroup& group) const;
  // The load balancers whose listeners or rules send traffic to the target group.
  std::vector<std::string> load_balancers_of(const TargetGroup& group) const;
  // Actions of every listener and rule, checked against the target groups they name.
  void check_actions(const Value& actions, const std::string& load_balancer_arn) const;

  // routes.cpp: after any change, recompiles every listener's routes and starts or
  // stops health checks so that only target groups in use are probed.
  void sync_traffic();
  RouteTable compile_routes(const Listener& listener) const;
  void open_listener(Listener& listener);

  // health_checks.cpp
  void start_health_checks(TargetGroup& group);
  void stop_health_checks(TargetGroup& group);
  void probe_all(const std::string& group_arn);
  void probe(TargetGroup& group, RegisteredTarget& target);
  void record_probe(const std::string& group_arn, const TargetKey& key, const OutboundResult& result);
  // Turns a deregistered target into a draining one, gone after the delay.
  void drain(TargetGroup& group, RegisteredTarget& target);

  // Stores whichever resource the ARN names.
  void save_resource(const std::string& arn);

  std::mutex mutex_;
  std::map<std::string, LoadBalancer> load_balancers_;  // by ARN
  std::map<std::string, TargetGroup> target_groups_;
  std::map<std::string, Listener> listeners_;
  std::map<std::string, Rule> rules_;
  bool stopping_ = false;
  ElbStore store_;
  Scheduler& scheduler_;
  HttpClient& http_;
  ListenerHost& host_;
};

}  // namespace stratus::elb
