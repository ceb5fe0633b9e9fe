#include "services/sns/names.hpp"

#include <cctype>
#include <vector>

namespace stratus::sns {

std::optional<Arn> parse_arn(const std::string& arn) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    auto colon = arn.find(':', start);
    if (colon == std::string::npos) return std::nullopt;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts[0] != "arn" || parts[1].empty() || parts[2].empty() || start >= arn.size()) return std::nullopt;
  return Arn{parts[2], parts[3], parts[4], arn.substr(start)};
}

std::string topic_arn(const std::string& region, const std::string& account, const std::string& name) {
  return "arn:aws:sns:" + region + ":" + account + ":" + name;
}

bool valid_topic_name(const std::string& name, bool fifo) {
  std::string base = name;
  if (fifo) {
    if (!name.ends_with(".fifo")) return false;
    base = name.substr(0, name.size() - 5);
  }
  if (base.empty() || name.size() > 256) return false;
  for (unsigned char c : base)
    if (!std::isalnum(c) && c != '-' && c != '_') return false;
  return true;
}

std::string base_url(const std::string& host) { return "http://" + host; }


}  // namespace stratus::sns
