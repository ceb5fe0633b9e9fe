#include "storage/snapshot_reader.hpp"

#include "storage/database.hpp"

namespace stratus::storage {
namespace {

// A checkpoint that has to reset the WAL waits this long at most for a busy reader.
constexpr auto kMaxSnapshotAge = std::chrono::milliseconds(50);

}  // namespace

SnapshotReader::SnapshotReader(const Database& db, std::unique_ptr<Connection> connection)
    : db_(db), connection_(std::move(connection)) {}

SnapshotReader::~SnapshotReader() {
  try {
    release();
  } catch (const StorageError&) {
    // the connection's close ends the transaction anyway
  }
}

std::uint64_t SnapshotReader::refresh() {
  std::uint64_t committed = db_.last_committed();
  auto now = std::chrono::steady_clock::now();
  if (open_ && (committed != committed_ || now - began_ > kMaxSnapshotAge) && !connection_->statement_active()) end();
  if (!open_) {
    // The snapshot is taken by the first read after BEGIN, so it holds at least what
    // was committed before this point.
    connection_->prepared("BEGIN").run();
    open_ = true;
    committed_ = committed;
    began_ = now;
  }
  return committed_;
}

void SnapshotReader::release() {
  if (open_ && !connection_->statement_active()) end();
}

void SnapshotReader::end() {
  open_ = false;
  connection_->prepared("COMMIT").run();
}

}  // namespace stratus::storage
