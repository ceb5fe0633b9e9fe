#pragma once
// Digests and encodings the wire formats need (OpenSSL stays in checksums.cpp).
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace stratus::checksums {

std::array<unsigned char, 16> md5(std::string_view data);
std::string md5_hex(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string to_hex(const unsigned char* data, size_t size);
std::uint32_t crc32(std::string_view data);
std::string base64_encode(std::string_view data);
// nullopt when the text is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

// Incremental MD5 for digests built from many pieces.
class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void update(std::string_view data);
  std::string hex_digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace stratus::checksums
