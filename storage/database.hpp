#pragma once
// The durable store: one SQLite database in WAL mode under the data directory, fed by a
// journal. A write records its statements (Changes), which go to the journal
// (journal.hpp) on a network thread, a burst of requests' writes in one append: from
// then on they survive kill -9, and when_durable answers. A writer thread applies the
// journaled changes to SQLite in large transactions off every request's path, and
// last_committed() tells how far they are there (for readers of the database's own
// connections); a checkpoint thread folds SQLite's WAL into the database file and
// lets applied journal segments go. A start-up replays the journal records the
// database had not applied.
//
// Ephemeral mode keeps no database at all: services hold their state in memory anyway,
// so writes are dropped and every change is "durable" at once.
#include <atomic>
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
#include <utility>
#include <vector>

#include "storage/changes.hpp"
#include "storage/directory_lock.hpp"
#include "storage/journal.hpp"
#include "storage/snapshot_reader.hpp"
#include "storage/statement.hpp"

namespace stratus::storage {

// Called once the changes written before it are durable, with ok, or failed to be.
using DurableCallback = std::function<void(bool ok)>;
// Runs a task later on a network thread.
using Executor = std::function<void(std::function<void()>)>;

class Database {
 public:
  // Throws StorageError when another process has the directory open.
  static std::unique_ptr<Database> open(const std::filesystem::path& data_dir);
  static std::unique_ptr<Database> ephemeral();
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  bool is_ephemeral() const { return connection_ == nullptr; }
  // Where the database runs work it defers to the network threads: journal appends,
  // so that a burst of requests' writes go out in one, and freeing applied changes on
  // the thread that allocated them. Without one, writes are journaled at once and
  // applied changes are freed on the writer thread. The executor must run tasks later,
  // never inside the call (a write hands one over while holding the database's lock).
  void set_executor(Executor executor);
  // Called when a journal append or a commit fails. The server stops there: its
  // in-memory state has run ahead of the disk, and only a restart (which reloads what
  // was kept) makes the two agree again.
  void set_commit_failure_handler(std::function<void()> handler) { failure_handler_ = std::move(handler); }

  // Brings a component's tables to the newest schema: steps[i] moves version i to i+1.
  void migrate(std::string_view component, const std::vector<std::string_view>& steps);
  // Runs `read` on the connection now (start-up loading); nothing when ephemeral.
  void read(const std::function<void(Connection&)>& read);
  // A read-only connection of its own for a service that reads while the writer
  // commits; null when ephemeral.
  std::unique_ptr<SnapshotReader> reader() const;

  // Records the changes `op(Changes&)` makes for the journal, calling it at once (it may
  // take what it records by reference); waits first while the writer is far behind (so
  // that memory stays bounded).
  template <typename Op>
  void write(Op&& op) {
    if (!connection_) return;
    Changes changes;
    op(changes);
    if (!changes.empty()) record(changes.take());
  }
  // `done` runs once everything written before it survives kill -9: once it is in the
  // journal (at once when it is already, or when the journal failed).
  void when_durable(DurableCallback done);
  // Writes are numbered in the order they are journaled, on from the last run's: the
  // number of the last one, and the number through which SQLite has committed them,
  // where the reader() connections see them (a write whose commit failed is passed by
  // the next commit).
  std::uint64_t last_written() const { return written_.load(std::memory_order_acquire); }
  std::uint64_t last_committed() const { return committed_.load(std::memory_order_acquire); }
  // Blocks until everything written so far is committed (or failed to be) and handed
  // back for freeing.
  void flush();

 private:
  Database(std::unique_ptr<DirectoryLock> lock, std::unique_ptr<Connection> connection,
           std::unique_ptr<Connection> checkpointer, std::string path, std::unique_ptr<Journal> journal,
           std::uint64_t applied);
  void record(std::string recorded);
  void flush_journal();
  void run_writer();
  void run_checkpoints();
  bool commit(const std::vector<std::string>& batch, std::uint64_t last_sequence);

  std::unique_ptr<DirectoryLock> directory_lock_;  // held until everything else is closed
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<Connection> checkpointer_;
  std::string path_;
  std::unique_ptr<Journal> journal_;
  std::mutex connection_mutex_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable committed_cv_;
  std::condition_variable room_;
  std::vector<std::pair<std::uint64_t, std::string>> unjournaled_;  // written, by number
  std::vector<DurableCallback> durable_waiters_;                       // for unjournaled_
  bool journal_flush_posted_ = false;
  std::deque<std::string> pending_;  // journaled changes the writer has not taken yet
  std::size_t unapplied_bytes_ = 0;  // unjournaled, pending or being committed
  std::uint64_t journaled_ = 0;
  std::uint64_t settled_ = 0;  // committed or failed to be, and handed back
  // Written (and committed) under the lock, read without it.
  std::atomic<std::uint64_t> written_{0};
  std::atomic<std::uint64_t> committed_{0};
  bool stopping_ = false;
  bool hurry_ = false;  // flush() wants the next commit now
  bool journal_failed_ = false;
  Executor executor_;
  std::function<void()> failure_handler_;
  bool writer_done_ = false;
  std::condition_variable checkpoint_wake_;
  std::thread writer_;
  std::thread checkpoint_thread_;
};

}  // namespace stratus::storage
