#include "server/load_balancer_proxy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <unordered_map>
#include <vector>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "server/executors.hpp"
#include "services/arn.hpp"
#include "server/http_wire.hpp"
#include "services/ids.hpp"

namespace stratus {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr std::size_t kHeaderLimit = 64 * 1024;
constexpr std::uint64_t kBodyLimit = 256ull * 1024 * 1024;
constexpr std::size_t kMaxIdlePerTarget = 64;
constexpr auto kIdleConnectionLifetime = std::chrono::seconds(30);
constexpr std::size_t kRelayBufferBytes = 16 * 1024;

bool iequals(std::string_view a, std::string_view b) { return beast::iequals(a, b); }

// Headers that describe one hop, not the message: the proxy sets its own.
bool hop_by_hop(std::string_view name) {
  for (std::string_view h : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
                             "Upgrade", "Content-Length", "Expect"})
    if (iequals(name, h)) return true;
  return false;
}

// "1-<epoch seconds, hex>-<96 random bits, hex>", an X-Ray trace id.
std::string new_trace_id() {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  char epoch[16];
  std::snprintf(epoch, sizeof epoch, "%08llx", static_cast<unsigned long long>(seconds.count()));
  return "1-" + std::string(epoch) + "-" + ids::token() + ids::token().substr(0, 8);
}

// An ALB starts a trace (Root) or, when the client sent one, records its own hop as
// the Self field and keeps the rest.
std::string trace_header(std::string_view incoming) {
  if (incoming.empty()) return "Root=" + new_trace_id();
  std::string out = "Self=" + new_trace_id();
  while (!incoming.empty()) {
    auto end = incoming.find(';');
    std::string_view field = incoming.substr(0, end);
    if (!field.starts_with("Self=")) out.append(";").append(field);
    if (end == std::string_view::npos) break;
    incoming.remove_prefix(end + 1);
  }
  return out;
}

// An answer the load balancer makes itself, with the page an ALB shows for errors.
HttpResponse generated(const elb::Decision& decision) {
  HttpResponse r;
  r.status = decision.status;
  r.set_header("Server", "awselb/2.0");
  if (!decision.location.empty()) r.set_header("Location", decision.location);
  if (!decision.content_type.empty() || !decision.body.empty()) {
    r.set_header("Content-Type", decision.content_type.empty() ? "text/plain; charset=utf-8" : decision.content_type);
    r.body = decision.body;
  } else if (decision.status >= 500) {
    std::string title = std::to_string(decision.status) + " " +
                        std::string(http::obsolete_reason(static_cast<http::status>(decision.status)));
    r.set_header("Content-Type", "text/html");
    r.body = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
             "</h1></center>\r\n</body>\r\n</html>\r\n";
  }
  return r;
}

elb::Decision failure(int status) {
  elb::Decision d;
  d.status = status;
  return d;
}

// A target's answer as it is passed on: status, the end-to-end headers as wire lines,
// and the body (chunked bodies arrive decoded and leave with a Content-Length).
class ResponseParser : public http::basic_parser<false> {
 public:
  int status = 0;
  std::string reason;
  std::string header_lines;
  std::string content_length;
  std::string body;

 private:
  void on_request_impl(http::verb, beast::string_view, beast::string_view, int, beast::error_code&) override {}
  void on_response_impl(int code, beast::string_view text, int, beast::error_code&) override {
    status = code;
    reason.assign(text.data(), text.size());
  }
  void on_field_impl(http::field, beast::string_view name, beast::string_view value, beast::error_code&) override {
    if (iequals(name, "Content-Length")) content_length.assign(value.data(), value.size());
    if (hop_by_hop(name)) return;
    header_lines.append(name.data(), name.size()).append(": ").append(value.data(), value.size()).append("\r\n");
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
    if (length) body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view data, beast::error_code&) override {
    body.append(data.data(), data.size());
    return data.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view data, beast::error_code&) override {
    body.append(data.data(), data.size());
    return data.size();
  }
  void on_finish_impl(beast::error_code&) override {}
};

}  // namespace

// Idle connections to targets, by "host:port", for any session to reuse. A connection
// idle longer than kIdleConnectionLifetime is closed rather than reused (targets close
// theirs too, and a deregistered target's would pile up).
struct LoadBalancerProxy::ConnectionPool {
  using Clock = std::chrono::steady_clock;
  struct Idle {
    tcp::socket socket;
    Clock::time_point since;
  };

