#include "server/socket_ring.hpp"

#include <liburing.h>
#include <spdlog/spdlog.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace stratus {
namespace {

constexpr unsigned kRingEntries = 256;
// Room for the completions of many connections' receives that arrive between two reaps.
constexpr unsigned kCompletionEntries = 4096;
// Sends are tagged with their place in the submission; receives with a counter below it.
constexpr std::uint64_t kSendTag = std::uint64_t{1} << 63;

// The flags are tried in turn, as older kernels refuse the newer ones. SUBMIT_ALL: one
// bad entry does not leave the rest unsubmitted. COOP_TASKRUN: a receive's data are
// copied when the thread that submitted it next enters the kernel, not by interrupting
// it; right only when that thread is also the one waiting for completions.
int init_ring(io_uring& ring, bool one_thread) {
  unsigned preferred = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE;
  if (one_thread) preferred |= IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG;
  int error = -EINVAL;
  for (unsigned flags : {preferred, unsigned{IORING_SETUP_CQSIZE}}) {
    io_uring_params params{};
    params.flags = flags;
    params.cq_entries = kCompletionEntries;
    error = io_uring_queue_init_params(kRingEntries, &ring, &params);
    if (error != -EINVAL) break;
  }
  return error;
}

}  // namespace

// The ring, and a watch on it that wakes the loop when receives complete.
struct SocketRing::Ring {
  io_uring ring{};
  int error;  // a negative errno when refused
  boost::asio::posix::stream_descriptor watcher;

  Ring(boost::asio::io_context& io, bool one_thread) : error(init_ring(ring, one_thread)), watcher(io) {
    if (error < 0) return;
    int watched = ::fcntl(ring.ring_fd, F_DUPFD_CLOEXEC, 0);  // the watcher closes its own descriptor
    if (watched < 0) {
      error = -errno;
      io_uring_queue_exit(&ring);
      return;
    }
    watcher.assign(watched);
  }
  ~Ring() {
    if (error < 0) return;
    // The kernel cancels what is pending once the last descriptor of the ring is closed.
    boost::system::error_code ignored;
    watcher.close(ignored);
    io_uring_queue_exit(&ring);
  }
};

SocketRing::SocketRing(boost::asio::io_context& io, bool use_io_uring, int threads) : io_(io) {
  if (!use_io_uring) return;
  auto ring = std::make_unique<Ring>(io, threads == 1);
  if (ring->error < 0) {
    spdlog::debug("io_uring unavailable ({}): sockets are read and written one call at a time", std::strerror(-ring->error));
    return;
  }
  ring_ = std::move(ring);
  watch();
}

SocketRing::~SocketRing() {
  // The kernel lets go of the receive buffers first; then their owners hear of it, as
  // from a socket closed with reads pending.
  ring_.reset();
  for (auto& [tag, done] : receiving_) done(ECANCELED, 0);
  for (auto& operation : queued_) operation.done(ECANCELED, 0);
}

void SocketRing::send(int fd, std::string_view data, Done done) {
  queue(Operation{fd, data, {}, std::move(done)});
}

void SocketRing::receive(int fd, std::span<char> into, Done done) {
  queue(Operation{fd, {}, into, std::move(done)});
}

void SocketRing::queue(Operation operation) {
  std::lock_guard lock(mutex_);
  queued_.push_back(std::move(operation));
  if (!flush_posted_) post_flush();
}

// With mutex_ held.
void SocketRing::post_flush() {
  flush_posted_ = true;
  boost::asio::post(io_, [this] { flush(); });
}

// Two rounds: the sends of the first finish at once, and their callbacks queue the
// connections' next receives, which the second submits in the same turn (with one
// network thread; with several, callbacks go through strands and their receives go with
// the next flush). Whatever is queued after that waits for the next turn, so that other
// handlers get their turn too.
void SocketRing::flush() {
  for (int round = 0; round < 2; ++round) {
    std::vector<Operation> operations;
    {
      std::lock_guard lock(mutex_);
      operations.swap(queued_);
    }
    if (operations.empty()) break;
    for (auto& completion : submit(operations)) completion.done(completion.error, completion.bytes);
  }
  std::lock_guard lock(mutex_);
  flush_posted_ = false;
  if (!queued_.empty()) post_flush();
}

std::vector<SocketRing::Completion> SocketRing::submit(std::vector<Operation>& operations) {
  std::vector<Completion> completions;
  std::lock_guard lock(ring_mutex_);
  for (std::size_t first = 0; first < operations.size(); first += kRingEntries) {
    std::size_t count = std::min<std::size_t>(kRingEntries, operations.size() - first);
    submit_part(std::span(operations).subspan(first, count), completions);
  }
  collect_ready(completions);
  return completions;
}

