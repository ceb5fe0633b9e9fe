#pragma once
// A read-only connection that keeps one snapshot (an open read transaction) across
// many reads. Starting and ending a transaction for every statement takes file locks
// and walks the WAL index each time, about a quarter of a point read's cost; the
// snapshot only has to move on when the database has committed something new.
//
// A snapshot holds back checkpoints past it, so it also moves on when it grows old,
// and release() ends it when no reads come (callers do so from a periodic task).
#include <chrono>
#include <cstdint>
#include <memory>

#include "storage/statement.hpp"

namespace stratus::storage {

class Database;

class SnapshotReader {
 public:
  SnapshotReader(const Database& db, std::unique_ptr<Connection> connection);
  ~SnapshotReader();
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;

  // Readies the connection for a read, on a newer snapshot when there is one (unless a
  // read is still part-way through this one). Returns the number of the last write the
  // snapshot is sure to hold (Database::last_committed when it began).
  std::uint64_t refresh();
  // Ends the snapshot, unless a read is part-way through it.
  void release();
  Connection& connection() { return *connection_; }

 private:
  void end();

  const Database& db_;
  std::unique_ptr<Connection> connection_;
  bool open_ = false;
  std::uint64_t committed_ = 0;
  std::chrono::steady_clock::time_point began_;
};

}  // namespace stratus::storage
