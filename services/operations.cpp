#include "services/operations.hpp"

#include <spdlog/spdlog.h>

namespace stratus {

ApiError internal_failure(std::string_view service, std::string_view operation, const std::exception& e) {
  spdlog::error("{} {}: {}", service, operation, e.what());
  return ApiError("InternalFailure", "The request processing has failed because of an unknown error.", 500, false);
}

ApiError unknown_operation(std::string_view operation) {
  return ApiError("InvalidAction", "The action " + std::string(operation) + " is not valid for this endpoint.");
}

}  // namespace stratus
