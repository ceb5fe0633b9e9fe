#pragma once
// The one error type a service raises. The codec turns it into the wire shape of the
// request's protocol; where the API model knows the code, the model's query code and
// HTTP status win over the defaults here.
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "protocol/value.hpp"

namespace stratus {

struct ApiError : std::runtime_error {
  ApiError(std::string code_, const std::string& message, int status_ = 400, bool sender_ = true)
      : std::runtime_error(message), code(std::move(code_)), status(status_), sender(sender_) {}

  std::string code;
  int status;
  bool sender;  // Sender (client) fault, else Receiver (server) fault
  // Further members of a JSON error document (Lambda's throttling Reason, DynamoDB's
  // CancellationReasons).
  std::vector<std::pair<std::string, Value>> members;
};

inline ApiError invalid_parameter(const std::string& message) {
  return ApiError("InvalidParameterValue", message);
}

inline ApiError missing_parameter(const std::string& name) {
  return ApiError("MissingParameter", "The request must contain the parameter " + name + ".");
}

}  // namespace stratus
