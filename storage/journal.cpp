#include "storage/journal.hpp"

#include <fcntl.h>
#include <sys/uio.h>
#include <libdeflate.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "storage/statement.hpp"

namespace stratus::storage {
namespace {

// A new segment starts past this size, so that applied records are let go in steps.
constexpr std::uint64_t kSegmentBytes = 64 * 1024 * 1024;
constexpr std::size_t kHeaderBytes = 16;

std::uint32_t checksum(std::uint64_t sequence, std::string_view payload) {
  return libdeflate_crc32(libdeflate_crc32(0, &sequence, sizeof sequence), payload.data(), payload.size());
}

std::string segment_name(std::uint64_t first_sequence) {
  std::string digits = std::to_string(first_sequence);
  return std::string(20 - digits.size(), '0') + digits + ".log";
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// writev takes at most this many parts at a time.
constexpr std::size_t kMaxParts = 1024;

// Writes every part, and empties `parts`.
void write_all(int fd, std::vector<iovec>& parts) {
  iovec* next = parts.data();
  std::size_t count = parts.size();
  while (count > 0) {
    ssize_t n = ::writev(fd, next, static_cast<int>(std::min(count, kMaxParts)));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw StorageError(std::string("journal append: ") + std::strerror(errno));
    }
    auto written = static_cast<std::size_t>(n);
    while (count > 0 && written >= next->iov_len) {
      written -= next->iov_len;
      ++next;
      --count;
    }
    if (count > 0) {
      next->iov_base = static_cast<char*>(next->iov_base) + written;
      next->iov_len -= written;
    }
  }
  parts.clear();
}

}  // namespace

Journal::Journal(std::filesystem::path dir) : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    const auto& path = entry.path();
    if (path.extension() != ".log") continue;
    try {
      segments_.emplace(std::stoull(path.stem().string()), path);
    } catch (const std::exception&) {
      // not a segment of ours
    }
  }
}

Journal::~Journal() {
  if (fd_ >= 0) ::close(fd_);
}

void Journal::replay(std::uint64_t after, const Visitor& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [first, path] : segments_) {
    std::string bytes = read_file(path);
    std::string_view rest = bytes;
    while (rest.size() >= kHeaderBytes) {
      std::uint32_t length, crc;
      std::uint64_t sequence;
      std::memcpy(&length, rest.data(), 4);
      std::memcpy(&crc, rest.data() + 4, 4);
      std::memcpy(&sequence, rest.data() + 8, 8);
      if (rest.size() - kHeaderBytes < length) return;  // cut short
      std::string_view payload = rest.substr(kHeaderBytes, length);
      if (checksum(sequence, payload) != crc) return;
      if (sequence > after) visit(sequence, payload);
      rest.remove_prefix(kHeaderBytes + length);
    }
    if (!rest.empty()) return;
  }
}

void Journal::clear() {
  std::lock_guard lock(mutex_);
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  for (const auto& [first, path] : segments_) std::filesystem::remove(path);
  segments_.clear();
}

void Journal::open_segment(std::uint64_t first_sequence) {
  if (fd_ >= 0) ::close(fd_);
  auto path = dir_ / segment_name(first_sequence);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw StorageError("journal " + path.string() + ": " + std::strerror(errno));
  segments_[first_sequence] = path;
  segment_bytes_ = 0;
}

void Journal::append(std::span<const Record> records) {
  std::vector<std::array<char, kHeaderBytes>> headers(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    auto length = static_cast<std::uint32_t>(records[i].payload.size());
    std::uint32_t crc = checksum(records[i].sequence, records[i].payload);
    std::memcpy(headers[i].data(), &length, 4);
    std::memcpy(headers[i].data() + 4, &crc, 4);
    std::memcpy(headers[i].data() + 8, &records[i].sequence, 8);
  }
  std::vector<iovec> parts;
  parts.reserve(2 * records.size());
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (fd_ < 0 || segment_bytes_ >= kSegmentBytes) {
      write_all(fd_, parts);
      open_segment(records[i].sequence);
    }
    parts.push_back({headers[i].data(), kHeaderBytes});
    parts.push_back({const_cast<char*>(records[i].payload.data()), records[i].payload.size()});
    segment_bytes_ += kHeaderBytes + records[i].payload.size();
  }
  write_all(fd_, parts);
}

void Journal::release(std::uint64_t applied) {
  std::vector<std::filesystem::path> done;
  {
    std::lock_guard lock(mutex_);
    // A segment is done when the next one starts at or below applied + 1; the segment
    // being written is never released here.
    while (segments_.size() > 1 && std::next(segments_.begin())->first <= applied + 1) {
      done.push_back(std::move(segments_.begin()->second));
      segments_.erase(segments_.begin());
    }
  }
  // Deleting a segment drops tens of MiB from the page cache, which takes milliseconds
  // that appends must not wait behind.
  for (const auto& path : done) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
}

}  // namespace stratus::storage
