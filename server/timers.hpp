#pragma once
// The services' Scheduler on an Asio io_context.
#include <boost/asio/io_context.hpp>

#include "services/service.hpp"

namespace stratus {

class AsioScheduler : public Scheduler {
 public:
  explicit AsioScheduler(boost::asio::io_context& io) : io_(io) {}
  std::unique_ptr<Timer> after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void post(std::function<void()> fn) override;

 private:
  boost::asio::io_context& io_;
};

}  // namespace stratus
