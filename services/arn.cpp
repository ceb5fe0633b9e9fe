#include "services/arn.hpp"

#include <vector>

#include "services/ids.hpp"

namespace stratus {

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

RequestContext context_for(const Arn& arn) {
  RequestContext ctx;
  ctx.account = arn.account;
  ctx.region = arn.region;
  ctx.access_key = arn.account;
  ctx.request_id = ids::uuid();
  return ctx;
}

}  // namespace stratus
