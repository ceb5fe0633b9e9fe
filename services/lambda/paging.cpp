#include "services/lambda/paging.hpp"

#include <algorithm>
#include <charconv>

#include "services/input.hpp"
#include "services/lambda/names.hpp"

namespace stratus::lambda {
namespace {

constexpr std::int64_t kDefaultPageSize = 50;

std::int64_t page_size(const Value& input) {
  std::int64_t n = input::optional_int(input, "MaxItems").value_or(kDefaultPageSize);
  if (n < 1 || n > 10000) throw invalid_value("MaxItems must be between 1 and 10000.");
  return n;
}

}  // namespace

void page_into(Value& out, const char* list_name, Array items, const Value& input) {
  std::size_t start = 0;
  if (auto marker = input::optional_string(input, "Marker")) {
    auto [end, ec] = std::from_chars(marker->data(), marker->data() + marker->size(), start);
    if (ec != std::errc() || start > items.size()) throw invalid_value("Invalid marker: " + *marker);
  }
  std::size_t stop = std::min(items.size(), start + static_cast<std::size_t>(page_size(input)));
  Array page(std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(start)),
             std::make_move_iterator(items.begin() + static_cast<std::ptrdiff_t>(stop)));
  out.set(list_name, Value(std::move(page)));
  if (stop < items.size()) out.set("NextMarker", std::to_string(stop));
}

}  // namespace stratus::lambda
