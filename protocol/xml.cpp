#include "protocol/xml.hpp"

#include <cstdio>

namespace stratus::xml {

void append_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#xD;"; break;
      default: out += c;
    }
  }
}

void Writer::open(std::string_view name, std::string_view xmlns) {
  out_ += '<';
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    out_ += xmlns;
    out_ += '"';
  }
  out_ += '>';
}

void Writer::close(std::string_view name) {
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void Writer::element(std::string_view name, std::string_view text) {
  open(name);
  append_escaped(out_, text);
  close(name);
}

}  // namespace stratus::xml