  std::optional<tcp::socket> take(const std::string& key) {
    std::lock_guard lock(mutex);
    auto it = idle.find(key);
    if (it == idle.end()) return std::nullopt;
    while (!it->second.empty()) {
      Idle entry = std::move(it->second.back());
      it->second.pop_back();
      if (Clock::now() - entry.since < kIdleConnectionLifetime) return std::move(entry.socket);
    }
    return std::nullopt;
  }
  void give(const std::string& key, tcp::socket socket) {
    std::lock_guard lock(mutex);
    auto now = Clock::now();
    if (now - last_sweep > std::chrono::seconds(1)) {  // forget what has aged meanwhile
      last_sweep = now;
      for (auto it = idle.begin(); it != idle.end();) {
        std::erase_if(it->second, [&](const Idle& e) { return now - e.since >= kIdleConnectionLifetime; });
        it = it->second.empty() ? idle.erase(it) : std::next(it);
      }
    }
    auto& list = idle[key];
    if (list.size() < kMaxIdlePerTarget) list.push_back(Idle{std::move(socket), now});
  }

  std::mutex mutex;
  std::unordered_map<std::string, std::vector<Idle>> idle;
  Clock::time_point last_sweep = Clock::now();
};

namespace {

using Pool = LoadBalancerProxy::ConnectionPool;

// One client connection to an HTTP listener: read a request, let the routes decide,
// forward it (or answer for the load balancer), write the answer, repeat.
class HttpProxySession : public std::enable_shared_from_this<HttpProxySession> {
 public:
  HttpProxySession(tcp::socket socket, std::shared_ptr<elb::ListenerTraffic> traffic, std::shared_ptr<Pool> pool,
                   std::shared_ptr<LoadBalancerProxy::ServiceLookup> services)
      : client_(std::move(socket)), traffic_(std::move(traffic)), pool_(std::move(pool)), services_(std::move(services)) {}

  void start() {
    beast::error_code ec;
    auto remote = client_.socket().remote_endpoint(ec);
    client_ip_ = ec ? "" : remote.address().to_string();
    buffer_.reserve(16 * 1024);
    read_request();
  }

