#pragma once
// List* pages: MaxItems items from the Marker on, and the NextMarker of the next page.
#include "protocol/value.hpp"

namespace stratus::lambda {

void page_into(Value& out, const char* list_name, Array items, const Value& input);

}  // namespace stratus::lambda
