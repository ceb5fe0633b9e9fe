#include "services/lambda/execution.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "services/lambda/runtime_files.hpp"

namespace stratus::lambda {
namespace {

namespace fs = std::filesystem;

constexpr auto kReapInterval = std::chrono::milliseconds(100);
// An environment that has had no work this long is shut down, as Lambda reclaims idle ones.
constexpr auto kIdleLifetime = std::chrono::minutes(10);
// How long an environment may take to ask for its first work: Lambda's init phase
// limit, or the function's timeout when that is longer.
constexpr std::int64_t kInitLimitSeconds = 10;
constexpr std::size_t kLogTailBytes = 4096;
constexpr std::string_view kApiPrefix = "/2018-06-01/runtime/";

using Clock = std::chrono::steady_clock;

std::string error_payload(const std::string& type, const std::string& message) {
  return json::write(Value(Object{{"errorType", Value(type)}, {"errorMessage", Value(message)}}));
}

std::string milliseconds(Clock::duration d) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", std::chrono::duration<double, std::milli>(d).count());
  return text;
}

// "2026/11/28/[$LATEST]<32 hex>", the stream name Lambda gives an environment's logs.
std::string log_stream(const std::string& version) {
  std::string date = ids::iso8601(ids::now_ms()).substr(0, 10);
  for (char& c : date)
    if (c == '-') c = '/';
  return date + "/[" + version + "]" + ids::token() + ids::token();
}

std::string read_from(const fs::path& path, std::uintmax_t offset) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

struct Executor::Invocation {
  std::string request_id = ids::uuid();
  InvokeRequest request;
  Clock::time_point started;
  std::uintmax_t log_offset = 0;
  std::unique_ptr<Timer> timeout;
};

struct Executor::Environment {
  std::uint64_t id = 0;
  FunctionRuntime function;
  std::string runtime_api, log_stream;
  fs::path log_path;
  std::optional<Process> process;
  std::function<void(RuntimeAnswer)> waiting;  // its GET .../next, while it waits for work
  std::shared_ptr<Invocation> current;
  bool initialized = false;  // it has asked for work at least once
  std::unique_ptr<Timer> init_timeout;
  bool retired = false;      // ends after its current invocation
  Clock::time_point started = Clock::now();
  Clock::time_point idle_since = Clock::now();
  std::optional<Clock::duration> init_duration;  // reported with its first invocation
};

struct Executor::Pool {
  std::deque<std::shared_ptr<Invocation>> queue;
  std::vector<std::uint64_t> environments;
  FunctionRuntime function;  // as of the newest invocation
};

Executor::Executor(Scheduler& scheduler, RuntimeApiHost& host, fs::path work_dir, std::shared_ptr<const std::string> endpoint)
    : scheduler_(scheduler), host_(host), work_dir_(std::move(work_dir)), endpoint_(std::move(endpoint)) {
  fs::create_directories(work_dir_ / "runtimes");
  for (const auto& file : runtime_files()) {
    std::ofstream out(work_dir_ / "runtimes" / file.name, std::ios::binary | std::ios::trunc);
    out << file.text;
  }
}

Executor::~Executor() { shutdown(); }

fs::path Executor::log_dir(const std::string& function_name) const { return work_dir_ / "logs" / function_name; }

void Executor::invoke(const FunctionRuntime& function, InvokeRequest request) {
  auto invocation = std::make_shared<Invocation>();
  invocation->request = std::move(request);
  if (!invocation->request.request_id.empty()) invocation->request_id = invocation->request.request_id;
  std::lock_guard lock(mutex_);
  if (stopping_) {
    InvokeResult gone{error_payload("Runtime.ExitError", "The server is shutting down."), true, false, {}};
    scheduler_.post([invocation, gone] { invocation->request.done(gone); });
    return;
  }
  Pool& pool = pools_[function.key];
  pool.function = function;
  if (function.reserved) {
    std::size_t busy = 0;
    for (auto id : pool.environments) busy += environments_.at(id)->current ? 1 : 0;
    if (busy + pool.queue.size() >= static_cast<std::size_t>(function.concurrency)) {
      InvokeResult throttled;
      throttled.throttled = true;
      scheduler_.post([invocation, throttled] { invocation->request.done(throttled); });
      return;
    }
  }
  pool.queue.push_back(std::move(invocation));
  dispatch(pool);
}

void Executor::dispatch(Pool& pool) {
  while (!pool.queue.empty()) {
    Environment* idle = nullptr;
    for (auto id : pool.environments) {
      Environment& env = *environments_.at(id);
      if (env.waiting && !env.current && !env.retired) idle = &env;
    }
    if (!idle) break;
    auto invocation = pool.queue.front();
    pool.queue.pop_front();
    assign(*idle, std::move(invocation));
  }
  // Environments starting up, or between answering and asking for more, will take
  // work soon: only invocations beyond those start new ones.
  std::size_t soon = 0;
  for (auto id : pool.environments) {
    const Environment& env = *environments_.at(id);
    soon += !env.current && !env.waiting && !env.retired ? 1 : 0;
  }
  while (pool.queue.size() > soon && pool.environments.size() < static_cast<std::size_t>(pool.function.concurrency)) {
    spawn(pool);
    ++soon;
  }
}

std::vector<std::string> Executor::command(const FunctionRuntime& function, std::string& why_not) const {
  fs::path runtimes = work_dir_ / "runtimes";
  if (function.runtime.starts_with("python")) return {"python3", (runtimes / "python_runtime.py").string()};
  if (function.runtime.starts_with("nodejs")) return {"node", (runtimes / "node_runtime.mjs").string()};
  if (function.runtime.starts_with("provided")) return {(fs::path(function.code_dir) / "bootstrap").string()};
  why_not = "The runtime " + function.runtime + " is not available on this machine.";
  return {};
}

std::vector<std::string> Executor::environment_variables(const Environment& env) const {
  const FunctionRuntime& f = env.function;
  std::map<std::string, std::string> vars = {
      {"PATH", std::getenv("PATH") ? std::getenv("PATH") : "/usr/local/bin:/usr/bin:/bin"},
      {"LANG", "en_US.UTF-8"},
      {"TZ", ":UTC"},
      {"AWS_ENDPOINT_URL", *endpoint_},
  };
  if (const char* home = std::getenv("HOME")) vars["HOME"] = home;
  for (const auto& [k, v] : f.variables) vars[k] = v;
  // What Lambda itself sets wins over the function's variables.
  std::map<std::string, std::string> lambda = {
      {"AWS_LAMBDA_RUNTIME_API", env.runtime_api},
      {"_HANDLER", f.handler},
      {"LAMBDA_TASK_ROOT", f.code_dir},
      {"LAMBDA_RUNTIME_DIR", (work_dir_ / "runtimes").string()},
      {"AWS_REGION", f.region},
      {"AWS_DEFAULT_REGION", f.region},
      {"AWS_EXECUTION_ENV", "AWS_Lambda_" + f.runtime},
      {"AWS_LAMBDA_FUNCTION_NAME", f.function_name},
      {"AWS_LAMBDA_FUNCTION_VERSION", f.version},
      {"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", std::to_string(f.memory_mb)},
      {"AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + f.function_name},
      {"AWS_LAMBDA_LOG_STREAM_NAME", env.log_stream},
      {"AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"},
      // The account id as the access key: the function's own calls land in its account.
      {"AWS_ACCESS_KEY_ID", f.account},
      {"AWS_SECRET_ACCESS_KEY", "stratus"},
      {"AWS_SESSION_TOKEN", "stratus"},
      {"PYTHONUNBUFFERED", "1"},
  };
  for (const auto& [k, v] : lambda) vars[k] = v;
  std::vector<std::string> out;
  for (const auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

void Executor::spawn(Pool& pool) {
  auto env = std::make_unique<Environment>();
  env->id = next_id_++;
  env->function = pool.function;
  env->log_stream = log_stream(pool.function.version);
  std::error_code ignored;
  fs::create_directories(log_dir(pool.function.function_name), ignored);
  env->log_path = log_dir(pool.function.function_name) / (std::to_string(ids::now_ms()) + "-" + std::to_string(env->id) + ".log");
  std::uint64_t id = env->id;
  env->runtime_api = host_.open(id, [this, id](RuntimeRequest request, std::function<void(RuntimeAnswer)> answer) {
    on_runtime_request(id, std::move(request), std::move(answer));
  });
  std::string why_not;
  auto argv = command(pool.function, why_not);
  if (!argv.empty() && !env->runtime_api.empty()) {
    env->process = Process::start(argv, environment_variables(*env), pool.function.code_dir, env->log_path.string(), why_not);
  } else if (why_not.empty()) {
    why_not = "No Runtime API endpoint could be opened.";
  }
  if (!env->process) {
    host_.close(id);
    write_log(*env, why_not + "\n");
    fail_waiting(pool, error_payload("Runtime.InvalidEntrypoint", why_not));
    return;
  }
  auto limit = std::chrono::seconds(std::max(kInitLimitSeconds, pool.function.timeout_seconds));
  env->init_timeout = scheduler_.after(limit, [this, id, limit] {
    std::lock_guard lock(mutex_);
    auto it = environments_.find(id);
    if (it == environments_.end() || it->second->initialized) return;
    Environment& slow = *it->second;
    write_log(slow, "INIT_REPORT Init Duration: " + std::to_string(limit.count() * 1000) + ".00 ms\tPhase: init\tStatus: timeout\n");
    fail_waiting(pools_[slow.function.key],
                 error_payload("Sandbox.Timedout", "Task timed out after " + std::to_string(limit.count()) + ".00 seconds"));
    end(id);
  });
  pool.environments.push_back(id);
  environments_.emplace(id, std::move(env));
  schedule_reaper();
}

void Executor::assign(Environment& env, std::shared_ptr<Invocation> invocation) {
  std::error_code ec;
  invocation->log_offset = fs::exists(env.log_path, ec) ? fs::file_size(env.log_path, ec) : 0;
  invocation->started = Clock::now();
  write_log(env, "START RequestId: " + invocation->request_id + " Version: " + env.function.version + "\n");
  auto deadline = ids::now_ms() + env.function.timeout_seconds * 1000;
  RuntimeAnswer answer;
  answer.headers = {{"Lambda-Runtime-Aws-Request-Id", invocation->request_id},
                    {"Lambda-Runtime-Deadline-Ms", std::to_string(deadline)},
                    {"Lambda-Runtime-Invoked-Function-Arn", invocation->request.invoked_arn},
                    {"Lambda-Runtime-Trace-Id", "Root=1-" + ids::token().substr(0, 8) + "-" + ids::token() + ids::token().substr(0, 8) + ";Sampled=0"}};
  if (!invocation->request.client_context.empty())
    answer.headers.emplace_back("Lambda-Runtime-Client-Context", invocation->request.client_context);
  answer.body = invocation->request.payload;
  invocation->timeout = scheduler_.after(std::chrono::seconds(env.function.timeout_seconds), [this, id = env.id, invocation] {
    std::lock_guard lock(mutex_);
    auto it = environments_.find(id);
    if (it == environments_.end() || it->second->current != invocation) return;
    Environment& timed_out = *it->second;
    std::string seconds = std::to_string(timed_out.function.timeout_seconds) + ".00";
    write_log(timed_out, ids::iso8601(ids::now_ms()) + " " + invocation->request_id + " Task timed out after " + seconds + " seconds\n");
    finish(timed_out, error_payload("Sandbox.Timedout", "RequestId: " + invocation->request_id +
                                                            " Error: Task timed out after " + seconds + " seconds"),
           true);
    end(id);
  });
  env.current = std::move(invocation);
  auto waiting = std::move(env.waiting);
  env.waiting = nullptr;
  waiting(std::move(answer));
}

void Executor::finish(Environment& env, std::string payload, bool error) {
  auto invocation = std::move(env.current);
  env.current = nullptr;
  if (!invocation) return;
  invocation->timeout.reset();
  auto took = Clock::now() - invocation->started;
  write_log(env, "END RequestId: " + invocation->request_id + "\n");
  auto billed = std::chrono::ceil<std::chrono::milliseconds>(took).count();
  std::string report = "REPORT RequestId: " + invocation->request_id + "\tDuration: " + milliseconds(took) +
                       " ms\tBilled Duration: " + std::to_string(std::max<std::int64_t>(1, billed)) +
                       " ms\tMemory Size: " + std::to_string(env.function.memory_mb) + " MB\tMax Memory Used: " +
                       std::to_string(env.process->peak_memory_mb()) + " MB\t";
  if (env.init_duration) report += "Init Duration: " + milliseconds(*env.init_duration) + " ms\t";
  env.init_duration.reset();
  write_log(env, report + "\n");
  InvokeResult result;
  result.payload = std::move(payload);
  result.function_error = error;
  if (invocation->request.tail_log) {
    std::error_code ec;
    std::uintmax_t size = fs::file_size(env.log_path, ec);
    std::uintmax_t from = ec ? invocation->log_offset : std::max(invocation->log_offset, size > kLogTailBytes ? size - kLogTailBytes : 0);
    result.log_tail = read_from(env.log_path, from);
  }
  scheduler_.post([invocation, result = std::move(result)]() mutable { invocation->request.done(std::move(result)); });
}

// An environment that could not start takes the oldest waiting invocation down with it.
void Executor::fail_waiting(Pool& pool, const std::string& payload) {
  if (pool.queue.empty()) return;
  auto invocation = pool.queue.front();
  pool.queue.pop_front();
  InvokeResult result{payload, true, false, {}};
  scheduler_.post([invocation, result]() mutable { invocation->request.done(std::move(result)); });
}

void Executor::end(std::uint64_t id) {
  auto it = environments_.find(id);
  if (it == environments_.end()) return;
  if (it->second->current)
    finish(*it->second, error_payload("Runtime.ExitError", "RequestId: " + it->second->current->request_id +
                                                              " Error: the runtime stopped before answering"),
           true);
  host_.close(id);
  auto env = std::move(it->second);
  environments_.erase(it);
  auto pool = pools_.find(env->function.key);
  if (pool != pools_.end()) {
    std::erase(pool->second.environments, id);
    dispatch(pool->second);
    if (pool->second.environments.empty() && pool->second.queue.empty()) pools_.erase(pool);
  }
}

void Executor::on_runtime_request(std::uint64_t id, RuntimeRequest request, std::function<void(RuntimeAnswer)> answer) {
  std::lock_guard lock(mutex_);
  auto it = environments_.find(id);
  if (it == environments_.end() || stopping_) return answer(RuntimeAnswer{410, {}, R"({"errorMessage":"gone"})"});
  Environment& env = *it->second;
  std::string_view path = request.path;
  if (!path.starts_with(kApiPrefix)) return answer(RuntimeAnswer{404, {}, R"({"errorMessage":"not found"})"});
  path.remove_prefix(kApiPrefix.size());
  const RuntimeAnswer accepted{202, {}, R"({"status":"OK"})"};
  if (request.method == "GET" && path == "invocation/next") {
    if (!env.initialized) env.init_duration = Clock::now() - env.started;
    env.init_timeout.reset();
    env.initialized = true;
    env.idle_since = Clock::now();
    env.waiting = std::move(answer);
    if (env.retired) return end(id);
    return dispatch(pools_[env.function.key]);
  }
  if (request.method == "POST" && path == "init/error") {
    answer(accepted);
    write_log(env, request.body + "\n");
    fail_waiting(pools_[env.function.key], request.body);
    return end(id);
  }
  if (request.method == "POST" && path.starts_with("invocation/")) {
    path.remove_prefix(11);
    auto slash = path.find('/');
    std::string_view request_id = path.substr(0, slash), what = slash == std::string_view::npos ? "" : path.substr(slash + 1);
    if (!env.current || env.current->request_id != request_id || (what != "response" && what != "error"))
      return answer(RuntimeAnswer{400, {}, R"({"errorMessage":"invalid request id","errorType":"InvalidRequestID"})"});
    answer(accepted);
    finish(env, std::move(request.body), what == "error");
    if (env.retired) return end(id);
    return dispatch(pools_[env.function.key]);
  }
  answer(RuntimeAnswer{404, {}, R"({"errorMessage":"not found"})"});
}

void Executor::schedule_reaper() {
  if (reaper_ || stopping_) return;
  reaper_ = scheduler_.after(kReapInterval, [this] {
    std::lock_guard lock(mutex_);
    reaper_.reset();
    reap();
    if (!environments_.empty()) schedule_reaper();
  });
}

// Environments whose process has exited: a crash fails the invocation it was running.
void Executor::reap() {
  std::vector<std::uint64_t> gone;
  for (auto& [id, env] : environments_) {
    if (env->waiting && !env->current && Clock::now() - env->idle_since > kIdleLifetime) {
      gone.push_back(id);
      continue;
    }
    int status = 0;
    if (!env->process->exited(status)) continue;
    gone.push_back(id);
    std::string message = "Runtime exited with error: exit status " + std::to_string(status);
    if (env->current) {
      write_log(*env, "RequestId: " + env->current->request_id + " Error: " + message + "\n");
      finish(*env, error_payload("Runtime.ExitError", "RequestId: " + env->current->request_id + " Error: " + message), true);
    } else if (!env->initialized) {
      write_log(*env, "INIT_REPORT Status: error\tError Type: Runtime.ExitError\n");
      fail_waiting(pools_[env->function.key], error_payload("Runtime.ExitError", message));
    }
  }
  for (auto id : gone) end(id);
}

void Executor::retire(const std::string& function_arn) {
  std::lock_guard lock(mutex_);
  std::vector<std::uint64_t> idle;
  for (auto& [id, env] : environments_) {
    if (env->function.function_arn != function_arn) continue;
    env->retired = true;
    if (!env->current) idle.push_back(id);
  }
  for (auto id : idle) end(id);
}

void Executor::shutdown() {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  stopping_ = true;
  reaper_.reset();
  // Every waiting caller gets an answer before the environments go.
  std::string payload = error_payload("Runtime.ExitError", "The server is shutting down.");
  for (auto& [key, pool] : pools_)
    while (!pool.queue.empty()) fail_waiting(pool, payload);
  for (auto& [id, env] : environments_) {
    host_.close(id);
    finish(*env, payload, true);
  }
  environments_.clear();
  pools_.clear();
}

void Executor::write_log(const Environment& env, const std::string& line) const {
  std::ofstream out(env.log_path, std::ios::app | std::ios::binary);
  out << line;
}

}  // namespace stratus::lambda
