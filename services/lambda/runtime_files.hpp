#pragma once
// The runtime clients compiled into the binary (services/lambda/runtimes/), written
// out where environments start them.
#include <string_view>
#include <vector>

namespace stratus::lambda {

struct RuntimeFile {
  std::string_view name;
  std::string_view text;
};

const std::vector<RuntimeFile>& runtime_files();

}  // namespace stratus::lambda