 private:
  void read_request() {
    request_.emplace();
    request_->header_limit(kHeaderLimit);
    request_->body_limit(kBodyLimit);
    routes_ = traffic_->routes();
    client_.expires_after(idle_timeout());
    http::async_read(client_, buffer_, *request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
  }

  void on_request(beast::error_code ec) {
    if (ec == http::error::body_limit) return answer(failure(413), false);
    if (ec == http::error::header_limit || ec == http::error::bad_target || ec == http::error::bad_method ||
        ec == http::error::bad_field || ec == http::error::bad_value || ec == http::error::bad_version)
      return answer(failure(400), false);
    if (ec) return close();
    keep_alive_ = request_->keep_alive();
    version_ = request_->version;
    const HttpRequest& r = request_->request;
    elb::IncomingRequest incoming{r.method, r.path(), r.query(), r.header("Host"), client_ip_, {}};
    incoming.headers.reserve(r.headers.size());
    for (const auto& [name, value] : r.headers) incoming.headers.emplace_back(name, value);
    decision_ = routes_->route(incoming);
    if (decision_.status != 0) return answer(decision_, keep_alive_);
    if (decision_.target->is_function()) return invoke_function();
    forward();
  }

  // A lambda target: the request as an ALB event, the function's answer as the response.
  void invoke_function() {
    Service* lambda = *services_ ? (*services_)("lambda") : nullptr;
    if (!lambda) return answer(failure(502), keep_alive_);
    const std::string& arn = decision_.target->host;
    auto parsed = parse_arn(arn);
    if (!parsed) return answer(failure(502), keep_alive_);
    RequestContext ctx = context_for(*parsed);
    Value input = Value(Object{{"FunctionName", Value(arn)},
                               {"Payload", Value(checksums::base64_encode(json::write(alb_event())))}});
    lambda->call("Invoke", ctx, std::move(input), [self = shared_from_this()](Outcome outcome) {
      asio::post(self->client_.get_executor(), [self, outcome = std::move(outcome)] { self->function_answered(outcome); });
    });
  }

  Value alb_event() const {
    const HttpRequest& r = request_->request;
    Value headers = Value::object();
    for (const auto& [name, value] : r.headers) {
      std::string lower = name;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
      headers.set(lower, value);
    }
    headers.set("x-forwarded-for", client_ip_);
    headers.set("x-forwarded-proto", routes_->protocol == "HTTPS" ? "https" : "http");
    headers.set("x-forwarded-port", std::to_string(routes_->port));
    Value query = Value::object();
    for (std::string_view q = r.query(); !q.empty();) {
      auto end = q.find('&');
      std::string_view pair = q.substr(0, end);
      auto eq = pair.find('=');
      if (!pair.empty()) query.set(pair.substr(0, eq), eq == std::string_view::npos ? "" : pair.substr(eq + 1));
      if (end == std::string_view::npos) break;
      q.remove_prefix(end + 1);
    }
    bool text = !r.body.empty() && std::all_of(r.body.begin(), r.body.end(), [](unsigned char c) { return c >= 0x20 || c == '\n' || c == '\r' || c == '\t'; });
    return Value(Object{{"requestContext", Value(Object{{"elb", Value(Object{{"targetGroupArn", Value(decision_.target_group_arn)}})}})},
                        {"httpMethod", Value(r.method)},
                        {"path", Value(std::string(r.path()))},
                        {"queryStringParameters", std::move(query)},
                        {"headers", std::move(headers)},
                        {"body", Value(r.body.empty() || text ? r.body : checksums::base64_encode(r.body))},
                        {"isBase64Encoded", Value(!r.body.empty() && !text)}});
  }

  // {"statusCode", "statusDescription", "headers", "body", "isBase64Encoded"} -> HTTP.
  void function_answered(const Outcome& outcome) {
    decision_ = {};
    const Value* output = std::get_if<Value>(&outcome);
    const Value* error = output ? output->find("FunctionError") : nullptr;
    if (!output || (error && error->is_string())) return answer(failure(502), keep_alive_);
    Value result;
    try {
      result = json::parse(checksums::base64_decode(output->find("Payload")->as_string()).value_or(""));
    } catch (const std::exception&) {
      return answer(failure(502), keep_alive_);
    }
    const Value* status = result.find("statusCode");
    if (!result.is_object() || !status || !status->is_int()) return answer(failure(502), keep_alive_);
    HttpResponse response;
    response.status = static_cast<int>(status->as_int());
    if (const Value* headers = result.find("headers"); headers && headers->is_object())
      for (const auto& [name, value] : headers->as_object())
        if (value.is_string()) response.set_header(name, value.as_string());
    const Value* body = result.find("body");
    const Value* base64 = result.find("isBase64Encoded");
    if (body && body->is_string())
      response.body = base64 && base64->is_bool() && base64->as_bool() ? checksums::base64_decode(body->as_string()).value_or("")
                                                                          : body->as_string();
    serialize(response, version_, keep_alive_, out_);
    write_client(keep_alive_);
  }

  // The request as the target receives it, with the X-Forwarded-* headers an ALB adds.
  void build_upstream_request() {
    const HttpRequest& r = request_->request;
    out_.clear();
    out_.reserve(256 + r.target.size() + r.body.size() + r.headers.size() * 48);
    out_.append(r.method).append(" ").append(r.target).append(" HTTP/1.1\r\n");
    std::string_view forwarded_for;
    std::string_view trace;
    for (const auto& [name, value] : r.headers) {
      if (hop_by_hop(name) || iequals(name, "X-Forwarded-Proto") || iequals(name, "X-Forwarded-Port")) continue;
      if (iequals(name, "X-Forwarded-For")) {
        forwarded_for = value;
        continue;
      }
      if (iequals(name, "X-Amzn-Trace-Id")) {
        trace = value;
        continue;
      }
      out_.append(name).append(": ").append(value).append("\r\n");
    }
    out_.append("X-Forwarded-For: ");
    if (!forwarded_for.empty()) out_.append(forwarded_for).append(", ");
    out_.append(client_ip_).append("\r\n");
    out_.append("X-Forwarded-Proto: ").append(routes_->protocol == "HTTPS" ? "https" : "http").append("\r\n");
    out_.append("X-Forwarded-Port: ").append(std::to_string(routes_->port)).append("\r\n");
    out_.append("X-Amzn-Trace-Id: ").append(trace_header(trace)).append("\r\n");
    bool has_body = !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
    if (has_body) out_.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    out_.append("\r\n").append(r.body);
  }

  void forward() {
    response_.reset();  // "nothing received" below is about this exchange
    build_upstream_request();
    target_key_ = decision_.target->host + ":" + std::to_string(decision_.target->port);
    if (auto idle = pool_->take(target_key_)) {
      upstream_.emplace(std::move(*idle));
      reused_ = true;
      return send();
    }
    connect();
  }

  void connect() {
    reused_ = false;
    beast::error_code ec;
    auto address = asio::ip::make_address(decision_.target->host, ec);
    if (ec) return answer(failure(502), keep_alive_);
    upstream_.emplace(client_.get_executor());
    upstream_->expires_after(kConnectTimeout);
    upstream_->async_connect(tcp::endpoint(address, static_cast<unsigned short>(decision_.target->port)),
                             [self = shared_from_this()](beast::error_code ec) {
                               if (ec) return self->upstream_failed(ec);
                               self->upstream_->socket().set_option(tcp::no_delay(true));
                               self->send();
                             });
  }

  void send() {
    upstream_->expires_after(idle_timeout());
    asio::async_write(*upstream_, asio::buffer(out_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->upstream_failed(ec);
      self->read_response();
    });
  }

  void read_response() {
    response_.emplace();
    response_->header_limit(kHeaderLimit);
    response_->body_limit(kBodyLimit);
    if (request_->request.method == "HEAD") response_->skip(true);
    upstream_buffer_.clear();
    http::async_read(*upstream_, upstream_buffer_, *response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->upstream_failed(ec);
      self->relay_response();
    });
  }

