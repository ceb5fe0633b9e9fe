#include "protocol/codec.hpp"

#include "protocol/form.hpp"
#include "protocol/json.hpp"
#include "protocol/sigv4.hpp"
#include "protocol/wire_formats.hpp"

namespace stratus::protocol {
namespace {

std::optional<sigv4::Credential> credential_of(const HttpRequest& request, const form::Params* query) {
  if (auto auth = request.header("Authorization"); !auth.empty()) return sigv4::parse_authorization(auth);
  if (query) {
    if (auto it = query->find("X-Amz-Credential"); it != query->end()) return sigv4::parse_scope(it->second);
  }
  return std::nullopt;
}

void check_required(const Operation& op, const Value& input) {
  if (!op.input) return;
  for (const auto& name : op.input->required) {
    const Value* v = input.find(name);
    if (!v || v->is_null()) throw missing_parameter(name);
  }
}

// Decodes the input of a resolved operation; a bad input answers in the call's protocol.
template <typename DecodeInput>
Decoded make_call(Wire wire, const ServiceModel* model, const Operation* op,
                  const std::optional<sigv4::Credential>& credential, DecodeInput&& decode_input,
                  std::string_view request_id) {
  Call call;
  call.wire = wire;
  call.model = model;
  call.operation = op;
  if (credential) {
    call.access_key = credential->access_key;
    call.region = credential->region;
  }
  Decoded d;
  try {
    call.input = decode_input();
    check_required(*op, call.input);
  } catch (const ApiError& e) {
    d.error = encode_error(call, e, request_id);
    return d;
  }
  d.call = std::move(call);
  return d;
}

Decoded failure(HttpResponse response) {
  Decoded d;
  d.error = std::move(response);
  return d;
}

Decoded decode_json(const HttpRequest& request, const ModelRegistry& models, std::string_view request_id) {
  std::string_view target = request.header("X-Amz-Target");
  size_t dot = target.rfind('.');
  const ServiceModel* model = dot == std::string_view::npos ? nullptr : models.by_target_prefix(target.substr(0, dot));
  const Operation* op = model ? model->operation(target.substr(dot + 1)) : nullptr;
  if (!op) {
    return failure(json_error(model, ApiError("UnknownOperationException", "Unknown operation " + std::string(target)),
                              request_id));
  }
  return make_call(
      Wire::AwsJson, model, op, credential_of(request, nullptr),
      [&] { return decode_json_input(request.body, op->input); }, request_id);
}

// Query APIs address a resource by the URL posted to (SQS's queue URL): an operation
// with a URL member that the form leaves out takes the request's own URL.
void default_resource_url(form::Params& params, const Operation& op, const HttpRequest& request) {
  if (!op.input || request.path().size() <= 1) return;
  for (const auto& m : op.input->members) {
    if (!m.name.ends_with("Url") || params.contains(m.name)) continue;
    params.emplace(m.name, "http://" + std::string(request.header("Host")) + std::string(request.path()));
  }
}

Decoded decode_query(form::Params params, const HttpRequest& request, const std::optional<sigv4::Credential>& credential,
                     const ModelRegistry& models, std::string_view request_id) {
  const std::string& action = params["Action"];
  const ServiceModel* model = credential ? models.by_service(credential->service) : nullptr;
  if (!model) model = models.by_operation(action);
  const Operation* op = model ? model->operation(action) : nullptr;
  if (!op) {
    ApiError error = action.empty() ? ApiError("MissingAction", "Missing Action")
                                    : ApiError("InvalidAction", "The action " + action + " is not valid for this endpoint.");
    return failure(query_error(model, error, request_id));
  }
  default_resource_url(params, *op, request);
  return make_call(
      Wire::AwsQuery, model, op, credential, [&] { return decode_query_input(params, op->input); }, request_id);
}

bool is_form(const HttpRequest& request) {
  return request.header("Content-Type").starts_with("application/x-www-form-urlencoded");
}

}  // namespace

std::optional<Decoded> decode(const HttpRequest& request, const ModelRegistry& models, std::string_view request_id) {
  if (!request.header("X-Amz-Target").empty()) return decode_json(request, models, request_id);

  auto query = form::parse(request.query());
  auto body = is_form(request) ? form::parse(request.body) : std::optional<form::Params>(form::Params{});
  if (!query || !body) {
    return failure(query_error(nullptr, ApiError("MalformedQueryString", "The query string is malformed."), request_id));
  }
  // Body parameters win over the query string's.
  for (auto& [k, v] : *query) body->emplace(k, v);
  if (!body->contains("Action") && !is_form(request)) {
    auto match = match_rest_operation(request, models);
    if (!match) return std::nullopt;
    return make_call(
        Wire::RestJson, match->model, match->operation, credential_of(request, &*query),
        [&] { return decode_rest_json_input(request, *match); }, request_id);
  }
  return decode_query(std::move(*body), request, credential_of(request, &*query), models, request_id);
}

ErrorTraits error_traits(const ServiceModel* model, const ApiError& error) {
  if (const Shape* shape = model ? model->error(error.code) : nullptr)
    return {shape->error_code, shape->http_status, shape->sender_fault};
  return {error.code, error.status, error.sender};
}

HttpResponse json_error_answer(const ApiError& error, int status, const std::pair<std::string, std::string>& kind,
                               std::string_view content_type, std::string_view request_id) {
  HttpResponse response;
  response.status = status;
  Value body = Value::object();
  body.set(kind.first, kind.second);
  body.set("message", std::string(error.what()));
  for (const auto& [name, value] : error.members) body.set(name, value);
  response.body = json::write(body);
  response.set_header("Content-Type", content_type);
  response.set_header("x-amzn-RequestId", request_id);
  return response;
}

HttpResponse encode_output(const Call& call, const Value& output, std::string_view request_id) {
  switch (call.wire) {
    case Wire::AwsJson: return json_output(*call.model, output, request_id);
    case Wire::AwsQuery: return query_output(*call.model, *call.operation, output, request_id);
    case Wire::RestJson: return rest_json_output(*call.operation, output, request_id);
  }
  return {};
}

HttpResponse encode_error(const Call& call, const ApiError& error, std::string_view request_id) {
  switch (call.wire) {
    case Wire::AwsJson: return json_error(call.model, error, request_id);
    case Wire::AwsQuery: return query_error(call.model, error, request_id);
    case Wire::RestJson: return rest_json_error(call.model, error, request_id);
  }
  return {};
}

}  // namespace stratus::protocol
