#pragma once
// Items as stored on disk: a compact binary form that reads back without a JSON
// parse or DynamoDB's input checks (what is stored was checked when it came in).
#include <string>
#include <string_view>

#include "services/dynamodb/attribute_value.hpp"

namespace stratus::dynamodb {

std::string encode_item(const Item& item);
// The same bytes, appended to `out`.
void append_encoded_item(std::string& out, const Item& item);
// Also reads items stored as JSON text, as they were before this form.
Item decode_item(std::string_view stored);

}  // namespace stratus::dynamodb
