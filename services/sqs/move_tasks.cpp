// StartMessageMoveTask and friends: redrive messages out of a dead-letter queue, at
// most MaxNumberOfMessagesPerSecond, in timer ticks so no thread waits.
#include <algorithm>

#include "protocol/checksums.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/sqs/move_task.hpp"
#include "services/sqs/names.hpp"
#include "services/sqs/sqs_service.hpp"

namespace stratus::sqs {
namespace {

constexpr std::int64_t kTickMs = 100;
constexpr std::int64_t kUnthrottledPerTick = 1000;

bool is_dead_letter_queue(const std::map<std::string, std::unique_ptr<Queue>>& queues, const std::string& arn) {
  return std::any_of(queues.begin(), queues.end(),
                     [&](const auto& entry) { return entry.second->config.dead_letter_arn == arn; });
}

Value task_to_value(const MoveTask& t) {
  Value v = Value::object();
  if (t.status == "RUNNING") v.set("TaskHandle", t.handle);
  v.set("Status", t.status);
  v.set("SourceArn", t.source_arn);
  if (!t.destination_arn.empty()) v.set("DestinationArn", t.destination_arn);
  if (t.max_per_second > 0) v.set("MaxNumberOfMessagesPerSecond", t.max_per_second);
  v.set("ApproximateNumberOfMessagesMoved", t.moved);
  v.set("ApproximateNumberOfMessagesToMove", t.to_move);
  if (!t.failure_reason.empty()) v.set("FailureReason", t.failure_reason);
  v.set("StartedTimestamp", t.started_ms);
  return v;
}

}  // namespace

Value SqsService::start_message_move_task(const RequestContext&, const Value& input) {
  const std::string& source_arn = input::required_string(input, "SourceArn");
  Queue* source = find_queue_by_arn(source_arn);
  if (!source) throw ApiError("ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.");
  if (!is_dead_letter_queue(queues_, source_arn))
    throw invalid_parameter("Source queue must be configured as a Dead Letter Queue.");
  auto destination_arn = input::optional_string(input, "DestinationArn").value_or("");
  if (!destination_arn.empty() && !find_queue_by_arn(destination_arn))
    throw ApiError("ResourceNotFoundException", "The resource that you specified for the DestinationArn parameter doesn't exist.");
  auto rate = input::optional_int(input, "MaxNumberOfMessagesPerSecond").value_or(0);
  if (input.find("MaxNumberOfMessagesPerSecond") && (rate < 1 || rate > 500))
    throw invalid_parameter("Value " + std::to_string(rate) +
                            " for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.");
  for (const auto& t : move_tasks_) {
    if (t->source_arn == source_arn && t->status == "RUNNING")
      throw ApiError("UnsupportedOperation", "There is already a task running. Only one active task is allowed for a "
                                             "source queue arn at a given time.");
  }
  auto task = std::make_shared<MoveTask>();
  std::int64_t now = ids::now_ms();
  expire(*source, now);
  task->handle = checksums::base64_encode(ids::uuid() + "|" + source_arn);
  task->status = "RUNNING";
  task->source_arn = source_arn;
  task->destination_arn = destination_arn;
  task->max_per_second = rate;
  task->to_move = source->counts(now).visible;
  task->started_ms = now;
  move_tasks_.push_back(task);
  store_.save_move_task(*task);
  run_move_task(task);
  Value result = Value::object();
  result.set("TaskHandle", task->handle);
  return result;
}

void SqsService::run_move_task(const std::shared_ptr<MoveTask>& task) {
  if (stopping_) return;
  move_some(*task);
  store_.save_move_task(*task);
  if (task->status != "RUNNING") return;
  std::weak_ptr<MoveTask> weak = task;
  task->timer = scheduler_.after(std::chrono::milliseconds(kTickMs), [this, weak] {
    auto t = weak.lock();
    if (!t) return;
    std::lock_guard lock(mutex_);
    if (t->status == "RUNNING") run_move_task(t);
  });
}

void SqsService::move_some(MoveTask& task) {
  Queue* source = find_queue_by_arn(task.source_arn);
  if (!source) {
    task.status = "FAILED";
    task.failure_reason = "AWS.SimpleQueueService.NonExistentQueue";
    return;
  }
  // A throttled task earns rate x tick of credit each tick, in thousandths of a message,
  // so that slow rates (1 a second) are kept exactly across ticks.
  std::int64_t budget = kUnthrottledPerTick;
  if (task.max_per_second > 0) {
    task.credit_millis += task.max_per_second * kTickMs;
    budget = task.credit_millis / 1000;
    task.credit_millis -= budget * 1000;
  }
  expire(*source, ids::now_ms());
  while (budget-- > 0 && task.moved < task.to_move) {
    auto next = source->receivable(1);
    if (next.empty()) break;
    Message* m = source->find(next.front());
    Queue* target = find_queue_by_arn(task.destination_arn.empty() ? m->dead_letter_source_arn : task.destination_arn);
    if (!target) {
      task.status = "FAILED";
      task.failure_reason = "AWS.SimpleQueueService.NonExistentQueue";
      return;
    }
    move_message(*source, *target, next.front(), Move::BackFromDeadLetterQueue);
    ++task.moved;
  }
  if (task.moved >= task.to_move || source->receivable(1).empty()) task.status = "COMPLETED";
}

Value SqsService::list_message_move_tasks(const RequestContext&, const Value& input) {
  const std::string& source_arn = input::required_string(input, "SourceArn");
  if (!find_queue_by_arn(source_arn))
    throw ApiError("ResourceNotFoundException", "The resource that you specified for the SourceArn parameter doesn't exist.");
  auto max = input::optional_int(input, "MaxResults").value_or(1);
  if (max < 1 || max > 10)
    throw invalid_parameter("Value " + std::to_string(max) +
                            " for parameter MaxResults is invalid. Reason: Must be between 1 and 10.");
  Value results = Value::array();
  for (auto it = move_tasks_.rbegin(); it != move_tasks_.rend() && static_cast<std::int64_t>(results.as_array().size()) < max; ++it) {
    if ((*it)->source_arn == source_arn) results.push(task_to_value(**it));
  }
  Value result = Value::object();
  result.set("Results", std::move(results));
  return result;
}

Value SqsService::cancel_message_move_task(const RequestContext&, const Value& input) {
  const std::string& handle = input::required_string(input, "TaskHandle");
  auto it = std::find_if(move_tasks_.begin(), move_tasks_.end(), [&](const auto& t) { return t->handle == handle; });
  if (it == move_tasks_.end()) throw ApiError("ResourceNotFoundException", "Task does not exist.");
  MoveTask& task = **it;
  if (task.status != "RUNNING")
    throw ApiError("ResourceNotFoundException", "Only active tasks can be cancelled.");
  task.status = "CANCELLED";
  task.timer.reset();
  store_.save_move_task(task);
  Value result = Value::object();
  result.set("ApproximateNumberOfMessagesMoved", task.moved);
  return result;
}

}  // namespace stratus::sqs
