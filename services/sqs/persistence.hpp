#pragma once
// SQS's tables: every change to a queue or message is written through here, and the
// whole state is read back at start-up.
#include <functional>
#include <memory>

#include "services/sqs/message.hpp"
#include "services/sqs/queue.hpp"
#include "storage/database.hpp"

namespace stratus::sqs {

struct MoveTask;

class SqsStore {
 public:
  explicit SqsStore(storage::Database& db);

  // Calls `on_queue` for every stored queue, with its messages restored.
  void load(const std::function<void(std::unique_ptr<Queue>)>& on_queue);

  // Message move tasks, oldest first (running ones resume after a restart).
  void load_move_tasks(const std::function<void(std::shared_ptr<MoveTask>)>& on_task);
  void save_move_task(const MoveTask& task);
  void save_queue(const Queue& queue);
  void delete_queue(std::int64_t queue_id);
  void insert_message(std::int64_t queue_id, const Message& message);
  // Receive count, visibility and receipt of a message already stored.
  void save_deduplication(std::int64_t queue_id, const std::string& key, const Queue::Deduplicated& entry);
  void update_message(std::int64_t queue_id, const Message& message);
  void delete_message(std::int64_t queue_id, std::uint64_t seq);
  void purge(std::int64_t queue_id);
  void clear();

 private:
  storage::Database& db_;
};

}  // namespace stratus::sqs
