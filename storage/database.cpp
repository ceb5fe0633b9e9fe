#include "storage/database.hpp"

#include <pthread.h>
#include <sched.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <memory>

namespace stratus::storage {

// Short rounds: a checkpoint fsyncs what it copied, and the less it copies, the less a
// commit waiting behind that fsync stalls.
constexpr auto kCheckpointInterval = std::chrono::milliseconds(200);
// PASSIVE checkpoints never make the WAL start over while commits keep coming, so under
// a steady load it would grow without end; past this size a RESTART checkpoint (which
// waits for the commit in progress and holds the next one back briefly) resets it.
constexpr std::uintmax_t kMaxWalBytes = 256 * 1024 * 1024;
// Journaled changes not yet in SQLite are held in memory (and, for some services, read
// from there); past this much a write waits for the writer to catch up.
constexpr std::size_t kMaxUnappliedBytes = 32 * 1024 * 1024;
// The writer gathers journaled changes for this long, or until it has this many bytes
// of them, before it commits: nobody waits for a commit, and each one costs a WAL
// frame for every page it touched, however few of its rows changed.
constexpr auto kGatherTime = std::chrono::milliseconds(100);
constexpr std::size_t kGatherBytes = 4 * 1024 * 1024;
// A writer that fell behind catches up in commits of at most this much, so that writes
// waiting for room get it before all that waits is in; not much less, though: a bulk
// load keeps the writer behind, and smaller commits write the same pages more often.
constexpr std::size_t kMaxCommitBytes = kMaxUnappliedBytes / 2;
// While it applies a batch, the writer lets a waiting request thread have its core
// this often.
constexpr auto kWriterYieldInterval = std::chrono::milliseconds(1);
// Page caches: a working set of some tens of thousands of items stays in the reader's
// own pages instead of being copied in from the file cache on every read, and the
// writer keeps the index pages that every insert looks up.
constexpr int kReaderCacheKiB = 32 * 1024;
constexpr int kWriterCacheKiB = 32 * 1024;
// Applied changes are handed back for freeing this many at a time.
constexpr std::size_t kReleaseSlice = 32;
// A replay commits this many journal records at a time.
constexpr std::size_t kReplayBatch = 1000;

namespace {

// Storage threads do work nobody waits for, so they run below the request threads; not
// at the lowest priority, though: at nice 19 any other busy process on the machine
// starved the writer until writes waited for room behind it for 100 ms and more.
void lower_priority() { setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 5); }

// Frees `changes` on the executor's thread a slice at a time, each slice queued behind
// whatever is already waiting there (slices posted all at once would run back to back).
void release_gradually(const Executor& executor, std::shared_ptr<std::vector<std::string>> changes) {
  executor([executor, changes] {
    changes->resize(changes->size() > kReleaseSlice ? changes->size() - kReleaseSlice : 0);
    if (!changes->empty()) release_gradually(executor, changes);
  });
}

std::uint64_t applied_sequence(Connection& c) {
  c.exec("CREATE TABLE IF NOT EXISTS storage_journal (id INTEGER PRIMARY KEY CHECK (id = 0), applied INTEGER NOT NULL)");
  c.exec("INSERT OR IGNORE INTO storage_journal (id, applied) VALUES (0, 0)");
  auto& s = c.prepared("SELECT applied FROM storage_journal");
  ResetOnExit reset{s};
  return s.step() ? static_cast<std::uint64_t>(s.column_int(0)) : 0;
}

void set_applied(Connection& c, std::uint64_t sequence) {
  c.prepared("UPDATE storage_journal SET applied = ?").bind(1, static_cast<std::int64_t>(sequence)).run();
}

// Applies the journal records past `applied` (what the last run acknowledged but did
// not commit) and empties the journal; returns the last sequence number used. A record
// that no longer applies is logged and skipped rather than keeping the server down.
std::uint64_t replay(Connection& c, Journal& journal, std::uint64_t applied) {
  std::size_t in_transaction = 0, replayed = 0;
  ChangeApplier applier(c);
  auto finish_transaction = [&] {
    applier.finish();
    set_applied(c, applied);
    c.exec("COMMIT");
    in_transaction = 0;
  };
  journal.replay(applied, [&](std::uint64_t sequence, std::string_view changes) {
    if (in_transaction == 0) c.exec("BEGIN");
    c.exec("SAVEPOINT record");
    try {
      applier.apply(changes);
    } catch (const std::exception& e) {
      spdlog::error("storage: journal record {} does not apply, skipped: {}", sequence, e.what());
      c.exec("ROLLBACK TO record");
    }
    c.exec("RELEASE record");
    applied = sequence;
    ++replayed;
    if (++in_transaction == kReplayBatch) finish_transaction();
  });
  if (in_transaction > 0) finish_transaction();
  if (replayed > 0) spdlog::info("storage: replayed {} journal records", replayed);
  journal.clear();
  return applied;
}

}  // namespace

