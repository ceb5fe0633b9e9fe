#pragma once
// Function code on disk: a zip package unpacked once into a folder named by its
// SHA-256 (so versions that share code share the folder), or a local folder the
// function runs from directly.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace stratus::lambda {

struct CodePackage {
  std::string dir;
  std::string sha256_base64;  // CodeSha256
  std::int64_t size = 0;      // CodeSize
};

// Unpacks `zip` under `root` (and keeps the zip beside the folder, for GetFunction's
// download link); throws InvalidParameterValueException for a package
// that is not a readable zip or has a path leaving its folder.
CodePackage unpack_zip(const std::filesystem::path& root, std::string_view zip);

// A folder on this machine used as it is (edits take effect on the next cold start);
// throws InvalidParameterValueException when it is not a folder.
CodePackage local_folder(const std::string& path);

}  // namespace stratus::lambda
