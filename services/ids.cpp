#include "services/ids.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace stratus::ids {

namespace {

std::mt19937_64& random_source() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return random;
}

}  // namespace

std::string token() {
  static const char* digits = "0123456789abcdef";
  std::uint64_t bits = random_source()();
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i) out[i] = digits[(bits >> (60 - 4 * i)) & 15];
  return out;
}

std::string uuid() {
  auto& random = random_source();
  std::uint64_t hi = random(), lo = random();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  static const char* digits = "0123456789abcdef";
  std::string out(36, '-');
  int pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
    std::uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    out[pos++] = digits[(word >> shift) & 15];
  }
  return out;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string iso8601(std::int64_t epoch_ms) {
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(epoch_ms % 1000));
  return text;
}

}  // namespace stratus::ids
