#include "services/lambda/code_package.hpp"

#include <zip.h>

#include <fstream>
#include <memory>

#include "protocol/api_error.hpp"
#include "protocol/checksums.hpp"
#include "services/ids.hpp"

namespace stratus::lambda {
namespace {

namespace fs = std::filesystem;

ApiError unreadable() {
  return ApiError("InvalidParameterValueException",
                  "Could not unzip uploaded file. Please check your file, then try to upload again.");
}

struct ZipCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// Entry names must stay inside the package: no absolute paths, no "..".
bool safe_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos) return false;
  for (const auto& part : fs::path(name))
    if (part == "..") return false;
  return true;
}

void extract(zip_t* archive, const fs::path& into) {
  zip_int64_t entries = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < entries; ++i) {
    zip_stat_t stat;
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), 0, &stat) != 0) throw unreadable();
    std::string name = stat.name;
    if (!safe_name(name)) throw unreadable();
    fs::path target = into / name;
    if (name.back() == '/') {
      fs::create_directories(target);
      continue;
    }
    zip_uint8_t opsys = 0;
    zip_uint32_t attributes = 0;
    zip_file_get_external_attributes(archive, static_cast<zip_uint64_t>(i), 0, &opsys, &attributes);
    unsigned mode = opsys == ZIP_OPSYS_UNIX ? (attributes >> 16) : 0;
    if ((mode & 0170000) == 0120000) continue;  // symbolic links could point anywhere
    fs::create_directories(target.parent_path());
    std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive, static_cast<zip_uint64_t>(i), 0));
    if (!file) throw unreadable();
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    char buffer[64 * 1024];
    zip_int64_t n;
    while ((n = zip_fread(file.get(), buffer, sizeof buffer)) > 0) out.write(buffer, n);
    if (n < 0 || !out) throw unreadable();
    out.close();
    // Keep the executable bits (a provided runtime's bootstrap); files stay readable.
    auto perms = fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read;
    if (mode & 0111) perms |= fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec;
    fs::permissions(target, perms);
  }
}

}  // namespace

CodePackage unpack_zip(const fs::path& root, std::string_view zip) {
  CodePackage package;
  std::string digest = checksums::sha256(zip);
  package.sha256_base64 = checksums::base64_encode(digest);
  package.size = static_cast<std::int64_t>(zip.size());
  fs::path dir = root / checksums::to_hex(reinterpret_cast<const unsigned char*>(digest.data()), digest.size());
  package.dir = dir.string();
  if (fs::exists(dir)) return package;

  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
  if (!source) throw unreadable();
  std::unique_ptr<zip_t, ZipCloser> archive(zip_open_from_source(source, ZIP_RDONLY, &error));
  zip_error_fini(&error);
  if (!archive) {
    zip_source_free(source);
    throw unreadable();
  }
  // Unpacked beside the final folder and renamed into place: a crash leaves no half package.
  fs::path partial = root / ("partial-" + ids::token());
  fs::create_directories(partial);
  try {
    extract(archive.get(), partial);
    std::ofstream(fs::path(dir.string() + ".zip"), std::ios::binary | std::ios::trunc).write(zip.data(), static_cast<std::streamsize>(zip.size()));
    fs::rename(partial, dir);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(partial, ignored);
    if (fs::exists(dir)) return package;  // another request unpacked the same package
    throw;
  }
  return package;
}

CodePackage local_folder(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec))
    throw ApiError("InvalidParameterValueException", "The local code folder " + path + " does not exist.");
  CodePackage package;
  package.dir = fs::absolute(path).string();
  package.sha256_base64 = checksums::base64_encode(checksums::sha256(package.dir));
  return package;
}

}  // namespace stratus::lambda
