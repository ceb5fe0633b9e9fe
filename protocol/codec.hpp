#pragma once
// The protocol layer's face: an HTTP request in, a service call out; a service's
// output or error in, the HTTP response in the request's own protocol out.
#include <optional>
#include <string>
#include <string_view>

#include "protocol/api_error.hpp"
#include "protocol/http.hpp"
#include "protocol/model.hpp"
#include "protocol/value.hpp"

namespace stratus::protocol {

enum class Wire { AwsJson, AwsQuery, RestJson };

struct Call {
  Wire wire = Wire::AwsJson;
  const ServiceModel* model = nullptr;
  const Operation* operation = nullptr;
  Value input;
  std::string access_key;  // from SigV4; empty when unsigned
  std::string region;      // from the SigV4 scope; empty when unsigned
};

struct Decoded {
  std::optional<Call> call;  // set when the request is a well-formed API call
  HttpResponse error;        // otherwise, AWS's answer to it
};

// nullopt when the request is no AWS API call at all (no awsJson target, no awsQuery
// Action, no restJson1 operation at its path).
std::optional<Decoded> decode(const HttpRequest& request, const ModelRegistry& models,
                              std::string_view request_id);
HttpResponse encode_output(const Call& call, const Value& output, std::string_view request_id);
HttpResponse encode_error(const Call& call, const ApiError& error, std::string_view request_id);

}  // namespace stratus::protocol
