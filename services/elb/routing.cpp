#include "services/elb/routing.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <random>

#include "protocol/checksums.hpp"

namespace stratus::elb {
namespace {

constexpr std::string_view kStickinessCookie = "AWSALB";

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

std::string unhex(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) {
    unsigned value = 0;
    if (std::from_chars(text.data() + i, text.data() + i + 2, value, 16).ec != std::errc()) return {};
    out += static_cast<char>(value);
  }
  return out;
}

// The value of one cookie in a Cookie header ("a=1; b=2").
std::string_view cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=')
      return pair.substr(name.size() + 1);
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

std::string cookie_expiry(std::int64_t seconds) {
  auto at = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  std::tm utc{};
  gmtime_r(&at, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

std::string_view host_without_port(std::string_view host) {
  if (host.starts_with('[')) return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

std::string substitute(std::string text, const IncomingRequest& request, const RouteTable& routes) {
  std::string path(request.path);
  if (!path.empty() && path.front() == '/') path.erase(0, 1);
  const std::pair<std::string_view, std::string> keywords[] = {
      {"#{protocol}", routes.protocol == "HTTPS" ? "https" : "http"},
      {"#{host}", std::string(host_without_port(request.host))},
      {"#{port}", std::to_string(routes.port)},
      {"#{path}", path},
      {"#{query}", std::string(request.query)},
  };
  for (const auto& [keyword, value] : keywords) {
    for (auto at = text.find(keyword); at != std::string::npos; at = text.find(keyword, at + value.size()))
      text.replace(at, keyword.size(), value);
  }
  return text;
}

Decision redirect(const Action& action, const IncomingRequest& request, const RouteTable& routes) {
  std::string protocol = substitute(action.protocol, request, routes);
  std::transform(protocol.begin(), protocol.end(), protocol.begin(), lower);
  std::string query = substitute(action.query, request, routes);
  Decision d;
  d.status = action.status;
  d.location = protocol + "://" + substitute(action.host, request, routes) + ":" + substitute(action.port, request, routes) +
               substitute(action.path, request, routes) + (query.empty() ? "" : "?" + query);
  return d;
}

const WeightedPool* choose_pool(const std::vector<WeightedPool>& pools) {
  if (pools.size() == 1) return &pools.front();
  std::int64_t total = 0;
  for (const auto& p : pools) total += p.weight;
  if (total <= 0) return pools.empty() ? nullptr : &pools.front();
  thread_local std::minstd_rand random(std::random_device{}());
  std::int64_t ticket = std::uniform_int_distribution<std::int64_t>(0, total - 1)(random);
  for (const auto& p : pools) {
    if (ticket < p.weight) return &p;
    ticket -= p.weight;
  }
  return &pools.back();
}

Decision forward(const Action& action, const IncomingRequest& request) {
  Decision d;
  const WeightedPool* chosen = choose_pool(action.forward);
  if (!chosen) {
    d.status = 503;
    return d;
  }
  Stickiness sticky = chosen->pool->stickiness();
  std::string sticky_key = sticky.enabled ? unhex(cookie(request.header("Cookie"), kStickinessCookie)) : std::string();
  d.target = chosen->pool->pick(sticky_key);
  d.target_group_arn = chosen->target_group_arn;
  if (!d.target) {
    d.status = 503;
    return d;
  }
  if (sticky.enabled) {
    std::string value = checksums::to_hex(reinterpret_cast<const unsigned char*>(d.target->key.data()), d.target->key.size());
    std::string expires = cookie_expiry(sticky.duration_seconds);
    d.set_cookies.push_back(std::string(kStickinessCookie) + "=" + value + "; Expires=" + expires + "; Path=/");
    d.set_cookies.push_back(std::string(kStickinessCookie) + "CORS=" + value + "; Expires=" + expires +
                            "; Path=/; SameSite=None; Secure");
  }
  return d;
}

}  // namespace

TargetLease::TargetLease(std::shared_ptr<Endpoint> endpoint) : endpoint_(std::move(endpoint)) {
  if (endpoint_) ++endpoint_->in_flight;
}

TargetLease::~TargetLease() {
  if (endpoint_) --endpoint_->in_flight;
}

TargetLease& TargetLease::operator=(TargetLease&& other) noexcept {
  if (this != &other) {
    if (endpoint_) --endpoint_->in_flight;
    endpoint_ = std::move(other.endpoint_);
  }
  return *this;
}

void TargetPool::set_targets(std::vector<std::shared_ptr<Endpoint>> targets) {
  std::lock_guard lock(mutex_);
  targets_ = std::move(targets);
}

void TargetPool::set_stickiness(Stickiness s) {
  std::lock_guard lock(mutex_);
  stickiness_ = s;
}

Stickiness TargetPool::stickiness() const {
  std::lock_guard lock(mutex_);
  return stickiness_;
}

TargetLease TargetPool::pick(std::string_view sticky_key) {
  std::lock_guard lock(mutex_);
  bool any_healthy = std::any_of(targets_.begin(), targets_.end(), [](const auto& t) { return t->healthy && !t->draining; });
  auto eligible = [any_healthy](const Endpoint& t) { return !t.draining && (t.healthy || !any_healthy); };
  if (!sticky_key.empty()) {
    for (const auto& t : targets_)
      if (t->key == sticky_key && eligible(*t)) return TargetLease(t);
  }
  if (targets_.empty()) return {};
  if (least_outstanding_) {
    std::shared_ptr<Endpoint> best;
    for (std::size_t i = 0; i < targets_.size(); ++i) {
      const auto& t = targets_[(next_ + i) % targets_.size()];
      if (eligible(*t) && (!best || t->in_flight < best->in_flight)) best = t;
    }
    ++next_;
    return TargetLease(best);
  }
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const auto& t = targets_[next_++ % targets_.size()];
    if (eligible(*t)) return TargetLease(t);
  }
  return {};
}

std::string_view IncomingRequest::header(std::string_view name) const {
  for (const auto& [n, v] : headers)
    if (iequals(n, name)) return v;
  return {};
}

bool Condition::matches(const IncomingRequest& request) const {
  auto any_value = [&](std::string_view text, bool ignore_case) {
    return std::any_of(values.begin(), values.end(), [&](const std::string& v) { return wildcard_match(v, text, ignore_case); });
  };
  switch (field) {
    case Field::Host: return any_value(host_without_port(request.host), true);
    case Field::Path: return any_value(request.path, false);
    case Field::Header: return any_value(request.header(header_name), true);
    case Field::Method: return std::find(values.begin(), values.end(), request.method) != values.end();
    case Field::SourceIp:
      return std::any_of(values.begin(), values.end(), [&](const std::string& v) { return cidr_contains(v, request.source_ip); });
    case Field::Query: {
      std::string_view query = request.query;
      while (true) {
        auto end = query.find('&');
        std::string_view pair = query.substr(0, end);
        auto eq = pair.find('=');
        std::string_view key = pair.substr(0, eq), value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
        for (std::size_t i = 0; i < values.size(); ++i) {
          if ((keys[i].empty() || wildcard_match(keys[i], key, true)) && wildcard_match(values[i], value, true)) return true;
        }
        if (end == std::string_view::npos) return false;
        query.remove_prefix(end + 1);
      }
    }
  }
  return false;
}

void ListenerTraffic::set_routes(std::shared_ptr<const RouteTable> routes) {
  std::lock_guard lock(mutex_);
  routes_ = std::move(routes);
}

std::shared_ptr<const RouteTable> ListenerTraffic::routes() const {
  std::lock_guard lock(mutex_);
  return routes_;
}

Decision RouteTable::route(const IncomingRequest& request) const {
  for (const auto& rule : rules) {
    if (!std::all_of(rule.conditions.begin(), rule.conditions.end(), [&](const Condition& c) { return c.matches(request); }))
      continue;
    switch (rule.action.kind) {
      case Action::Kind::Forward: return forward(rule.action, request);
      case Action::Kind::Redirect: return redirect(rule.action, request, *this);
      case Action::Kind::FixedResponse: {
        Decision d;
        d.status = rule.action.status;
        d.content_type = rule.action.content_type;
        d.body = rule.action.body;
        return d;
      }
    }
  }
  Decision none;
  none.status = 503;
  return none;
}

bool wildcard_match(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto same = [ignore_case](char p, char t) { return p == '?' || (ignore_case ? lower(p) == lower(t) : p == t); };
  // Greedy with one backtrack point: linear for patterns without nested stars.
  std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && same(pattern[p], text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool cidr_contains(std::string_view cidr, std::string_view address) {
  auto slash = cidr.find('/');
  std::string network(cidr.substr(0, slash));
  int bits = 32;
  if (slash != std::string_view::npos) {
    auto r = std::from_chars(cidr.data() + slash + 1, cidr.data() + cidr.size(), bits);
    if (r.ec != std::errc() || bits < 0 || bits > 32) return false;
  }
  in_addr net{}, addr{};
  std::string text(address);
  if (inet_pton(AF_INET, network.c_str(), &net) != 1 || inet_pton(AF_INET, text.c_str(), &addr) != 1) return false;
  std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (ntohl(net.s_addr) & mask) == (ntohl(addr.s_addr) & mask);
}

}  // namespace stratus::elb