  // A kept connection the target has closed meanwhile fails at once: try a new one.
  void upstream_failed(beast::error_code ec) {
    bool nothing_received = !response_ || response_->status == 0;
    upstream_.reset();
    if (reused_ && nothing_received && ec != beast::error::timeout) return connect();
    answer(failure(ec == beast::error::timeout ? 504 : 502), keep_alive_);
  }

  void relay_response() {
    const ResponseParser& r = *response_;
    bool reusable = r.keep_alive() && upstream_buffer_.size() == 0 && !decision_.target->draining;
    if (reusable) pool_->give(target_key_, std::move(upstream_->socket()));
    upstream_.reset();
    out_.clear();
    out_.reserve(128 + r.header_lines.size() + r.body.size());
    out_.append(version_ == 10 ? "HTTP/1.0 " : "HTTP/1.1 ").append(std::to_string(r.status)).append(" ");
    out_.append(r.reason).append("\r\n").append(r.header_lines);
    for (const auto& cookie : decision_.set_cookies) out_.append("Set-Cookie: ").append(cookie).append("\r\n");
    bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
    if (request_->request.method == "HEAD" || bodiless) {
      if (!r.content_length.empty()) out_.append("Content-Length: ").append(r.content_length).append("\r\n");
    } else {
      out_.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    }
    if (!keep_alive_ && version_ != 10) out_.append("Connection: close\r\n");
    if (keep_alive_ && version_ == 10) out_.append("Connection: keep-alive\r\n");
    out_.append("\r\n").append(r.body);
    decision_ = {};
    write_client(keep_alive_);
  }

  void answer(const elb::Decision& decision, bool keep_alive) {
    serialize(generated(decision), version_, keep_alive, out_);
    decision_ = {};
    write_client(keep_alive);
  }

  void write_client(bool keep_alive) {
    client_.expires_after(idle_timeout());
    asio::async_write(client_, asio::buffer(out_), [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
      if (ec || !keep_alive) return self->close();
      self->read_request();
    });
  }

  std::chrono::seconds idle_timeout() const { return std::chrono::seconds(routes_->idle_timeout_seconds); }

  void close() {
    beast::error_code ignored;
    client_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    client_.socket().close(ignored);
  }

  beast::tcp_stream client_;
  std::shared_ptr<elb::ListenerTraffic> traffic_;
  std::shared_ptr<Pool> pool_;
  std::shared_ptr<LoadBalancerProxy::ServiceLookup> services_;
  std::string client_ip_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> request_;
  std::shared_ptr<const elb::RouteTable> routes_;
  elb::Decision decision_;
  std::string target_key_;
  std::optional<beast::tcp_stream> upstream_;
  bool reused_ = false;
  beast::flat_buffer upstream_buffer_;
  std::optional<ResponseParser> response_;
  std::string out_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
};

// One client connection to a TCP listener, relayed byte for byte to one target.
class TcpRelaySession : public std::enable_shared_from_this<TcpRelaySession> {
 public:
  TcpRelaySession(tcp::socket socket, std::shared_ptr<elb::ListenerTraffic> traffic)
      : client_(std::move(socket)), upstream_(client_.get_executor()), traffic_(std::move(traffic)) {}

