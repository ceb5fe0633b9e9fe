#include "server/http_client.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace stratus {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

struct Target {
  bool tls = false;
  std::string host, port, path;
};

// "http[s]://host[:port][/path]"; IPv6 hosts in brackets.
std::optional<Target> parse_url(const std::string& url) {
  Target t;
  std::string rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
    t.port = "80";
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    t.port = "443";
    t.tls = true;
  } else {
    return std::nullopt;
  }
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (authority.empty()) return std::nullopt;
  t.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t host_end = authority.front() == '[' ? authority.find(']') : authority.rfind(':');
  if (authority.front() == '[') {
    if (host_end == std::string::npos) return std::nullopt;
    t.host = authority.substr(1, host_end - 1);
    if (host_end + 1 < authority.size() && authority[host_end + 1] == ':') t.port = authority.substr(host_end + 2);
  } else if (host_end != std::string::npos) {
    t.host = authority.substr(0, host_end);
    t.port = authority.substr(host_end + 1);
  } else {
    t.host = authority;
  }
  if (t.host.empty() || t.port.empty()) return std::nullopt;
  return t;
}

// One request: resolve, connect, (TLS handshake,) write, read; the whole exchange is
// bounded by the timeout. Stream is a tcp_stream or an ssl_stream over one.
template <typename Stream>
class Exchange : public std::enable_shared_from_this<Exchange<Stream>> {
 public:
  template <typename... StreamArgs>
  Exchange(asio::io_context& io, OutboundRequest request, std::function<void(OutboundResult)> done,
           StreamArgs&&... stream_args)
      : resolver_(io), stream_(std::forward<StreamArgs>(stream_args)...), request_(std::move(request)),
        done_(std::move(done)) {}

  void start(const Target& target) {
    message_.method_string(request_.method);
    message_.target(target.path);
    message_.version(11);
    bool default_port = target.port == (target.tls ? "443" : "80");
    message_.set(http::field::host, default_port ? target.host : target.host + ":" + target.port);
    for (const auto& [name, value] : request_.headers) message_.set(name, value);
    message_.keep_alive(false);
    message_.body() = std::move(request_.body);
    message_.prepare_payload();
    if constexpr (kTls) SSL_set_tlsext_host_name(stream_.native_handle(), target.host.c_str());
    tcp_layer().expires_after(request_.timeout);
    resolver_.async_resolve(target.host, target.port,
                            [self = this->shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
                              if (ec) return self->finish(0, "cannot resolve: " + ec.message());
                              self->tcp_layer().async_connect(results, [self](beast::error_code ec, const tcp::endpoint&) {
                                if (ec) return self->finish(0, "cannot connect: " + ec.message(), ec);
                                self->connected_ = true;
                                if (self->request_.connect_only) return self->finish(0, {});
                                self->secure();
                              });
                            });
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  beast::tcp_stream& tcp_layer() {
    if constexpr (kTls) {
      return beast::get_lowest_layer(stream_);
    } else {
      return stream_;
    }
  }

  void secure() {
    if constexpr (kTls) {
      stream_.async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->finish(0, "TLS handshake failed: " + ec.message(), ec);
        self->write();
      });
    } else {
      write();
    }
  }

  void write() {
    http::async_write(stream_, message_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->finish(0, "write failed: " + ec.message(), ec);
      http::async_read(self->stream_, self->buffer_, self->response_, [self](beast::error_code ec, std::size_t) {
        if (ec) return self->finish(0, "no answer: " + ec.message(), ec);
        self->finish(static_cast<int>(self->response_.result_int()), {});
      });
    });
  }

  void finish(int status, std::string error, beast::error_code ec = {}) {
    beast::error_code ignored;
    tcp_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
    done_(OutboundResult{status, connected_, ec == beast::error::timeout, std::move(error)});
  }

  tcp::resolver resolver_;
  Stream stream_;
  OutboundRequest request_;
  std::function<void(OutboundResult)> done_;
  http::request<http::string_body> message_;
  beast::flat_buffer buffer_;
  http::response<http::string_body> response_;
  bool connected_ = false;
};

}  // namespace

struct AsioHttpClient::Tls {
  Tls() { context.set_verify_mode(ssl::verify_none); }  // local endpoints are self-signed
  ssl::context context{ssl::context::tls_client};
};

AsioHttpClient::AsioHttpClient(asio::io_context& io) : io_(io) {}

AsioHttpClient::Tls& AsioHttpClient::tls() {
  std::call_once(tls_once_, [this] { tls_ = std::make_unique<Tls>(); });
  return *tls_;
}

AsioHttpClient::~AsioHttpClient() = default;

void AsioHttpClient::send(OutboundRequest request, std::function<void(OutboundResult)> done) {
  auto target = parse_url(request.url);
  if (!target) {
    std::string why = "unsupported URL: " + request.url;
    asio::post(io_, [done = std::move(done), why] { done(OutboundResult{0, false, false, why}); });
    return;
  }
  // Started from the loop, so that `done` never runs inside post().
  if (target->tls) {
    using TlsStream = beast::ssl_stream<beast::tcp_stream>;
    auto exchange = std::make_shared<Exchange<TlsStream>>(io_, std::move(request), std::move(done), io_, tls().context);
    asio::post(io_, [exchange, target = *target] { exchange->start(target); });
  } else {
    auto exchange = std::make_shared<Exchange<beast::tcp_stream>>(io_, std::move(request), std::move(done), io_);
    asio::post(io_, [exchange, target = *target] { exchange->start(target); });
  }
}

}  // namespace stratus
