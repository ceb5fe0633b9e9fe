#include "services/lambda/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace stratus::lambda {
namespace {

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::optional<Process> Process::start(const std::vector<std::string>& argv, const std::vector<std::string>& environment,
                                      const std::string& cwd, const std::string& log_path, std::string& error) {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attributes);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  // Nothing of the server's (listening sockets, connections, the database) goes along.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  std::vector<std::string> args = argv, env = environment;
  auto arg_pointers = pointers(args), env_pointers = pointers(env);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0].c_str(), &actions, &attributes, arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (rc != 0) {
    error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return std::nullopt;
  }
  return Process(pid);
}

Process::Process(Process&& other) noexcept : pid_(other.pid_), reaped_(other.reaped_) { other.pid_ = -1; }

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    kill();
    pid_ = other.pid_;
    reaped_ = other.reaped_;
    other.pid_ = -1;
  }
  return *this;
}

Process::~Process() { kill(); }

bool Process::exited(int& status) {
  if (pid_ < 0) return true;
  int raw = 0;
  pid_t r = waitpid(pid_, &raw, WNOHANG);
  if (r == 0) return false;
  reaped_ = true;
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  ::kill(-pid_, SIGKILL);  // whatever it left behind in its group
  pid_ = -1;
  return true;
}

long Process::peak_memory_mb() const {
  std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (!line.starts_with("VmHWM:")) continue;
    long kb = std::strtol(line.c_str() + 6, nullptr, 10);
    return (kb + 1023) / 1024;
  }
  return 0;
}

void Process::kill() {
  if (pid_ < 0) return;
  ::kill(-pid_, SIGKILL);
  if (!reaped_) waitpid(pid_, nullptr, 0);
  reaped_ = true;
  pid_ = -1;
}

}  // namespace stratus::lambda
