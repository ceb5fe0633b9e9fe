#include "protocol/model.hpp"

#include <stdexcept>

#include "protocol/embedded_models.hpp"
#include "protocol/json.hpp"

namespace stratus::protocol {
namespace {

ShapeType shape_type(const std::string& type) {
  static const std::map<std::string, ShapeType, std::less<>> types = {
      {"structure", ShapeType::Structure}, {"list", ShapeType::List},
      {"map", ShapeType::Map},             {"string", ShapeType::String},
      {"integer", ShapeType::Integer},     {"long", ShapeType::Long},
      {"boolean", ShapeType::Boolean},     {"float", ShapeType::Float},
      {"double", ShapeType::Double},       {"blob", ShapeType::Blob},
      {"timestamp", ShapeType::Timestamp}};
  auto it = types.find(type);
  if (it == types.end()) throw std::runtime_error("unknown shape type " + type);
  return it->second;
}

std::string string_of(const Value& node, std::string_view key) {
  const Value* v = node.find(key);
  return v && v->is_string() ? v->as_string() : std::string();
}

bool bool_of(const Value& node, std::string_view key) {
  const Value* v = node.find(key);
  return v && v->is_bool() && v->as_bool();
}

MemberRef member_ref(ServiceModel& model, std::string name, const Value& ref) {
  MemberRef m;
  m.name = std::move(name);
  m.shape = &model.shapes.at(string_of(ref, "shape"));
  m.location_name = string_of(ref, "locationName");
  if (m.location_name.empty()) m.location_name = m.shape->location_name;
  m.flattened = bool_of(ref, "flattened") || m.shape->flattened;
  static const std::map<std::string, Location, std::less<>> locations = {
      {"uri", Location::Uri},       {"querystring", Location::Querystring}, {"header", Location::Header},
      {"headers", Location::Headers}, {"statusCode", Location::StatusCode}};
  if (auto it = locations.find(string_of(ref, "location")); it != locations.end()) m.location = it->second;
  return m;
}

void link_shape(ServiceModel& model, Shape& shape, const Value& node) {
  if (const Value* members = node.find("members")) {
    for (const auto& [name, ref] : members->as_object())
      shape.members.push_back(member_ref(model, name, ref));
  }
  if (const Value* required = node.find("required")) {
    for (const auto& r : required->as_array()) shape.required.push_back(r.as_string());
  }
  shape.payload = string_of(node, "payload");
  if (const Value* m = node.find("member")) shape.member = member_ref(model, "member", *m);
  if (const Value* k = node.find("key")) shape.key = member_ref(model, "key", *k);
  if (const Value* v = node.find("value")) shape.value = member_ref(model, "value", *v);
}

}  // namespace

const Operation* ServiceModel::operation(std::string_view name) const {
  auto it = operations.find(name);
  return it == operations.end() ? nullptr : &it->second;
}

const Shape* ServiceModel::error(std::string_view code) const {
  auto it = shapes.find(code);
  return it != shapes.end() && it->second.exception ? &it->second : nullptr;
}

std::unique_ptr<ServiceModel> load_model(std::string_view service, std::string_view json_text) {
  Value doc = json::parse(json_text);
  auto model = std::make_unique<ServiceModel>();
  model->service = service;
  const Value& meta = *doc.find("metadata");
  model->protocol = string_of(meta, "protocol");
  model->target_prefix = string_of(meta, "targetPrefix");
  model->endpoint_prefix = string_of(meta, "endpointPrefix");
  model->xml_namespace = string_of(meta, "xmlNamespace");
  model->api_version = string_of(meta, "apiVersion");
  model->query_compatible = meta.find("awsQueryCompatible") != nullptr;

  const Value& shapes = *doc.find("shapes");
  // Two passes: every shape must exist before references to it are linked.
  for (const auto& [name, node] : shapes.as_object()) {
    Shape& shape = model->shapes[name];
    shape.name = name;
    shape.type = shape_type(string_of(node, "type"));
    shape.flattened = bool_of(node, "flattened");
    shape.location_name = string_of(node, "locationName");
    shape.exception = bool_of(node, "exception");
    shape.error_code = name;
    if (const Value* error = node.find("error")) {
      if (auto code = string_of(*error, "code"); !code.empty()) shape.error_code = code;
      if (const Value* status = error->find("httpStatusCode")) shape.http_status = static_cast<int>(status->as_int());
      shape.sender_fault = bool_of(*error, "senderFault");
    }
  }
  for (const auto& [name, node] : shapes.as_object()) link_shape(*model, model->shapes[name], node);

  for (const auto& [name, node] : doc.find("operations")->as_object()) {
    Operation& op = model->operations[name];
    op.name = name;
    if (const Value* in = node.find("input")) op.input = &model->shapes.at(string_of(*in, "shape"));
    if (const Value* out = node.find("output")) {
      op.output = &model->shapes.at(string_of(*out, "shape"));
      op.result_wrapper = string_of(*out, "resultWrapper");
    }
    if (const Value* http = node.find("http")) {
      op.http_method = string_of(*http, "method");
      op.request_uri = string_of(*http, "requestUri");
      if (const Value* code = http->find("responseCode")) op.response_code = static_cast<int>(code->as_int());
    }
  }
  return model;
}

const ModelRegistry& ModelRegistry::builtin() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    for (const auto& embedded : embedded_models()) r.add(load_model(embedded.service, embedded.json));
    return r;
  }();
  return registry;
}

const ServiceModel* ModelRegistry::by_service(std::string_view service) const {
  for (const auto& m : models_)
    if (m->service == service || m->endpoint_prefix == service) return m.get();
  return nullptr;
}

const ServiceModel* ModelRegistry::by_target_prefix(std::string_view prefix) const {
  for (const auto& m : models_)
    if (m->target_prefix == prefix) return m.get();
  return nullptr;
}

const ServiceModel* ModelRegistry::by_operation(std::string_view operation) const {
  for (const auto& m : models_)
    if (m->operation(operation)) return m.get();
  return nullptr;
}

}  // namespace stratus::protocol
