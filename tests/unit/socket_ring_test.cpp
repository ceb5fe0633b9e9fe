#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "server/socket_ring.hpp"

namespace stratus {
namespace {

using namespace std::chrono_literals;

struct Result {
  int error = 0;
  std::size_t bytes = 0;
};

// Two connected stream sockets, closed at the end of the test.
struct SocketPair {
  int ours = -1;
  int theirs = -1;
  SocketPair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0) {
      ours = fds[0];
      theirs = fds[1];
    }
  }
  ~SocketPair() {
    if (ours >= 0) ::close(ours);
    if (theirs >= 0) ::close(theirs);
  }
};

class SocketRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!ring.enabled()) GTEST_SKIP() << "the kernel refuses io_uring here";
  }

  // Runs the loop until `done` holds or a few seconds pass.
  template <class Condition>
  bool run_until(Condition done) {
    auto give_up = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < give_up) {
      io.restart();
      io.run_for(10ms);
    }
    return done();
  }

  // A receive on `pair` that the loop has submitted and that waits for data.
  void start_receiving(SocketRing& on, const SocketPair& pair, std::string& buffer, std::optional<Result>& received) {
    on.receive(pair.ours, std::span(buffer), record(received));
    io.run_for(20ms);
    EXPECT_FALSE(received) << "nothing was sent yet";
  }

  SocketRing::Done record(std::optional<Result>& into) {
    return [&into](int error, std::size_t bytes) { into = Result{error, bytes}; };
  }

  boost::asio::io_context io;
  SocketRing ring{io, true, 1};
};

TEST_F(SocketRingTest, AReceiveWaitsForDataThatComesLater) {
  SocketPair pair;
  std::string buffer(64, '\0');
  std::optional<Result> received;
  start_receiving(ring, pair, buffer, received);
  ASSERT_EQ(::write(pair.theirs, "hello", 5), 5);
  ASSERT_TRUE(run_until([&] { return received.has_value(); }));
  EXPECT_EQ(received->error, 0);
  ASSERT_EQ(received->bytes, 5u);
  EXPECT_EQ(buffer.substr(0, 5), "hello");
}

TEST_F(SocketRingTest, ShuttingTheSocketDownEndsAPendingReceive) {
  SocketPair pair;
  std::string buffer(64, '\0');
  std::optional<Result> received;
  start_receiving(ring, pair, buffer, received);
  ASSERT_EQ(::shutdown(pair.ours, SHUT_RDWR), 0);
  ASSERT_TRUE(run_until([&] { return received.has_value(); }));
  EXPECT_EQ(received->error, 0);
  EXPECT_EQ(received->bytes, 0u) << "the end of the stream";
}

TEST_F(SocketRingTest, ASendThatDoesNotFitReportsWhatWentOutWithoutWaiting) {
  SocketPair pair;
  int small = 4096;
  ASSERT_EQ(::setsockopt(pair.ours, SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  std::string big(4 << 20, 'x');
  std::optional<Result> sent;
  ring.send(pair.ours, big, record(sent));
  ASSERT_TRUE(run_until([&] { return sent.has_value(); }));
  EXPECT_EQ(sent->error, 0);
  EXPECT_GT(sent->bytes, 0u);
  EXPECT_LT(sent->bytes, big.size()) << "the rest is the caller's to send";

  // A second send into the full buffer: nothing goes out, and it says so at once.
  std::optional<Result> again;
  ring.send(pair.ours, big, record(again));
  ASSERT_TRUE(run_until([&] { return again.has_value(); }));
  EXPECT_EQ(again->error, 0);
  EXPECT_EQ(again->bytes, 0u);
}

TEST_F(SocketRingTest, ASendToAClosedPeerReportsTheError) {
  SocketPair pair;
  ::close(pair.theirs);
  pair.theirs = -1;
  std::optional<Result> sent;
  ring.send(pair.ours, "answer", record(sent));
  ASSERT_TRUE(run_until([&] { return sent.has_value(); }));
  EXPECT_EQ(sent->error, EPIPE);
}

TEST_F(SocketRingTest, MoreOperationsThanTheRingHoldsAllComplete) {
  constexpr int kConnections = 600;  // more than one submission's worth
  std::vector<SocketPair> pairs(kConnections);
  std::vector<std::string> buffers(kConnections, std::string(16, '\0'));
  std::vector<std::optional<Result>> received(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    ASSERT_GE(pairs[i].ours, 0) << std::strerror(errno);
    ring.receive(pairs[i].ours, std::span(buffers[i]), record(received[i]));
  }
  io.run_for(20ms);
  for (int i = 0; i < kConnections; ++i) {
    std::string message = std::to_string(i);
    ASSERT_EQ(::write(pairs[i].theirs, message.data(), message.size()), static_cast<ssize_t>(message.size()));
  }
  ASSERT_TRUE(run_until([&] {
    for (auto& r : received) {
      if (!r) return false;
    }
    return true;
  }));
  for (int i = 0; i < kConnections; ++i) {
    ASSERT_EQ(received[i]->error, 0);
    EXPECT_EQ(buffers[i].substr(0, received[i]->bytes), std::to_string(i));
  }
}

// First a receive in the kernel, then one still queued: that ring's flush stays on the
// loop, which must not run again.
TEST_F(SocketRingTest, AReceiveStillPendingWhenTheRingGoesIsCancelled) {
  for (auto running : {20ms, 0ms}) {
    SCOPED_TRACE(running.count() > 0 ? "submitted" : "queued");
    SocketPair pair;
    std::string buffer(64, '\0');
    std::optional<Result> received;
    {
      SocketRing short_lived(io, true, 1);
      short_lived.receive(pair.ours, std::span(buffer), record(received));
      if (running.count() > 0) io.run_for(running);
      ASSERT_FALSE(received) << "nothing was sent";
    }
    ASSERT_TRUE(received);
    EXPECT_EQ(received->error, ECANCELED);
    // The kernel no longer holds the buffer: data sent now stay in the socket.
    ASSERT_EQ(::write(pair.theirs, "late", 4), 4);
    char byte = 0;
    EXPECT_EQ(::recv(pair.ours, &byte, 1, MSG_DONTWAIT), 1);
    EXPECT_EQ(byte, 'l');
  }
}

TEST_F(SocketRingTest, ARingForSeveralThreadsReceivesToo) {
  SocketRing shared(io, true, 2);
  ASSERT_TRUE(shared.enabled());
  SocketPair pair;
  std::string buffer(64, '\0');
  std::optional<Result> received;
  start_receiving(shared, pair, buffer, received);
  ASSERT_EQ(::write(pair.theirs, "both", 4), 4);
  ASSERT_TRUE(run_until([&] { return received.has_value(); }));
  EXPECT_EQ(received->error, 0);
  EXPECT_EQ(buffer.substr(0, received->bytes), "both");
}

TEST(SocketRingDisabledTest, IsNeverEnabledWhenTurnedOff) {
  boost::asio::io_context io;
  SocketRing ring(io, false, 1);
  EXPECT_FALSE(ring.enabled());
}

}  // namespace
}  // namespace stratus
