#pragma once
// The HTTP/1.1 listener and its sessions (Boost.Beast stays inside http_server.cpp).
#include <cstddef>
#include <memory>

#include "server/config.hpp"

namespace boost::asio {
class io_context;
}

namespace stratus {

class Router;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, const Config& config, Router& router);
  ~HttpServer();

  // Binds and starts accepting; throws std::system_error when the address is taken.
  void start();
  // The port actually bound (useful with --port 0).
  unsigned short port() const;
  // Stops accepting and closes idle connections; busy ones close after answering.
  void stop();
  // Connections still open (after stop(): those still finishing an answer).
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace stratus
