#pragma once
// The statements one write makes, recorded as bytes instead of run: the database
// journals the bytes before anything else (so the write survives kill -9 from then on)
// and its writer thread runs them later, in a transaction with others (ChangeApplier).
// A write states its changes with the same calls it would make on a Connection:
//   changes.prepared("INSERT INTO t (a, b) VALUES (?, ?)").bind(1, a).bind_blob(2, b).run();
// Counters that every write adds to (a table's item count) are additions instead: the
// applier sums a transaction's additions to a row and updates the row once.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace stratus::storage {

class Connection;

class Changes {
 public:
  // The statement being recorded, written straight into the recording; it counts once
  // run() is called (a statement prepared and not run leaves nothing).
  class Statement {
   public:
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind_null(int index);
    // A blob that `write(std::string& out)` appends straight into the recording: a value
    // encoded only to be recorded is not copied once more.
    template <typename Write>
    Statement& bind_blob_written(int index, Write&& write);
    void run();

   private:
    friend class Changes;
    explicit Statement(Changes& owner) : owner_(owner) {}
    void add_parameter(int index, char type);

    Changes& owner_;
    std::size_t count_at_ = 0;  // where the parameter count goes in the recording
    std::uint32_t count_ = 0;
  };

  Changes() : statement_(*this) {}
  Changes(const Changes&) = delete;
  Changes& operator=(const Changes&) = delete;

  // A statement with parameters, recorded when run() is called on it.
  Statement& prepared(std::string_view sql);
  // A statement (or several) without parameters.
  void exec(std::string_view sql);
  // An addition to the counters of one row: `sql` adds its parameters ?2 and ?3 to the
  // row that ?1 names ("UPDATE t SET a = a + ?2, b = b + ?3 WHERE id = ?1"). It runs
  // once for a transaction's additions with the same sql and row, summed, after its
  // other statements: nothing else in a transaction may read the counters.
  void add(std::string_view sql, std::int64_t row, std::int64_t first, std::int64_t second);

  // Room for a recording of about `bytes` (a write that knows its row's size), so that
  // it is not copied as it grows.
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }

  bool empty() const { return recorded_ == 0; }
  std::string take();

 private:
  static constexpr std::size_t kFirstCapacity = 512;
  // Starts recording a statement of `kind` ('P', 'E' or 'A') over one not run.
  void begin(char kind, std::string_view sql);

  std::string bytes_;
  std::size_t recorded_ = 0;  // the bytes of statements run; past them, one not run yet
  Statement statement_;
};

template <typename Write>
Changes::Statement& Changes::Statement::bind_blob_written(int index, Write&& write) {
  add_parameter(index, 'b');
  std::string& out = owner_.bytes_;
  std::size_t length_at = out.size();
  out.append(sizeof(std::uint32_t), '\0');
  write(out);
  auto length = static_cast<std::uint32_t>(out.size() - length_at - sizeof(std::uint32_t));
  std::memcpy(out.data() + length_at, &length, sizeof length);
  return *this;
}

// Runs recordings on `connection`, within the caller's transaction.
class ChangeApplier {
 public:
  explicit ChangeApplier(Connection& connection) : connection_(connection) {}

  // Runs a recording's statements in the order they were recorded, and keeps its
  // additions for finish() once all of them ran. Throws StorageError when one fails
  // or the bytes are not a recording (and keeps none of its additions then).
  void apply(std::string_view recorded);
  // Runs the additions kept, one statement a row, and forgets them.
  void finish();

 private:
  template <typename Sql>
  struct Addition {
    Sql sql;
    std::int64_t row, first, second;
  };
  Connection& connection_;
  std::vector<Addition<std::string>> additions_;  // a transaction touches few rows this way
  std::vector<Addition<std::string_view>> recording_additions_;  // of the recording being applied
};

}  // namespace stratus::storage
