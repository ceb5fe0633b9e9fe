#include "server/http_wire.hpp"

namespace stratus {

namespace http = boost::beast::http;

void serialize(const HttpResponse& response, unsigned version, bool keep_alive, std::string& out) {
  auto reason = http::obsolete_reason(static_cast<http::status>(response.status));
  std::size_t size = 64 + reason.size() + response.header_lines().size() + response.body.size();
  out.clear();
  out.reserve(size);
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out.append(reason.data(), reason.size());
  out += "\r\n";
  out += response.header_lines();
  out += "Content-Length: ";
  out += std::to_string(response.body.size());
  out += "\r\n";
  if (!keep_alive && version != 10) out += "Connection: close\r\n";
  if (keep_alive && version == 10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  out += response.body;
}


}  // namespace stratus