std::unique_ptr<Database> Database::open(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  auto lock = std::make_unique<DirectoryLock>(data_dir);
  auto connection = std::make_unique<Connection>((data_dir / "stratus.db").string());
  // A new database only (an existing one keeps its size). Every page a commit touches
  // costs the writer two writes to the WAL and the checkpoint another copy, whatever
  // its size: 16 KiB pages made loads of 1 KB items 10-15% faster than 4 KiB ones and
  // cut the writer's CPU by a third, random keys included (2 million of them).
  connection->exec("PRAGMA page_size=16384");
  connection->exec("PRAGMA journal_mode=WAL");
  // Checkpoints (which fsync) run on their own thread, never in a commit's path.
  connection->exec("PRAGMA wal_autocheckpoint=0");
  // NORMAL in WAL mode: a commit is in the OS before we answer, so it survives the
  // process being killed; only a power loss can take the last commits.
  connection->exec("PRAGMA synchronous=NORMAL");
  connection->exec("PRAGMA foreign_keys=ON");
  connection->exec("PRAGMA cache_size=-" + std::to_string(kWriterCacheKiB));
  // A RESTART checkpoint holds the write lock for a moment: commits wait for it.
  connection->exec("PRAGMA busy_timeout=5000");
  // A WAL that was reset is cut back to this size rather than kept at its largest.
  connection->exec("PRAGMA journal_size_limit=" + std::to_string(kMaxWalBytes));
  connection->exec(
      "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  auto journal = std::make_unique<Journal>(data_dir / "journal");
  std::uint64_t applied = replay(*connection, *journal, applied_sequence(*connection));
  auto checkpointer = std::make_unique<Connection>((data_dir / "stratus.db").string());
  checkpointer->exec("PRAGMA busy_timeout=2000");
  return std::unique_ptr<Database>(new Database(std::move(lock), std::move(connection), std::move(checkpointer),
                                                (data_dir / "stratus.db").string(), std::move(journal), applied));
}

std::unique_ptr<Database> Database::ephemeral() {
  return std::unique_ptr<Database>(new Database(nullptr, nullptr, nullptr, "", nullptr, 0));
}

Database::Database(std::unique_ptr<DirectoryLock> lock, std::unique_ptr<Connection> connection,
                   std::unique_ptr<Connection> checkpointer, std::string path, std::unique_ptr<Journal> journal,
                   std::uint64_t applied)
    : directory_lock_(std::move(lock)),
      connection_(std::move(connection)),
      checkpointer_(std::move(checkpointer)),
      path_(std::move(path)),
      journal_(std::move(journal)),
      journaled_(applied),
      settled_(applied),
      written_(applied),
      committed_(applied) {
  if (connection_) {
    writer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "db-writer");
      lower_priority();
      run_writer();
    });
    checkpoint_thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "db-checkpoint");
      lower_priority();
      run_checkpoints();
    });
  }
}

