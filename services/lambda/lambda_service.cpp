#include "services/lambda/lambda_service.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "services/lambda/names.hpp"

namespace stratus::lambda {

const OperationTable<LambdaService>& LambdaService::operations() {
  static const OperationTable<LambdaService> table = {
      {"AddPermission", {&LambdaService::add_permission}},
      {"CreateAlias", {&LambdaService::create_alias}},
      {"CreateEventSourceMapping", {&LambdaService::create_event_source_mapping}},
      {"CreateFunction", {&LambdaService::create_function}},
      {"DeleteAlias", {&LambdaService::delete_alias}},
      {"DeleteEventSourceMapping", {&LambdaService::delete_event_source_mapping}},
      {"DeleteFunction", {&LambdaService::delete_function}},
      {"DeleteFunctionConcurrency", {&LambdaService::delete_function_concurrency}},
      {"DeleteFunctionEventInvokeConfig", {&LambdaService::delete_function_event_invoke_config}},
      {"GetAccountSettings", {&LambdaService::get_account_settings}},
      {"GetAlias", {&LambdaService::get_alias}},
      {"GetEventSourceMapping", {&LambdaService::get_event_source_mapping}},
      {"GetFunction", {&LambdaService::get_function}},
      {"GetFunctionConcurrency", {&LambdaService::get_function_concurrency}},
      {"GetFunctionConfiguration", {&LambdaService::get_function_configuration}},
      {"GetFunctionEventInvokeConfig", {&LambdaService::get_function_event_invoke_config}},
      {"GetPolicy", {&LambdaService::get_policy}},
      {"Invoke", {nullptr, &LambdaService::invoke}},
      {"ListAliases", {&LambdaService::list_aliases}},
      {"ListEventSourceMappings", {&LambdaService::list_event_source_mappings}},
      {"ListFunctionEventInvokeConfigs", {&LambdaService::list_function_event_invoke_configs}},
      {"ListFunctions", {&LambdaService::list_functions}},
      {"ListTags", {&LambdaService::list_tags}},
      {"ListVersionsByFunction", {&LambdaService::list_versions_by_function}},
      {"PublishVersion", {&LambdaService::publish_version}},
      {"PutFunctionConcurrency", {&LambdaService::put_function_concurrency}},
      {"PutFunctionEventInvokeConfig", {&LambdaService::put_function_event_invoke_config}},
      {"RemovePermission", {&LambdaService::remove_permission}},
      {"TagResource", {&LambdaService::tag_resource}},
      {"UntagResource", {&LambdaService::untag_resource}},
      {"UpdateAlias", {&LambdaService::update_alias}},
      {"UpdateEventSourceMapping", {&LambdaService::update_event_source_mapping}},
      {"UpdateFunctionCode", {&LambdaService::update_function_code}},
      {"UpdateFunctionConfiguration", {&LambdaService::update_function_configuration}},
      {"UpdateFunctionEventInvokeConfig", {&LambdaService::update_function_event_invoke_config}},
  };
  return table;
}

LambdaService::LambdaService(storage::Database& db, Scheduler& scheduler, RuntimeApiHost& runtime_api,
                             ServiceLookup services, std::filesystem::path code_root, std::filesystem::path work_dir,
                             std::shared_ptr<const std::string> endpoint, std::chrono::seconds retry_delay)
    : retry_delay_(retry_delay), store_(db), scheduler_(scheduler), services_(std::move(services)),
      code_root_(std::move(code_root)),
      executor_(scheduler, runtime_api, std::move(work_dir), std::move(endpoint)) {
  std::filesystem::create_directories(code_root_);
  store_.load([this](Function f) {
    if (f.reserved_concurrency) reserved_in(f) += *f.reserved_concurrency;
    functions_.emplace(f.arn, std::move(f));
  });
  store_.load_mappings([this](const std::string& uuid, Value configuration) {
    EventSourceMapping& m = mappings_[uuid];
    m.configuration = std::move(configuration);
    try {
      m.filters = compile_filters(m.configuration);
    } catch (const ApiError&) {
      m.filters.clear();
    }
  });
  store_.load_events([this](AsyncEvent e) {
    next_event_id_ = std::max(next_event_id_, e.id + 1);
    auto event = std::make_shared<AsyncEvent>(std::move(e));
    async_events_.emplace(event->id, event);
    scheduler_.post([this, event] {
      std::lock_guard lock(mutex_);
      run_event(event);
    });
  });
  std::lock_guard lock(mutex_);
  for (const auto& [uuid, m] : mappings_) start_pollers(uuid);
}

LambdaService::~LambdaService() = default;

void LambdaService::call(std::string_view operation, const RequestContext& context, Value input, Reply reply) {
  dispatch(*this, operations(), mutex_, operation, context, input, reply);
}

void LambdaService::reset() {
  std::lock_guard lock(mutex_);
  for (const auto& [arn, f] : functions_) executor_.retire(arn);
  functions_.clear();
  mappings_.clear();
  for (auto& [id, event] : async_events_) event->retry.reset();
  async_events_.clear();
  reserved_.clear();
  store_.clear();
}

void LambdaService::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& [id, event] : async_events_) event->retry.reset();
  }
  executor_.shutdown();
}

std::optional<Document> LambdaService::document(std::string_view path) const {
  namespace fs = std::filesystem;
  auto read = [](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  auto plain_name = [](std::string_view name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }) &&
           name.find("..") == std::string_view::npos;
  };
  if (path.starts_with("code/") && plain_name(path.substr(5)) && path.ends_with(".zip")) {
    fs::path file = code_root_ / std::string(path.substr(5));
    if (!fs::is_regular_file(file)) return std::nullopt;
    return Document{"application/zip", read(file)};
  }
  if (path.starts_with("logs/") && plain_name(path.substr(5))) {
    std::string name(path.substr(5));
    {
      std::lock_guard lock(mutex_);
      bool exists = std::any_of(functions_.begin(), functions_.end(), [&](const auto& f) { return f.second.name == name; });
      if (!exists) return std::nullopt;
    }
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(executor_.log_dir(name), ec)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::string all;
    for (const auto& file : files) all += read(file);
    return Document{"text/plain; charset=utf-8", std::move(all)};
  }
  return std::nullopt;
}

Function& LambdaService::function(const RequestContext& ctx, const std::string& name_or_arn) {
  auto reference = parse_reference(name_or_arn);
  if (!reference) check_function_name(name_or_arn);
  std::string account = reference->account.empty() ? ctx.account : reference->account;
  std::string region = reference->region.empty() ? ctx.region : reference->region;
  std::string arn = function_arn(region, account, reference->name);
  auto it = functions_.find(arn);
  if (it == functions_.end()) throw not_found(arn);
  return it->second;
}

const FunctionVersion& LambdaService::version(const Function& f, const std::string& qualifier) const {
  if (qualifier.empty() || qualifier == "$LATEST") return f.latest;
  if (auto number = version_number(qualifier)) {
    auto it = f.versions.find(*number);
    if (it == f.versions.end()) throw not_found(f.arn + ":" + qualifier);
    return it->second;
  }
  auto alias = f.aliases.find(qualifier);
  if (alias == f.aliases.end()) throw not_found(f.arn + ":" + qualifier);
  return version(f, alias->second.find("FunctionVersion")->as_string());
}

}  // namespace stratus::lambda
