#include <charconv>
#include <cstdlib>

#include "protocol/wire_formats.hpp"
#include "protocol/xml.hpp"

namespace stratus::protocol {
namespace {

bool has_prefix(const form::Params& params, const std::string& prefix) {
  auto it = params.lower_bound(prefix);
  return it != params.end() && it->first.compare(0, prefix.size(), prefix) == 0 &&
         (it->first.size() == prefix.size() || it->first[prefix.size()] == '.');
}

ApiError bad_value(const std::string& name, const std::string& value, const char* reason) {
  return ApiError("InvalidParameterValue",
                  "Value " + value + " for parameter " + name + " is invalid. Reason: " + reason + ".");
}

Value decode(const form::Params& params, const Shape& shape, const std::string& prefix);

Value decode_scalar(const Shape& shape, const std::string& name, const std::string& text) {
  switch (shape.type) {
    case ShapeType::Integer:
    case ShapeType::Long: {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        throw bad_value(name, text, "must be an integer");
      return Value(v);
    }
    case ShapeType::Boolean:
      if (text == "true") return Value(true);
      if (text == "false") return Value(false);
      throw bad_value(name, text, "must be true or false");
    case ShapeType::Float:
    case ShapeType::Double: {
      char* end = nullptr;
      double v = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0') throw bad_value(name, text, "must be a number");
      return Value(v);
    }
    default:
      return Value(text);
  }
}

// Indexed entries "<prefix>.1", "<prefix>.2", ... up to the first missing index.
template <typename Fn>
void for_each_index(const form::Params& params, const std::string& prefix, Fn&& fn) {
  for (int i = 1;; ++i) {
    std::string item = prefix + "." + std::to_string(i);
    if (!has_prefix(params, item)) break;
    fn(item);
  }
}

std::string replace_last_component(const std::string& prefix, std::string_view name) {
  size_t dot = prefix.rfind('.');
  return (dot == std::string::npos ? std::string() : prefix.substr(0, dot + 1)) + std::string(name);
}

Value decode_list(const form::Params& params, const Shape& shape, const MemberRef& ref,
                  const std::string& prefix) {
  Value list = Value::array();
  std::string items = prefix;
  if (ref.flattened || shape.flattened) {
    if (!shape.member.location_name.empty()) items = replace_last_component(prefix, shape.member.location_name);
  } else {
    items = prefix + "." + std::string(shape.member.location_name.empty() ? "member" : shape.member.location_name);
  }
  for_each_index(params, items, [&](const std::string& item) {
    list.push(decode(params, *shape.member.shape, item));
  });
  return list;
}

Value decode_map(const form::Params& params, const Shape& shape, const MemberRef& ref,
                 const std::string& prefix) {
  Value map = Value::object();
  std::string entries = (ref.flattened || shape.flattened) ? prefix : prefix + ".entry";
  std::string key_name(shape.key.location_name.empty() ? "key" : shape.key.location_name);
  std::string value_name(shape.value.location_name.empty() ? "value" : shape.value.location_name);
  for_each_index(params, entries, [&](const std::string& entry) {
    auto key = params.find(entry + "." + key_name);
    if (key == params.end()) return;
    map.set(key->second, decode(params, *shape.value.shape, entry + "." + value_name));
  });
  return map;
}

Value decode_structure(const form::Params& params, const Shape& shape, const std::string& prefix) {
  Value object = Value::object();
  for (const auto& m : shape.members) {
    std::string name = prefix.empty() ? std::string(m.wire_name()) : prefix + "." + std::string(m.wire_name());
    bool flattened_list = m.shape->type == ShapeType::List && (m.flattened || m.shape->flattened);
    std::string probe = flattened_list && !m.shape->member.location_name.empty()
                            ? replace_last_component(name, m.shape->member.location_name)
                            : name;
    if (!has_prefix(params, probe)) {
      // An empty list travels as "Name=".
      if (m.shape->type == ShapeType::List && params.contains(name)) object.set(m.name, Value::array());
      continue;
    }
    if (m.shape->type == ShapeType::List) {
      object.set(m.name, decode_list(params, *m.shape, m, name));
    } else if (m.shape->type == ShapeType::Map) {
      object.set(m.name, decode_map(params, *m.shape, m, name));
    } else {
      object.set(m.name, decode(params, *m.shape, name));
    }
  }
  return object;
}

Value decode(const form::Params& params, const Shape& shape, const std::string& prefix) {
  switch (shape.type) {
    case ShapeType::Structure: return decode_structure(params, shape, prefix);
    case ShapeType::List: return decode_list(params, shape, MemberRef{}, prefix);
    case ShapeType::Map: return decode_map(params, shape, MemberRef{}, prefix);
    default: {
      auto it = params.find(prefix);
      return it == params.end() ? Value() : decode_scalar(shape, prefix, it->second);
    }
  }
}

void write_value(xml::Writer& out, const Shape& shape, const Value& v, std::string_view name);

std::string scalar_text(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.as_int());
  if (v.is_double()) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v.as_double());
    return std::string(buffer, end);
  }
  return {};
}

