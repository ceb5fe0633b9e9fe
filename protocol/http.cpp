#include "protocol/http.hpp"

#include <strings.h>

#include <algorithm>

namespace stratus {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers)
    if (same_name(key, name)) return value;
  return {};
}

void HttpResponse::set_header(std::string_view name, std::string_view value) {
  if (header_lines_.empty()) header_lines_.reserve(128);
  header_lines_.append(name).append(": ").append(value).append("\r\n");
}

std::string_view HttpResponse::header(std::string_view name) const {
  std::string_view lines = header_lines_;
  while (!lines.empty()) {
    std::string_view line = lines.substr(0, lines.find("\r\n"));
    lines.remove_prefix(std::min(lines.size(), line.size() + 2));
    std::size_t colon = line.find(": ");
    if (colon != std::string_view::npos && same_name(line.substr(0, colon), name)) return line.substr(colon + 2);
  }
  return {};
}

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view HttpRequest::query() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

}  // namespace stratus
