#include "storage/changes.hpp"

#include <algorithm>
#include <cstring>

#include "storage/statement.hpp"

namespace stratus::storage {
namespace {

// A recording is a run of statements:
//   'P' sql parameter-count { index type value }   a prepared statement
//   'E' sql                                        statements without parameters
//   'A' sql row first second                       an addition (three integers)
// sql and text/blob values are a u32 length then bytes; integers are 8 bytes; a
// parameter's type is 'i' (integer), 't' (text), 'b' (blob) or 'n' (null).

void put_u32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }

void put_bytes(std::string& out, std::string_view bytes) {
  put_u32(out, static_cast<std::uint32_t>(bytes.size()));
  out.append(bytes);
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool done() const { return rest_.empty(); }
  char byte() { return take(1)[0]; }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::int64_t i64() { return fixed<std::int64_t>(); }
  std::string_view bytes() { return take(u32()); }

 private:
  template <typename T>
  T fixed() {
    T v;
    std::memcpy(&v, take(sizeof v).data(), sizeof v);
    return v;
  }
  std::string_view take(std::size_t n) {
    if (rest_.size() < n) throw StorageError("a recorded change is cut short");
    auto part = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return part;
  }
  std::string_view rest_;
};

void bind_recorded(Reader& in, storage::Statement& statement) {
  auto index = static_cast<int>(in.u32());
  switch (in.byte()) {
    case 'i': statement.bind(index, in.i64()); return;
    case 't': statement.bind(index, in.bytes()); return;
    case 'b': statement.bind_blob(index, in.bytes()); return;
    case 'n': statement.bind_null(index); return;
    default: throw StorageError("a recorded change has an unknown parameter type");
  }
}

}  // namespace

void Changes::begin(char kind, std::string_view sql) {
  bytes_.resize(recorded_);
  // Grown from empty a few bytes at a time, a recording would be copied over five or six
  // times before it held its first row.
  if (bytes_.capacity() < kFirstCapacity) bytes_.reserve(kFirstCapacity);
  bytes_.push_back(kind);
  put_bytes(bytes_, sql);
}

Changes::Statement& Changes::prepared(std::string_view sql) {
  begin('P', sql);
  statement_.count_at_ = bytes_.size();
  statement_.count_ = 0;
  put_u32(bytes_, 0);
  return statement_;
}

void Changes::exec(std::string_view sql) {
  begin('E', sql);
  recorded_ = bytes_.size();
}

void Changes::add(std::string_view sql, std::int64_t row, std::int64_t first, std::int64_t second) {
  begin('A', sql);
  for (std::int64_t v : {row, first, second}) bytes_.append(reinterpret_cast<const char*>(&v), sizeof v);
  recorded_ = bytes_.size();
}

std::string Changes::take() {
  bytes_.resize(recorded_);
  recorded_ = 0;
  return std::move(bytes_);
}

void Changes::Statement::add_parameter(int index, char type) {
  put_u32(owner_.bytes_, static_cast<std::uint32_t>(index));
  owner_.bytes_.push_back(type);
  ++count_;
}

Changes::Statement& Changes::Statement::bind(int index, std::int64_t value) {
  add_parameter(index, 'i');
  owner_.bytes_.append(reinterpret_cast<const char*>(&value), sizeof value);
  return *this;
}

Changes::Statement& Changes::Statement::bind(int index, std::string_view text) {
  add_parameter(index, 't');
  put_bytes(owner_.bytes_, text);
  return *this;
}

Changes::Statement& Changes::Statement::bind_blob(int index, std::string_view bytes) {
  return bind_blob_written(index, [bytes](std::string& out) { out.append(bytes); });
}

Changes::Statement& Changes::Statement::bind_null(int index) {
  add_parameter(index, 'n');
  return *this;
}

void Changes::Statement::run() {
  std::memcpy(owner_.bytes_.data() + count_at_, &count_, sizeof count_);
  owner_.recorded_ = owner_.bytes_.size();
}

void ChangeApplier::apply(std::string_view recorded) {
  recording_additions_.clear();
  Reader in(recorded);
  while (!in.done()) {
    char kind = in.byte();
    auto sql = in.bytes();
    if (kind == 'E') {
      connection_.exec(std::string(sql));
      continue;
    }
    if (kind == 'A') {
      std::int64_t row = in.i64(), first = in.i64(), second = in.i64();
      recording_additions_.push_back({sql, row, first, second});
      continue;
    }
    if (kind != 'P') throw StorageError("a recorded change has an unknown statement kind");
    auto& statement = connection_.prepared(sql);
    ResetOnExit reset{statement};
    for (auto n = in.u32(); n > 0; --n) bind_recorded(in, statement);
    statement.run();
  }
  for (const auto& a : recording_additions_) {
    auto same = std::find_if(additions_.begin(), additions_.end(), [&](const auto& b) { return b.row == a.row && b.sql == a.sql; });
    if (same == additions_.end()) {
      additions_.push_back({std::string(a.sql), a.row, a.first, a.second});
    } else {
      same->first += a.first;
      same->second += a.second;
    }
  }
}

void ChangeApplier::finish() {
  for (const auto& a : additions_) connection_.prepared(a.sql).bind(1, a.row).bind(2, a.first).bind(3, a.second).run();
  additions_.clear();
}

}  // namespace stratus::storage
