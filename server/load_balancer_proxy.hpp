#pragma once
// The load balancers' data plane: each listener's port, accepting connections and
// forwarding what the listener's routes decide to the chosen targets, over
// connections to the targets that are kept and reused.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "services/elb/listener_host.hpp"
#include "services/service.hpp"

namespace boost::asio {
class io_context;
}

namespace stratus {

class LoadBalancerProxy : public elb::ListenerHost {
 public:
  // `threads`: how many threads run `io` (with one, connections need no strands).
  LoadBalancerProxy(boost::asio::io_context& io, std::string host, int threads);
  ~LoadBalancerProxy() override;

  std::string open(const std::string& listener_arn, int port, const std::string& protocol,
                   std::shared_ptr<elb::ListenerTraffic> traffic) override;
  void close(const std::string& listener_arn) override;
  // Lambda targets are invoked through the Lambda service, found here once it exists.
  void set_services(std::function<Service*(std::string_view)> lookup) { *services_ = std::move(lookup); }

  using ServiceLookup = std::function<Service*(std::string_view)>;
  struct Acceptor;
  struct ConnectionPool;

 private:
  boost::asio::io_context& io_;
  std::string host_;
  int threads_;
  std::shared_ptr<ConnectionPool> pool_;
  std::shared_ptr<ServiceLookup> services_ = std::make_shared<ServiceLookup>();
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Acceptor>> acceptors_;  // by listener ARN
};

}  // namespace stratus
