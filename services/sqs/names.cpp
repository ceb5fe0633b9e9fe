#include "services/sqs/names.hpp"

#include <cctype>

#include "protocol/api_error.hpp"

namespace stratus::sqs {

std::string queue_arn(std::string_view region, std::string_view account, std::string_view name) {
  std::string arn = "arn:aws:sqs:";
  arn.append(region).append(":").append(account).append(":").append(name);
  return arn;
}

std::string queue_url(std::string_view host, std::string_view account, std::string_view name) {
  std::string url = "http://";
  url.append(host).append("/").append(account).append("/").append(name);
  return url;
}

std::optional<QueueAddress> parse_queue_url(std::string_view url) {
  if (auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url.remove_prefix(scheme + 3);
    auto slash = url.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    url.remove_prefix(slash);
  }
  while (!url.empty() && url.front() == '/') url.remove_prefix(1);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.empty()) return std::nullopt;
  auto slash = url.rfind('/');
  if (slash == std::string_view::npos) return QueueAddress{"", std::string(url)};
  std::string_view account = url.substr(0, slash);
  if (auto inner = account.rfind('/'); inner != std::string_view::npos) account.remove_prefix(inner + 1);
  return QueueAddress{std::string(account), std::string(url.substr(slash + 1))};
}

std::optional<QueueArn> parse_queue_arn(std::string_view arn) {
  constexpr std::string_view prefix = "arn:aws:sqs:";
  if (!arn.starts_with(prefix)) return std::nullopt;
  arn.remove_prefix(prefix.size());
  auto c1 = arn.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  auto c2 = arn.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return std::nullopt;
  QueueArn out{std::string(arn.substr(0, c1)), std::string(arn.substr(c1 + 1, c2 - c1 - 1)),
               std::string(arn.substr(c2 + 1))};
  if (out.region.empty() || out.account.empty() || out.name.empty()) return std::nullopt;
  return out;
}

void validate_queue_name(std::string_view name, bool fifo) {
  bool ends_fifo = name.ends_with(".fifo");
  std::string_view base = ends_fifo ? name.substr(0, name.size() - 5) : name;
  bool valid_chars = !base.empty();
  for (char c : base)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') valid_chars = false;
  if (fifo) {
    if (!ends_fifo || !valid_chars || name.size() > 80)
      throw invalid_parameter(
          "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end "
          "with .fifo suffix and be 1 to 80 in length.");
  } else if (ends_fifo || !valid_chars || name.size() > 80) {
    throw invalid_parameter("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  }
}

}  // namespace stratus::sqs
