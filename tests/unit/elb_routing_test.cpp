// The load balancer's routing, without sockets: rule conditions as ALB matches them,
// actions as Describe* gives them back, and how a target group picks a target.
#include <gtest/gtest.h>

#include <map>

#include "protocol/api_error.hpp"
#include "protocol/json.hpp"
#include "services/elb/actions.hpp"
#include "services/elb/routing.hpp"

namespace stratus::elb {
namespace {

IncomingRequest request(std::string_view path, std::string_view host = "example.com", std::string_view query = "") {
  IncomingRequest r;
  r.method = "GET";
  r.path = path;
  r.host = host;
  r.query = query;
  r.source_ip = "10.1.2.3";
  return r;
}

Condition condition(Condition::Field field, std::vector<std::string> values) {
  Condition c;
  c.field = field;
  c.values = std::move(values);
  return c;
}

std::shared_ptr<Endpoint> endpoint(const std::string& id, bool healthy = true) {
  auto e = std::make_shared<Endpoint>(id + ":80", "127.0.0.1", 80);
  e->healthy = healthy;
  return e;
}

TEST(ElbWildcard, StarsAndQuestionMarks) {
  EXPECT_TRUE(wildcard_match("/api/*", "/api/users/1", false));
  EXPECT_TRUE(wildcard_match("/api/*", "/api/", false));
  EXPECT_FALSE(wildcard_match("/api/*", "/api", false));
  EXPECT_TRUE(wildcard_match("/img/?.png", "/img/a.png", false));
  EXPECT_FALSE(wildcard_match("/img/?.png", "/img/ab.png", false));
  EXPECT_TRUE(wildcard_match("*.example.com", "www.example.com", true));
  EXPECT_TRUE(wildcard_match("*a*b*c", "xxaxxbxxc", false));
  EXPECT_FALSE(wildcard_match("*a*b*c", "xxaxxcxxb", false));
}

TEST(ElbWildcard, PathsAreCaseSensitiveHostsAreNot) {
  EXPECT_FALSE(condition(Condition::Field::Path, {"/API/*"}).matches(request("/api/x")));
  EXPECT_TRUE(condition(Condition::Field::Host, {"ADMIN.example.com"}).matches(request("/", "admin.EXAMPLE.com")));
}

TEST(ElbConditions, HostIgnoresThePort) {
  EXPECT_TRUE(condition(Condition::Field::Host, {"admin.example.com"}).matches(request("/", "admin.example.com:8080")));
  EXPECT_FALSE(condition(Condition::Field::Host, {"admin.example.com"}).matches(request("/", "www.example.com")));
}

TEST(ElbConditions, AnyValueMatches) {
  auto c = condition(Condition::Field::Path, {"/a/*", "/b/*"});
  EXPECT_TRUE(c.matches(request("/b/1")));
  EXPECT_FALSE(c.matches(request("/c/1")));
}

TEST(ElbConditions, HeaderMethodQueryAndSourceIp) {
  IncomingRequest r = request("/", "example.com", "version=v2&debug=1");
  r.headers = {{"User-Agent", "Mozilla/5.0 (Mobile)"}};
  Condition header = condition(Condition::Field::Header, {"*mobile*"});
  header.header_name = "user-agent";
  EXPECT_TRUE(header.matches(r));
  EXPECT_TRUE(condition(Condition::Field::Method, {"GET", "HEAD"}).matches(r));
  EXPECT_FALSE(condition(Condition::Field::Method, {"get"}).matches(r));

  Condition query = condition(Condition::Field::Query, {"V2"});
  query.keys = {"version"};
  EXPECT_TRUE(query.matches(r));
  query.keys = {"other"};
  EXPECT_FALSE(query.matches(r));
  Condition any_key = condition(Condition::Field::Query, {"1"});
  any_key.keys = {""};
  EXPECT_TRUE(any_key.matches(r));

  EXPECT_TRUE(condition(Condition::Field::SourceIp, {"10.0.0.0/8"}).matches(r));
  EXPECT_FALSE(condition(Condition::Field::SourceIp, {"192.168.0.0/16", "10.1.2.4/32"}).matches(r));
}

TEST(ElbCidr, Ranges) {
  EXPECT_TRUE(cidr_contains("0.0.0.0/0", "8.8.8.8"));
  EXPECT_TRUE(cidr_contains("127.0.0.1", "127.0.0.1"));
  EXPECT_FALSE(cidr_contains("127.0.0.1/32", "127.0.0.2"));
  EXPECT_FALSE(cidr_contains("10.0.0.0/33", "10.0.0.1"));
  EXPECT_FALSE(cidr_contains("not an address", "10.0.0.1"));
}

TEST(ElbTargetPool, RoundRobinAmongHealthyTargets) {
  TargetPool pool;
  pool.set_targets({endpoint("a"), endpoint("b", false), endpoint("c")});
  std::map<std::string, int> seen;
  for (int i = 0; i < 6; ++i) ++seen[pool.pick("")->key];
  EXPECT_EQ(seen["a:80"], 3);
  EXPECT_EQ(seen["c:80"], 3);
  EXPECT_EQ(seen.count("b:80"), 0u);
}

TEST(ElbTargetPool, FailsOpenWhenNoTargetIsHealthy) {
  TargetPool pool;
  pool.set_targets({endpoint("a", false), endpoint("b", false)});
  std::map<std::string, int> seen;
  for (int i = 0; i < 4; ++i) ++seen[pool.pick("")->key];
  EXPECT_EQ(seen["a:80"], 2);
  EXPECT_EQ(seen["b:80"], 2);
}

TEST(ElbTargetPool, DrainingTargetsGetNoNewRequests) {
  TargetPool pool;
  auto a = endpoint("a");
  pool.set_targets({a, endpoint("b")});
  a->draining = true;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pool.pick("")->key, "b:80");
  TargetPool only_draining;
  only_draining.set_targets({a});
  EXPECT_FALSE(only_draining.pick(""));
}

TEST(ElbTargetPool, LeasesCountRequestsInFlight) {
  TargetPool pool;
  auto a = endpoint("a");
  pool.set_targets({a});
  {
    TargetLease first = pool.pick("");
    TargetLease second = pool.pick("");
    EXPECT_EQ(a->in_flight, 2);
    TargetLease moved = std::move(first);
    EXPECT_EQ(a->in_flight, 2);
  }
  EXPECT_EQ(a->in_flight, 0);
}

TEST(ElbTargetPool, LeastOutstandingRequestsPicksTheLeastBusy) {
  TargetPool pool;
  auto a = endpoint("a"), b = endpoint("b");
  pool.set_targets({a, b});
  pool.set_least_outstanding(true);
  TargetLease busy = pool.pick("");
  std::string busy_key = busy->key;
  for (int i = 0; i < 3; ++i) EXPECT_NE(pool.pick("")->key, busy_key);
}

TEST(ElbTargetPool, StickyKeyWinsWhileItsTargetIsEligible) {
  TargetPool pool;
  auto a = endpoint("a"), b = endpoint("b");
  pool.set_targets({a, b});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(pool.pick("b:80")->key, "b:80");
  b->healthy = false;
  EXPECT_EQ(pool.pick("b:80")->key, "a:80");
}

RouteTable table_of(const std::string& actions_json, std::vector<Condition> conditions = {},
                    std::shared_ptr<TargetPool> pool = nullptr) {
  Value actions = normalize_actions(json::parse(actions_json));
  RouteTable table;
  CompiledRule rule;
  rule.conditions = std::move(conditions);
  rule.action = compile_action(actions, [&](const std::string&) { return pool; });
  table.rules.push_back(std::move(rule));
  return table;
}

TEST(ElbRouteTable, RedirectKeepsWhatItDoesNotChange) {
  RouteTable table = table_of(R"([{"Type":"redirect","RedirectConfig":{"Protocol":"HTTPS","Port":"443","StatusCode":"HTTP_301"}}])");
  Decision d = table.route(request("/a/b", "example.com:8080", "x=1"));
  EXPECT_EQ(d.status, 301);
  EXPECT_EQ(d.location, "https://example.com:443/a/b?x=1");
  EXPECT_EQ(table.route(request("/", "example.com")).location, "https://example.com:443/");
}

TEST(ElbRouteTable, FixedResponse) {
  RouteTable table = table_of(
      R"([{"Type":"fixed-response","FixedResponseConfig":{"StatusCode":"418","ContentType":"text/plain","MessageBody":"teapot"}}])");
  Decision d = table.route(request("/"));
  EXPECT_EQ(d.status, 418);
  EXPECT_EQ(d.content_type, "text/plain");
  EXPECT_EQ(d.body, "teapot");
}

TEST(ElbRouteTable, FirstMatchingRuleDecidesAndNoneMeans503) {
  RouteTable table = table_of(R"([{"Type":"fixed-response","FixedResponseConfig":{"StatusCode":"200"}}])",
                              {condition(Condition::Field::Path, {"/ok"})});
  EXPECT_EQ(table.route(request("/ok")).status, 200);
  EXPECT_EQ(table.route(request("/other")).status, 503);
}

TEST(ElbRouteTable, ForwardWithStickinessSetsTheCookieAndHonoursIt) {
  auto pool = std::make_shared<TargetPool>();
  pool->set_targets({endpoint("a"), endpoint("b")});
  pool->set_stickiness({true, 60});
  RouteTable table = table_of(R"([{"Type":"forward","TargetGroupArn":"tg"}])", {}, pool);
  Decision first = table.route(request("/"));
  ASSERT_TRUE(first.target);
  ASSERT_EQ(first.set_cookies.size(), 2u);
  std::string cookie = first.set_cookies[0].substr(0, first.set_cookies[0].find(';'));
  EXPECT_TRUE(cookie.starts_with("AWSALB="));
  IncomingRequest again = request("/");
  std::string header = "theme=dark; " + cookie;
  again.headers = {{"Cookie", header}};
  for (int i = 0; i < 4; ++i) EXPECT_EQ(table.route(again).target->key, first.target->key);
}

TEST(ElbRouteTable, ForwardWithNoTargetsIs503) {
  auto pool = std::make_shared<TargetPool>();
  RouteTable table = table_of(R"([{"Type":"forward","TargetGroupArn":"tg"}])", {}, pool);
  EXPECT_EQ(table.route(request("/")).status, 503);
}

TEST(ElbActions, ForwardIsDescribedInBothForms) {
  Value actions = normalize_actions(json::parse(R"([{"Type":"forward","TargetGroupArn":"arn:tg"}])"));
  EXPECT_EQ(json::write(actions),
            R"([{"Type":"forward","TargetGroupArn":"arn:tg","ForwardConfig":{"TargetGroups":[{"TargetGroupArn":"arn:tg","Weight":1}],"TargetGroupStickinessConfig":{"Enabled":false}}}])");
}

TEST(ElbActions, RejectsWhatAwsRejects) {
  auto rejects = [](const char* text) {
    try {
      normalize_actions(json::parse(text));
    } catch (const ApiError&) {
      return true;
    }
    return false;
  };
  EXPECT_TRUE(rejects("[]"));
  EXPECT_TRUE(rejects(R"([{"Type":"teleport"}])"));
  EXPECT_TRUE(rejects(R"([{"Type":"forward"}])"));
  EXPECT_TRUE(rejects(R"([{"Type":"redirect","RedirectConfig":{"StatusCode":"HTTP_307"}}])"));
  EXPECT_TRUE(rejects(R"([{"Type":"fixed-response","FixedResponseConfig":{"StatusCode":"302"}}])"));
  EXPECT_TRUE(rejects(R"([{"Type":"fixed-response","FixedResponseConfig":{"StatusCode":"200","ContentType":"image/png"}}])"));
  EXPECT_TRUE(rejects(
      R"([{"Type":"fixed-response","Order":1,"FixedResponseConfig":{"StatusCode":"200"}},{"Type":"forward","Order":1,"TargetGroupArn":"t"}])"));
}

TEST(ElbConditions, PathPatternIsDescribedInBothForms) {
  Value c = normalize_conditions(json::parse(R"([{"Field":"path-pattern","PathPatternConfig":{"Values":["/api/*"]}}])"));
  EXPECT_EQ(json::write(c), R"([{"Field":"path-pattern","Values":["/api/*"],"PathPatternConfig":{"Values":["/api/*"]}}])");
  Condition compiled = compile_condition(c.as_array()[0]);
  EXPECT_TRUE(compiled.matches(request("/api/x")));
}

}  // namespace
}  // namespace stratus::elb
