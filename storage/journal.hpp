#pragma once
// The journal: every write's recorded changes, appended to a file (a burst of writes
// with one write(2)) before the writes are acknowledged. Once the bytes are in the
// operating system they survive kill -9 of the server, so an answer need not wait for
// the database's commit; the writer thread applies the changes to SQLite afterwards, in
// large transactions, and a start-up replays whatever the database had not applied yet.
//
// Records sit in segment files named by their first sequence number; a segment is
// deleted once the database holds every record in it. Each record is
//   u32 payload length, u32 crc32 of sequence and payload, u64 sequence, payload,
// so a record cut short by a crash mid-append is recognised and ignored (its write
// was never acknowledged).
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <span>
#include <string_view>

namespace stratus::storage {

class Journal {
 public:
  using Visitor = std::function<void(std::uint64_t sequence, std::string_view payload)>;

  explicit Journal(std::filesystem::path dir);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Every intact record with a sequence above `after`, in order; stops at the first
  // damaged one (the tail of a crash).
  void replay(std::uint64_t after, const Visitor& visit) const;
  // Deletes every segment (after a replay has put them all in the database).
  void clear();

  struct Record {
    std::uint64_t sequence;
    std::string_view payload;
  };
  // Appends records, in one write(2) where they fit (sequences must increase); throws
  // StorageError if the operating system does not take all of them.
  void append(std::span<const Record> records);
  // Deletes the segments whose records are all at or below `applied`.
  void release(std::uint64_t applied);

 private:
  void open_segment(std::uint64_t first_sequence);

  std::filesystem::path dir_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, std::filesystem::path> segments_;  // by first sequence
  int fd_ = -1;
  std::uint64_t segment_bytes_ = 0;
};

}  // namespace stratus::storage
