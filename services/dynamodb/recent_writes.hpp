#pragma once
// Writes to an on-disk ordered store that the database has not committed yet. The
// writer thread commits in groups, so a write is journaled before SQLite has it; until
// then it is held here and every read merges it over what SQLite returns. Once the
// reader's snapshot holds the commit, the entry is dropped and the disk answers alone.
//
// Without a disk (ephemeral mode) nothing is ever committed and this is the store.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <utility>

#include "storage/database.hpp"
#include "storage/snapshot_reader.hpp"
#include "storage/statement.hpp"

namespace stratus::dynamodb {

template <typename Key, typename Payload>
class RecentWrites {
 public:
  struct Entry {
    std::optional<Payload> value;  // nullopt: deleted
    std::uint64_t sequence;
  };
  using Map = std::map<Key, Entry>;

  // `durable`: the writes also go to disk (and are forgotten once committed there).
  RecentWrites(storage::Database& db, bool durable) : db_(db), durable_(durable) {}

  // Records a write whose storage operation the caller has just queued.
  void record(const Key& key, std::optional<Payload> value) {
    if (!durable_) {
      if (value) entries_[key] = Entry{std::move(value), 0};
      else entries_.erase(key);
      return;
    }
    std::uint64_t sequence = db_.last_written();
    auto entry = entries_.insert_or_assign(key, Entry{std::move(value), sequence}).first;
    order_.emplace_back(sequence, entry);
  }

  // Moves `reader` (null when ephemeral) on to its newest snapshot and forgets the
  // writes that snapshot holds; the reader's connection, or null. Stores call it before
  // every read and write, so what is committed is let go even when no reads come.
  storage::Connection* sync(storage::SnapshotReader* reader) const {
    if (!reader) return nullptr;
    forget_through(reader->refresh());
    return &reader->connection();
  }

  const Map& entries() const { return entries_; }
  const Entry* find(const Key& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }
  void clear() {
    entries_.clear();
    order_.clear();
  }

  // Rows from disk (already in the visiting order; `row(statement)` reads one as a key
  // and payload) merged with the recent writes in [first, last), in key order or
  // reversed; a recent write hides the row it replaced. `visit(key, payload)` returns
  // false to stop; so does merge.
  template <typename ReadRow, typename Visit>
  static bool merge(storage::Statement* rows, typename Map::const_iterator first, typename Map::const_iterator last, bool forward,
                    ReadRow row, Visit visit) {
    auto next_recent = [&]() -> const typename Map::value_type* {
      if (first == last) return nullptr;
      return forward ? &*first++ : &*--last;
    };
    const typename Map::value_type* recent = next_recent();
    std::optional<std::pair<Key, Payload>> stored;
    if (rows && rows->step()) stored = row(*rows);
    while (stored || recent) {
      bool recent_first = recent && (!stored || (forward ? recent->first <= stored->first : stored->first <= recent->first));
      if (recent_first) {
        bool replaces_row = stored && recent->first == stored->first;
        if (recent->second.value && !visit(recent->first, *recent->second.value)) return false;
        recent = next_recent();
        if (!replaces_row) continue;
      } else if (!visit(stored->first, stored->second)) {
        return false;
      }
      stored.reset();
      if (rows->step()) stored = row(*rows);
    }
    return true;
  }

 private:
  // Stores sync two or three times a request, so a few a call keeps well ahead of the
  // writes while the cost of a commit's thousands is spread over hundreds of requests.
  static constexpr int kForgetPerCall = 4;

  // Drops writes numbered up to `committed`, a few at a time: a burst of requests each
  // paying for dozens kept them all waiting milliseconds after every commit. Those left
  // are merged over the same rows on disk, which changes nothing.
  void forget_through(std::uint64_t committed) const {
    for (int n = 0; n < kForgetPerCall && !order_.empty() && order_.front().first <= committed; ++n) {
      auto [sequence, entry] = order_.front();
      if (entry->second.sequence == sequence) entries_.erase(entry);
      order_.pop_front();
    }
  }

  storage::Database& db_;
  bool durable_;
  mutable Map entries_;
  // Every recorded write in number order. An entry is erased only here, at its last
  // write, after every earlier write of it has left the front: the iterators stay valid.
  mutable std::deque<std::pair<std::uint64_t, typename Map::iterator>> order_;
};

}  // namespace stratus::dynamodb
