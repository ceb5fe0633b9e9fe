#pragma once
// The statements one write makes, recorded as bytes instead of run: the database
// journals the bytes before anything else (so the write survives kill -9 from then on)
// and its writer thread runs them later, in a transaction with others (apply_changes).
// A write states its changes with the same calls it would make on a Connection:
//   changes.prepared("INSERT INTO t (a, b) VALUES (?, ?)").bind(1, a).bind_blob(2, b).run();
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

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

  bool empty() const { return recorded_ == 0; }
  std::string take();

 private:
  std::string bytes_;
  std::size_t recorded_ = 0;  // the bytes of statements run; past them, one not run yet
  Statement statement_;
};

// Runs recorded statements on `connection`, in the order they were recorded. Throws
// StorageError when one fails or the bytes are not a recording.
void apply_changes(Connection& connection, std::string_view recorded);

}  // namespace stratus::storage
