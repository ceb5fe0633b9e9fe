// SMS and mobile push: the operations keep and return their state as AWS does, but
// nothing is sent to a phone or a device (the README says so).
#include <algorithm>
#include <set>

#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/sns/names.hpp"
#include "services/sns/sns_service.hpp"

namespace stratus::sns {
namespace {

ApiError invalid(const std::string& what) { return ApiError("InvalidParameterException", "Invalid parameter: " + what); }

const std::set<std::string, std::less<>> kPlatforms = {"ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX",
                                                       "BAIDU", "GCM", "MPNS", "WNS"};

// "arn:...:app/<platform>/<name>" -> "arn:...:endpoint/<platform>/<name>", the
// prefix of that application's endpoints.
std::string endpoint_prefix(const std::string& application_arn) {
  std::string prefix = application_arn;
  prefix.replace(prefix.find(":app/"), 5, ":endpoint/");
  return prefix;
}

Value attributes_value(const Attributes& attributes) {
  Value out = Value::object();
  for (const auto& [k, v] : attributes) out.set(k, v);
  return out;
}

Attributes& existing(std::map<std::string, Attributes>& resources, const std::string& arn, const char* what) {
  auto it = resources.find(arn);
  if (it == resources.end()) throw ApiError("NotFoundException", std::string(what) + " does not exist");
  return it->second;
}

bool valid_phone_number(const std::string& number) {
  if (number.size() < 2 || number.size() > 16 || number[0] != '+') return false;
  return std::all_of(number.begin() + 1, number.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

Value SnsService::create_platform_application(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "Name");
  const std::string& platform = input::required_string(input, "Platform");
  if (!kPlatforms.contains(platform)) throw invalid("Platform");
  if (name.empty() || name.size() > 256) throw invalid("Name");
  std::string arn = topic_arn(ctx.region, ctx.account, "app/" + platform + "/" + name);
  platform_applications_[arn] = input::string_map(input, "Attributes");
  store_.save_resource("application", arn, platform_applications_[arn]);
  return Value(Object{{"PlatformApplicationArn", Value(arn)}});
}

Value SnsService::delete_platform_application(const RequestContext&, const Value& input) {
  const std::string& arn = input::required_string(input, "PlatformApplicationArn");
  platform_applications_.erase(arn);
  store_.delete_resource("application", arn);
  std::string prefix = endpoint_prefix(arn);
  for (auto it = platform_endpoints_.lower_bound(prefix); it != platform_endpoints_.end() && it->first.starts_with(prefix);) {
    store_.delete_resource("endpoint", it->first);
    it = platform_endpoints_.erase(it);
  }
  return Value::object();
}

Value SnsService::list_platform_applications(const RequestContext& ctx, const Value&) {
  std::string prefix = topic_arn(ctx.region, ctx.account, "app/");
  Value list = Value::array();
  for (auto it = platform_applications_.lower_bound(prefix);
       it != platform_applications_.end() && it->first.starts_with(prefix); ++it)
    list.push(Value(Object{{"PlatformApplicationArn", Value(it->first)}, {"Attributes", attributes_value(it->second)}}));
  return Value(Object{{"PlatformApplications", std::move(list)}});
}

Value SnsService::get_platform_application_attributes(const RequestContext&, const Value& input) {
  const Attributes& a = existing(platform_applications_, input::required_string(input, "PlatformApplicationArn"),
                                 "PlatformApplication");
  return Value(Object{{"Attributes", attributes_value(a)}});
}

Value SnsService::set_platform_application_attributes(const RequestContext&, const Value& input) {
  merge_attributes(platform_applications_, "application", input::required_string(input, "PlatformApplicationArn"),
                   input);
  return Value::object();
}

Value SnsService::create_platform_endpoint(const RequestContext&, const Value& input) {
  const std::string& app = input::required_string(input, "PlatformApplicationArn");
  existing(platform_applications_, app, "PlatformApplication");
  const std::string& token = input::required_string(input, "Token");
  if (token.empty()) throw invalid("Token");
  std::string prefix = endpoint_prefix(app);
  for (auto it = platform_endpoints_.lower_bound(prefix); it != platform_endpoints_.end() && it->first.starts_with(prefix); ++it)
    if (it->second["Token"] == token) return Value(Object{{"EndpointArn", Value(it->first)}});
  std::string arn = prefix + "/" + ids::uuid();
  Attributes a = input::string_map(input, "Attributes");
  a["Token"] = token;
  if (!a.contains("Enabled")) a["Enabled"] = "true";
  if (auto data = input::optional_string(input, "CustomUserData")) a["CustomUserData"] = *data;
  platform_endpoints_[arn] = a;
  store_.save_resource("endpoint", arn, a);
  return Value(Object{{"EndpointArn", Value(arn)}});
}

Value SnsService::delete_endpoint(const RequestContext&, const Value& input) {
  const std::string& arn = input::required_string(input, "EndpointArn");
  platform_endpoints_.erase(arn);
  store_.delete_resource("endpoint", arn);
  return Value::object();
}

Value SnsService::list_endpoints_by_platform_application(const RequestContext&, const Value& input) {
  const std::string& app = input::required_string(input, "PlatformApplicationArn");
  existing(platform_applications_, app, "PlatformApplication");
  std::string prefix = endpoint_prefix(app);
  Value list = Value::array();
  for (auto it = platform_endpoints_.lower_bound(prefix); it != platform_endpoints_.end() && it->first.starts_with(prefix); ++it)
    list.push(Value(Object{{"EndpointArn", Value(it->first)}, {"Attributes", attributes_value(it->second)}}));
  return Value(Object{{"Endpoints", std::move(list)}});
}

Value SnsService::get_endpoint_attributes(const RequestContext&, const Value& input) {
  const Attributes& a = existing(platform_endpoints_, input::required_string(input, "EndpointArn"), "Endpoint");
  return Value(Object{{"Attributes", attributes_value(a)}});
}

Value SnsService::set_endpoint_attributes(const RequestContext&, const Value& input) {
  merge_attributes(platform_endpoints_, "endpoint", input::required_string(input, "EndpointArn"), input);
  return Value::object();
}

void SnsService::merge_attributes(std::map<std::string, Attributes>& resources, const std::string& kind,
                                  const std::string& arn, const Value& input) {
  Attributes& a = existing(resources, arn, kind == "endpoint" ? "Endpoint" : "PlatformApplication");
  for (auto& [k, v] : input::string_map(input, "Attributes")) a[k] = v;
  store_.save_resource(kind, arn, a);
}

Value SnsService::get_sms_attributes(const RequestContext&, const Value& input) {
  auto names = input::strings(input, "attributes");
  Value out = Value::object();
  for (const auto& [k, v] : sms_attributes_)
    if (names.empty() || std::find(names.begin(), names.end(), k) != names.end()) out.set(k, v);
  return Value(Object{{"attributes", std::move(out)}});
}

Value SnsService::set_sms_attributes(const RequestContext&, const Value& input) {
  for (auto& [k, v] : input::string_map(input, "attributes")) sms_attributes_[k] = v;
  store_.save_resource("sms", "", sms_attributes_);
  return Value::object();
}

Value SnsService::check_if_phone_number_is_opted_out(const RequestContext&, const Value& input) {
  if (!valid_phone_number(input::required_string(input, "phoneNumber"))) throw invalid("PhoneNumber");
  return Value(Object{{"isOptedOut", Value(false)}});
}

Value SnsService::list_phone_numbers_opted_out(const RequestContext&, const Value&) {
  return Value(Object{{"phoneNumbers", Value::array()}});
}

Value SnsService::opt_in_phone_number(const RequestContext&, const Value& input) {
  if (!valid_phone_number(input::required_string(input, "phoneNumber"))) throw invalid("PhoneNumber");
  return Value::object();
}

Value SnsService::get_sms_sandbox_account_status(const RequestContext&, const Value&) {
  return Value(Object{{"IsInSandbox", Value(false)}});
}

Value SnsService::create_sms_sandbox_phone_number(const RequestContext&, const Value& input) {
  const std::string& number = input::required_string(input, "PhoneNumber");
  if (!valid_phone_number(number)) throw invalid("PhoneNumber");
  sandbox_numbers_[number] = {{"Status", "Pending"}};
  store_.save_resource("sandbox", number, sandbox_numbers_[number]);
  return Value::object();
}

Value SnsService::delete_sms_sandbox_phone_number(const RequestContext&, const Value& input) {
  const std::string& number = input::required_string(input, "PhoneNumber");
  if (!sandbox_numbers_.erase(number)) throw ApiError("ResourceNotFoundException", "Phone number does not exist");
  store_.delete_resource("sandbox", number);
  return Value::object();
}

Value SnsService::verify_sms_sandbox_phone_number(const RequestContext&, const Value& input) {
  const std::string& number = input::required_string(input, "PhoneNumber");
  input::required_string(input, "OneTimePassword");
  auto it = sandbox_numbers_.find(number);
  if (it == sandbox_numbers_.end()) throw ApiError("ResourceNotFoundException", "Phone number does not exist");
  it->second["Status"] = "Verified";
  store_.save_resource("sandbox", number, it->second);
  return Value::object();
}

Value SnsService::list_sms_sandbox_phone_numbers(const RequestContext&, const Value&) {
  Value list = Value::array();
  for (const auto& [number, a] : sandbox_numbers_)
    list.push(Value(Object{{"PhoneNumber", Value(number)}, {"Status", Value(a.at("Status"))}}));
  return Value(Object{{"PhoneNumbers", std::move(list)}});
}

Value SnsService::list_origination_numbers(const RequestContext&, const Value&) {
  return Value(Object{{"PhoneNumbers", Value::array()}});
}

}  // namespace stratus::sns
