#pragma once
// Command-line flags and STRATUS_* environment variables (flags win).
#include <cstddef>
#include <optional>
#include <string>

namespace stratus {

struct Config {
  std::string host = "127.0.0.1";
  int port = 4566;
  std::string data_dir = "./stratus-data";
  bool ephemeral = false;
  std::string log_level = "info";
  int threads = 1;  // network threads; storage has threads of its own
  bool io_uring = true;  // sockets read and written in batches through io_uring, where the kernel allows
  std::string default_account = "000000000000";
  std::string default_region = "us-east-1";
  std::size_t max_body_bytes = 64 * 1024 * 1024;
  int idle_timeout_s = 60;
  // Lambda retries a failed asynchronous invocation after this, then after twice this
  // (AWS: one minute, then two).
  int lambda_retry_delay_s = 60;
};

struct ConfigResult {
  std::optional<Config> config;  // empty: exit with exit_code (after --help, --version, or an error)
  int exit_code = 0;
};

ConfigResult parse_config(int argc, char** argv);

}  // namespace stratus
