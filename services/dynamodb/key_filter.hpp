#pragma once
// A Bloom filter of a table's item keys. "No" means the table certainly lacks the key,
// so a write of a new item need not look on disk for an item it replaces: that B-tree
// descent, cache-missing on every level, was about a tenth of a PutItem's time. Keys
// are only ever added (a deleted key stays a "maybe"); its owner builds a fresh filter
// once more keys were added than it was sized for.
//
// Blocked: all of a key's bits lie in one 64-byte block, so a test reads one cache line.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace stratus::dynamodb {

class KeyFilter {
 public:
  // Sized for `capacity` keys at about 1% false positives.
  explicit KeyFilter(std::size_t capacity);

  void add(std::string_view partition, std::string_view sort);
  bool may_contain(std::string_view partition, std::string_view sort) const;
  // More keys were added than it was sized for: "maybe" grows ever likelier.
  bool full() const { return added_ > capacity_; }

 private:
  struct alignas(64) Block {
    std::uint64_t words[8] = {};
  };
  struct Probe {
    std::size_t block;
    std::uint64_t bits[8];
  };
  Probe probe(std::string_view partition, std::string_view sort) const;

  std::vector<Block> blocks_;
  std::size_t capacity_;
  std::size_t added_ = 0;
};

}  // namespace stratus::dynamodb
