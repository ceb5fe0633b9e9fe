#pragma once
// The botocore API models, loaded once: the codecs read shapes from here to decode
// awsQuery forms, write XML, check required members and map error codes.
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stratus::protocol {

enum class ShapeType { Structure, List, Map, String, Integer, Long, Boolean, Float, Double, Blob, Timestamp };

struct Shape;

// Where a REST protocol carries a member: in the body, or in the request line and headers.
enum class Location { Body, Uri, Querystring, Header, Headers, StatusCode };

struct MemberRef {
  std::string name;  // the member's name in its structure ("member"/"key"/"value" otherwise)
  const Shape* shape = nullptr;
  std::string location_name;  // XML/query name, URI label, query key or header name
  bool flattened = false;
  Location location = Location::Body;

  std::string_view wire_name() const { return location_name.empty() ? name : location_name; }
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::String;
  std::vector<MemberRef> members;
  std::vector<std::string> required;
  MemberRef member, key, value;
  bool flattened = false;
  std::string location_name;
  bool exception = false;
  std::string error_code;  // awsQuery code; defaults to the shape's name
  int http_status = 400;
  bool sender_fault = true;
  std::string payload;  // REST: the member that is the whole body, if one is
};

struct Operation {
  std::string name;
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::string result_wrapper;
  // REST protocols: the request line that selects the operation, and the success status.
  std::string http_method;
  std::string request_uri;  // "/2015-03-31/functions/{FunctionName}/invocations"
  int response_code = 200;
};

struct ServiceModel {
  std::string service;  // short name: "sqs"
  std::string protocol;
  std::string target_prefix;
  std::string endpoint_prefix;  // the SigV4 credential scope's service ("elasticloadbalancing" for elbv2)
  std::string xml_namespace;
  std::string api_version;
  bool query_compatible = false;
  std::map<std::string, Shape, std::less<>> shapes;
  std::map<std::string, Operation, std::less<>> operations;

  const Operation* operation(std::string_view name) const;
  // The exception shape whose name is `code`, if the model has one.
  const Shape* error(std::string_view code) const;
};

class ModelRegistry {
 public:
  // Loads every model compiled into the binary.
  static const ModelRegistry& builtin();

  // By short name or by the SigV4 scope's service name.
  const ServiceModel* by_service(std::string_view service) const;
  const ServiceModel* by_target_prefix(std::string_view prefix) const;
  // A model that has an operation of this name (for awsQuery requests without a scope).
  const ServiceModel* by_operation(std::string_view operation) const;
  const std::vector<std::unique_ptr<ServiceModel>>& all() const { return models_; }

  void add(std::unique_ptr<ServiceModel> model) { models_.push_back(std::move(model)); }

 private:
  std::vector<std::unique_ptr<ServiceModel>> models_;
};

std::unique_ptr<ServiceModel> load_model(std::string_view service, std::string_view json_text);

}  // namespace stratus::protocol
