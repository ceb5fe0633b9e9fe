#include "server/timers.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace stratus {
namespace {

class AsioTimer : public Timer {
 public:
  explicit AsioTimer(std::shared_ptr<boost::asio::steady_timer> timer) : timer_(std::move(timer)) {}
  ~AsioTimer() override { timer_->cancel(); }

 private:
  std::shared_ptr<boost::asio::steady_timer> timer_;
};

}  // namespace

std::unique_ptr<Timer> AsioScheduler::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, delay);
  timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
  return std::make_unique<AsioTimer>(timer);
}

void AsioScheduler::post(std::function<void()> fn) { boost::asio::post(io_, std::move(fn)); }

}  // namespace stratus
