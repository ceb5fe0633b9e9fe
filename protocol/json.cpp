#include "protocol/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <vector>

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
  std::vector<Value*> stack_;
};

void write_value(rapidjson::Writer<rapidjson::StringBuffer>& w, const Value& v) {
  if (v.is_null()) {
    w.Null();
  } else if (v.is_bool()) {
    w.Bool(v.as_bool());
  } else if (v.is_int()) {
    w.Int64(v.as_int());
  } else if (v.is_double()) {
    w.Double(v.as_double());
  } else if (v.is_string()) {
    const auto& s = v.as_string();
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  } else if (v.is_array()) {
    w.StartArray();
    for (const auto& e : v.as_array()) write_value(w, e);
    w.EndArray();
  } else {
    w.StartObject();
    for (const auto& [k, e] : v.as_object()) {
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
      write_value(w, e);
    }
    w.EndObject();
  }
}

}  // namespace

Value parse(std::string_view text, int max_depth) {
  Builder builder(max_depth);
  thread_local rapidjson::Reader reader;  // its parse stack is reused
  rapidjson::MemoryStream ms(text.data(), text.size());
  auto result = reader.Parse<rapidjson::kParseValidateEncodingFlag |
                             rapidjson::kParseStopWhenDoneFlag>(ms, builder);
  if (result.IsError()) {
    throw ParseError(std::string(rapidjson::GetParseError_En(result.Code())) + " at offset " +
                     std::to_string(result.Offset()));
  }
  for (size_t i = ms.Tell(); i < text.size(); ++i) {
    char c = text[i];
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
      throw ParseError("unexpected data after the JSON value");
  }
  return builder.take();
}

std::string write(const Value& value) {
  // Kept per thread so that their memory is reused: one allocation per document.
  thread_local rapidjson::StringBuffer buffer;
  thread_local rapidjson::Writer<rapidjson::StringBuffer> writer;
  buffer.Clear();
  writer.Reset(buffer);
  write_value(writer, value);
  return std::string(buffer.GetString(), buffer.GetSize());
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
