#include "storage/database.hpp"

#include <spdlog/spdlog.h>

namespace stratus::storage {

std::unique_ptr<Database> Database::open(const std::filesystem::path& data_dir) {
  std::filesystem::create_directories(data_dir);
  auto connection = std::make_unique<Connection>((data_dir / "stratus.db").string());
  connection->exec("PRAGMA journal_mode=WAL");
  // NORMAL in WAL mode: a commit is in the OS before we answer, so it survives the
  // process being killed; only a power loss can take the last commits.
  connection->exec("PRAGMA synchronous=NORMAL");
  connection->exec("PRAGMA foreign_keys=ON");
  connection->exec(
      "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  return std::unique_ptr<Database>(new Database(std::move(connection)));
}

std::unique_ptr<Database> Database::ephemeral() { return std::unique_ptr<Database>(new Database(nullptr)); }

Database::Database(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {
  if (connection_) writer_ = std::thread([this] { run_writer(); });
}

Database::~Database() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
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

void Database::write(WriteOp op) {
  if (!connection_) return;
  {
    std::lock_guard lock(mutex_);
    pending_.push_back(std::move(op));
    ++enqueued_;
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
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  when_durable([&](bool) {
    std::lock_guard lock(m);
    finished = true;
    cv.notify_one();
  });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return finished; });
}

bool Database::commit(std::vector<WriteOp>& batch) {
  std::lock_guard lock(connection_mutex_);
  try {
    connection_->exec("BEGIN");
    for (auto& op : batch) op(*connection_);
    connection_->exec("COMMIT");
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
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, and everything is committed
      batch.swap(pending_);
      target = enqueued_;
    }
    bool ok = commit(batch);
    batch.clear();
    std::vector<DurableCallback> ready;
    {
      std::lock_guard lock(mutex_);
      committed_ = target;
      while (!waiters_.empty() && waiters_.front().sequence <= committed_) {
        ready.push_back(std::move(waiters_.front().done));
        waiters_.pop_front();
      }
    }
    for (auto& done : ready) done(ok);
  }
}

}  // namespace stratus::storage
