#pragma once
// A function's process: started in a process group of its own (so that a timeout
// kills whatever it started too), output appended to a log file.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace stratus::lambda {

class Process {
 public:
  // Starts `argv` (argv[0] looked up on PATH) in `cwd` with exactly `environment`;
  // nullopt with `error` set when it cannot be started.
  static std::optional<Process> start(const std::vector<std::string>& argv, const std::vector<std::string>& environment,
                                      const std::string& cwd, const std::string& log_path, std::string& error);
  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  // Kills the group and reaps it.
  ~Process();

  // Has it exited? Sets `status` (an exit code, or 128 + signal) when it has.
  bool exited(int& status);
  void kill();
  // The most memory it has held (its peak resident set), in MB rounded up.
  long peak_memory_mb() const;

 private:
  explicit Process(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  bool reaped_ = false;
};

}  // namespace stratus::lambda