void write_member(xml::Writer& out, const MemberRef& m, const Value& v) {
  const Shape& shape = *m.shape;
  bool flattened = m.flattened || shape.flattened;
  if (shape.type == ShapeType::List && flattened) {
    std::string_view item = shape.member.location_name.empty() ? m.wire_name() : std::string_view(shape.member.location_name);
    for (const auto& e : v.as_array()) write_value(out, *shape.member.shape, e, item);
  } else if (shape.type == ShapeType::Map && flattened) {
    for (const auto& [k, e] : v.as_object()) {
      out.open(m.wire_name());
      out.element(shape.key.location_name.empty() ? "key" : shape.key.location_name, k);
      write_value(out, *shape.value.shape, e, shape.value.location_name.empty() ? "value" : shape.value.location_name);
      out.close(m.wire_name());
    }
  } else {
    write_value(out, shape, v, m.wire_name());
  }
}

void write_value(xml::Writer& out, const Shape& shape, const Value& v, std::string_view name) {
  switch (shape.type) {
    case ShapeType::Structure:
      out.open(name);
      for (const auto& m : shape.members)
        if (const Value* child = v.find(m.name); child && !child->is_null()) write_member(out, m, *child);
      out.close(name);
      break;
    case ShapeType::List: {
      // Both branches string_views: a std::string branch would make the result a temporary.
      std::string_view item = shape.member.location_name.empty() ? std::string_view("member")
                                                                  : std::string_view(shape.member.location_name);
      out.open(name);
      for (const auto& e : v.as_array()) write_value(out, *shape.member.shape, e, item);
      out.close(name);
      break;
    }
    case ShapeType::Map:
      out.open(name);
      for (const auto& [k, e] : v.as_object()) {
        out.open("entry");
        out.element(shape.key.location_name.empty() ? "key" : shape.key.location_name, k);
        write_value(out, *shape.value.shape, e, shape.value.location_name.empty() ? "value" : shape.value.location_name);
        out.close("entry");
      }
      out.close(name);
      break;
    default:
      out.element(name, scalar_text(v));
  }
}

void write_request_id(xml::Writer& out, std::string_view request_id) {
  out.open("ResponseMetadata");
  out.element("RequestId", request_id);
  out.close("ResponseMetadata");
}

HttpResponse xml_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.set_header("Content-Type", "text/xml");
  return response;
}

}  // namespace

Value decode_query_input(const form::Params& params, const Shape* input) {
  return input ? decode_structure(params, *input, "") : Value::object();
}

HttpResponse query_output(const ServiceModel& model, const Operation& op, const Value& output,
                          std::string_view request_id) {
  xml::Writer out;
  std::string response_name = op.name + "Response";
  out.open(response_name, model.xml_namespace);
  if (op.output) {
    std::string wrapper = op.result_wrapper.empty() ? op.name + "Result" : op.result_wrapper;
    write_value(out, *op.output, output.is_null() ? Value::object() : output, wrapper);
  }
  write_request_id(out, request_id);
  out.close(response_name);
  HttpResponse response = xml_response(200, out.take());
  response.set_header("x-amzn-RequestId", request_id);
  return response;
}

HttpResponse query_error(const ServiceModel* model, const ApiError& error, std::string_view request_id) {
  ErrorTraits traits = error_traits(model, error);
  xml::Writer out;
  out.open("ErrorResponse", model ? std::string_view(model->xml_namespace) : std::string_view());
  out.open("Error");
  out.element("Type", traits.sender ? "Sender" : "Receiver");
  out.element("Code", traits.query_code);
  out.element("Message", error.what());
  out.open("Detail");
  out.close("Detail");
  out.close("Error");
  out.element("RequestId", request_id);
  out.close("ErrorResponse");
  HttpResponse response = xml_response(traits.status, out.take());
  response.set_header("x-amzn-RequestId", request_id);
  return response;
}

}  // namespace stratus::protocol