Database::~Database() {
  if (connection_) flush_journal();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  room_.notify_all();
  if (writer_.joinable()) writer_.join();
  checkpoint_wake_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void Database::run_checkpoints() {
  std::unique_lock lock(mutex_);
  while (true) {
    bool stop = checkpoint_wake_.wait_for(lock, kCheckpointInterval, [this] { return stopping_ && writer_done_; });
    std::uint64_t applied = last_committed();
    bool all_applied = applied == journaled_;
    lock.unlock();
    try {
      // PASSIVE never waits for the writer; the final one also empties the WAL file.
      checkpointer_->exec(stop ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)");
      std::error_code ec;
      if (!stop && std::filesystem::file_size(path_ + "-wal", ec) > kMaxWalBytes && !ec)
        checkpointer_->exec("PRAGMA wal_checkpoint(RESTART)");
      // A checkpoint syncs SQLite's WAL first, so what was committed before it is on
      // disk: the journal records up to there are no longer needed.
      if (stop && all_applied) {
        journal_->clear();
      } else {
        journal_->release(applied);
      }
    } catch (const std::exception& e) {
      spdlog::warn("storage: checkpoint failed: {}", e.what());
    }
    if (stop) return;
    lock.lock();
  }
}

void Database::migrate(std::string_view component, const std::vector<std::string_view>& steps) {
  if (!connection_) return;
  std::lock_guard lock(connection_mutex_);
  auto& select = connection_->prepared("SELECT version FROM schema_versions WHERE component = ?");
  select.bind(1, component);
  std::int64_t version = select.step() ? select.column_int(0) : 0;
  select.reset();
  if (version > static_cast<std::int64_t>(steps.size()))
    throw StorageError(std::string(component) + " data was written by a newer version of Stratus");
  for (auto i = static_cast<size_t>(version); i < steps.size(); ++i) {
    connection_->exec("BEGIN");
    try {
      connection_->exec(std::string(steps[i]));
      auto& upsert = connection_->prepared(
          "INSERT INTO schema_versions (component, version) VALUES (?, ?) "
          "ON CONFLICT(component) DO UPDATE SET version = excluded.version");
      upsert.bind(1, component).bind(2, static_cast<std::int64_t>(i + 1)).run();
      connection_->exec("COMMIT");
    } catch (...) {
      connection_->exec("ROLLBACK");
      throw;
    }
  }
}

void Database::read(const std::function<void(Connection&)>& read) {
  if (!connection_) return;
  std::lock_guard lock(connection_mutex_);
  read(*connection_);
}

std::unique_ptr<SnapshotReader> Database::reader() const {
  if (!connection_) return nullptr;
  auto reader = std::make_unique<Connection>(path_);
  reader->exec("PRAGMA query_only=ON");
  reader->exec("PRAGMA cache_size=-" + std::to_string(kReaderCacheKiB));
  return std::make_unique<SnapshotReader>(*this, std::move(reader));
}

void Database::set_executor(Executor executor) {
  std::lock_guard lock(mutex_);
  executor_ = std::move(executor);
}

void Database::record(std::string recorded) {
  bool flush_now = false;
  {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [this] { return unapplied_bytes_ < kMaxUnappliedBytes || stopping_; });
    if (journal_failed_) return;
    unapplied_bytes_ += recorded.size();
    std::uint64_t sequence = last_written() + 1;  // only ever changed under the lock
    unjournaled_.push_back({sequence, std::move(recorded)});
    written_.store(sequence, std::memory_order_release);
    if (!executor_) {
      flush_now = true;
    } else if (!journal_flush_posted_) {
      // Runs after the requests already waiting on the network thread: the writes of a
      // burst of requests go to the journal in one append.
      journal_flush_posted_ = true;
      executor_([this] { flush_journal(); });
    }
  }
  if (flush_now) flush_journal();
}

