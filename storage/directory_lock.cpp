#include "storage/directory_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "storage/statement.hpp"

namespace stratus::storage {

DirectoryLock::DirectoryLock(const std::filesystem::path& dir) {
  std::string path = (dir / "stratus.lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw StorageError("open " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    ::close(fd_);
    if (error == EWOULDBLOCK) throw StorageError(dir.string() + " is in use by another Stratus process");
    throw StorageError("lock " + path + ": " + std::strerror(error));
  }
}

DirectoryLock::~DirectoryLock() { ::close(fd_); }

}  // namespace stratus::storage
