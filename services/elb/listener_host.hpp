#pragma once
// Where listeners really listen: the server opens the port and hands each request
// (or, for TCP listeners, each connection) to the listener's traffic object.
#include <memory>
#include <string>

#include "services/elb/routing.hpp"

namespace stratus::elb {

class ListenerHost {
 public:
  virtual ~ListenerHost() = default;
  // Starts serving `traffic` on `port` ("HTTP" proxies requests, "TCP" relays bytes);
  // returns why it could not, or an empty string.
  virtual std::string open(const std::string& listener_arn, int port, const std::string& protocol,
                           std::shared_ptr<ListenerTraffic> traffic) = 0;
  // Stops accepting; requests in flight finish.
  virtual void close(const std::string& listener_arn) = 0;
};

}  // namespace stratus::elb