void Database::flush_journal() {
  std::vector<DurableCallback> ready;
  bool ok, failed_now = false, wake = false;
  {
    std::lock_guard lock(mutex_);
    journal_flush_posted_ = false;
    if (!unjournaled_.empty() && !journal_failed_) {
      std::vector<Journal::Record> records;
      records.reserve(unjournaled_.size());
      for (const auto& [sequence, changes] : unjournaled_) records.push_back({sequence, changes});
      try {
        journal_->append(records);
      } catch (const std::exception& e) {
        spdlog::error("storage: {}", e.what());
        journal_failed_ = failed_now = true;
      }
      if (!failed_now) {
        journaled_ = unjournaled_.back().first;
        // The writer sleeps until there is work, then gathers for a while unless there
        // is plenty already.
        wake = pending_.empty() || unapplied_bytes_ >= kGatherBytes;
        for (auto& [sequence, changes] : unjournaled_) pending_.push_back(std::move(changes));
      }
      unjournaled_.clear();
    }
    ready.swap(durable_waiters_);
    ok = !journal_failed_;
  }
  if (wake) wake_.notify_one();
  for (auto& done : ready) done(ok);
  if (failed_now && failure_handler_) failure_handler_();
}

void Database::when_durable(DurableCallback done) {
  bool ok, flush_now = false;
  {
    std::lock_guard lock(mutex_);
    ok = !journal_failed_;
    if (ok && !unjournaled_.empty()) {
      durable_waiters_.push_back(std::move(done));
      if (executor_) return;  // the flush posted with the first of them answers
      flush_now = true;
    }
  }
  if (flush_now) {
    flush_journal();
  } else {
    done(ok);
  }
}

void Database::flush() {
  if (!connection_) return;
  flush_journal();
  std::unique_lock lock(mutex_);
  std::uint64_t target = journaled_;
  hurry_ = true;
  wake_.notify_one();
  committed_cv_.wait(lock, [&] { return settled_ >= target; });
}

bool Database::commit(const std::vector<std::string>& batch, std::uint64_t last_sequence) {
  std::lock_guard lock(connection_mutex_);
  try {
    connection_->prepared("BEGIN").run();
    auto last_yield = std::chrono::steady_clock::now();
    ChangeApplier applier(*connection_);
    for (const auto& changes : batch) {
      applier.apply(changes);
      if (std::chrono::steady_clock::now() - last_yield > kWriterYieldInterval) {
        sched_yield();
        last_yield = std::chrono::steady_clock::now();
      }
    }
    applier.finish();
    set_applied(*connection_, last_sequence);
    connection_->prepared("COMMIT").run();
    return true;
  } catch (const std::exception& e) {
    spdlog::error("storage: commit of {} changes failed: {}", batch.size(), e.what());
    try {
      connection_->exec("ROLLBACK");
    } catch (const std::exception&) {
    }
    return false;
  }
}

void Database::run_writer() {
  while (true) {
    std::vector<std::string> batch;
    std::uint64_t target;
    std::size_t bytes = 0;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      // Nobody's answer waits for this commit, and one transaction of many writes costs
      // far less than many of a few.
      wake_.wait_for(lock, kGatherTime, [this] { return stopping_ || hurry_ || unapplied_bytes_ >= kGatherBytes; });
      if (pending_.empty()) {  // stopping, and everything is committed
        writer_done_ = true;
        checkpoint_wake_.notify_all();
        return;
      }
      while (!pending_.empty() && bytes < kMaxCommitBytes) {
        bytes += pending_.front().size();
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      if (pending_.empty()) hurry_ = false;
      target = journaled_ - pending_.size();
    }
    bool ok = commit(batch, target);
    if (!ok && failure_handler_) failure_handler_();
    Executor executor;
    {
      std::lock_guard lock(mutex_);
      if (ok) committed_.store(target, std::memory_order_release);
      unapplied_bytes_ -= bytes;
      executor = executor_;
    }
    room_.notify_all();
    // Memory allocated on a network thread is freed there, which glibc does far faster
    // than across threads, a slice at a time so that no request waits for all of it.
    if (executor) release_gradually(executor, std::make_shared<std::vector<std::string>>(std::move(batch)));
    {
      std::lock_guard lock(mutex_);
      settled_ = target;
    }
    committed_cv_.notify_all();
  }
}

}  // namespace stratus::storage
