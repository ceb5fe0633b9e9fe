#pragma once
// HTTP as the protocol layer sees it: plain data, no Beast types.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stratus {

struct HttpRequest {
  std::string method;
  std::string target;  // path and query string, as on the request line
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Case-insensitive; empty when absent.
  std::string_view header(std::string_view name) const;
  std::string_view path() const;
  std::string_view query() const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void set_header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace stratus
