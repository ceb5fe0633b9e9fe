#pragma once
#include <string>

namespace stratus {

// Sets up spdlog on stderr; false when the level name is unknown.
bool setup_logging(const std::string& level);

}  // namespace stratus
