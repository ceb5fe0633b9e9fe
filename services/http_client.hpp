#pragma once
// Outbound HTTP, as services need it (SNS deliveries): one POST, answered later.
// The server implements it on Asio; services never see sockets.
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace stratus {

struct OutboundRequest {
  std::string url;  // http://host[:port]/path
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{15000};
};

struct OutboundResult {
  int status = 0;  // 0: no answer (refused, timed out, bad URL)
  std::string error;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // `done` runs exactly once, on a network thread, and never before post() returns
  // (callers may hold their lock around post()).
  virtual void post(OutboundRequest request, std::function<void(OutboundResult)> done) = 0;
};

}  // namespace stratus
