#pragma once
// The Lambda Runtime API as the service sees it: each execution environment gets an
// endpoint of its own (AWS_LAMBDA_RUNTIME_API), and every request on it arrives here
// as plain data, answered now or later (GET .../invocation/next waits for work).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace stratus::lambda {

struct RuntimeRequest {
  std::string method;
  std::string path;        // "/2018-06-01/runtime/invocation/next"
  std::string error_type;  // the Lambda-Runtime-Function-Error-Type header, if sent
  std::string body;
};

struct RuntimeAnswer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using RuntimeHandler = std::function<void(RuntimeRequest, std::function<void(RuntimeAnswer)> answer)>;

class RuntimeApiHost {
 public:
  virtual ~RuntimeApiHost() = default;
  // Opens an endpoint on the loopback interface; returns "127.0.0.1:<port>", or an
  // empty string when none could be opened.
  virtual std::string open(std::uint64_t environment, RuntimeHandler handler) = 0;
  virtual void close(std::uint64_t environment) = 0;
};

}  // namespace stratus::lambda
