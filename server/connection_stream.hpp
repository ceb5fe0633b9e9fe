#pragma once
// A connection's socket, read by Beast and written by the session: through the
// SocketRing where the ring is enabled, so that a turn's reads and answers share one
// system call; the socket's own way where not.
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>

#include "server/socket_ring.hpp"

namespace stratus {

class ConnectionStream {
 public:
  using executor_type = boost::asio::any_io_executor;

  ConnectionStream(boost::asio::ip::tcp::socket socket, SocketRing& ring) : socket_(std::move(socket)), ring_(ring) {}

  using Written = std::function<void(boost::system::error_code)>;

  executor_type get_executor() { return socket_.get_executor(); }
  boost::asio::ip::tcp::socket& socket() { return socket_; }

  // Writes all of `data` (kept valid until `done` runs, on the stream's executor). What
  // the ring could not send at once goes the socket's way.
  void write(std::string_view data, Written done);

  // Reads into the first of `buffers` (Beast passes one).
  template <class MutableBuffers, class Handler>
  auto async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    return boost::asio::async_initiate<Handler, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& buffers) {
          boost::asio::mutable_buffer first = *boost::asio::buffer_sequence_begin(buffers);
          if (!ring_.enabled() || first.size() == 0) return socket_.async_read_some(buffers, std::move(handler));
          receive(first, ReadHandler(std::move(handler)));
        },
        handler, buffers);
  }

 private:
  // A read's completion handler, whatever its type; move-only, as Beast's are. (Boost
  // 1.81's any_completion_handler recurses without end when a lambda holding it is
  // dispatched.) It is called on the stream's executor, which is the one Beast's read
  // operations are bound to here.
  class ReadHandler {
   public:
    ReadHandler() = default;
    template <class Handler>
    explicit ReadHandler(Handler handler) : call_(std::make_unique<Holder<Handler>>(std::move(handler))) {}
    void operator()(boost::system::error_code error, std::size_t bytes) { std::exchange(call_, nullptr)->call(error, bytes); }

   private:
    struct Call {
      virtual ~Call() = default;
      virtual void call(boost::system::error_code error, std::size_t bytes) = 0;
    };
    template <class Handler>
    struct Holder : Call {
      explicit Holder(Handler handler) : handler(std::move(handler)) {}
      void call(boost::system::error_code error, std::size_t bytes) override { std::move(handler)(error, bytes); }
      Handler handler;
    };
    std::unique_ptr<Call> call_;
  };
  void receive(boost::asio::mutable_buffer into, ReadHandler handler);
  void received(int error, std::size_t bytes);
  void sent(std::string_view data, int error, std::size_t bytes, Written done);
  void write_from(std::string_view data, std::size_t offset, Written done);

  boost::asio::ip::tcp::socket socket_;
  SocketRing& ring_;
  // The read in the ring: its buffer and whom to tell.
  boost::asio::mutable_buffer into_;
  ReadHandler reading_;
};

}  // namespace stratus
