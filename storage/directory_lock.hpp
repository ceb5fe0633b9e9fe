#pragma once
// One process at a time in a data directory: a second server there would migrate and
// write the database under the first one's feet. The lock is an flock on a file in the
// directory, so the kernel lets go of it when the holder dies, kill -9 included.
#include <filesystem>

namespace stratus::storage {

class DirectoryLock {
 public:
  // Throws StorageError when another process holds the directory.
  explicit DirectoryLock(const std::filesystem::path& dir);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};

}  // namespace stratus::storage
