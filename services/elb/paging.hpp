#pragma once
// Describe* pages: PageSize items from the Marker on, and the Marker of the next page.
#include <charconv>
#include <string>

#include "protocol/value.hpp"
#include "services/elb/names.hpp"
#include "services/input.hpp"

namespace stratus::elb {

constexpr std::int64_t kMaxPageSize = 400;

// Sets `list_name` (and NextMarker when more remain) in `out` from `items`.
inline void page_into(Value& out, const char* list_name, Array items, const Value& input) {
  std::int64_t size = input::optional_int(input, "PageSize").value_or(kMaxPageSize);
  if (size < 1 || size > kMaxPageSize) throw validation("Page size must be between 1 and 400");
  std::size_t start = 0;
  if (auto marker = input::optional_string(input, "Marker")) {
    auto [end, ec] = std::from_chars(marker->data(), marker->data() + marker->size(), start);
    if (ec != std::errc() || end != marker->data() + marker->size() || start > items.size())
      throw validation("Invalid marker '" + *marker + "'");
  }
  std::size_t stop = std::min(items.size(), start + static_cast<std::size_t>(size));
  Array page(std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(start)),
             std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(stop)));
  out.set(list_name, Value(std::move(page)));
  if (stop < items.size()) out.set("NextMarker", std::to_string(stop));
}

}  // namespace stratus::elb
