#pragma once
// Digests and encodings the wire formats need (OpenSSL stays in checksums.cpp).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stratus::checksums {

std::array<unsigned char, 16> md5(std::string_view data);
std::string md5_hex(std::string_view data);
std::uint32_t crc32(std::string_view data);  // as in x-amz-crc32
std::string sha256(std::string_view data);  // the 32 raw bytes
std::string sha256_hex(std::string_view data);
std::string to_hex(const unsigned char* data, size_t size);
std::string base64_encode(std::string_view data);
// nullopt when the text is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace stratus::checksums
