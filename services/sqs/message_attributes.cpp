#include "services/sqs/message_attributes.hpp"

#include <cctype>
#include <cstdint>

#include "protocol/api_error.hpp"
#include "protocol/checksums.hpp"

namespace stratus::sqs {
namespace {

constexpr std::size_t kMaxAttributes = 10;

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
      return false;
  return true;
}

void validate_name(const std::string& name) {
  bool valid = !name.empty() && name.size() <= 256 && name.front() != '.' && name.back() != '.' &&
               name.find("..") == std::string::npos && !iequals_prefix(name, "aws.") &&
               !iequals_prefix(name, "amazon.");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') valid = false;
  if (!valid)
    throw invalid_parameter("Message (user) attribute name '" + name +
                            "' is invalid. Attribute names can contain alphanumeric characters, hyphens (-), "
                            "underscores (_), or periods (.), and cannot start with AWS. or Amazon.");
}

bool is_number(const std::string& text) {
  std::size_t i = 0, digits = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  bool dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c == '.' && !dot) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digits > 0) {
      std::size_t j = i + 1;
      if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
      if (j == text.size()) return false;
      for (; j < text.size(); ++j)
        if (!std::isdigit(static_cast<unsigned char>(text[j]))) return false;
      break;
    } else {
      return false;
    }
  }
  return digits > 0 && digits <= 38;
}

MessageAttribute parse_one(const std::string& name, const Value& v) {
  const Value* type = v.find("DataType");
  if (!type || !type->is_string() || type->as_string().empty())
    throw invalid_parameter("The message attribute '" + name + "' must contain non-empty message attribute type.");
  MessageAttribute a;
  a.data_type = type->as_string();
  bool binary = a.data_type.starts_with("Binary");
  if (!binary && !a.data_type.starts_with("String") && !a.data_type.starts_with("Number"))
    throw invalid_parameter("The type of message (user) attribute '" + name +
                            "' is invalid. You must use only the following supported type prefixes: Binary, "
                            "Number, String.");
  if (a.data_type.size() > 256) throw invalid_parameter("Message attribute type is too long: " + name);
  const Value* value = v.find(binary ? "BinaryValue" : "StringValue");
  if (!value || !value->is_string() || value->as_string().empty())
    throw invalid_parameter("The message attribute '" + name +
                            "' must contain non-empty message attribute value for message attribute type '" +
                            a.data_type.substr(0, a.data_type.find('.')) + "'.");
  if (binary) {
    auto bytes = checksums::base64_decode(value->as_string());
    if (!bytes) throw invalid_parameter("The message attribute '" + name + "' has an invalid binary value.");
    a.value = std::move(*bytes);
  } else {
    a.value = value->as_string();
    if (!valid_message_text(a.value))
      throw invalid_parameter("The message attribute '" + name + "' contains invalid characters.");
    if (a.data_type.starts_with("Number") && !is_number(a.value))
      throw invalid_parameter("Can't cast the value of message (user) attribute '" + name + "' to a number.");
  }
  return a;
}

void append_length_prefixed(std::string& out, std::string_view bytes) {
  auto n = static_cast<std::uint32_t>(bytes.size());
  out += static_cast<char>(n >> 24);
  out += static_cast<char>(n >> 16);
  out += static_cast<char>(n >> 8);
  out += static_cast<char>(n);
  out.append(bytes);
}

}  // namespace

// The characters SQS accepts in a body: #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF.
bool valid_message_text(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    std::uint32_t c = *p;
    int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || end - p <= extra) return false;
    if (extra > 0) c &= (0x3F >> extra);
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      c = (c << 6) | (p[i] & 0x3F);
    }
    p += extra + 1;
    bool allowed = c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
                   (c >= 0x10000 && c <= 0x10FFFF);
    if (!allowed) return false;
  }
  return true;
}

MessageAttributes parse_message_attributes(const Value* input) {
  MessageAttributes attributes;
  if (!input || !input->is_object()) return attributes;
  if (input->as_object().size() > kMaxAttributes)
    throw invalid_parameter("Number of message attributes [" + std::to_string(input->as_object().size()) +
                            "] exceeds the allowed maximum [10].");
  for (const auto& [name, v] : input->as_object()) {
    validate_name(name);
    attributes[name] = parse_one(name, v);
  }
  return attributes;
}

std::string parse_trace_header(const Value* input) {
  if (!input || !input->is_object()) return {};
  for (const auto& [name, v] : input->as_object()) {
    if (name != "AWSTraceHeader")
      throw invalid_parameter("Message system attribute name '" + name + "' is invalid.");
    MessageAttribute a = parse_one(name, v);
    if (a.data_type != "String")
      throw invalid_parameter("Message system attribute AWSTraceHeader must have the data type String.");
    return a.value;
  }
  return {};
}

std::string attributes_md5(const MessageAttributes& attributes) {
  if (attributes.empty()) return {};
  std::string buffer;
  for (const auto& [name, a] : attributes) {
    append_length_prefixed(buffer, name);
    append_length_prefixed(buffer, a.data_type);
    buffer += static_cast<char>(a.is_binary() ? 2 : 1);
    append_length_prefixed(buffer, a.value);
  }
  return checksums::md5_hex(buffer);
}

std::string trace_header_md5(const std::string& trace_header) {
  if (trace_header.empty()) return {};
  return attributes_md5({{"AWSTraceHeader", {"String", trace_header}}});
}

std::size_t attributes_size(const MessageAttributes& attributes) {
  std::size_t size = 0;
  for (const auto& [name, a] : attributes) size += name.size() + a.data_type.size() + a.value.size();
  return size;
}

MessageAttributes select_attributes(const MessageAttributes& attributes, const std::vector<std::string>& names) {
  MessageAttributes selected;
  for (const auto& [name, a] : attributes) {
    for (const auto& wanted : names) {
      bool match = wanted == "All" || wanted == ".*" || wanted == name ||
                   (wanted.ends_with(".*") && name.starts_with(wanted.substr(0, wanted.size() - 2)));
      if (match) {
        selected.emplace(name, a);
        break;
      }
    }
  }
  return selected;
}

Value attributes_to_value(const MessageAttributes& attributes) {
  Value out = Value::object();
  for (const auto& [name, a] : attributes) {
    Value v = Value::object();
    if (a.is_binary())
      v.set("BinaryValue", checksums::base64_encode(a.value));
    else
      v.set("StringValue", a.value);
    v.set("DataType", a.data_type);
    out.set(name, std::move(v));
  }
  return out;
}

}  // namespace stratus::sqs
