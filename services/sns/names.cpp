#include "services/sns/names.hpp"

#include <cctype>

namespace stratus::sns {

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
