#include "server/config.hpp"

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>

namespace stratus {
namespace {

constexpr const char* kUsage = R"(Usage: stratus [options]

A local AWS: SQS, SNS, Lambda, DynamoDB (with Streams) and Elastic Load Balancing v2
over the real wire protocols.

Options (each also as an environment variable, e.g. --data-dir as STRATUS_DATA_DIR):
  --host HOST              address to listen on (default 127.0.0.1)
  --port PORT              port to listen on (default 4566)
  --data-dir DIR           where durable state lives (default ./stratus-data)
  --ephemeral              keep all state in memory; nothing is written to disk
  --log-level LEVEL        trace, debug, info, warn, error or off (default info)
  --threads N              network threads (default 1; storage runs on its own threads)
  --no-io-uring            read and write each connection with system calls of its own,
                           not batched through io_uring (used only where the kernel allows)
  --default-account ID     account for credentials that are not a 12-digit key
                           (default 000000000000)
  --default-region REGION  region for unsigned requests (default us-east-1)
  --max-body-bytes N       largest request body accepted (default 67108864)
  --idle-timeout SECONDS   close connections silent this long (default 60)
  --lambda-retry-delay SECONDS
                           first retry of a failed asynchronous invocation after this,
                           the second after twice this (default 60, as AWS)
  --version                print the version and exit
  --help                   print this help and exit
)";

struct Option {
  bool takes_value;
  std::function<bool(Config&, const std::string&)> apply;
};

bool to_int(const std::string& text, int& out, int min, int max) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < min || v > max) return false;
  out = static_cast<int>(v);
  return true;
}

const std::map<std::string, Option>& options() {
  static const std::map<std::string, Option> table = {
      {"host", {true, [](Config& c, const std::string& v) { c.host = v; return !v.empty(); }}},
      {"port", {true, [](Config& c, const std::string& v) { return to_int(v, c.port, 0, 65535); }}},
      {"data-dir", {true, [](Config& c, const std::string& v) { c.data_dir = v; return !v.empty(); }}},
      {"ephemeral", {false, [](Config& c, const std::string& v) { c.ephemeral = v != "false" && v != "0"; return true; }}},
      {"log-level", {true, [](Config& c, const std::string& v) { c.log_level = v; return true; }}},
      {"threads", {true, [](Config& c, const std::string& v) { return to_int(v, c.threads, 1, 256); }}},
      {"no-io-uring", {false, [](Config& c, const std::string& v) { c.io_uring = v == "false" || v == "0"; return true; }}},
      {"default-account", {true, [](Config& c, const std::string& v) { c.default_account = v; return v.size() == 12; }}},
      {"default-region", {true, [](Config& c, const std::string& v) { c.default_region = v; return !v.empty(); }}},
      {"max-body-bytes", {true, [](Config& c, const std::string& v) {
         int n = 0;
         if (!to_int(v, n, 1024, 1 << 30)) return false;
         c.max_body_bytes = static_cast<std::size_t>(n);
         return true;
       }}},
      {"idle-timeout", {true, [](Config& c, const std::string& v) { return to_int(v, c.idle_timeout_s, 1, 3600); }}},
      {"lambda-retry-delay", {true, [](Config& c, const std::string& v) { return to_int(v, c.lambda_retry_delay_s, 0, 3600); }}},
  };
  return table;
}

std::string env_name(const std::string& option) {
  std::string name = "STRATUS_";
  for (char c : option) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

ConfigResult parse_config(int argc, char** argv) {
  Config config;
  for (const auto& [name, option] : options()) {
    if (const char* value = std::getenv(env_name(name).c_str())) {
      if (!option.apply(config, value)) {
        std::cerr << "stratus: invalid " << env_name(name) << ": " << value << "\n";
        return {std::nullopt, 2};
      }
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return {std::nullopt, 0};
    }
    if (arg == "--version") {
      std::cout << "stratus " << STRATUS_VERSION << "\n";
      return {std::nullopt, 0};
    }
    if (!arg.starts_with("--")) {
      std::cerr << "stratus: unexpected argument " << arg << "\n" << kUsage;
      return {std::nullopt, 2};
    }
    std::string name = arg.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto it = options().find(name);
    if (it == options().end()) {
      std::cerr << "stratus: unknown option --" << name << "\n" << kUsage;
      return {std::nullopt, 2};
    }
    if (it->second.takes_value && value.empty()) {
      if (i + 1 >= argc) {
        std::cerr << "stratus: --" << name << " needs a value\n";
        return {std::nullopt, 2};
      }
      value = argv[++i];
    }
    if (!it->second.apply(config, value)) {
      std::cerr << "stratus: invalid value for --" << name << ": " << value << "\n";
      return {std::nullopt, 2};
    }
  }
  return {config, 0};
}

}  // namespace stratus
