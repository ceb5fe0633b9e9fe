#pragma once
// The durable store: one SQLite database in WAL mode under the data directory, owned by
// a writer thread that commits many requests' changes in one transaction (group
// commit). A request's response waits in when_durable() until its changes are
// committed, so a success answer survives kill -9. The writer is woken once per burst
// of requests (through the callback executor), so one burst is one commit; a
// checkpoint thread folds the WAL into the database off the commit path.
//
// Ephemeral mode keeps no database at all: services hold their state in memory anyway,
// so writes are dropped and every change is "durable" at once.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/statement.hpp"

namespace stratus::storage {

using WriteOp = std::function<void(Connection&)>;
// Called once the changes enqueued before it are committed (ok) or failed to commit.
using DurableCallback = std::function<void(bool ok)>;
// Runs a task elsewhere: the writer hands each commit's callbacks over in one task, so
// that they run on the network threads instead of the writer's.
using Executor = std::function<void(std::function<void()>)>;

class Database {
 public:
  static std::unique_ptr<Database> open(const std::filesystem::path& data_dir);
  static std::unique_ptr<Database> ephemeral();
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  bool is_ephemeral() const { return connection_ == nullptr; }
  // Where when_durable callbacks run after a commit (default: on the writer thread).
  void set_callback_executor(Executor executor);
  // Called instead of reporting failure when a commit fails. The server stops there:
  // its in-memory state has run ahead of the disk, and only a restart (which reloads
  // what was committed) makes the two agree again.
  void set_commit_failure_handler(std::function<void()> handler) { failure_handler_ = std::move(handler); }

  // Brings a component's tables to the newest schema: steps[i] moves version i to i+1.
  void migrate(std::string_view component, const std::vector<std::string_view>& steps);
  // Runs `read` on the connection now (start-up loading); nothing when ephemeral.
  void read(const std::function<void(Connection&)>& read);
  // A read-only connection of its own for a service that reads while the writer
  // commits (WAL readers see every commit finished before a statement starts);
  // null when ephemeral.
  std::unique_ptr<Connection> reader() const;

  void write(WriteOp op);
  void when_durable(DurableCallback done);
  // Blocks until everything written so far is committed and its callbacks have run
  // (or, with an executor, have been handed to it).
  void flush();

 private:
  Database(std::unique_ptr<Connection> connection, std::unique_ptr<Connection> checkpointer, std::string path);
  void run_writer();
  void run_checkpoints();
  void wake_writer();
  bool commit(std::vector<WriteOp>& batch);

  std::unique_ptr<Connection> connection_;
  std::unique_ptr<Connection> checkpointer_;
  std::string path_;
  std::mutex connection_mutex_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable committed_cv_;
  std::vector<WriteOp> pending_;
  struct Waiter {
    std::uint64_t sequence;
    DurableCallback done;
  };
  std::deque<Waiter> waiters_;
  std::uint64_t enqueued_ = 0;
  std::uint64_t committed_ = 0;
  std::uint64_t settled_ = 0;  // committed, and their callbacks run or handed over
  bool stopping_ = false;
  bool writer_waiting_ = false;
  bool wake_scheduled_ = false;
  Executor executor_;
  std::function<void()> failure_handler_;
  bool writer_done_ = false;
  std::condition_variable checkpoint_wake_;
  std::thread writer_;
  std::thread checkpoint_thread_;
};

}  // namespace stratus::storage
