#pragma once
// Where a parsed HTTP request goes: Stratus's own endpoints (health, reset), or the
// protocol layer and a service. Knows nothing of sockets.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "protocol/http.hpp"
#include "protocol/model.hpp"
#include "server/config.hpp"
#include "services/service.hpp"
#include "storage/database.hpp"

namespace stratus {

using Respond = std::function<void(HttpResponse)>;

class Router {
 public:
  Router(const Config& config, const protocol::ModelRegistry& models, storage::Database& db);

  void add_service(std::unique_ptr<Service> service);
  // The service of that name, for services that call each other; nullptr when absent.
  Service* service(std::string_view name) const;
  // `respond` is called exactly once, from any thread.
  void handle(HttpRequest request, Respond respond);
  void shutdown();

 private:
  bool handle_internal(const HttpRequest& request, const Respond& respond);
  RequestContext context_for(const HttpRequest& request, const std::string& access_key, const std::string& region,
                             std::string request_id) const;

  const Config& config_;
  const protocol::ModelRegistry& models_;
  storage::Database& db_;
  std::map<std::string, std::unique_ptr<Service>, std::less<>> services_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace stratus
