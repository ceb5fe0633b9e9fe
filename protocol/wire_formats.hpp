#pragma once
// The wire formats behind codec.cpp. Internal to protocol/.
#include <string>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/api_error.hpp"
#include "protocol/form.hpp"
#include "protocol/http.hpp"
#include "protocol/model.hpp"
#include "protocol/value.hpp"

namespace stratus::protocol {

// How an error goes on the wire: the model's traits for its code where the model has an
// exception shape of that name, the ApiError's own otherwise.
struct ErrorTraits {
  std::string query_code;  // awsQuery Code, and the code in x-amzn-query-error
  int status;
  bool sender;
};
ErrorTraits error_traits(const ServiceModel* model, const ApiError& error);

// The JSON error answer both JSON protocols give: `kind` (a name and a value: awsJson's
// "__type", restJson's "Type") first, then the message and the error's own members.
HttpResponse json_error_answer(const ApiError& error, int status, const std::pair<std::string, std::string>& kind,
                               std::string_view content_type, std::string_view request_id);

// awsJson 1.0/1.1. Decoding throws ApiError (SerializationException) for a body that
// is not a JSON object or does not fit the operation's input shape.
Value decode_json_input(std::string_view body, const Shape* input);
HttpResponse json_output(const ServiceModel& model, const Value& output, std::string_view request_id);
HttpResponse json_error(const ServiceModel* model, const ApiError& error, std::string_view request_id);

// awsQuery. Decoding throws ApiError for values that do not fit their shapes.
Value decode_query_input(const form::Params& params, const Shape* input);
HttpResponse query_output(const ServiceModel& model, const Operation& op, const Value& output,
                          std::string_view request_id);
HttpResponse query_error(const ServiceModel* model, const ApiError& error, std::string_view request_id);

// restJson1: the operation whose method and request URI fit the request, with the
// URI labels' values; nullopt when none does.
struct RestMatch {
  using Labels = std::vector<std::pair<std::string, std::string>>;
  const ServiceModel* model = nullptr;
  const Operation* operation = nullptr;
  Labels labels;
};
std::optional<RestMatch> match_rest_operation(const HttpRequest& request, const ModelRegistry& models);
Value decode_rest_json_input(const HttpRequest& request, const RestMatch& match);
HttpResponse rest_json_output(const Operation& op, const Value& output, std::string_view request_id);
HttpResponse rest_json_error(const ServiceModel* model, const ApiError& error, std::string_view request_id);

}  // namespace stratus::protocol
