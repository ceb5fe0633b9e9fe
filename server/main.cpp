// stratus: one process, every service, the real AWS wire protocols.
#include <spdlog/spdlog.h>

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <thread>
#include <vector>

#include "protocol/model.hpp"
#include "server/config.hpp"
#include "server/http_server.hpp"
#include "server/logging.hpp"
#include "server/http_client.hpp"
#include "server/load_balancer_proxy.hpp"
#include "server/runtime_api_server.hpp"
#include "server/router.hpp"
#include "server/timers.hpp"
#include "services/dynamodb/dynamodb_service.hpp"
#include "services/dynamodb/streams_service.hpp"
#include "services/elb/elb_service.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/sns/sns_service.hpp"
#include "services/sqs/sqs_service.hpp"
#include "storage/database.hpp"

namespace {

constexpr auto kMemoryTrimInterval = std::chrono::seconds(5);
constexpr std::size_t kTrimOnceFreed = 16 << 20;

// glibc keeps freed memory in its arenas; after a queue drains, hand it back to the
// system so that RSS follows the data actually held. Only once much was freed: a trim
// walks every free chunk, and under a steady load (a few MB free, reused at once) it
// stalled the network thread 3-9 ms each time for nothing.
void trim_memory_periodically(stratus::Scheduler& scheduler, std::unique_ptr<stratus::Timer>& timer,
                              const std::atomic<bool>& stopping, std::size_t least_free = SIZE_MAX) {
  timer = scheduler.after(kMemoryTrimInterval, [&scheduler, &timer, &stopping, least_free]() mutable {
    if (stopping) return;
#ifdef __GLIBC__
    std::size_t free_now = mallinfo2().fordblks;  // trimmed chunks still count: they stay in the arenas
    least_free = std::min(least_free, free_now);
    if (free_now - least_free >= kTrimOnceFreed) {
      malloc_trim(0);
      least_free = free_now;
    }
#endif
    trim_memory_periodically(scheduler, timer, stopping, least_free);
  });
}

// Thousands of connections need thousands of descriptors: take the hard limit.
void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) spdlog::warn("could not raise the open-file limit");
  }
}

constexpr auto kShutdownGrace = std::chrono::seconds(10);
constexpr auto kShutdownPoll = std::chrono::milliseconds(20);

// Lambda's files (unpacked packages, runtime clients, logs) live beside the database;
// an ephemeral server keeps them in a temporary folder of its own.
std::filesystem::path lambda_root(const stratus::Config& config) {
  if (!config.ephemeral) return std::filesystem::path(config.data_dir) / "lambda";
  return std::filesystem::temp_directory_path() / ("stratus-lambda-" + std::to_string(getpid()));
}

std::unique_ptr<stratus::storage::Database> open_storage(const stratus::Config& config) {
  if (config.ephemeral) return stratus::storage::Database::ephemeral();
  return stratus::storage::Database::open(config.data_dir);
}

int run(const stratus::Config& config) {
  auto started = std::chrono::steady_clock::now();
  raise_descriptor_limit();
  boost::asio::io_context io(config.threads);
  auto db = open_storage(config);
  stratus::AsioScheduler scheduler(io);
  db->set_executor([&scheduler](std::function<void()> task) { scheduler.post(std::move(task)); });
  db->set_commit_failure_handler([] {
    spdlog::critical("storage: a commit failed; stopping so that no answer reports state the disk does not have");
    std::abort();
  });
  // Declared before the router: the services it owns use them until they are destroyed.
  stratus::AsioHttpClient http_client(io);
  stratus::LoadBalancerProxy load_balancer_proxy(io, config.host, config.threads);
  stratus::RuntimeApiServer runtime_api(io);
  auto endpoint = std::make_shared<std::string>();
  stratus::Router router(config, stratus::protocol::ModelRegistry::builtin(), *db);
  load_balancer_proxy.set_services([&router](std::string_view name) { return router.service(name); });
  router.add_service(std::make_unique<stratus::sqs::SqsService>(*db, scheduler));
  router.add_service(std::make_unique<stratus::sns::SnsService>(
      *db, scheduler, http_client, [&router](std::string_view name) { return router.service(name); },
      config.ephemeral ? stratus::sns::Signer::ephemeral() : stratus::sns::Signer::open(config.data_dir)));
  auto dynamodb = std::make_unique<stratus::dynamodb::DynamoDbService>(*db, scheduler);
  router.add_service(std::make_unique<stratus::dynamodb::DynamoDbStreamsService>(dynamodb->stream_log()));
  router.add_service(std::move(dynamodb));
  router.add_service(std::make_unique<stratus::elb::ElbService>(*db, scheduler, http_client, load_balancer_proxy));
  const std::filesystem::path lambda_files = lambda_root(config);
  router.add_service(std::make_unique<stratus::lambda::LambdaService>(
      *db, scheduler, runtime_api, [&router](std::string_view name) { return router.service(name); },
      lambda_files / "code", lambda_files, endpoint, std::chrono::seconds(config.lambda_retry_delay_s)));

  stratus::HttpServer server(io, config, router);
  server.start();
  *endpoint = "http://" + std::string(config.host == "0.0.0.0" ? "127.0.0.1" : config.host) + ":" +
              std::to_string(server.port());
  std::unique_ptr<stratus::Timer> trim_timer;
  std::atomic<bool> stopping{false};
  trim_memory_periodically(scheduler, trim_timer, stopping);

  // After a signal: stop accepting, answer pending long polls, then poll until the
  // last connection has its answer (or the grace period is over) and stop the loop.
  boost::asio::steady_timer poll(io);
  std::chrono::steady_clock::time_point give_up;
  std::function<void()> wait_for_connections = [&] {
    poll.expires_after(kShutdownPoll);
    poll.async_wait([&](const boost::system::error_code& ec) {
      if (ec) return;
      if (server.open_connections() == 0 || std::chrono::steady_clock::now() > give_up) {
        if (server.open_connections() > 0) spdlog::warn("shutdown grace period over; closing remaining connections");
        io.stop();
        return;
      }
      wait_for_connections();
    });
  };
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("signal {}: finishing in-flight requests", signal);
    server.stop();
    router.shutdown();
    stopping = true;
    give_up = std::chrono::steady_clock::now() + kShutdownGrace;
    wait_for_connections();
  });

  auto ready_us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  spdlog::info("stratus {} listening on {}:{} ({}, {} threads, ready in {} us)", STRATUS_VERSION, config.host,
               server.port(), config.ephemeral ? "ephemeral" : "data in " + config.data_dir, config.threads,
               ready_us.count());

  std::vector<std::thread> threads;
  for (int i = 1; i < config.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();
  db->set_executor(nullptr);
  db->flush();
  if (config.ephemeral) {
    std::error_code ignored;
    std::filesystem::remove_all(lambda_files, ignored);
  }
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto parsed = stratus::parse_config(argc, argv);
  if (!parsed.config) return parsed.exit_code;
  if (!stratus::setup_logging(parsed.config->log_level)) {
    std::cerr << "stratus: unknown log level " << parsed.config->log_level << "\n";
    return 2;
  }
  try {
    return run(*parsed.config);
  } catch (const std::exception& e) {
    spdlog::error("fatal: {}", e.what());
    return 1;
  }
}
