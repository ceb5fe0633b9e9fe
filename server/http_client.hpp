#pragma once
// The services' HttpClient on Asio/Beast: one connection a request, HTTP or HTTPS.
#include <boost/asio/io_context.hpp>
#include <memory>
#include <mutex>

#include "services/http_client.hpp"

namespace stratus {

class AsioHttpClient : public HttpClient {
 public:
  explicit AsioHttpClient(boost::asio::io_context& io);
  ~AsioHttpClient() override;
  void send(OutboundRequest request, std::function<void(OutboundResult)> done) override;

 private:
  struct Tls;  // the TLS context, kept out of this header
  // Made at the first https URL: loading TLS costs start-up time and memory.
  Tls& tls();

  boost::asio::io_context& io_;
  std::once_flag tls_once_;
  std::unique_ptr<Tls> tls_;
};

}  // namespace stratus
