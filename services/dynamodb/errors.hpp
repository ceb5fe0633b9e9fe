#pragma once
// The two shapes most of DynamoDB's input errors take.
#include <string>

#include "protocol/api_error.hpp"

namespace stratus::dynamodb {

inline ApiError validation(const std::string& message) { return ApiError("ValidationException", message); }

inline ApiError invalid(const std::string& message) {
  return validation("One or more parameter values were invalid: " + message);
}

}  // namespace stratus::dynamodb
