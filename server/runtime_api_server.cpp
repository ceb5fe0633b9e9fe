#include "server/runtime_api_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

#include "server/http_wire.hpp"

namespace stratus {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t kBodyLimit = 7 * 1024 * 1024;  // a 6 MB response and some

// One connection from a runtime: requests in order, each answered when its handler
// says (GET .../next may wait for minutes).
class RuntimeSession : public std::enable_shared_from_this<RuntimeSession> {
 public:
  RuntimeSession(tcp::socket socket, lambda::RuntimeHandler handler)
      : stream_(std::move(socket)), handler_(std::move(handler)) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->dispatch();
    });
  }

 private:
  void dispatch() {
    HttpRequest& r = parser_->request;
    lambda::RuntimeRequest request{r.method, std::string(r.path()),
                                   std::string(r.header("Lambda-Runtime-Function-Error-Type")), std::move(r.body)};
    bool keep_alive = parser_->keep_alive();
    handler_(std::move(request), [self = shared_from_this(), keep_alive](lambda::RuntimeAnswer answer) {
      asio::post(self->stream_.get_executor(), [self, keep_alive, answer = std::move(answer)] {
        HttpResponse response;
        response.status = answer.status;
        for (const auto& [name, value] : answer.headers) response.set_header(name, value);
        if (response.header("Content-Type").empty()) response.set_header("Content-Type", "application/json");
        response.body = answer.body;
        serialize(response, 11, keep_alive, self->out_);
        asio::async_write(self->stream_, asio::buffer(self->out_), [self, keep_alive](beast::error_code ec, std::size_t) {
          if (ec || !keep_alive) return self->close();
          self->read();
        });
      });
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  lambda::RuntimeHandler handler_;
  beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;
  std::string out_;
};

}  // namespace

struct RuntimeApiServer::Endpoint : std::enable_shared_from_this<RuntimeApiServer::Endpoint> {
  Endpoint(asio::io_context& io, lambda::RuntimeHandler handler) : acceptor(io), handler(std::move(handler)) {}

  // Under `mutex`: close() may come from another thread while this re-arms.
  void accept() {
    std::lock_guard lock(mutex);
    if (!acceptor.is_open()) return;
    acceptor.async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) {
        socket.set_option(tcp::no_delay(true));
        std::make_shared<RuntimeSession>(std::move(socket), self->handler)->read();
      }
      self->accept();
    });
  }

  void close() {
    std::lock_guard lock(mutex);
    beast::error_code ignored;
    acceptor.close(ignored);
  }

  std::mutex mutex;
  tcp::acceptor acceptor;
  lambda::RuntimeHandler handler;
};

RuntimeApiServer::RuntimeApiServer(asio::io_context& io) : io_(io) {}

RuntimeApiServer::~RuntimeApiServer() {
  std::lock_guard lock(mutex_);
  for (auto& [id, e] : endpoints_) e->close();
}

std::string RuntimeApiServer::open(std::uint64_t environment, lambda::RuntimeHandler handler) {
  auto endpoint = std::make_shared<Endpoint>(io_, std::move(handler));
  beast::error_code ec;
  tcp::endpoint loopback(asio::ip::make_address("127.0.0.1"), 0);
  endpoint->acceptor.open(loopback.protocol(), ec);
  if (!ec) endpoint->acceptor.bind(loopback, ec);
  if (!ec) endpoint->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return {};
  auto port = endpoint->acceptor.local_endpoint().port();
  endpoint->accept();
  std::lock_guard lock(mutex_);
  endpoints_[environment] = std::move(endpoint);
  return "127.0.0.1:" + std::to_string(port);
}

void RuntimeApiServer::close(std::uint64_t environment) {
  std::lock_guard lock(mutex_);
  auto it = endpoints_.find(environment);
  if (it == endpoints_.end()) return;
  it->second->close();
  endpoints_.erase(it);
}

}  // namespace stratus
