#include "services/dynamodb/key_filter.hpp"

#include <functional>

namespace stratus::dynamodb {
namespace {

// About 1% false positives with one bit set in each of a block's eight words.
constexpr std::size_t kBitsPerKey = 10;
constexpr std::size_t kBlockBits = 512;

// Odd multipliers, one a word: each picks that word's bit from the same 32 hash bits.
constexpr std::uint32_t kSalts[8] = {0x9E3779B1u, 0x85EBCA77u, 0xC2B2AE3Du, 0x27D4EB2Fu,
                                     0x165667B1u, 0xD3A2646Du, 0xFD7046C5u, 0xB55A4F09u};

std::uint64_t key_hash(std::string_view partition, std::string_view sort) {
  std::uint64_t h = std::hash<std::string_view>{}(partition);
  h ^= std::hash<std::string_view>{}(sort) + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  // The splitmix64 finaliser, so that the block and the bits take well-mixed halves.
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

}  // namespace

KeyFilter::KeyFilter(std::size_t capacity)
    : blocks_((capacity * kBitsPerKey + kBlockBits - 1) / kBlockBits + 1), capacity_(capacity) {}

KeyFilter::Probe KeyFilter::probe(std::string_view partition, std::string_view sort) const {
  std::uint64_t h = key_hash(partition, sort);
  Probe p;
  p.block = static_cast<std::size_t>(((h >> 32) * blocks_.size()) >> 32);
  auto low = static_cast<std::uint32_t>(h);
  for (int i = 0; i < 8; ++i) p.bits[i] = std::uint64_t{1} << ((low * kSalts[i]) >> 26);
  return p;
}

void KeyFilter::add(std::string_view partition, std::string_view sort) {
  Probe p = probe(partition, sort);
  for (int i = 0; i < 8; ++i) blocks_[p.block].words[i] |= p.bits[i];
  ++added_;
}

bool KeyFilter::may_contain(std::string_view partition, std::string_view sort) const {
  Probe p = probe(partition, sort);
  const Block& b = blocks_[p.block];
  for (int i = 0; i < 8; ++i)
    if (!(b.words[i] & p.bits[i])) return false;
  return true;
}

}  // namespace stratus::dynamodb
