// ReceiveMessage with WaitTimeSeconds: a waiter per call, woken by a send to its queue
// or by a timer at the earlier of its deadline and the next message becoming visible.
#include <algorithm>
#include <vector>

#include "services/ids.hpp"
#include "services/sqs/sqs_service.hpp"

namespace stratus::sqs {

void SqsService::arm(const std::shared_ptr<Waiter>& waiter) {
  std::int64_t now = ids::now_ms();
  std::int64_t at = waiter->deadline_ms;
  if (std::int64_t next = waiter->queue->next_visible_ms(); next > 0) at = std::min(at, next);
  std::weak_ptr<Waiter> weak = waiter;
  waiter->timer = scheduler_.after(std::chrono::milliseconds(std::max<std::int64_t>(at - now, 0)), [this, weak] {
    if (auto w = weak.lock()) on_waiter_timer(w);
  });
}

void SqsService::on_waiter_timer(const std::shared_ptr<Waiter>& waiter) {
  std::lock_guard lock(mutex_);
  if (waiter->done) return;
  Value result = receive_now(*waiter->queue, waiter->options);
  if (result.find("Messages") || ids::now_ms() >= waiter->deadline_ms) {
    finish_waiter(waiter, std::move(result));
  } else {
    arm(waiter);
  }
}

void SqsService::wake_waiters(Queue& queue) {
  if (queue.waiters.empty()) return;
  std::int64_t now = ids::now_ms();
  // A copy: finishing a waiter removes it from the queue's list.
  auto waiters = std::vector<std::shared_ptr<Waiter>>(queue.waiters.begin(), queue.waiters.end());
  for (const auto& waiter : waiters) {
    if (waiter->done) continue;
    if (queue.receivable(1).empty()) break;
    Value result = receive_now(queue, waiter->options);
    if (result.find("Messages")) finish_waiter(waiter, std::move(result));
  }
  // Whatever became visible later (a delay, a shorter visibility timeout) re-arms the timers.
  if (std::int64_t next = queue.next_visible_ms(); next > now) {
    for (const auto& w : queue.waiters) arm(w);
  }
}

void SqsService::schedule_wake(const std::string& queue_arn) {
  scheduler_.post([this, queue_arn] {
    std::lock_guard lock(mutex_);
    if (Queue* queue = find_queue_by_arn(queue_arn)) wake_waiters(*queue);
  });
}

void SqsService::finish_waiter(const std::shared_ptr<Waiter>& waiter, Value result) {
  waiter->done = true;
  waiter->timer.reset();
  auto& list = waiter->queue->waiters;
  list.erase(std::remove(list.begin(), list.end(), waiter), list.end());
  Reply reply = std::move(waiter->reply);
  reply(std::move(result));
}

void SqsService::finish_all_waiters(Queue& queue) {
  while (!queue.waiters.empty()) {
    auto waiter = queue.waiters.front();  // a copy: finishing removes it from the list
    finish_waiter(waiter, Value::object());
  }
}

}  // namespace stratus::sqs
