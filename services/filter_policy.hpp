#pragma once
// Filter policies (SNS subscriptions) and event filter patterns (Lambda event source
// mappings): parsed and checked once when set, then matched against every message, on
// its attributes or on a JSON document. Errors are worded as SNS words them.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/value.hpp"

namespace stratus {

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

  // What a policy is matched against, made once per message: its attributes...
  static Value attributes_document(const std::vector<FilterAttribute>& attributes);
  // ...or its body (null when the body is not a JSON object: that matches nothing).
  static Value body_document(std::string_view body);
  // `document` is the one of the two for this policy's scope.
  bool matches(const Value& document) const;
  FilterScope scope() const { return scope_; }

  struct Condition;
  struct Node;  // one level of keys, each with its conditions or a nested level

 private:
  FilterScope scope_ = FilterScope::MessageAttributes;
  std::shared_ptr<const Node> root_;
};

}  // namespace stratus
