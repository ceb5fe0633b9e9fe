#pragma once
// The resource-policy statements that AddPermission writes (SQS and SNS alike).
#include <string>
#include <vector>

#include "protocol/value.hpp"

namespace stratus {

// True when `statements` (an array) has one whose Sid is `label`.
inline bool has_statement(const Value& statements, const std::string& label) {
  for (const auto& s : statements.as_array())
    if (const Value* sid = s.find("Sid"); sid && sid->is_string() && sid->as_string() == label) return true;
  return false;
}

// Allows `accounts` the `actions` ("<service prefix>:<action>") on `resource`.
inline Value permission_statement(const std::string& label, const std::vector<std::string>& accounts,
                                  const std::string& service_prefix, const std::vector<std::string>& actions,
                                  const std::string& resource) {
  Value principals = Value::array();
  for (const auto& a : accounts) principals.push("arn:aws:iam::" + a + ":root");
  Value action_list = Value::array();
  for (const auto& a : actions) action_list.push(service_prefix + ":" + a);
  Value statement = Value::object();
  statement.set("Sid", label);
  statement.set("Effect", "Allow");
  statement.set("Principal", Value(Object{{"AWS", std::move(principals)}}));
  statement.set("Action", std::move(action_list));
  statement.set("Resource", resource);
  return statement;
}

}  // namespace stratus
