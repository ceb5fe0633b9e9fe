#include "services/sns/signer.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "protocol/checksums.hpp"

namespace stratus::sns {
namespace {

constexpr const char* kKeyFile = "sns-signing-key.pem";
constexpr const char* kCertificateFile = "sns-signing-certificate.pem";
constexpr long kValiditySeconds = 10L * 365 * 24 * 3600;

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("sns signing: " + what); }

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

Key make_key() {
  Key key(EVP_RSA_gen(2048));
  if (!key) fail("key generation failed");
  return key;
}

Certificate make_certificate(EVP_PKEY* key) {
  Certificate cert(X509_new());
  if (!cert) fail("out of memory");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Stratus"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sns.amazonaws.com"),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key);
  if (X509_sign(cert.get(), key, EVP_sha256()) == 0) fail("certificate signing failed");
  return cert;
}

std::string key_pem(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) fail("key encoding failed");
  return bio_text(bio.get());
}

std::string certificate_text(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_X509(bio.get(), cert)) fail("certificate encoding failed");
  return bio_text(bio.get());
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_private_file(const std::filesystem::path& path, const std::string& text) {
  auto temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) fail("cannot write " + temporary.string());
  }
  std::filesystem::permissions(temporary, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::filesystem::rename(temporary, path);
}

}  // namespace

struct Signer::Keys {
  Key key;
  std::string certificate_pem;
};

namespace {

std::unique_ptr<Signer::Keys> make_keys() {
  auto keys = std::make_unique<Signer::Keys>();
  keys->key = make_key();
  keys->certificate_pem = certificate_text(make_certificate(keys->key.get()).get());
  return keys;
}

}  // namespace

Signer::Signer(std::function<std::unique_ptr<Keys>()> make_keys) : make_keys_(std::move(make_keys)) {}
Signer::~Signer() = default;

const Signer::Keys& Signer::keys() const {
  std::call_once(ready_, [this] { keys_ = make_keys_(); });
  return *keys_;
}

const std::string& Signer::certificate_pem() const { return keys().certificate_pem; }

std::unique_ptr<Signer> Signer::ephemeral() {
  return std::unique_ptr<Signer>(new Signer(make_keys));
}

std::unique_ptr<Signer> Signer::open(const std::filesystem::path& dir) {
  return std::unique_ptr<Signer>(new Signer([dir] {
    auto key_path = dir / kKeyFile, cert_path = dir / kCertificateFile;
    if (std::filesystem::exists(key_path) && std::filesystem::exists(cert_path)) {
      std::string key_text = read_file(key_path);
      Bio bio(BIO_new_mem_buf(key_text.data(), static_cast<int>(key_text.size())));
      auto keys = std::make_unique<Keys>();
      keys->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
      if (!keys->key) fail("cannot read " + key_path.string());
      keys->certificate_pem = read_file(cert_path);
      return keys;
    }
    auto keys = make_keys();
    std::filesystem::create_directories(dir);
    // The certificate goes last: it is the one whose presence says both are complete.
    write_private_file(key_path, key_pem(keys->key.get()));
    write_private_file(cert_path, keys->certificate_pem);
    return keys;
  }));
}

std::string Signer::sign(std::string_view text, int signature_version) const {
  DigestContext ctx(EVP_MD_CTX_new());
  const EVP_MD* md = signature_version == 2 ? EVP_sha256() : EVP_sha1();
  std::size_t size = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, keys().key.get()) != 1 ||
      EVP_DigestSignUpdate(ctx.get(), text.data(), text.size()) != 1 ||
      EVP_DigestSignFinal(ctx.get(), nullptr, &size) != 1)
    fail("signing failed");
  std::string signature(size, '\0');
  if (EVP_DigestSignFinal(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size) != 1)
    fail("signing failed");
  signature.resize(size);
  return checksums::base64_encode(signature);
}

}  // namespace stratus::sns
