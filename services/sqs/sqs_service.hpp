#pragma once
// Amazon SQS. The operation table in sqs_service.cpp lists the whole API; the
// operations live by family in queue_operations.cpp, message_operations.cpp and
// move_tasks.cpp.
//
// Concurrency: one mutex guards all SQS state. It is held only for in-memory work;
// writes go to the storage writer's queue, and long polls wait on timers, not threads.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/operations.hpp"
#include "services/service.hpp"
#include "services/sqs/persistence.hpp"
#include "services/sqs/queue.hpp"

namespace stratus::sqs {

struct ReceiveOptions {
  std::size_t max_messages = 1;
  std::int64_t visibility_s = 30;
  std::int64_t wait_s = 0;
  std::vector<std::string> system_attribute_names;
  std::vector<std::string> message_attribute_names;
  std::string attempt_id;
};

struct Waiter {
  Queue* queue;  // valid while !done: deleting a queue finishes its waiters first
  ReceiveOptions options;
  Reply reply;
  std::int64_t deadline_ms;
  std::unique_ptr<Timer> timer;
  bool done = false;
};

struct MoveTask;

class SqsService : public Service {
 public:
  SqsService(storage::Database& db, Scheduler& scheduler);
  ~SqsService() override;

  std::string_view name() const override { return "sqs"; }
  void call(std::string_view operation, const RequestContext& context, Value input, Reply reply) override;
  void reset() override;
  void shutdown() override;

 private:
  static const OperationTable<SqsService>& operations();

  // queue_operations.cpp
  Value create_queue(const RequestContext&, const Value&);
  Value get_queue_url(const RequestContext&, const Value&);
  Value list_queues(const RequestContext&, const Value&);
  Value delete_queue(const RequestContext&, const Value&);
  Value purge_queue(const RequestContext&, const Value&);
  Value get_queue_attributes(const RequestContext&, const Value&);
  Value set_queue_attributes(const RequestContext&, const Value&);
  Value tag_queue(const RequestContext&, const Value&);
  Value untag_queue(const RequestContext&, const Value&);
  Value list_queue_tags(const RequestContext&, const Value&);
  Value add_permission(const RequestContext&, const Value&);
  Value remove_permission(const RequestContext&, const Value&);
  Value list_dead_letter_source_queues(const RequestContext&, const Value&);

  // message_operations.cpp
  Value send_message(const RequestContext&, const Value&);
  Value send_message_batch(const RequestContext&, const Value&);
  void receive_message(const RequestContext&, const Value&, Reply&);
  Value delete_message(const RequestContext&, const Value&);
  Value delete_message_batch(const RequestContext&, const Value&);
  Value change_message_visibility(const RequestContext&, const Value&);
  Value change_message_visibility_batch(const RequestContext&, const Value&);

  // move_tasks.cpp
  Value start_message_move_task(const RequestContext&, const Value&);
  Value list_message_move_tasks(const RequestContext&, const Value&);
  Value cancel_message_move_task(const RequestContext&, const Value&);
  // One tick of a task: moves what its rate allows, stores its progress, and arms the
  // next tick while it runs.
  void run_move_task(const std::shared_ptr<MoveTask>& task);
  void move_some(MoveTask& task);

  // Queues: lookup (throwing QueueDoesNotExist) and lifecycle.
  Queue* find_queue(const std::string& account, const std::string& region, const std::string& name);
  Queue* find_queue_by_arn(const std::string& arn);
  Queue& queue_for(const RequestContext& context, const Value& input);
  void apply_attributes(Queue& queue, const std::map<std::string, std::string>& attributes);
  // A RedrivePolicy must name an existing queue of the same type, as AWS requires.
  void check_dead_letter_target(const std::string& account, const std::string& region, bool fifo,
                                const std::map<std::string, std::string>& attributes);
  void remove_queue(Queue& queue);

  // Messages
  Value enqueue(const RequestContext& context, Queue& queue, const Value& entry);
  Value receive_now(Queue& queue, const ReceiveOptions& options);
  Value repeat_attempt(Queue& queue, const std::vector<std::uint64_t>& seqs, const ReceiveOptions& options);
  Value message_to_value(const Queue& queue, const Message& m, const ReceiveOptions& options) const;
  enum class Move { ToDeadLetterQueue, BackFromDeadLetterQueue };
  // Moves a message between queues; returns its seq in the target.
  std::uint64_t move_message(Queue& source, Queue& target, std::uint64_t seq, Move kind);
  void delete_by_receipt(Queue& queue, const std::string& receipt_handle);
  void change_visibility(Queue& queue, const std::string& receipt_handle, std::int64_t timeout_s);
  std::vector<std::uint64_t> expire(Queue& queue, std::int64_t now_ms);

  // Long polling
  void arm(const std::shared_ptr<Waiter>& waiter);
  void on_waiter_timer(const std::shared_ptr<Waiter>& waiter);
  void wake_waiters(Queue& queue);
  // Wakes a queue's waiters after the current operation, never inside it (a receive
  // may move messages into a queue whose waiters would receive re-entrantly).
  void schedule_wake(const std::string& queue_arn);
  void finish_waiter(const std::shared_ptr<Waiter>& waiter, Value result);
  void finish_all_waiters(Queue& queue);

  std::mutex mutex_;
  // Keyed "account/region/name", so one account and region's queues are a sorted range.
  std::map<std::string, std::unique_ptr<Queue>> queues_;
  std::int64_t next_queue_id_ = 1;
  bool stopping_ = false;
  std::vector<std::shared_ptr<MoveTask>> move_tasks_;
  SqsStore store_;
  Scheduler& scheduler_;
};

}  // namespace stratus::sqs
