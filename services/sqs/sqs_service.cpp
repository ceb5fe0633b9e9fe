#include "services/sqs/sqs_service.hpp"

#include <spdlog/spdlog.h>

#include "services/input.hpp"
#include "services/operations.hpp"
#include "services/sqs/move_task.hpp"
#include "services/sqs/names.hpp"

namespace stratus::sqs {
namespace {

std::string queue_key(const std::string& account, const std::string& region, const std::string& name) {
  return account + "/" + region + "/" + name;
}

}  // namespace

const OperationTable<SqsService>& SqsService::operations() {
  static const OperationTable<SqsService> table = {
      {"AddPermission", {&SqsService::add_permission}},
      {"CancelMessageMoveTask", {&SqsService::cancel_message_move_task}},
      {"ChangeMessageVisibility", {&SqsService::change_message_visibility}},
      {"ChangeMessageVisibilityBatch", {&SqsService::change_message_visibility_batch}},
      {"CreateQueue", {&SqsService::create_queue}},
      {"DeleteMessage", {&SqsService::delete_message}},
      {"DeleteMessageBatch", {&SqsService::delete_message_batch}},
      {"DeleteQueue", {&SqsService::delete_queue}},
      {"GetQueueAttributes", {&SqsService::get_queue_attributes}},
      {"GetQueueUrl", {&SqsService::get_queue_url}},
      {"ListDeadLetterSourceQueues", {&SqsService::list_dead_letter_source_queues}},
      {"ListMessageMoveTasks", {&SqsService::list_message_move_tasks}},
      {"ListQueueTags", {&SqsService::list_queue_tags}},
      {"ListQueues", {&SqsService::list_queues}},
      {"PurgeQueue", {&SqsService::purge_queue}},
      {"ReceiveMessage", {nullptr, &SqsService::receive_message}},
      {"RemovePermission", {&SqsService::remove_permission}},
      {"SendMessage", {&SqsService::send_message}},
      {"SendMessageBatch", {&SqsService::send_message_batch}},
      {"SetQueueAttributes", {&SqsService::set_queue_attributes}},
      {"StartMessageMoveTask", {&SqsService::start_message_move_task}},
      {"TagQueue", {&SqsService::tag_queue}},
      {"UntagQueue", {&SqsService::untag_queue}},
  };
  return table;
}

SqsService::SqsService(storage::Database& db, Scheduler& scheduler) : store_(db), scheduler_(scheduler) {
  store_.load([this](std::unique_ptr<Queue> queue) {
    next_queue_id_ = std::max(next_queue_id_, queue->id() + 1);
    auto key = queue_key(queue->account(), queue->region(), queue->name());
    queues_.emplace(std::move(key), std::move(queue));
  });
  store_.load_move_tasks([this](std::shared_ptr<MoveTask> task) {
    move_tasks_.push_back(task);
    if (task->status != "RUNNING") return;
    scheduler_.post([this, task] {
      std::lock_guard lock(mutex_);
      if (task->status == "RUNNING") run_move_task(task);
    });
  });
  if (!queues_.empty()) spdlog::info("sqs: restored {} queues", queues_.size());
}

SqsService::~SqsService() = default;

void SqsService::call(std::string_view operation, const RequestContext& context, Value input, Reply reply) {
  dispatch(*this, operations(), mutex_, operation, context, input, reply);
}

void SqsService::reset() {
  std::lock_guard lock(mutex_);
  for (auto& [key, queue] : queues_) finish_all_waiters(*queue);
  for (auto& task : move_tasks_) task->timer.reset();
  move_tasks_.clear();
  queues_.clear();
  store_.clear();
}

void SqsService::shutdown() {
  std::lock_guard lock(mutex_);
  stopping_ = true;
  for (auto& [key, queue] : queues_) finish_all_waiters(*queue);
  for (auto& task : move_tasks_) task->timer.reset();
}

Queue* SqsService::find_queue(const std::string& account, const std::string& region, const std::string& name) {
  auto it = queues_.find(queue_key(account, region, name));
  return it == queues_.end() ? nullptr : it->second.get();
}

Queue* SqsService::find_queue_by_arn(const std::string& arn) {
  auto parsed = parse_queue_arn(arn);
  return parsed ? find_queue(parsed->account, parsed->region, parsed->name) : nullptr;
}

Queue& SqsService::queue_for(const RequestContext& context, const Value& input) {
  const std::string& url = input::required_string(input, "QueueUrl");
  auto address = parse_queue_url(url);
  Queue* queue = address ? find_queue(address->account.empty() ? context.account : address->account,
                                      context.region, address->name)
                         : nullptr;
  if (!queue) throw ApiError("QueueDoesNotExist", "The specified queue does not exist.");
  return *queue;
}

void SqsService::remove_queue(Queue& queue) {
  finish_all_waiters(queue);
  store_.delete_queue(queue.id());
  queues_.erase(queue_key(queue.account(), queue.region(), queue.name()));
}

}  // namespace stratus::sqs
