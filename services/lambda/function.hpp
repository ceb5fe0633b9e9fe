#pragma once
// A Lambda function as the control plane keeps it: $LATEST and its published
// versions (each a FunctionConfiguration and the folder its code is unpacked in),
// aliases, and the function-wide settings.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "protocol/value.hpp"
#include "services/service.hpp"

namespace stratus::lambda {

using Tags = std::map<std::string, std::string>;

struct FunctionVersion {
  Value configuration;   // the FunctionConfiguration shape
  std::string code_dir;  // where the package is unpacked (or the local folder it runs from)
  std::string text(const char* member) const;
  std::int64_t number(const char* member) const;
};

struct Function {
  std::string name, arn, account, region;
  FunctionVersion latest;
  std::map<std::int64_t, FunctionVersion> versions;  // published, by number
  std::int64_t next_version = 1;
  std::string published_revision;  // $LATEST's RevisionId when it was last published
  std::map<std::string, Value> aliases;              // AliasConfiguration, by name
  Value policy_statements = Value::array();
  Tags tags;
  std::optional<std::int64_t> reserved_concurrency;
  std::map<std::string, Value> event_invoke_configs;  // FunctionEventInvokeConfig, by qualifier
};

// An Event invocation, from acceptance until it succeeds or is given up.
struct AsyncEvent {
  std::uint64_t id = 0;
  std::string invoked_arn;  // qualified as invoked
  std::string payload;
  std::string request_id;
  std::int64_t attempts = 0;
  std::int64_t first_ms = 0;
  std::unique_ptr<Timer> retry;
};

}  // namespace stratus::lambda
