#include "storage/database.hpp"

#include <spdlog/spdlog.h>

namespace stratus::storage {

// Short rounds: a checkpoint fsyncs what it copied, and the less it copies, the less a
// commit waiting behind that fsync stalls.
constexpr auto kCheckpointInterval = std::chrono::milliseconds(200);
// PASSIVE checkpoints never make the WAL start over while commits keep coming, so under
// a steady load it would grow without end; past this size a RESTART checkpoint (which
// waits for the commit in progress and holds the next one back briefly) resets it.
constexpr std::uintmax_t kMaxWalBytes = 256 * 1024 * 1024;

std::unique_ptr<Database> Database::open(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  auto connection = std::make_unique<Connection>((data_dir / "stratus.db").string());
  connection->exec("PRAGMA journal_mode=WAL");
  // Checkpoints (which fsync) run on their own thread, never in a commit's path.
  connection->exec("PRAGMA wal_autocheckpoint=0");
  // NORMAL in WAL mode: a commit is in the OS before we answer, so it survives the
  // process being killed; only a power loss can take the last commits.
  connection->exec("PRAGMA synchronous=NORMAL");
  connection->exec("PRAGMA foreign_keys=ON");
  // A RESTART checkpoint holds the write lock for a moment: commits wait for it.
  connection->exec("PRAGMA busy_timeout=5000");
  // A WAL that was reset is cut back to this size rather than kept at its largest.
  connection->exec("PRAGMA journal_size_limit=" + std::to_string(kMaxWalBytes));
  connection->exec(
      "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  auto checkpointer = std::make_unique<Connection>((data_dir / "stratus.db").string());
  checkpointer->exec("PRAGMA busy_timeout=2000");
  return std::unique_ptr<Database>(new Database(std::move(connection), std::move(checkpointer), (data_dir / "stratus.db").string()));
}

std::unique_ptr<Database> Database::ephemeral() {
  return std::unique_ptr<Database>(new Database(nullptr, nullptr, ""));
}

Database::Database(std::unique_ptr<Connection> connection, std::unique_ptr<Connection> checkpointer, std::string path)
    : connection_(std::move(connection)), checkpointer_(std::move(checkpointer)), path_(std::move(path)) {
  if (connection_) {
    writer_ = std::thread([this] { run_writer(); });
    checkpoint_thread_ = std::thread([this] { run_checkpoints(); });
  }
}

Database::~Database() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    writer_waiting_ = false;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
  checkpoint_wake_.notify_all();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

void Database::run_checkpoints() {
  std::unique_lock lock(mutex_);
  while (true) {
    bool stop = checkpoint_wake_.wait_for(lock, kCheckpointInterval, [this] { return stopping_ && writer_done_; });
    lock.unlock();
    try {
      // PASSIVE never waits for the writer; the final one also empties the WAL file.
      checkpointer_->exec(stop ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(PASSIVE)");
      std::error_code ec;
      if (!stop && std::filesystem::file_size(path_ + "-wal", ec) > kMaxWalBytes && !ec)
        checkpointer_->exec("PRAGMA wal_checkpoint(RESTART)");
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

std::unique_ptr<Connection> Database::reader() const {
  if (!connection_) return nullptr;
  auto reader = std::make_unique<Connection>(path_);
  reader->exec("PRAGMA query_only=ON");
  return reader;
}

void Database::set_callback_executor(Executor executor) {
  std::lock_guard lock(mutex_);
  executor_ = std::move(executor);
}

void Database::write(WriteOp op) {
  if (!connection_) return;
  Executor executor;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(op));
    ++enqueued_;
    if (!writer_waiting_ || wake_scheduled_) return;  // a busy writer takes it after its commit
    wake_scheduled_ = true;
    executor = executor_;
  }
  // Waking the writer waits for the tasks already queued on the network threads, so
  // that the changes of one burst of requests go in one commit.
  if (executor) {
    executor([this] { wake_writer(); });
  } else {
    wake_writer();
  }
}

void Database::wake_writer() {
  {
    std::lock_guard lock(mutex_);
    wake_scheduled_ = false;
    writer_waiting_ = false;
  }
  wake_.notify_one();
}

void Database::when_durable(DurableCallback done) {
  {
    std::lock_guard lock(mutex_);
    if (committed_ < enqueued_) {
      waiters_.push_back({enqueued_, std::move(done)});
      return;
    }
  }
  done(true);
}

void Database::flush() {
  if (!connection_) return;
  std::unique_lock lock(mutex_);
  std::uint64_t target = enqueued_;
  // A wake-up still queued on a stopped network loop must not leave the writer asleep.
  wake_scheduled_ = false;
  writer_waiting_ = false;
  wake_.notify_one();
  committed_cv_.wait(lock, [&] { return settled_ >= target; });
}

bool Database::commit(std::vector<WriteOp>& batch) {
  std::lock_guard lock(connection_mutex_);
  try {
    connection_->prepared("BEGIN").run();
    for (auto& op : batch) op(*connection_);
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
  std::vector<WriteOp> batch;
  while (true) {
    std::uint64_t target;
    {
      std::unique_lock lock(mutex_);
      if (pending_.empty()) {
        writer_waiting_ = true;
        while (!stopping_ && writer_waiting_) wake_.wait(lock);
        writer_waiting_ = false;
      }
      if (pending_.empty()) {  // stopping, and everything is committed
        writer_done_ = true;
        checkpoint_wake_.notify_all();
        return;
      }
      batch.swap(pending_);
      target = enqueued_;
    }
    bool ok = commit(batch);
    if (!ok && failure_handler_) failure_handler_();
    std::vector<DurableCallback> ready;
    Executor executor;
    {
      std::lock_guard lock(mutex_);
      committed_ = target;
      executor = executor_;
      while (!waiters_.empty() && waiters_.front().sequence <= committed_) {
        ready.push_back(std::move(waiters_.front().done));
        waiters_.pop_front();
      }
    }
    // The committed changes are destroyed with the callbacks' task: memory allocated
    // on a network thread is freed there, which glibc does far faster than across threads.
    auto run_callbacks = [ready = std::move(ready), batch = std::move(batch), ok]() mutable {
      for (auto& done : ready) done(ok);
    };
    batch = {};
    if (executor) {
      executor(std::move(run_callbacks));
    } else {
      run_callbacks();
    }
    {
      std::lock_guard lock(mutex_);
      settled_ = target;
    }
    committed_cv_.notify_all();
  }
}

}  // namespace stratus::storage
