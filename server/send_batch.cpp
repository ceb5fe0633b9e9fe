#include "server/send_batch.hpp"

#include <liburing.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <algorithm>
#include <cerrno>
#include <cstring>

namespace stratus {
namespace {

constexpr unsigned kRingEntries = 256;

}  // namespace

struct SendBatch::Ring {
  io_uring ring{};
  int error = io_uring_queue_init(kRingEntries, &ring, 0);  // a negative errno when refused
  ~Ring() {
    if (error == 0) io_uring_queue_exit(&ring);
  }
};

SendBatch::SendBatch(boost::asio::io_context& io, bool use_io_uring) : io_(io) {
  if (!use_io_uring) return;
  auto ring = std::make_unique<Ring>();
  if (ring->error < 0) {
    spdlog::debug("io_uring unavailable ({}): answers are sent one at a time", std::strerror(-ring->error));
    return;
  }
  ring_ = std::move(ring);
}

SendBatch::~SendBatch() = default;

void SendBatch::send(int fd, std::string_view data, Done done) {
  std::lock_guard lock(mutex_);
  queued_.push_back(Send{fd, data, std::move(done)});
  if (flush_posted_) return;
  flush_posted_ = true;
  boost::asio::post(io_, [this] { flush(); });
}

void SendBatch::flush() {
  std::vector<Send> sends;
  {
    std::lock_guard lock(mutex_);
    sends.swap(queued_);
    flush_posted_ = false;
  }
  // A send never submitted reports nothing sent, and its caller sends its usual way.
  std::vector<Result> results(sends.size());
  if (std::lock_guard lock(ring_mutex_); !broken_) {
    for (std::size_t first = 0; first < sends.size() && !broken_; first += kRingEntries) {
      std::size_t count = std::min<std::size_t>(kRingEntries, sends.size() - first);
      submit(std::span(sends).subspan(first, count), std::span(results).subspan(first, count));
    }
  }
  for (std::size_t i = 0; i < sends.size(); ++i) sends[i].done(results[i].error, results[i].sent);
}

// At most kRingEntries sends, in one system call.
void SendBatch::submit(std::span<const Send> sends, std::span<Result> results) {
  io_uring* ring = &ring_->ring;
  for (std::size_t i = 0; i < sends.size(); ++i) {
    io_uring_sqe* sqe = io_uring_get_sqe(ring);
    // MSG_DONTWAIT: a full socket buffer completes at once (with fewer bytes, or EAGAIN)
    // rather than waiting in the kernel, so the wait below never blocks.
    io_uring_prep_send(sqe, sends[i].fd, sends[i].data.data(), sends[i].data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, i);
  }
  int submitted = io_uring_submit_and_wait(ring, static_cast<unsigned>(sends.size()));
  while (submitted == -EINTR && io_uring_sq_ready(ring) > 0) submitted = io_uring_submit(ring);
  if (submitted < 0 && submitted != -EINTR) return give_up("submit", submitted);
  // Once submitted, a send whose completion never comes may have sent anything: it must
  // not be sent again, so its connection closes.
  std::fill(results.begin(), results.end(), Result{EIO, 0});
  for (std::size_t seen = 0; seen < sends.size();) {
    io_uring_cqe* cqe = nullptr;
    if (int error = io_uring_wait_cqe(ring, &cqe); error == -EINTR) {
      continue;
    } else if (error < 0) {
      return give_up("wait", error);
    }
    int res = cqe->res;
    results[io_uring_cqe_get_data64(cqe)] = res >= 0 ? Result{0, static_cast<std::size_t>(res)} : Result{res == -EAGAIN ? 0 : -res, 0};
    io_uring_cqe_seen(ring, cqe);
    ++seen;
  }
}

void SendBatch::give_up(const char* step, int error) {
  spdlog::warn("io_uring {} failed ({}): answers are sent one at a time from now on", step, std::strerror(-error));
  broken_ = true;
}

}  // namespace stratus
