#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "services/service.hpp"

namespace stratus::sqs {

// A StartMessageMoveTask in progress or done; stored, so that a restart resumes it.
struct MoveTask {
  std::string handle;
  std::string status;  // RUNNING, COMPLETED, CANCELLING, CANCELLED, FAILED
  std::string source_arn;
  std::string destination_arn;  // empty: back to each message's source queue
  std::int64_t max_per_second = 0;  // 0: as fast as the system allows
  std::int64_t moved = 0;
  std::int64_t to_move = 0;
  std::int64_t started_ms = 0;
  std::string failure_reason;
  std::int64_t credit_millis = 0;  // throttling: thousandths of a message earned, not yet moved
  std::unique_ptr<Timer> timer;
};

}  // namespace stratus::sqs
