#pragma once
// AWS Lambda. The operation table in lambda_service.cpp lists the API; operations
// live by family in function_operations.cpp (functions, code, configuration,
// versions), alias_operations.cpp, and function_settings.cpp (concurrency,
// permissions, tags, event invoke configs, account settings).
//
// Concurrency: one mutex guards the control plane.
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "services/filter_policy.hpp"
#include "services/lambda/execution.hpp"
#include "services/lambda/function.hpp"
#include "services/lambda/persistence.hpp"
#include "services/operations.hpp"
#include "services/service.hpp"

namespace stratus::lambda {

// How Lambda reaches the other services (SQS for event sources) by name.
using ServiceLookup = std::function<Service*(std::string_view name)>;

class LambdaService : public Service {
 public:
  // `code_root`: where packages are unpacked; `work_dir`: runtime clients and logs;
  // `endpoint`: where functions' own SDK calls go, set once the server listens;
  // `retry_delay`: before the first retry of a failed Event invocation (twice it before the second).
  LambdaService(storage::Database& db, Scheduler& scheduler, RuntimeApiHost& runtime_api, ServiceLookup services,
                std::filesystem::path code_root, std::filesystem::path work_dir,
                std::shared_ptr<const std::string> endpoint, std::chrono::seconds retry_delay);
  ~LambdaService() override;

  std::string_view name() const override { return "lambda"; }
  void call(std::string_view operation, const RequestContext& context, Value input, Reply reply) override;
  void reset() override;
  void shutdown() override;
  // /_stratus/lambda/code/<sha256>.zip: a package; /_stratus/lambda/logs/<function>:
  // every log line the function's environments wrote, oldest first.
  std::optional<Document> document(std::string_view path) const override;

 private:
  static const OperationTable<LambdaService>& operations();

  // function_operations.cpp
  Value create_function(const RequestContext&, const Value&);
  Value get_function(const RequestContext&, const Value&);
  Value get_function_configuration(const RequestContext&, const Value&);
  Value list_functions(const RequestContext&, const Value&);
  Value delete_function(const RequestContext&, const Value&);
  Value update_function_code(const RequestContext&, const Value&);
  Value update_function_configuration(const RequestContext&, const Value&);
  Value publish_version(const RequestContext&, const Value&);
  Value list_versions_by_function(const RequestContext&, const Value&);
  // Makes $LATEST the next numbered version, unless it is unchanged since the last.
  void publish(Function& f, const std::string& description);

  // invoke.cpp
  void invoke(const RequestContext&, const Value&, Reply&);
  // The version a call with this qualifier runs (an alias may route it to a second one).
  const FunctionVersion& target_version(const Function& f, const std::string& qualifier) const;
  FunctionRuntime runtime_for(const Function& f, const FunctionVersion& v) const;
  // What the account reserves for its functions in the function's region.
  std::int64_t& reserved_in(const Function& f) { return reserved_[f.account + ":" + f.region]; }

  // async_invocations.cpp
  void enqueue_event(const std::string& invoked_arn, const std::string& payload);
  void run_event(const std::shared_ptr<AsyncEvent>& event);
  void event_done(const std::shared_ptr<AsyncEvent>& event, const InvokeResult& result, const std::string& executed_version);
  void forget_event(const std::shared_ptr<AsyncEvent>& event);
  std::string destination_record(const AsyncEvent& event, const InvokeResult& result, const std::string& executed_version,
                                 const std::string& condition) const;
  // Sends `body` to a queue, topic or function (after this service's lock is released).
  void send_record(const std::string& target, std::string body, std::string error);

  // event_source_mappings.cpp
  Value create_event_source_mapping(const RequestContext&, const Value&);
  Value get_event_source_mapping(const RequestContext&, const Value&);
  Value update_event_source_mapping(const RequestContext&, const Value&);
  Value delete_event_source_mapping(const RequestContext&, const Value&);
  Value list_event_source_mappings(const RequestContext&, const Value&);
  // FilterCriteria patterns, compiled; a bad one is refused as Lambda refuses it.
  static std::vector<FilterPolicy> compile_filters(const Value& configuration);

  // sqs_poller.cpp
  struct EventSourceMapping {
    Value configuration;           // EventSourceMappingConfiguration
    std::uint64_t generation = 0;  // bumped on every change: pollers of an older one stop
    std::vector<FilterPolicy> filters;  // FilterCriteria: a record must match one (if any)
  };
  struct Batch;
  void start_pollers(const std::string& uuid);
  EventSourceMapping* current(const Batch& batch);
  void receive(std::shared_ptr<Batch> batch);
  void received(const std::shared_ptr<Batch>& batch, const Outcome& outcome);
  void invoke_batch(const std::shared_ptr<Batch>& batch);
  void settle(const std::shared_ptr<Batch>& batch, const InvokeResult& result);
  // Deletes messages, or changes their visibility (`operation` and `extra` say which).
  void for_messages(const std::string& queue_arn, const char* operation, const std::vector<const Value*>& messages,
                    const Object& extra);

  // alias_operations.cpp
  Value create_alias(const RequestContext&, const Value&);
  Value get_alias(const RequestContext&, const Value&);
  Value update_alias(const RequestContext&, const Value&);
  Value delete_alias(const RequestContext&, const Value&);
  Value list_aliases(const RequestContext&, const Value&);

  // function_settings.cpp
  Value put_function_concurrency(const RequestContext&, const Value&);
  Value get_function_concurrency(const RequestContext&, const Value&);
  Value delete_function_concurrency(const RequestContext&, const Value&);
  Value add_permission(const RequestContext&, const Value&);
  Value remove_permission(const RequestContext&, const Value&);
  Value get_policy(const RequestContext&, const Value&);
  Value tag_resource(const RequestContext&, const Value&);
  Value untag_resource(const RequestContext&, const Value&);
  Value list_tags(const RequestContext&, const Value&);
  Value put_function_event_invoke_config(const RequestContext&, const Value&);
  Value update_function_event_invoke_config(const RequestContext&, const Value&);
  Value get_function_event_invoke_config(const RequestContext&, const Value&);
  Value delete_function_event_invoke_config(const RequestContext&, const Value&);
  Value list_function_event_invoke_configs(const RequestContext&, const Value&);
  Value get_account_settings(const RequestContext&, const Value&);

  // A function by name, ARN or partial ARN (a qualifier in it is ignored here);
  // throws ResourceNotFoundException.
  Function& function(const RequestContext& ctx, const std::string& name_or_arn);
  // The version a qualifier ($LATEST, a number, an alias) names; throws when absent.
  const FunctionVersion& version(const Function& f, const std::string& qualifier) const;

  static constexpr std::int64_t kAccountConcurrency = 1000;

  mutable std::mutex mutex_;
  std::map<std::string, Function> functions_;  // by unqualified ARN
  std::map<std::string, EventSourceMapping> mappings_;  // by UUID
  std::map<std::uint64_t, std::shared_ptr<AsyncEvent>> async_events_;  // by id
  std::uint64_t next_event_id_ = 1;
  std::chrono::seconds retry_delay_;
  std::map<std::string, std::int64_t> reserved_;  // reserved concurrency, by "<account>:<region>"
  bool stopping_ = false;
  LambdaStore store_;
  Scheduler& scheduler_;
  ServiceLookup services_;
  std::filesystem::path code_root_;
  Executor executor_;
};

}  // namespace stratus::lambda
