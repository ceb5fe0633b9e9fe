#pragma once
// Answers to many connections handed to the kernel in one system call.
//
// Under load one turn of the event loop finishes requests on many connections, and
// each answer took a send() of its own. Where a system call's entry and exit cost about
// as much as the send itself (a microsecond on virtual machines), queueing the answers
// and submitting them together through io_uring saves most of that. Where io_uring is
// refused (older kernels, container seccomp profiles), enabled() is false and callers
// send their usual way.
#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace stratus {

class SendBatch {
 public:
  // `error`: an errno (0 when none). `sent`: the bytes that went out, fewer than asked
  // when the socket's buffer filled; the caller sends the rest its usual way.
  using Done = std::function<void(int error, std::size_t sent)>;

  // `use_io_uring` false: never enabled.
  SendBatch(boost::asio::io_context& io, bool use_io_uring);
  ~SendBatch();
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  bool enabled() const { return ring_ && !broken_; }
  // Sends `data` (kept valid by the caller until `done` runs) on socket `fd` once the
  // handlers already queued on the loop have run, so that their answers go with it.
  void send(int fd, std::string_view data, Done done);

 private:
  struct Ring;
  struct Send {
    int fd;
    std::string_view data;
    Done done;
  };
  struct Result {
    int error = 0;
    std::size_t sent = 0;
  };
  void flush();
  void submit(std::span<const Send> sends, std::span<Result> results);
  void give_up(const char* step, int error);

  boost::asio::io_context& io_;
  std::unique_ptr<Ring> ring_;
  std::mutex mutex_;  // guards queued_ and flush_posted_
  std::vector<Send> queued_;
  bool flush_posted_ = false;
  std::mutex ring_mutex_;  // one submitter at a time when the loop has several threads
  std::atomic<bool> broken_ = false;  // the kernel refused a submission
};

}  // namespace stratus