  void start() {
    target_ = traffic_->routes()->route(elb::IncomingRequest{}).target;
    beast::error_code ec;
    auto address = target_ ? asio::ip::make_address(target_->host, ec) : asio::ip::address();
    if (!target_ || ec) return client_.close(ec);
    upstream_.async_connect(tcp::endpoint(address, static_cast<unsigned short>(target_->port)),
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) return self->close_both();
                              self->pump(self->client_, self->upstream_, self->to_target_);
                              self->pump(self->upstream_, self->client_, self->to_client_);
                            });
  }

 private:
  void pump(tcp::socket& from, tcp::socket& to, std::array<char, kRelayBufferBytes>& buffer) {
    from.async_read_some(asio::buffer(buffer), [self = shared_from_this(), &from, &to, &buffer](beast::error_code ec, std::size_t n) {
      if (ec) {
        beast::error_code ignored;
        to.shutdown(tcp::socket::shutdown_send, ignored);
        if (++self->finished_ == 2 || ec != asio::error::eof) self->close_both();
        return;
      }
      asio::async_write(to, asio::buffer(buffer.data(), n), [self, &from, &to, &buffer](beast::error_code ec, std::size_t) {
        if (ec) return self->close_both();
        self->pump(from, to, buffer);
      });
    });
  }

  void close_both() {
    beast::error_code ignored;
    client_.close(ignored);
    upstream_.close(ignored);
  }

  tcp::socket client_;
  tcp::socket upstream_;
  std::shared_ptr<elb::ListenerTraffic> traffic_;
  elb::TargetLease target_;
  std::array<char, kRelayBufferBytes> to_target_{}, to_client_{};
  int finished_ = 0;
};

}  // namespace

struct LoadBalancerProxy::Acceptor : std::enable_shared_from_this<LoadBalancerProxy::Acceptor> {
  Acceptor(asio::io_context& io, int threads, std::string protocol, std::shared_ptr<elb::ListenerTraffic> traffic,
           std::shared_ptr<Pool> pool, std::shared_ptr<ServiceLookup> services)
      : io(io), threads(threads), acceptor(connection_executor(io, threads)), protocol(std::move(protocol)),
        traffic(std::move(traffic)), pool(std::move(pool)), services(std::move(services)) {}

  // Under `mutex`: close() may come from another thread while this re-arms.
  void accept() {
    std::lock_guard lock(mutex);
    if (!acceptor.is_open()) return;
    acceptor.async_accept(connection_executor(io, threads), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true));
        if (self->protocol == "TCP") {
          std::make_shared<TcpRelaySession>(std::move(socket), self->traffic)->start();
        } else {
          std::make_shared<HttpProxySession>(std::move(socket), self->traffic, self->pool, self->services)->start();
        }
      }
      self->accept();
    });
  }

  void close() {
    std::lock_guard lock(mutex);
    beast::error_code ignored;
    acceptor.close(ignored);
  }

  asio::io_context& io;
  int threads;
  std::mutex mutex;
  tcp::acceptor acceptor;
  std::string protocol;
  std::shared_ptr<elb::ListenerTraffic> traffic;
  std::shared_ptr<Pool> pool;
  std::shared_ptr<ServiceLookup> services;
};

LoadBalancerProxy::LoadBalancerProxy(asio::io_context& io, std::string host, int threads)
    : io_(io), host_(std::move(host)), threads_(threads), pool_(std::make_shared<ConnectionPool>()) {}

LoadBalancerProxy::~LoadBalancerProxy() {
  std::lock_guard lock(mutex_);
  for (auto& [arn, a] : acceptors_) a->close();
}

std::string LoadBalancerProxy::open(const std::string& listener_arn, int port, const std::string& protocol,
                                    std::shared_ptr<elb::ListenerTraffic> traffic) {
  auto a = std::make_shared<Acceptor>(io_, threads_, protocol, std::move(traffic), pool_, services_);
  beast::error_code ec;
  tcp::endpoint endpoint(asio::ip::make_address(host_, ec), static_cast<unsigned short>(port));
  if (!ec) a->acceptor.open(endpoint.protocol(), ec);
  if (!ec) a->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a->acceptor.bind(endpoint, ec);
  if (!ec) a->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return "cannot listen on " + host_ + ":" + std::to_string(port) + ": " + ec.message();
  a->accept();
  std::lock_guard lock(mutex_);
  acceptors_[listener_arn] = std::move(a);
  return {};
}

void LoadBalancerProxy::close(const std::string& listener_arn) {
  std::lock_guard lock(mutex_);
  auto it = acceptors_.find(listener_arn);
  if (it == acceptors_.end()) return;
  it->second->close();  // here and now, so that the port is free again when this returns
  acceptors_.erase(it);
}

}  // namespace stratus
