#pragma once
#include <string_view>
#include <vector>

namespace stratus::protocol {

struct EmbeddedModel {
  std::string_view service;
  std::string_view json;
};

// The API models compiled into the binary (see cmake/EmbedFiles.cmake).
const std::vector<EmbeddedModel>& embedded_models();

}  // namespace stratus::protocol
