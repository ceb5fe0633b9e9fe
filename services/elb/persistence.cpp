#include "services/elb/persistence.hpp"

#include "protocol/json.hpp"

namespace stratus::elb {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE elb_resources (
         arn TEXT PRIMARY KEY, kind TEXT NOT NULL, position INTEGER NOT NULL, document TEXT NOT NULL);)",
};

Value map_value(const std::map<std::string, std::string>& map) {
  Value v = Value::object();
  for (const auto& [k, e] : map) v.set(k, e);
  return v;
}

std::map<std::string, std::string> map_of(const Value& document, const char* member) {
  std::map<std::string, std::string> out;
  if (const Value* m = document.find(member); m && m->is_object())
    for (const auto& [k, v] : m->as_object())
      if (v.is_string()) out[k] = v.as_string();
  return out;
}

std::string text(const Value& document, const char* member) {
  const Value* m = document.find(member);
  return m && m->is_string() ? m->as_string() : std::string();
}

Value common(const std::string& arn, const std::string& account, const std::string& region, const Value& description,
             const Tags& tags) {
  Value v = Value::object();
  v.set("Arn", arn);
  v.set("Account", account);
  v.set("Region", region);
  v.set("Description", description);
  v.set("Tags", map_value(tags));
  return v;
}

const Value& description_of(const Value& document) {
  static const Value empty = Value::object();
  const Value* d = document.find("Description");
  return d ? *d : empty;
}

// The members every kind of resource has, as far as this kind has them.
template <typename Resource>
Resource read_resource(const Value& d) {
  Resource r;
  r.arn = text(d, "Arn");
  r.description = description_of(d);
  r.tags = map_of(d, "Tags");
  if constexpr (requires { r.name; }) r.name = text(d, "Name");
  if constexpr (requires { r.account; }) {
    r.account = text(d, "Account");
    r.region = text(d, "Region");
  }
  if constexpr (requires { r.attributes; }) r.attributes = map_of(d, "Attributes");
  return r;
}

}  // namespace

ElbStore::ElbStore(storage::Database& db) : db_(db) { db_.migrate("elb", kMigrations); }

void ElbStore::load(const Loaded& on) {
  db_.read([&](storage::Connection& c) {
    auto& s = c.prepared("SELECT kind, document, position FROM elb_resources ORDER BY position");
    while (s.step()) {
      std::string kind = s.column_text(0);
      Value d = json::parse(s.column_text(1));
      next_position_ = s.column_int(2) + 1;
      if (kind == "load-balancer") {
        on.load_balancer(read_resource<LoadBalancer>(d));
      } else if (kind == "target-group") {
        auto g = read_resource<TargetGroup>(d);
        if (const Value* targets = d.find("Targets"); targets && targets->is_array()) {
          for (const auto& t : targets->as_array()) {
            TargetKey key{text(t, "Id"), t.find("Port") ? t.find("Port")->as_int() : 0};
            RegisteredTarget target;
            target.key = key;
            target.availability_zone = text(t, "AvailabilityZone");
            g.targets.emplace(key, std::move(target));
          }
        }
        on.target_group(std::move(g));
      } else if (kind == "listener") {
        auto l = read_resource<Listener>(d);
        l.load_balancer_arn = text(d, "LoadBalancerArn");
        on.listener(std::move(l));
      } else if (kind == "rule") {
        auto r = read_resource<Rule>(d);
        r.listener_arn = text(d, "ListenerArn");
        on.rule(std::move(r));
      }
    }
  });
}

void ElbStore::save(const LoadBalancer& lb) {
  Value d = common(lb.arn, lb.account, lb.region, lb.description, lb.tags);
  d.set("Name", lb.name);
  d.set("Attributes", map_value(lb.attributes));
  write("load-balancer", lb.arn, std::move(d));
}

void ElbStore::save(const TargetGroup& group) {
  Value d = common(group.arn, group.account, group.region, group.description, group.tags);
  d.set("Name", group.name);
  d.set("Attributes", map_value(group.attributes));
  Value targets = Value::array();
  for (const auto& [key, target] : group.targets) {
    if (target.health.state == "draining") continue;  // a restart completes a deregistration
    Value t = Value::object();
    t.set("Id", key.id);
    t.set("Port", key.port);
    t.set("AvailabilityZone", target.availability_zone);
    targets.push(std::move(t));
  }
  d.set("Targets", std::move(targets));
  write("target-group", group.arn, std::move(d));
}

void ElbStore::save(const Listener& listener) {
  Value d = common(listener.arn, listener.account, listener.region, listener.description, listener.tags);
  d.set("LoadBalancerArn", listener.load_balancer_arn);
  d.set("Attributes", map_value(listener.attributes));
  write("listener", listener.arn, std::move(d));
}

void ElbStore::save(const Rule& rule) {
  Value d = common(rule.arn, "", "", rule.description, rule.tags);
  d.set("ListenerArn", rule.listener_arn);
  write("rule", rule.arn, std::move(d));
}

void ElbStore::write(const std::string& kind, const std::string& arn, Value document) {
  db_.write([kind, arn, position = next_position_++, text = json::write(document)](storage::Changes& c) {
    c.prepared(
         "INSERT INTO elb_resources (arn, kind, position, document) VALUES (?, ?, ?, ?) "
         "ON CONFLICT(arn) DO UPDATE SET document = excluded.document")
        .bind(1, arn)
        .bind(2, kind)
        .bind(3, position)
        .bind(4, text)
        .run();
  });
}

void ElbStore::remove(const std::string& arn) {
  db_.write([arn](storage::Changes& c) { c.prepared("DELETE FROM elb_resources WHERE arn = ?").bind(1, arn).run(); });
}

void ElbStore::clear() {
  db_.write([](storage::Changes& c) { c.prepared("DELETE FROM elb_resources").run(); });
}

}  // namespace stratus::elb
