#pragma once
// Where a connection's handlers run.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

namespace stratus {

// With one network thread every handler already runs in order; strands only pay off
// when several threads run the loop.
inline boost::asio::any_io_executor connection_executor(boost::asio::io_context& io, int threads) {
  if (threads > 1) return boost::asio::make_strand(io);
  return io.get_executor();
}

}  // namespace stratus
