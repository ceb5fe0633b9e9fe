#include "protocol/checksums.hpp"

#include <cctype>
#include <map>
#include <stdexcept>

#include <openssl/evp.h>
#include <libdeflate.h>

namespace stratus::checksums {

std::string to_hex(const unsigned char* data, size_t size) {
  static const char* digits = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 15];
  }
  return out;
}

namespace {

// One digest context per thread, reused: EVP_Digest would allocate one per call.
void digest(const char* algorithm, std::string_view data, unsigned char* out) {
  struct Context {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::map<std::string_view, EVP_MD*> fetched;
    ~Context() {
      EVP_MD_CTX_free(ctx);
      for (auto& [name, md] : fetched) EVP_MD_free(md);
    }
  };
  thread_local Context context;
  EVP_MD*& md = context.fetched[algorithm];
  if (!md) md = EVP_MD_fetch(nullptr, algorithm, nullptr);
  unsigned int size = 0;
  if (!md || !EVP_DigestInit_ex2(context.ctx, md, nullptr) || !EVP_DigestUpdate(context.ctx, data.data(), data.size()) ||
      !EVP_DigestFinal_ex(context.ctx, out, &size))
    throw std::runtime_error(std::string("digest failed: ") + algorithm);
}

}  // namespace

std::array<unsigned char, 16> md5(std::string_view data) {
  std::array<unsigned char, 16> out{};
  digest("MD5", data, out.data());
  return out;
}

std::string md5_hex(std::string_view data) {
  auto digest = md5(data);
  return to_hex(digest.data(), digest.size());
}

// libdeflate's CRC-32 (the polynomial of x-amz-crc32) folds 16 bytes a step with
// carry-less multiplication where the CPU has it: a byte-at-a-time table was a tenth
// of a GetItem's time, and zlib's 2-3% of a PutItem's.
std::uint32_t crc32(std::string_view data) { return libdeflate_crc32(0, data.data(), data.size()); }

std::string sha256(std::string_view data) {
  unsigned char out[32];
  digest("SHA256", data, out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

std::string sha256_hex(std::string_view data) {
  std::string raw = sha256(data);
  return to_hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(data.data()),
                          static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '='))
      return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') ++padding;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

}  // namespace stratus::checksums
