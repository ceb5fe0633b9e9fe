#pragma once
// The Lambda Runtime API endpoints: one loopback port per execution environment,
// each request handed to the environment's handler.
#include <map>
#include <memory>
#include <mutex>

#include "services/lambda/runtime_api.hpp"

namespace boost::asio {
class io_context;
}

namespace stratus {

class RuntimeApiServer : public lambda::RuntimeApiHost {
 public:
  explicit RuntimeApiServer(boost::asio::io_context& io);
  ~RuntimeApiServer() override;
  std::string open(std::uint64_t environment, lambda::RuntimeHandler handler) override;
  void close(std::uint64_t environment) override;

  struct Endpoint;

 private:
  boost::asio::io_context& io_;
  std::mutex mutex_;
  std::map<std::uint64_t, std::shared_ptr<Endpoint>> endpoints_;
};

}  // namespace stratus
