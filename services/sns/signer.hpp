#pragma once
// The key pair and self-signed certificate that SNS messages are signed with. Made
// once and kept in the data directory, so a subscriber that trusts the certificate
// keeps trusting it across restarts.
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace stratus::sns {

class Signer {
 public:
  // Loads the key and certificate from `dir`, or makes them and writes them there.
  // Nothing happens until the first signature or certificate is asked for: making a
  // key takes a tenth of a second of CPU, which start-up should not pay.
  static std::unique_ptr<Signer> open(const std::filesystem::path& dir);
  // A fresh key and certificate, kept in memory only.
  static std::unique_ptr<Signer> ephemeral();
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // Base64 of the RSA signature of `text`: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA.
  std::string sign(std::string_view text, int signature_version) const;
  const std::string& certificate_pem() const;

  struct Keys;  // the key pair and certificate, opaque here

 private:
  explicit Signer(std::function<std::unique_ptr<Keys>()> make_keys);
  const Keys& keys() const;

  std::function<std::unique_ptr<Keys>()> make_keys_;
  mutable std::once_flag ready_;
  mutable std::unique_ptr<Keys> keys_;
};

}  // namespace stratus::sns
