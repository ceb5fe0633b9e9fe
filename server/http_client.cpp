#include "server/http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace stratus {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Target {
  std::string host, port, path;
};

// "http://host[:port][/path]"; IPv6 hosts in brackets.
std::optional<Target> parse_url(const std::string& url) {
  constexpr std::string_view scheme = "http://";
  if (!url.starts_with(scheme)) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (authority.empty()) return std::nullopt;
  Target t{authority, "80", slash == std::string::npos ? "/" : rest.substr(slash)};
  std::size_t host_end = authority.front() == '[' ? authority.find(']') : authority.rfind(':');
  if (authority.front() == '[') {
    if (host_end == std::string::npos) return std::nullopt;
    t.host = authority.substr(1, host_end - 1);
    if (host_end + 1 < authority.size() && authority[host_end + 1] == ':') t.port = authority.substr(host_end + 2);
  } else if (host_end != std::string::npos) {
    t.host = authority.substr(0, host_end);
    t.port = authority.substr(host_end + 1);
  }
  if (t.host.empty() || t.port.empty()) return std::nullopt;
  return t;
}

// One request: resolve, connect, write, read, each step bounded by the timeout.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(asio::io_context& io, OutboundRequest request, std::function<void(OutboundResult)> done)
      : resolver_(io), stream_(io), request_(std::move(request)), done_(std::move(done)) {}

  void start(const Target& target) {
    message_.method(http::verb::post);
    message_.target(target.path);
    message_.version(11);
    message_.set(http::field::host, target.port == "80" ? target.host : target.host + ":" + target.port);
    for (const auto& [name, value] : request_.headers) message_.set(name, value);
    message_.keep_alive(false);
    message_.body() = std::move(request_.body);
    message_.prepare_payload();
    stream_.expires_after(request_.timeout);
    resolver_.async_resolve(target.host, target.port,
                            [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->finish(0, "cannot resolve: " + ec.message());
                              self->stream_.async_connect(results, [self](beast::error_code ec, const tcp::endpoint&) {
                                if (ec) return self->finish(0, "cannot connect: " + ec.message());
                                self->write();
                              });
                            });
  }

 private:
  void write() {
    http::async_write(stream_, message_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish(0, "write failed: " + ec.message());
      http::async_read(self->stream_, self->buffer_, self->response_,
                       [self](beast::error_code ec, std::size_t) {
                         if (ec) return self->finish(0, "no answer: " + ec.message());
                         self->finish(static_cast<int>(self->response_.result_int()), {});
                       });
    });
  }

  void finish(int status, std::string error) {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    done_(OutboundResult{status, std::move(error)});
  }

  tcp::resolver resolver_;
  beast::tcp_stream stream_;
  OutboundRequest request_;
  std::function<void(OutboundResult)> done_;
  http::request<http::string_body> message_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
};

}  // namespace

void AsioHttpClient::post(OutboundRequest request, std::function<void(OutboundResult)> done) {
  auto target = parse_url(request.url);
  if (!target) {
    std::string why = "unsupported URL: " + request.url;
    asio::post(io_, [done = std::move(done), why] { done(OutboundResult{0, why}); });
    return;
  }
  auto exchange = std::make_shared<Exchange>(io_, std::move(request), std::move(done));
  // Started from the loop, so that `done` never runs inside post().
  asio::post(io_, [exchange, target = *target] { exchange->start(target); });
}

}  // namespace stratus
