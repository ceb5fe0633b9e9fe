#include "server/connection_stream.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/write.hpp>
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

void ConnectionStream::write(std::string_view data, Written done) {
  if (!ring_.enabled()) return write_from(data, 0, std::move(done));
  ring_.send(socket_.native_handle(), data, [this, data, done = std::move(done)](int error, std::size_t bytes) {
    // The batch may be sent from another of the loop's threads than the connection's.
    boost::asio::dispatch(socket_.get_executor(), [this, data, done, error, bytes] { sent(data, error, bytes, done); });
  });
}

void ConnectionStream::sent(std::string_view data, int error, std::size_t bytes, Written done) {
  if (error == SocketRing::kNotSubmitted) return write_from(data, 0, std::move(done));
  if (error) return done(boost::system::error_code(error, boost::system::system_category()));
  if (bytes < data.size()) return write_from(data, bytes, std::move(done));
  done({});
}

void ConnectionStream::write_from(std::string_view data, std::size_t offset, Written done) {
  boost::asio::async_write(socket_, boost::asio::buffer(data.substr(offset)),
                           [done = std::move(done)](boost::system::error_code error, std::size_t) { done(error); });
}

}  // namespace stratus
