#include "server/connection_stream.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <span>

namespace stratus {

void ConnectionStream::receive(boost::asio::mutable_buffer into, ReadHandler handler) {
  into_ = into;
  reading_ = std::move(handler);
  ring_.receive(socket_.native_handle(), std::span(static_cast<char*>(into.data()), into.size()),
                [this](int error, std::size_t bytes) { received(error, bytes); });
}

// Runs on whichever of the loop's threads reaped the completion; the handler runs on the
// connection's executor. It travels in the dispatched function rather than staying here,
// so that a loop stopped before running it still lets go of the connection.
void ConnectionStream::received(int error, std::size_t bytes) {
  if (error == SocketRing::kNotSubmitted) {
    boost::asio::dispatch(socket_.get_executor(), [this, handler = std::move(reading_)]() mutable {
      socket_.async_read_some(into_, std::move(handler));
    });
    return;
  }
  boost::system::error_code code;
  if (error != 0) {
    code.assign(error, boost::system::system_category());
  } else if (bytes == 0) {
    code = boost::asio::error::eof;
  }
  boost::asio::dispatch(socket_.get_executor(), [handler = std::move(reading_), code, bytes]() mutable {
    std::move(handler)(code, bytes);
  });
}

}  // namespace stratus
