#pragma once
// SNS subscription filter policies: parsed and checked once when set, then matched
// against every published message, on its attributes or on its JSON body.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/value.hpp"

namespace stratus::sns {

enum class FilterScope { MessageAttributes, MessageBody };

// A message attribute as the filter sees it: its type decides how values compare.
struct FilterAttribute {
  std::string name;
  std::string data_type;  // "String", "String.Array", "Number", "Binary" (with any ".custom")
  std::string value;
};

class FilterPolicy {
 public:
  // Throws ApiError (InvalidParameter, or FilterPolicyLimitExceeded) as SNS does.
  static FilterPolicy parse(std::string_view json_text, FilterScope scope);

  bool matches_attributes(const std::vector<FilterAttribute>& attributes) const;
  // `body` is the message text; a body that is not a JSON object matches nothing.
  bool matches_body(std::string_view body) const;
  FilterScope scope() const { return scope_; }

  struct Condition;
  struct Node;  // one level of keys, each with its conditions or a nested level

 private:
  FilterScope scope_ = FilterScope::MessageAttributes;
  std::shared_ptr<const Node> root_;
};

}  // namespace stratus::sns