// At most kRingEntries operations, in one system call. Waits for the sends, which never
// wait in the kernel (MSG_DONTWAIT: a full socket buffer completes at once with fewer
// bytes, or EAGAIN); receives complete later.
void SocketRing::submit_part(std::span<Operation> operations, std::vector<Completion>& completions) {
  std::uint64_t receive_tags = next_receive_;
  next_receive_ += operations.size();
  std::size_t reached = broken_ ? 0 : enter(operations, receive_tags);
  std::size_t sends = 0;
  for (std::size_t i = 0; i < reached; ++i) {
    if (operations[i].is_send()) {
      ++sends;
    } else {
      receiving_.emplace(receive_tags + i, std::exchange(operations[i].done, nullptr));
    }
  }
  io_uring* ring = &ring_->ring;
  for (std::size_t seen = 0; seen < sends;) {
    io_uring_cqe* cqe = nullptr;
    if (int error = io_uring_wait_cqe(ring, &cqe); error == -EINTR) {
      continue;
    } else if (error < 0) {
      give_up("wait", error);
      break;
    }
    if (collect(io_uring_cqe_get_data64(cqe), cqe->res, operations, completions)) ++seen;
    io_uring_cqe_seen(ring, cqe);
  }
  // What never reached the kernel is done the caller's way. A send that reached it but
  // whose completion never came may have sent anything: it must not be sent again, so
  // its connection closes.
  for (std::size_t i = 0; i < operations.size(); ++i) {
    if (operations[i].done) completions.push_back({std::exchange(operations[i].done, nullptr), i < reached ? EIO : kNotSubmitted, 0});
  }
}

// Prepares and submits; returns how many of `operations` the kernel took.
std::size_t SocketRing::enter(std::span<Operation> operations, std::uint64_t receive_tags) {
  io_uring* ring = &ring_->ring;
  unsigned sends = 0;
  for (std::size_t i = 0; i < operations.size(); ++i) {
    const Operation& operation = operations[i];
    io_uring_sqe* sqe = io_uring_get_sqe(ring);  // never null: the queue is empty and `operations` fits
    if (operation.is_send()) {
      io_uring_prep_send(sqe, operation.fd, operation.out.data(), operation.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      io_uring_sqe_set_data64(sqe, kSendTag | i);
      ++sends;
    } else {
      io_uring_prep_recv(sqe, operation.fd, operation.in.data(), operation.in.size(), 0);
      io_uring_sqe_set_data64(sqe, receive_tags + i);
    }
  }
  int result = io_uring_submit_and_wait(ring, sends);
  while (result == -EINTR && io_uring_sq_ready(ring) > 0) result = io_uring_submit(ring);
  // Entries the kernel did not take stay in the queue; with the ring given up, nothing
  // submits them later.
  std::size_t left = io_uring_sq_ready(ring);
  if (left > 0) give_up("submit", result < 0 ? result : -EBUSY);
  return operations.size() - left;
}

// Hands a completion to its operation; true when it was a send among `submitted`.
bool SocketRing::collect(std::uint64_t tag, int result, std::span<Operation> submitted, std::vector<Completion>& completions) {
  if (tag & kSendTag) {
    std::size_t index = tag & ~kSendTag;
    // A send's completion seen after the wait for it gave up has no one left to tell.
    if (index >= submitted.size() || !submitted[index].is_send() || !submitted[index].done) return false;
    Done done = std::exchange(submitted[index].done, nullptr);
    if (result >= 0) {
      completions.push_back({std::move(done), 0, static_cast<std::size_t>(result)});
    } else {
      completions.push_back({std::move(done), result == -EAGAIN ? 0 : -result, 0});
    }
    return true;
  }
  auto receive = receiving_.find(tag);
  if (receive == receiving_.end()) return false;
  // Interrupted before any data came: the caller receives again its own way.
  int error = result == -EINTR || result == -EAGAIN ? kNotSubmitted : std::max(-result, 0);
  completions.push_back({std::move(receive->second), error, static_cast<std::size_t>(std::max(result, 0))});
  receiving_.erase(receive);
  return false;
}

// Every completion the kernel has posted (receives, in practice).
void SocketRing::collect_ready(std::vector<Completion>& completions) {
  io_uring* ring = &ring_->ring;
  io_uring_cqe* cqe = nullptr;
  while (io_uring_peek_cqe(ring, &cqe) == 0) {
    collect(io_uring_cqe_get_data64(cqe), cqe->res, {}, completions);
    io_uring_cqe_seen(ring, cqe);
  }
}

// Re-armed before the completions are taken, so that one posted meanwhile wakes it again.
void SocketRing::watch() {
  ring_->watcher.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& error) {
    if (error) return;
    watch();
    std::vector<Completion> completions;
    {
      std::lock_guard lock(ring_mutex_);
      collect_ready(completions);
    }
    for (auto& completion : completions) completion.done(completion.error, completion.bytes);
  });
}

void SocketRing::give_up(const char* step, int error) {
  if (broken_.exchange(true)) return;
  spdlog::warn("io_uring {} failed ({}): sockets are read and written one call at a time from now on", step, std::strerror(-error));
}

}  // namespace stratus
