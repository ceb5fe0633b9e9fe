#pragma once
// Identifiers and clocks shared by the services.
#include <cstdint>
#include <string>

namespace stratus::ids {

// A random RFC 4122 version 4 UUID, lower case.
std::string uuid();
// Milliseconds since the Unix epoch.
std::int64_t now_ms();

}  // namespace stratus::ids
