// Layout: a version byte, then the item. An item is a count and that many
// (name, value) pairs; a value is a type byte and its payload: strings, numbers (their
// canonical text) and binaries as a length and bytes, BOOL as one byte, NULL as
// nothing, M as an item, L and the sets as a count and their members. Counts and
// lengths are LEB128 varints.
#include "services/dynamodb/item_codec.hpp"

#include <stdexcept>

#include "protocol/json.hpp"

namespace stratus::dynamodb {
namespace {

constexpr char kVersion = 1;

void put_size(std::string& out, std::size_t n) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

void put_string(std::string& out, std::string_view s) {
  put_size(out, s.size());
  out.append(s);
}

void put_item(std::string& out, const Item& item);

void put_value(std::string& out, const AttributeValue& v) {
  out.push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case Type::S:
    case Type::B: put_string(out, v.as_string()); break;
    case Type::N: put_string(out, v.as_number().to_string()); break;
    case Type::BOOL: out.push_back(v.as_bool() ? 1 : 0); break;
    case Type::NUL: break;
    case Type::M: put_item(out, v.as_map()); break;
    case Type::L:
      put_size(out, v.as_list().size());
      for (const auto& e : v.as_list()) put_value(out, e);
      break;
    case Type::SS:
    case Type::BS:
      put_size(out, v.as_strings().size());
      for (const auto& s : v.as_strings()) put_string(out, s);
      break;
    case Type::NS:
      put_size(out, v.as_numbers().size());
      for (const auto& n : v.as_numbers()) put_string(out, n.to_string());
      break;
  }
}

void put_item(std::string& out, const Item& item) {
  put_size(out, item.size());
  for (const auto& [name, value] : item) {
    put_string(out, name);
    put_value(out, value);
  }
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  Item item() {
    Item out;
    for (std::size_t n = size(); n > 0; --n) {
      std::string name(string());
      out.emplace_hint(out.end(), std::move(name), value());
    }
    return out;
  }

 private:
  char byte() {
    if (at_ >= bytes_.size()) throw std::runtime_error("stored item is truncated");
    return bytes_[at_++];
  }

  std::size_t size() {
    std::size_t n = 0;
    for (int shift = 0;; shift += 7) {
      auto b = static_cast<unsigned char>(byte());
      n |= static_cast<std::size_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return n;
    }
  }

  std::string_view string() {
    std::size_t n = size();
    if (bytes_.size() - at_ < n) throw std::runtime_error("stored item is truncated");
    std::string_view s = bytes_.substr(at_, n);
    at_ += n;
    return s;
  }

  AttributeValue value() {
    auto type = static_cast<Type>(byte());
    switch (type) {
      case Type::S: return AttributeValue::string(std::string(string()));
      case Type::B: return AttributeValue::binary(std::string(string()));
      case Type::N: return AttributeValue::number(Number::parse(string()));
      case Type::BOOL: return AttributeValue::boolean(byte() != 0);
      case Type::NUL: return AttributeValue::null();
      case Type::M: return AttributeValue::map(item());
      case Type::L: {
        std::vector<AttributeValue> list(size());
        for (auto& e : list) e = value();
        return AttributeValue::list(std::move(list));
      }
      case Type::SS:
      case Type::BS: {
        std::vector<std::string> members(size());
        for (auto& m : members) m = string();
        return type == Type::SS ? AttributeValue::string_set(std::move(members)) : AttributeValue::binary_set(std::move(members));
      }
      case Type::NS: {
        std::vector<Number> members;
        for (std::size_t n = size(); n > 0; --n) members.push_back(Number::parse(string()));
        return AttributeValue::number_set(std::move(members));
      }
    }
    throw std::runtime_error("stored item has an unknown type");
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace

std::string encode_item(const Item& item) {
  std::string out;
  append_encoded_item(out, item);
  return out;
}

void append_encoded_item(std::string& out, const Item& item) {
  out.push_back(kVersion);
  put_item(out, item);
}

Item decode_item(std::string_view stored) {
  if (!stored.empty() && stored.front() == '{') return AttributeValue::parse_item(json::parse(stored));
  if (stored.empty() || stored.front() != kVersion) throw std::runtime_error("stored item has an unknown format");
  return Reader(stored.substr(1)).item();
}

}  // namespace stratus::dynamodb
