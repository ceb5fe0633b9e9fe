#include "server/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <mutex>
#include <optional>
#include <set>

#include "server/router.hpp"

namespace stratus {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimit = 64 * 1024;
// Beast reads at most the buffer's free capacity (and at least 512 bytes) at a time: a
// typical signed request is larger than 512 bytes, so room for it saves a recv per request.
constexpr std::size_t kReadBufferBytes = 16 * 1024;

class Session;

// Live sessions, so that shutdown can close the idle ones.
class SessionRegistry {
 public:
  void add(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(mutex_);
    sessions_.insert(s);
  }
  void remove(const std::shared_ptr<Session>& s) {
    std::lock_guard lock(mutex_);
    sessions_.erase(s);
  }
  std::size_t size() {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }
  std::vector<std::shared_ptr<Session>> snapshot() {
    std::lock_guard lock(mutex_);
    return {sessions_.begin(), sessions_.end()};
  }

 private:
  std::mutex mutex_;
  std::set<std::shared_ptr<Session>> sessions_;
};

// Parses a request straight into the protocol layer's HttpRequest: no Beast fields
// container in between, so each header is copied once.
class RequestParser : public http::basic_parser<true> {
 public:
  HttpRequest request;
  unsigned version = 11;

 private:
  void on_request_impl(http::verb, beast::string_view method, beast::string_view target, int version_number,
                       beast::error_code&) override {
    request.method.assign(method.data(), method.size());
    request.target.assign(target.data(), target.size());
    version = static_cast<unsigned>(version_number);
    request.headers.reserve(16);
  }
  void on_response_impl(int, beast::string_view, int, beast::error_code&) override {}
  void on_field_impl(http::field, beast::string_view name, beast::string_view value, beast::error_code&) override {
    request.headers.emplace_back(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
  }
  void on_header_impl(beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, beast::error_code&) override {
    if (length) request.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(beast::string_view body, beast::error_code&) override {
    request.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, beast::string_view, beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, beast::string_view body, beast::error_code&) override {
    request.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(beast::error_code&) override {}
};

// The whole response in one buffer: status line, headers, body.
void serialize(const HttpResponse& response, unsigned version, bool keep_alive, std::string& out) {
  auto reason = http::obsolete_reason(static_cast<http::status>(response.status));
  std::size_t size = 64 + reason.size() + response.header_lines().size() + response.body.size();
  out.clear();
  out.reserve(size);
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out.append(reason.data(), reason.size());
  out += "\r\n";
  out += response.header_lines();
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n";
  if (!keep_alive && version != 10) out += "Connection: close\r\n";
  if (keep_alive && version == 10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  out += response.body;
}

// One connection: reads a request, hands it to the router, writes the answer, repeats.
// Kept alive by its own pending operations, as in the Beast examples.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Config& config, Router& router, SessionRegistry& registry)
      : stream_(std::move(socket)), config_(config), router_(router), registry_(registry) {}

  void start() {
    buffer_.reserve(kReadBufferBytes);
    registry_.add(shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // Closes now when waiting for a request; otherwise after the current answer.
  void stop() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (!self->busy_) self->stream_.socket().close();
    });
  }

 private:
  void read() {
    if (stopping_) return close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(config_.max_body_bytes);
    stream_.expires_after(std::chrono::seconds(config_.idle_timeout_s));
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      HttpResponse r;
      r.status = ec == http::error::body_limit ? 413 : 431;
      r.body = ec == http::error::body_limit ? "Request body too large" : "Request headers too large";
      return write(std::move(r), false);
    }
    if (ec == http::error::bad_target || ec == http::error::bad_method || ec == http::error::bad_field ||
        ec == http::error::bad_value || ec == http::error::bad_version) {
      HttpResponse r;
      r.status = 400;
      r.body = "Malformed HTTP request";
      return write(std::move(r), false);
    }
    if (ec) return close();
    busy_ = true;
    unsigned version = parser_->version;
    bool keep_alive = parser_->keep_alive();
    stream_.expires_never();
    router_.handle(std::move(parser_->request),
                   [self = shared_from_this(), version, keep_alive](HttpResponse response) {
                     asio::post(self->stream_.get_executor(),
                                [self, version, keep_alive, response = std::move(response)]() mutable {
                                  self->version_ = version;
                                  self->write(std::move(response), keep_alive);
                                });
                   });
  }

  void write(HttpResponse response, bool keep_alive) {
    busy_ = true;
    keep_alive = keep_alive && !stopping_;
    serialize(response, version_, keep_alive, out_);
    stream_.expires_after(std::chrono::seconds(config_.idle_timeout_s));
    asio::async_write(stream_, asio::buffer(out_),
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        self->busy_ = false;
                        if (ec || !keep_alive) return self->close();
                        self->read();
                      });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
    registry_.remove(shared_from_this());
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string out_;  // the response being written
  const Config& config_;
  Router& router_;
  SessionRegistry& registry_;
  unsigned version_ = 11;
  bool busy_ = false;
  bool stopping_ = false;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, const Config& config, Router& router)
      : io(io), acceptor(asio::make_strand(io)), config(config), router(router) {}

  void accept() {
    acceptor.async_accept(connection_executor(), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (ec) {
        spdlog::warn("accept failed: {}", ec.message());
      } else {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<Session>(std::move(socket), self->config, self->router, self->sessions)->start();
      }
      self->accept();
    });
  }

  // With one network thread every handler already runs in order; strands only pay off
  // when several threads run the loop.
  asio::any_io_executor connection_executor() {
    if (config.threads > 1) return asio::make_strand(io);
    return io.get_executor();
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  const Config& config;
  Router& router;
  SessionRegistry sessions;
};

HttpServer::HttpServer(asio::io_context& io, const Config& config, Router& router)
    : impl_(std::make_shared<Impl>(io, config, router)) {}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  tcp::endpoint endpoint(asio::ip::make_address(impl_->config.host), static_cast<unsigned short>(impl_->config.port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  impl_->accept();
}

std::size_t HttpServer::open_connections() const { return impl_->sessions.size(); }

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::stop() {
  asio::post(impl_->acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
  });
  for (auto& session : impl_->sessions.snapshot()) session->stop();
}

}  // namespace stratus
