#pragma once
// A minimal streaming XML writer for awsQuery responses.
#include <string>
#include <string_view>

namespace stratus::xml {

// Escapes text for element content; characters XML 1.0 cannot carry become
// character references, as AWS emits them.
void append_escaped(std::string& out, std::string_view text);

class Writer {
 public:
  Writer() { out_.reserve(512); out_ = "<?xml version=\"1.0\"?>"; }
  void open(std::string_view name, std::string_view xmlns = {});
  void close(std::string_view name);
  void element(std::string_view name, std::string_view text);
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace stratus::xml
