#pragma once
// Socket reads and writes of many connections handed to the kernel in one system call.
//
// Under load one turn of the event loop finishes requests on many connections, and each
// answer took a send() of its own and each next request a recv() of its own. Where a
// system call's entry and exit cost about as much as the work itself (a microsecond on
// virtual machines), queueing them and submitting them together through io_uring saves
// most of that. Where io_uring is refused (older kernels, container seccomp profiles),
// enabled() is false and callers use their sockets the usual way.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace stratus {

class SocketRing {
 public:
  // `error`: an errno (0 when none), or kNotSubmitted. `bytes`: what was sent or
  // received; a receive of 0 bytes without an error is the end of the stream.
  using Done = std::function<void(int error, std::size_t bytes)>;
  // The ring stopped working before this operation reached the kernel: the caller does
  // it its usual way.
  static constexpr int kNotSubmitted = -1;

  // `use_io_uring` false: never enabled. `threads`: how many threads run `io`. The loop
  // must have stopped running before the ring is destroyed; operations still pending
  // then complete with ECANCELED.
  SocketRing(boost::asio::io_context& io, bool use_io_uring, int threads);
  ~SocketRing();
  SocketRing(const SocketRing&) = delete;
  SocketRing& operator=(const SocketRing&) = delete;

  bool enabled() const { return ring_ && !broken_; }
  // Sends `data` (kept valid by the caller until `done` runs) on socket `fd` once the
  // handlers already queued on the loop have run, so that their answers go with it. It
  // never waits for room: fewer bytes than asked are sent when the socket's buffer
  // fills (none at all reports 0 bytes and no error), and the caller sends the rest.
  void send(int fd, std::string_view data, Done done);
  // Receives into `into` (non-empty, kept valid until `done` runs) once data arrive.
  // Shutting the socket down ends a pending receive; closing it does not.
  void receive(int fd, std::span<char> into, Done done);

 private:
  struct Ring;
  struct Operation {
    int fd;
    std::string_view out;  // what a send sends
    std::span<char> in;    // where a receive receives (empty for a send)
    Done done;
    bool is_send() const { return in.empty(); }
  };
  struct Completion {
    Done done;
    int error;
    std::size_t bytes;
  };
  void queue(Operation operation);
  void post_flush();
  void flush();
  std::vector<Completion> submit(std::vector<Operation>& operations);
  void submit_part(std::span<Operation> operations, std::vector<Completion>& completions);
  std::size_t enter(std::span<Operation> operations, std::uint64_t receive_tags);
  bool collect(std::uint64_t tag, int result, std::span<Operation> submitted, std::vector<Completion>& completions);
  void collect_ready(std::vector<Completion>& completions);
  void watch();
  void give_up(const char* step, int error);

  boost::asio::io_context& io_;
  std::unique_ptr<Ring> ring_;
  std::mutex mutex_;  // guards queued_ and flush_posted_
  std::vector<Operation> queued_;
  bool flush_posted_ = false;
  std::mutex ring_mutex_;  // guards the ring and receiving_ (the loop may have several threads)
  std::unordered_map<std::uint64_t, Done> receiving_;  // submitted receives, by tag
  std::uint64_t next_receive_ = 0;
  std::atomic<bool> broken_ = false;  // the kernel refused a submission
};

}  // namespace stratus
