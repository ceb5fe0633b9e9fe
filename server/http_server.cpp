#include "server/http_server.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>

#include "server/executors.hpp"
#include "server/http_wire.hpp"
#include "server/router.hpp"
#include "server/connection_stream.hpp"
#include "server/socket_ring.hpp"

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

// Live sessions, so that shutdown can close the idle ones, and a clock in whole seconds
// for their idle deadlines: one sweep a second is cheaper than a timer a request.
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
  std::uint64_t now() const { return now_.load(std::memory_order_relaxed); }
  // Advances the clock a second and ends the sessions whose deadline has come.
  void sweep();

 private:
  std::mutex mutex_;
  std::set<std::shared_ptr<Session>> sessions_;
  std::atomic<std::uint64_t> now_ = 0;
};

// One connection: reads a request, hands it to the router, writes the answer, repeats.
// Kept alive by its own pending operations, as in the Beast examples.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const Config& config, Router& router, SessionRegistry& registry, SocketRing& ring)
      : stream_(std::move(socket), ring), config_(config), router_(router), registry_(registry) {}

  void start() {
    buffer_.reserve(kReadBufferBytes);
    registry_.add(shared_from_this());
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read(); });
  }

  // Closes now when waiting for a request; otherwise after the current answer.
  void stop() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      self->stopping_ = true;
      if (!self->busy_) self->shut();
    });
  }

  std::uint64_t deadline() const { return deadline_.load(std::memory_order_relaxed); }
  void expire() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->deadline() != 0 && self->deadline() <= self->registry_.now()) self->shut();
    });
  }

 private:
  void read() {
    if (stopping_) return close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(config_.max_body_bytes);
    start_deadline();
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
    deadline_ = 0;
    // An answer made on the session's own thread is queued at once, so that it goes out
    // with the others of this turn of the loop, not after the next turn's requests.
    router_.handle(std::move(parser_->request),
                   [self = shared_from_this(), version, keep_alive](HttpResponse response) {
                     asio::dispatch(self->stream_.get_executor(),
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
    start_deadline();
    stream_.write(out_, [self = shared_from_this(), keep_alive](beast::error_code ec) { self->written(ec, keep_alive); });
  }

  void written(beast::error_code ec, bool keep_alive) {
    busy_ = false;
    if (ec || !keep_alive) return close();
    read();
  }

  // The read or write in progress ends (a read sees the end of the stream), and the
  // session closes. Closing the socket would not end a read in the ring.
  void shut() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  // The connection closes if the read or write starting now is not done by then. The
  // clock may tick right after this, hence the second more: never less than the timeout.
  void start_deadline() { deadline_ = registry_.now() + config_.idle_timeout_s + 1; }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.socket().close(ignored);
    registry_.remove(shared_from_this());
  }

  ConnectionStream stream_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string out_;  // the response being written
  const Config& config_;
  Router& router_;
  SessionRegistry& registry_;
  std::atomic<std::uint64_t> deadline_ = 0;  // in registry_.now() seconds; 0 while handling a request
  unsigned version_ = 11;
  bool busy_ = false;
  bool stopping_ = false;
};

void SessionRegistry::sweep() {
  std::uint64_t now = now_.fetch_add(1, std::memory_order_relaxed) + 1;
  std::lock_guard lock(mutex_);
  for (const auto& session : sessions_) {
    if (session->deadline() != 0 && session->deadline() <= now) session->expire();
  }
}

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& io, const Config& config, Router& router)
      : io(io), acceptor(asio::make_strand(io)), sweep_timer(io), config(config), router(router), ring(io, config.io_uring, config.threads) {}

  void accept() {
    acceptor.async_accept(connection_executor(io, config.threads), [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) return;
      if (ec) {
        spdlog::warn("accept failed: {}", ec.message());
      } else {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<Session>(std::move(socket), self->config, self->router, self->sessions, self->ring)->start();
      }
      self->accept();
    });
  }

  // Holds the server only weakly: it must not outlive the HttpServer for the timer's sake.
  void sweep_every_second() {
    sweep_timer.expires_after(std::chrono::seconds(1));
    sweep_timer.async_wait([weak = weak_from_this()](beast::error_code ec) {
      auto self = weak.lock();
      if (ec || !self) return;
      self->sessions.sweep();
      self->sweep_every_second();
    });
  }

  asio::io_context& io;
  tcp::acceptor acceptor;
  asio::steady_timer sweep_timer;
  const Config& config;
  Router& router;
  SessionRegistry sessions;
  SocketRing ring;
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
  impl_->sweep_every_second();
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
