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
  std::string body;

  void set_header(std::string_view name, std::string_view value);
  // Case-insensitive; empty when absent.
  std::string_view header(std::string_view name) const;
  // "Name: value\r\n" for each header, as they go on the wire.
  const std::string& header_lines() const { return header_lines_; }

 private:
  std::string header_lines_;
};

}  // namespace stratus
