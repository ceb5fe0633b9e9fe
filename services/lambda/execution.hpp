#pragma once
// Running functions: execution environments are local processes (a runtime client of
// ours for Python and Node.js, the package's bootstrap for provided runtimes) that
// fetch work from a Runtime API endpoint of their own. Warm environments are reused;
// more start while invocations wait, up to the function's concurrency.
//
// Concurrency: one mutex for all environments; the service's lock may be held when
// calling in, never the other way round.
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "services/lambda/process.hpp"
#include "services/lambda/runtime_api.hpp"
#include "services/service.hpp"

namespace stratus::lambda {

// What an environment runs: one version of one function, as it was when it started.
struct FunctionRuntime {
  std::string key;  // environments serve one key: the version and its revision
  std::string function_arn, function_name, version, runtime, handler, code_dir, region, account;
  std::int64_t memory_mb = 128, timeout_seconds = 3;
  std::map<std::string, std::string> variables;
  std::int64_t concurrency = 1000;  // environments at most
  bool reserved = false;            // beyond `concurrency`, throttle rather than wait
};

struct InvokeResult {
  std::string payload;
  bool function_error = false;  // X-Amz-Function-Error: Unhandled
  bool throttled = false;
  std::string log_tail;  // the last 4 KB of the invocation's log, when asked
};

struct InvokeRequest {
  std::string request_id;  // the invocation's id; a new one when empty
  std::string payload;
  std::string client_context;
  std::string invoked_arn;
  bool tail_log = false;
  std::function<void(InvokeResult)> done;  // exactly once, never inside invoke()
};

class Executor {
 public:
  // `work_dir` holds the runtime clients and the logs; `endpoint` is where functions'
  // own SDK calls go (AWS_ENDPOINT_URL), known once the server listens.
  Executor(Scheduler& scheduler, RuntimeApiHost& host, std::filesystem::path work_dir,
           std::shared_ptr<const std::string> endpoint);
  ~Executor();

  void invoke(const FunctionRuntime& function, InvokeRequest request);
  // Environments of this function end (idle ones now, busy ones after their invocation).
  void retire(const std::string& function_arn);
  void shutdown();
  // Where an invocation's log lines go (documented; read by /_stratus/lambda/logs).
  std::filesystem::path log_dir(const std::string& function_name) const;

 private:
  struct Invocation;
  struct Environment;
  struct Pool;

  void dispatch(Pool& pool);
  void spawn(Pool& pool);
  void assign(Environment& env, std::shared_ptr<Invocation> invocation);
  void finish(Environment& env, std::string payload, bool error);
  void fail_waiting(Pool& pool, const std::string& payload);
  void end(std::uint64_t id);
  void on_runtime_request(std::uint64_t id, RuntimeRequest request, std::function<void(RuntimeAnswer)> answer);
  void reap();
  void schedule_reaper();
  std::vector<std::string> environment_variables(const Environment& env) const;
  std::vector<std::string> command(const FunctionRuntime& function, std::string& why_not) const;
  void write_log(const Environment& env, const std::string& line) const;

  std::mutex mutex_;
  std::map<std::string, Pool> pools_;  // by FunctionRuntime::key
  std::map<std::uint64_t, std::unique_ptr<Environment>> environments_;
  std::uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::unique_ptr<Timer> reaper_;
  Scheduler& scheduler_;
  RuntimeApiHost& host_;
  std::filesystem::path work_dir_;
  std::shared_ptr<const std::string> endpoint_;
};

}  // namespace stratus::lambda
