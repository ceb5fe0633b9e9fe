#pragma once
// SNS names and ARNs, and the URLs SNS puts in its messages.
#include <cstdint>
#include <optional>
#include <string>

#include "services/arn.hpp"

namespace stratus::sns {

// Served at /_stratus/sns/<this>: the certificate that verifies message signatures.
inline constexpr const char* kCertificatePath = "SimpleNotificationService.pem";

std::string topic_arn(const std::string& region, const std::string& account, const std::string& name);
// Names: 1 to 256 letters, digits, hyphens and underscores; FIFO names end in ".fifo".
bool valid_topic_name(const std::string& name, bool fifo);

// "http://<host>", the Host the request came to.
std::string base_url(const std::string& host);

}  // namespace stratus::sns
