#pragma once
// RAII wrappers over one SQLite connection and its prepared statements.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace stratus::storage {

struct StorageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);
  // Runs to the next row: true when a row is available, false when done.
  bool step();
  // Steps to completion, for statements that return no rows.
  void run();
  void reset();

  std::int64_t column_int(int index) const;
  std::string column_text(int index) const;
  // The column's bytes where SQLite holds them: valid until the next step or reset.
  std::string_view column_view(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement on leaving a scope: one stepped part-way holds its read
// transaction open (and keeps checkpoints from finishing) until it is reset.
struct ResetOnExit {
  Statement& statement;
  ~ResetOnExit() { statement.reset(); }
};

class Connection {
 public:
  // ":memory:" or a file path.
  explicit Connection(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void exec(const std::string& sql);
  // A statement prepared once per connection and reused; it comes back reset.
  Statement& prepared(std::string_view sql);
  // Whether a statement has stepped and not been reset (a read part-way through).
  bool statement_active() const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  sqlite3* db_ = nullptr;
  // By SQL text, which shares long prefixes: hashed once rather than compared often.
  std::unordered_map<std::string, std::unique_ptr<Statement>, Hash, std::equal_to<>> cache_;
};

}  // namespace stratus::storage
