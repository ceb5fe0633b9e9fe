#pragma once
// Identifiers and clocks shared by the services.
#include <cstdint>
#include <string>

namespace stratus::ids {

// A random RFC 4122 version 4 UUID, lower case.
std::string uuid();
// 16 random hex digits: unguessable enough for receipts and handles, cheaper than a UUID.
std::string token();
// Milliseconds since the Unix epoch.
std::int64_t now_ms();
// "2026-11-27T10:00:00.000Z"
std::string iso8601(std::int64_t epoch_ms);

}  // namespace stratus::ids
