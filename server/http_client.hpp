#pragma once
// The services' HttpClient on Asio/Beast: one connection a request (plain HTTP).
#include <boost/asio/io_context.hpp>

#include "services/http_client.hpp"

namespace stratus {

class AsioHttpClient : public HttpClient {
 public:
  explicit AsioHttpClient(boost::asio::io_context& io) : io_(io) {}
  void post(OutboundRequest request, std::function<void(OutboundResult)> done) override;

 private:
  boost::asio::io_context& io_;
};

}  // namespace stratus
