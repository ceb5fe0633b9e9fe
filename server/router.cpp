#include "server/router.hpp"

#include <spdlog/spdlog.h>

#include <cctype>

#include "protocol/codec.hpp"
#include "protocol/json.hpp"
#include "services/ids.hpp"

namespace stratus {
namespace {

HttpResponse json_response(int status, const Value& body) {
  HttpResponse r;
  r.status = status;
  r.body = json::write(body);
  r.set_header("Content-Type", "application/json");
  return r;
}

bool is_account_id(const std::string& key) {
  return key.size() == 12 && std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

Router::Router(const Config& config, const protocol::ModelRegistry& models, storage::Database& db)
    : config_(config), models_(models), db_(db) {}

void Router::add_service(std::unique_ptr<Service> service) {
  std::string name(service->name());
  services_.emplace(std::move(name), std::move(service));
}

Service* Router::service(std::string_view name) const {
  auto it = services_.find(name);
  return it == services_.end() ? nullptr : it->second.get();
}

void Router::shutdown() {
  for (auto& [name, service] : services_) service->shutdown();
}

RequestContext Router::context_for(const HttpRequest& request, const std::string& access_key,
                                   const std::string& region, std::string request_id) const {
  RequestContext ctx;
  ctx.access_key = access_key;
  ctx.account = is_account_id(access_key) ? access_key : config_.default_account;
  ctx.region = region.empty() ? config_.default_region : region;
  ctx.host = std::string(request.header("Host"));
  if (ctx.host.empty()) ctx.host = config_.host + ":" + std::to_string(config_.port);
  ctx.request_id = std::move(request_id);
  return ctx;
}

bool Router::handle_internal(const HttpRequest& request, const Respond& respond) {
  std::string_view path = request.path();
  if (path == "/_stratus/health" || path == "/_localstack/health") {
    Value body = Value::object();
    body.set("version", STRATUS_VERSION);
    body.set("edition", "stratus");
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
    body.set("uptime", static_cast<std::int64_t>(uptime.count()));
    body.set("storage", db_.is_ephemeral() ? "ephemeral" : "durable");
    Value services = Value::object();
    for (const auto& [name, service] : services_) services.set(name, "running");
    body.set("services", std::move(services));
    respond(json_response(200, body));
    return true;
  }
  // /_stratus/<service>/<document>: what a service serves as plain HTTP.
  if (request.method == "GET" && path.starts_with("/_stratus/")) {
    std::string_view rest = path.substr(10);
    auto slash = rest.find('/');
    if (slash != std::string_view::npos) {
      if (Service* owner = service(rest.substr(0, slash))) {
        if (auto document = owner->document(rest.substr(slash + 1))) {
          HttpResponse r;
          r.body = std::move(document->body);
          r.set_header("Content-Type", document->content_type);
          respond(std::move(r));
          return true;
        }
      }
    }
  }
  if ((path == "/_stratus/reset" || path == "/moto-api/reset") && request.method == "POST") {
    for (auto& [name, service] : services_) service->reset();
    db_.when_durable([respond](bool ok) {
      Value body = Value::object();
      body.set("reset", ok);
      respond(json_response(ok ? 200 : 500, body));
    });
    return true;
  }
  return false;
}

void Router::handle(HttpRequest request, Respond respond) {
  if (handle_internal(request, respond)) return;
  std::string request_id = ids::uuid();
  auto decoded = protocol::decode(request, models_, request_id);
  if (!decoded) {
    if (request.method == "GET" && request.path() == "/") {
      Value body = Value::object();
      body.set("status", "running");
      respond(json_response(200, body));
      return;
    }
    HttpResponse r = json_response(404, Value(Object{{"__type", Value("UnknownOperationException")},
                                                     {"message", Value("No AWS operation matches this request.")}}));
    r.set_header("x-amzn-RequestId", request_id);
    respond(std::move(r));
    return;
  }
  if (!decoded->call) {
    respond(std::move(decoded->error));
    return;
  }
  auto call = std::make_shared<protocol::Call>(std::move(*decoded->call));
  auto it = services_.find(call->model->service);
  if (it == services_.end()) {
    respond(protocol::encode_error(*call, ApiError("InvalidAction", "Service not available.", 400), request_id));
    return;
  }
  RequestContext ctx = context_for(request, call->access_key, call->region, request_id);
  auto started = std::chrono::steady_clock::now();
  Value input = std::move(call->input);
  it->second->call(call->operation->name, ctx, std::move(input),
                   [this, call, request_id = std::move(request_id), started,
                    respond = std::move(respond)](Outcome outcome) mutable {
                     // No answer leaves before the changes it reports (or could have seen) are durable.
                     db_.when_durable([call = std::move(call), request_id = std::move(request_id), started,
                                       respond = std::move(respond),
                                       outcome = std::move(outcome)](bool ok) {
                       HttpResponse response;
                       if (!ok) {
                         response = protocol::encode_error(
                             *call, ApiError("InternalFailure", "The change could not be stored.", 500, false), request_id);
                       } else if (auto* error = std::get_if<ApiError>(&outcome)) {
                         response = protocol::encode_error(*call, *error, request_id);
                       } else {
                         response = protocol::encode_output(*call, std::get<Value>(outcome), request_id);
                       }
                       auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - started);
                       spdlog::debug("{} {} {} {}us", call->model->service, call->operation->name, response.status,
                                     micros.count());
                       respond(std::move(response));
                     });
                   });
}

}  // namespace stratus
