#pragma once
// SigV4: who is calling and where, from the Authorization header or a presigned URL.
#include <optional>
#include <string>
#include <string_view>

namespace stratus::sigv4 {

struct Credential {
  std::string access_key;
  std::string date;
  std::string region;
  std::string service;
};

// "AKID/20261127/us-east-1/sqs/aws4_request"
std::optional<Credential> parse_scope(std::string_view scope);
// "AWS4-HMAC-SHA256 Credential=<scope>, SignedHeaders=..., Signature=..."
std::optional<Credential> parse_authorization(std::string_view header);

}  // namespace stratus::sigv4
