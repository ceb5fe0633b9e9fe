#include "protocol/sigv4.hpp"

#include <vector>

namespace stratus::sigv4 {

std::optional<Credential> parse_scope(std::string_view scope) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t slash = scope.find('/');
    parts.push_back(scope.substr(0, slash));
    if (slash == std::string_view::npos) break;
    scope.remove_prefix(slash + 1);
  }
  if (parts.size() != 5 || parts[0].empty() || parts[4] != "aws4_request") return std::nullopt;
  return Credential{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
                    std::string(parts[3])};
}

std::optional<Credential> parse_authorization(std::string_view header) {
  constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
  if (header.substr(0, algorithm.size()) != algorithm) return std::nullopt;
  size_t start = header.find("Credential=");
  if (start == std::string_view::npos) return std::nullopt;
  start += 11;
  size_t end = header.find_first_of(", ", start);
  return parse_scope(header.substr(start, end == std::string_view::npos ? end : end - start));
}

}  // namespace stratus::sigv4
