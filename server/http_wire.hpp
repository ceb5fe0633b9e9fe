#pragma once
// HTTP/1.1 on the wire, shared by the API server and the load balancer proxy: a
// request parsed straight into the protocol layer's HttpRequest, and a response
// serialized into one buffer. Beast stays inside server/.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string>

#include "protocol/http.hpp"

namespace stratus {

// Parses a request straight into the protocol layer's HttpRequest: no Beast fields
// container in between, so each header is copied once.
class RequestParser : public boost::beast::http::basic_parser<true> {
 public:
  HttpRequest request;
  unsigned version = 11;

 private:
  void on_request_impl(boost::beast::http::verb, boost::beast::string_view method, boost::beast::string_view target, int version_number,
                       boost::beast::error_code&) override {
    request.method.assign(method.data(), method.size());
    request.target.assign(target.data(), target.size());
    version = static_cast<unsigned>(version_number);
    request.headers.reserve(16);
  }
  void on_response_impl(int, boost::beast::string_view, int, boost::beast::error_code&) override {}
  void on_field_impl(boost::beast::http::field, boost::beast::string_view name, boost::beast::string_view value, boost::beast::error_code&) override {
    request.headers.emplace_back(std::string(name.data(), name.size()), std::string(value.data(), value.size()));
  }
  void on_header_impl(boost::beast::error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, boost::beast::error_code&) override {
    if (length) request.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(boost::beast::string_view body, boost::beast::error_code&) override {
    request.body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, boost::beast::string_view, boost::beast::error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, boost::beast::string_view body, boost::beast::error_code&) override {
    request.body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(boost::beast::error_code&) override {}
};

// The status line, headers and a Content-Length for the body, with the Connection
// header the version and keep-alive call for.
void serialize(const HttpResponse& response, unsigned version, bool keep_alive, std::string& out);

}  // namespace stratus
