#pragma once
// Outbound HTTP, as services need it (SNS deliveries, ELB health checks): one
// request, answered later.
// The server implements it on Asio; services never see sockets.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace stratus {

struct OutboundRequest {
  std::string method = "POST";
  std::string url;  // http://host[:port]/path
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15000};
  bool connect_only = false;  // a TCP health check: connecting is the whole exchange
};

struct OutboundResult {
  int status = 0;  // 0: no answer (refused, timed out, bad URL)
  bool connected = false;
  bool timed_out = false;
  std::string error;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // `done` runs exactly once, on a network thread, and never before post() returns
  // (callers may hold their lock around post()).
  virtual void send(OutboundRequest request, std::function<void(OutboundResult)> done) = 0;
};

}  // namespace stratus
