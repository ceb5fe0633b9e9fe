#include "protocol/json.hpp"

// rapidjson scans strings sixteen bytes at a time when told the CPU can; SSE2 is part
// of every x86-64.
#if defined(__SSE2__)
#define RAPIDJSON_SSE2
#elif defined(__ARM_NEON)
#define RAPIDJSON_NEON
#endif
#include <boost/container/small_vector.hpp>
#include <rapidjson/error/en.h>
#include <rapidjson/internal/dtoa.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

namespace stratus::json {
namespace {

// Builds a Value from rapidjson's SAX events, keeping a stack of open containers.
class Builder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Builder> {
 public:
  explicit Builder(int max_depth) : max_depth_(max_depth) {}

  bool Null() { return add(Value()); }
  bool Bool(bool b) { return add(Value(b)); }
  bool Int(int i) { return add(Value(static_cast<std::int64_t>(i))); }
  bool Uint(unsigned u) { return add(Value(static_cast<std::int64_t>(u))); }
  bool Int64(int64_t i) { return add(Value(static_cast<std::int64_t>(i))); }
  bool Uint64(uint64_t u) {
    return u > static_cast<uint64_t>(INT64_MAX) ? add(Value(static_cast<double>(u)))
                                                 : add(Value(static_cast<std::int64_t>(u)));
  }
  bool Double(double d) { return add(Value(d)); }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return add(Value(std::string(s, n)));
  }
  bool StartObject() {
    Value object = Value::object();
    object.as_object().reserve(4);  // most inputs are small structures: grow once, not thrice
    return open(std::move(object));
  }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    key_.assign(s, n);
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return close(); }
  bool StartArray() { return open(Value::array()); }
  bool EndArray(rapidjson::SizeType) { return close(); }

  Value take() { return std::move(root_); }

 private:
  bool add(Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    Value& top = *stack_.back();
    if (top.is_array())
      top.as_array().push_back(std::move(v));
    else
      top.as_object().emplace_back(std::move(key_), std::move(v));
    return true;
  }
  bool open(Value container) {
    if (static_cast<int>(stack_.size()) >= max_depth_) return false;
    Value* slot;
    if (stack_.empty()) {
      root_ = std::move(container);
      slot = &root_;
    } else {
      Value& top = *stack_.back();
      if (top.is_array()) {
        slot = &top.as_array().emplace_back(std::move(container));
      } else {
        slot = &top.as_object().emplace_back(std::move(key_), std::move(container)).second;
      }
    }
    stack_.push_back(slot);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }

  int max_depth_;
  Value root_;
  std::string key_;
  // Pointers stay valid: a container only grows while it is the innermost open one.
  // Requests seldom nest deeper than eight, so the stack seldom allocates.
  boost::container::small_vector<Value*, 8> stack_;
};

// The writer is ours, not rapidjson's, because answers are mostly long strings (item
// values, message bodies): runs that need no escaping are copied whole, where
// rapidjson's writer looked at them a character at a time.
// True when one of the eight bytes in `w` must be escaped: a quote, a backslash or a
// control character (bit tricks: a byte below n, or equal to zero, sets its top bit).
bool needs_escape(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  return (((w - kOnes * 0x20) & ~w & kHighs) | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\'))) != 0;
}

void write_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('"');
  std::size_t run = 0, i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, sizeof word);
      if (!needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i++]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - 1 - run);
    run = i;
    out.push_back('\\');
    switch (c) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '\b': out.push_back('b'); break;
      case '\f': out.push_back('f'); break;
      case '\n': out.push_back('n'); break;
      case '\r': out.push_back('r'); break;
      case '\t': out.push_back('t'); break;
      default:
        out.append("u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void write_value(std::string& out, const Value& v) {
  if (v.is_null()) {
    out.append("null");
  } else if (v.is_bool()) {
    out.append(v.as_bool() ? "true" : "false");
  } else if (v.is_int()) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, v.as_int()).ptr);
  } else if (v.is_double()) {
    char digits[32];  // rapidjson's shortest round-trip form, as before ("1.0", "0.5")
    out.append(digits, rapidjson::internal::dtoa(v.as_double(), digits));
  } else if (v.is_string()) {
    write_string(out, v.as_string());
  } else if (v.is_array()) {
    out.push_back('[');
    bool first = true;
    for (const auto& e : v.as_array()) {
      if (!std::exchange(first, false)) out.push_back(',');
      write_value(out, e);
    }
    out.push_back(']');
  } else {
    out.push_back('{');
    bool first = true;
    for (const auto& [k, e] : v.as_object()) {
      if (!std::exchange(first, false)) out.push_back(',');
      write_string(out, k);
      out.push_back(':');
      write_value(out, e);
    }
    out.push_back('}');
  }
}

// The length of the well-formed UTF-8 sequence at the start of `s` (not empty, first
// byte not ASCII), or 0: no overlong forms, no surrogates, nothing past U+10FFFF.
std::size_t utf8_sequence(std::string_view s) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  auto continuation = [&](std::size_t i, unsigned char low = 0x80, unsigned char high = 0xbf) {
    return i < s.size() && byte(i) >= low && byte(i) <= high;
  };
  unsigned char lead = byte(0);
  if (lead >= 0xc2 && lead <= 0xdf) return continuation(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    unsigned char low = lead == 0xe0 ? 0xa0 : 0x80, high = lead == 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    unsigned char low = lead == 0xf0 ? 0x90 : 0x80, high = lead == 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// Request bodies are mostly ASCII: eight bytes are checked at a time until one is not,
// which is several times faster than the parser's byte-by-byte check.
bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 8 <= text.size()) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = utf8_sequence(text.substr(i));
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

Value parse(std::string_view text, int max_depth) {
  if (!valid_utf8(text)) throw ParseError("the text is not valid UTF-8");
  Builder builder(max_depth);
  thread_local rapidjson::Reader reader;  // its parse stack is reused
  // The vector scans need a terminating NUL and read whole aligned sixteen-byte blocks,
  // so they run on a copy with that much zero padding.
  thread_local std::string reused;
  std::string large;  // a rare big body is not kept for the thread's lifetime
  std::string& padded = text.size() < 64 * 1024 ? reused : large;
  padded.assign(text);
  padded.append(16, '\0');
  rapidjson::StringStream stream(padded.c_str());
  auto result = reader.Parse<rapidjson::kParseStopWhenDoneFlag>(stream, builder);
  if (result.IsError()) {
    throw ParseError(std::string(rapidjson::GetParseError_En(result.Code())) + " at offset " +
                     std::to_string(result.Offset()));
  }
  for (size_t i = stream.Tell(); i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
      throw ParseError("unexpected data after the JSON value");
  }
  return builder.take();
}

std::string write(const Value& value) {
  std::string out;
  out.reserve(256);
  write_value(out, value);
  return out;
}

std::string write_string_map(const std::map<std::string, std::string>& map) {
  Value v = Value::object();
  for (const auto& [k, s] : map) v.set(k, s);
  return write(v);
}

std::map<std::string, std::string> read_string_map(std::string_view text) {
  std::map<std::string, std::string> map;
  Value doc = parse(text);
  if (!doc.is_object()) throw ParseError("expected an object of strings");
  for (const auto& [k, v] : doc.as_object())
    if (v.is_string()) map[k] = v.as_string();
  return map;
}

}  // namespace stratus::json
