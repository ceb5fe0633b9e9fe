#include "protocol/sigv4.hpp"

#include <array>

namespace stratus::sigv4 {

std::optional<Credential> parse_scope(std::string_view scope) {
  std::array<std::string_view, 5> parts;
  std::size_t count = 0;
  bool whole = false;  // every part read, none left over
  while (count < parts.size() && !whole) {
    size_t slash = scope.find('/');
    parts[count++] = scope.substr(0, slash);
    whole = slash == std::string_view::npos;
    scope.remove_prefix(whole ? scope.size() : slash + 1);
  }
  if (!whole || count != 5 || parts[0].empty() || parts[4] != "aws4_request") return std::nullopt;
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
