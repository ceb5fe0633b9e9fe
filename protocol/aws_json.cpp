#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "protocol/wire_formats.hpp"

namespace stratus::protocol {
namespace {

constexpr std::string_view kContentType = "application/x-amz-json-1.0";

ApiError serialization_error(const std::string& message) {
  return ApiError("SerializationException", message);
}

bool fits(const Shape& shape, const Value& v) {
  switch (shape.type) {
    case ShapeType::Structure: return v.is_object();
    case ShapeType::List: return v.is_array();
    case ShapeType::Map: return v.is_object();
    case ShapeType::String:
    case ShapeType::Blob: return v.is_string();
    case ShapeType::Integer:
    case ShapeType::Long: return v.is_int();
    case ShapeType::Boolean: return v.is_bool();
    case ShapeType::Float:
    case ShapeType::Double:
    case ShapeType::Timestamp: return v.is_number();
  }
  return false;
}

// Where a value sits in the input, spelled out only when it is reported.
struct Path {
  const Path* parent;
  std::string_view step;  // a member or key name, or "[]"

  std::string text() const {
    std::string head = parent ? parent->text() : std::string();
    if (parent && step != "[]") head += '.';
    return head + std::string(step);
  }
};

// Checks the JSON types against the model so that services can trust them.
// Unknown members are ignored, as AWS does.
void check_types(const Shape& shape, const Value& v, const Path& path) {
  if (v.is_null()) return;
  if (!fits(shape, v)) throw serialization_error("Unexpected value type in payload at " + path.text());
  if (shape.type == ShapeType::Structure) {
    for (const auto& m : shape.members)
      if (const Value* child = v.find(m.name)) check_types(*m.shape, *child, Path{&path, m.name});
  } else if (shape.type == ShapeType::List) {
    for (const auto& e : v.as_array()) check_types(*shape.member.shape, e, Path{&path, "[]"});
  } else if (shape.type == ShapeType::Map) {
    for (const auto& [k, e] : v.as_object()) check_types(*shape.value.shape, e, Path{&path, k});
  }
}

// DynamoDB's clients check every answer's body against this header (errors too).
void add_checksum(const ServiceModel* model, HttpResponse& response) {
  if (model && model->service.starts_with("dynamodb")) response.set_header("x-amz-crc32", std::to_string(checksums::crc32(response.body)));
}

std::string type_prefix(const ServiceModel* model) {
  return model ? "com.amazonaws." + model->service + "#" : std::string();
}

}  // namespace

Value decode_json_input(std::string_view body, const Shape* input) {
  if (body.empty()) return Value::object();
  Value doc;
  try {
    doc = json::parse(body);
  } catch (const json::ParseError&) {
    throw serialization_error("Start of structure or map found where not expected.");
  }
  if (!doc.is_object()) throw serialization_error("Start of structure or map found where not expected.");
  if (input) check_types(*input, doc, Path{nullptr, input->name});
  return doc;
}

HttpResponse json_output(const ServiceModel& model, const Value& output, std::string_view request_id) {
  HttpResponse response;
  response.body = output.is_null() ? "{}" : json::write(output);
  response.set_header("Content-Type", kContentType);
  response.set_header("x-amzn-RequestId", request_id);
  add_checksum(&model, response);
  return response;
}

HttpResponse json_error(const ServiceModel* model, const ApiError& error, std::string_view request_id) {
  ErrorTraits traits = error_traits(model, error);
  HttpResponse response = json_error_answer(error, traits.status, {"__type", type_prefix(model) + error.code}, kContentType, request_id);
  if (model && model->query_compatible)
    response.set_header("x-amzn-query-error", traits.query_code + (traits.sender ? ";Sender" : ";Receiver"));
  add_checksum(model, response);
  return response;
}

}  // namespace stratus::protocol
