#pragma once
// Queue names, URLs and ARNs.
#include <optional>
#include <string>
#include <string_view>

namespace stratus::sqs {

std::string queue_arn(std::string_view region, std::string_view account, std::string_view name);
std::string queue_url(std::string_view host, std::string_view account, std::string_view name);

struct QueueAddress {
  std::string account;  // empty when the URL named only the queue
  std::string name;
};
// Accepts "http(s)://host/<account>/<name>", "/<account>/<name>" or a bare name.
std::optional<QueueAddress> parse_queue_url(std::string_view url);

struct QueueArn {
  std::string region, account, name;
};
std::optional<QueueArn> parse_queue_arn(std::string_view arn);

// Throws InvalidParameterValue unless the name is valid for the queue type.
void validate_queue_name(std::string_view name, bool fifo);

}  // namespace stratus::sqs
