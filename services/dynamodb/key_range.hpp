#pragma once
// Ranges of sort keys within one partition of an ordered store, as Query reads them:
// key conditions become a SortRange on key bytes, whose byte order is DynamoDB's order.
#include <optional>
#include <string>
#include <utility>

namespace stratus::dynamodb {

struct SortRange {
  std::optional<std::string> low, high;  // key bytes; absent for an open end
  bool low_inclusive = true, high_inclusive = true;
};

// The range as SQL conditions on a `sort_key` column (" AND sort_key >= ?3 ..."), with
// the bounds bound to the named parameters; nothing for an open end.
inline std::string sort_key_bounds(const SortRange& range, const char* low_param, const char* high_param) {
  std::string sql;
  if (range.low) sql += std::string(" AND sort_key >") + (range.low_inclusive ? "= " : " ") + low_param;
  if (range.high) sql += std::string(" AND sort_key <") + (range.high_inclusive ? "= " : " ") + high_param;
  return sql;
}

// The least string above `s`: `s` followed by a zero byte.
inline std::string successor(const std::string& s) { return s + '\0'; }

// [first, last) of the entries of `store` in `partition` whose sort key is in `range`.
// `bound(partition, sort)` makes the least key with that partition and sort key.
template <typename Store, typename Bound>
auto partition_range(const Store& store, const std::string& partition, const SortRange& range, Bound bound) {
  auto first = store.lower_bound(bound(partition, range.low ? (range.low_inclusive ? *range.low : successor(*range.low)) : std::string()));
  auto last = range.high ? store.lower_bound(bound(partition, range.high_inclusive ? successor(*range.high) : *range.high))
                         : store.lower_bound(bound(successor(partition), std::string()));
  // An empty range (low above high) has its first entry past its last.
  if (last != store.end() && (first == store.end() || store.value_comp()(*last, *first))) first = last;
  return std::pair{first, last};
}

// `partition_range` less what lies up to `after` (an exclusive start key, if any) in
// the direction of travel.
template <typename Store, typename Bound, typename Key>
auto range_after(const Store& store, const std::string& partition, const SortRange& range, bool forward,
                 const std::optional<Key>& after, Bound bound) {
  auto [first, last] = partition_range(store, partition, range, bound);
  auto before = [&](auto a, auto b) { return b == store.end() ? a != store.end() : a != store.end() && store.value_comp()(*a, *b); };
  if (after && forward) {
    auto start = store.upper_bound(*after);
    if (before(first, start)) first = start;
    if (before(last, first)) first = last;
  } else if (after) {
    auto stop = store.lower_bound(*after);
    if (before(stop, last)) last = stop;
    if (before(last, first)) last = first;
  }
  return std::pair{first, last};
}

}  // namespace stratus::dynamodb
