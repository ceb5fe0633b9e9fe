// Functions: create, describe, list, delete, code and configuration updates, and
// published versions.
#include <algorithm>
#include <charconv>
#include <set>

#include "protocol/checksums.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/lambda/code_package.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/lambda/names.hpp"
#include "services/lambda/paging.hpp"

namespace stratus::lambda {
namespace {

constexpr std::int64_t kDefaultTimeout = 3, kMaxTimeout = 900;
constexpr std::int64_t kDefaultMemory = 128, kMinMemory = 128, kMaxMemory = 10240;
// Code that runs straight from a folder on this machine: Code={S3Bucket: this, S3Key: path}.
constexpr std::string_view kLocalCodeBucket = "stratus-local";

// LastModified as Lambda writes it: "2026-11-28T05:00:00.000+0000".
std::string last_modified() {
  std::string iso = ids::iso8601(ids::now_ms());
  return iso.substr(0, iso.size() - 1) + "+0000";
}

CodePackage package_of(const std::filesystem::path& code_root, const Value& code) {
  if (auto zip = input::optional_string(code, "ZipFile")) {
    auto bytes = checksums::base64_decode(*zip);
    if (!bytes) throw invalid_value("Could not unzip uploaded file. Please check your file, then try to upload again.");
    return unpack_zip(code_root, *bytes);
  }
  auto bucket = input::optional_string(code, "S3Bucket");
  if (bucket && *bucket == kLocalCodeBucket) return local_folder(input::optional_string(code, "S3Key").value_or(""));
  if (bucket)
    throw invalid_value("Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist");
  if (input::optional_string(code, "ImageUri")) throw invalid_value("Container images are not supported here; use a zip package.");
  throw invalid_value("Please provide a source for function code.");
}

void set_code(FunctionVersion& v, const CodePackage& package) {
  v.code_dir = package.dir;
  v.configuration.set("CodeSha256", package.sha256_base64);
  v.configuration.set("CodeSize", package.size);
}

// Members UpdateFunctionConfiguration and CreateFunction share, checked and applied.
void apply_configuration(Value& c, const Value& input) {
  for (const char* m : {"Role", "Handler", "Description", "Runtime", "KMSKeyArn"})
    if (auto v = input::optional_string(input, m)) c.set(m, *v);
  if (auto runtime = input::optional_string(input, "Runtime"); runtime && !known_runtime(*runtime))
    throw invalid_value("Value " + *runtime + " at 'runtime' failed to satisfy constraint: Member must satisfy enum value set");
  if (auto timeout = input::optional_int(input, "Timeout")) {
    if (*timeout < 1 || *timeout > kMaxTimeout) throw invalid_value("Timeout must be between 1 and 900 seconds.");
    c.set("Timeout", *timeout);
  }
  if (auto memory = input::optional_int(input, "MemorySize")) {
    if (*memory < kMinMemory || *memory > kMaxMemory) throw invalid_value("MemorySize must be between 128 and 10240 MB.");
    c.set("MemorySize", *memory);
  }
  if (const Value* env = input.find("Environment"); env && env->is_object()) {
    const Value* vars = env->find("Variables");
    c.set("Environment", Value(Object{{"Variables", vars && vars->is_object() ? *vars : Value::object()}}));
    for (const auto& [key, value] : c.find("Environment")->find("Variables")->as_object())
      if (reserved_environment_variable(key))
        throw invalid_value("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: " + key);
  }
  for (const char* m : {"DeadLetterConfig", "VpcConfig", "EphemeralStorage", "LoggingConfig", "ImageConfig"})
    if (const Value* v = input.find(m); v && v->is_object()) c.set(m, *v);
  if (const Value* tracing = input.find("TracingConfig"); tracing && tracing->is_object())
    c.set("TracingConfig", Value(Object{{"Mode", Value(input::optional_string(*tracing, "Mode").value_or("PassThrough"))}}));
  if (const Value* layers = input.find("Layers"); layers && layers->is_array()) {
    Value list = Value::array();
    for (const auto& arn : layers->as_array()) list.push(Value(Object{{"Arn", arn}, {"CodeSize", Value(0)}}));
    c.set("Layers", std::move(list));
  }
}

void check_revision(const FunctionVersion& v, const Value& input) {
  auto revision = input::optional_string(input, "RevisionId");
  if (revision && *revision != v.text("RevisionId"))
    throw ApiError("PreconditionFailedException",
                   "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id");
}

// A change to $LATEST: a new revision.
void touch(FunctionVersion& latest) {
  latest.configuration.set("LastModified", last_modified());
  latest.configuration.set("RevisionId", ids::uuid());
}

// An update is answered as still in progress (then it is done), so that the
// function_updated waiter has something to wait for.
Value in_progress(const FunctionVersion& latest) {
  Value answer = latest.configuration;
  answer.set("LastUpdateStatus", "InProgress");
  answer.set("LastUpdateStatusReason", "The function is being created.");
  answer.set("LastUpdateStatusReasonCode", "Creating");
  return answer;
}

}  // namespace

Value LambdaService::create_function(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  check_function_name(name);
  std::string arn = function_arn(ctx.region, ctx.account, name);
  if (functions_.contains(arn)) throw ApiError("ResourceConflictException", "Function already exist: " + name);
  std::string package_type = input::optional_string(input, "PackageType").value_or("Zip");
  if (package_type != "Zip") throw invalid_value("Only Zip packages are supported here.");
  if (!input::optional_string(input, "Runtime") || !input::optional_string(input, "Handler"))
    throw invalid_value("Runtime and Handler are mandatory parameters for functions created with deployment packages.");
  const Value* code = input.find("Code");
  CodePackage package = package_of(code_root_, code ? *code : Value::object());

  Function f;
  f.name = name;
  f.arn = arn;
  f.account = ctx.account;
  f.region = ctx.region;
  Value c = Value(Object{{"FunctionName", Value(name)},
                         {"FunctionArn", Value(arn)},
                         {"Timeout", Value(kDefaultTimeout)},
                         {"MemorySize", Value(kDefaultMemory)},
                         {"Version", Value("$LATEST")},
                         {"Description", Value("")},
                         {"TracingConfig", Value(Object{{"Mode", Value("PassThrough")}})},
                         {"PackageType", Value(package_type)},
                         {"State", Value("Active")},
                         {"LastUpdateStatus", Value("Successful")},
                         {"Architectures", Value(Array{Value("x86_64")})},
                         {"EphemeralStorage", Value(Object{{"Size", Value(512)}})},
                         {"SnapStart", Value(Object{{"ApplyOn", Value("None")}, {"OptimizationStatus", Value("Off")}})},
                         {"LoggingConfig", Value(Object{{"LogFormat", Value("Text")}, {"LogGroup", Value("/aws/lambda/" + name)}})}});
  if (const Value* arch = input.find("Architectures"); arch && arch->is_array() && !arch->as_array().empty())
    c.set("Architectures", *arch);
  f.latest.configuration = std::move(c);
  apply_configuration(f.latest.configuration, input);
  set_code(f.latest, package);
  for (const auto& [k, v] : input::string_map(input, "Tags")) f.tags[k] = v;
  touch(f.latest);
  // A new function is answered as still being created (then it is Active), so that
  // the function_active waiter has something to wait for.
  Value answer = f.latest.configuration;
  answer.set("State", "Pending");
  answer.set("StateReason", "The function is being created.");
  answer.set("StateReasonCode", "Creating");
  if (input::optional_bool(input, "Publish").value_or(false)) {
    publish(f, "");
    answer = f.versions.rbegin()->second.configuration;
  }
  store_.save(f);
  functions_.emplace(arn, std::move(f));
  return answer;
}

Value LambdaService::get_function(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  const FunctionVersion& v = version(f, qualifier_of(name, input));
  Value out = Value::object();
  out.set("Configuration", v.configuration);
  // Where the package can be downloaded: /_stratus/lambda/code/<sha256>.zip.
  std::string package = std::filesystem::path(v.code_dir).filename().string() + ".zip";
  out.set("Code", Value(Object{{"RepositoryType", Value("S3")},
                               {"Location", Value("http://" + ctx.host + "/_stratus/lambda/code/" + package)}}));
  if (!f.tags.empty()) {
    Value tags = Value::object();
    for (const auto& [k, t] : f.tags) tags.set(k, t);
    out.set("Tags", std::move(tags));
  }
  if (f.reserved_concurrency)
    out.set("Concurrency", Value(Object{{"ReservedConcurrentExecutions", Value(*f.reserved_concurrency)}}));
  return out;
}

Value LambdaService::get_function_configuration(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  return version(f, qualifier_of(name, input)).configuration;
}

Value LambdaService::list_functions(const RequestContext& ctx, const Value& input) {
  bool all_versions = input::optional_string(input, "FunctionVersion").value_or("") == "ALL";
  std::vector<const Function*> sorted;
  for (const auto& [arn, f] : functions_)
    if (f.account == ctx.account && f.region == ctx.region) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](const Function* a, const Function* b) { return a->name < b->name; });
  Array items;
  for (const Function* f : sorted) {
    items.push_back(f->latest.configuration);
    if (all_versions)
      for (const auto& [n, v] : f->versions) items.push_back(v.configuration);
  }
  Value out = Value::object();
  page_into(out, "Functions", std::move(items), input);
  return out;
}

Value LambdaService::delete_function(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "FunctionName");
  Function& f = function(ctx, name);
  std::string qualifier = qualifier_of(name, input);
  if (qualifier == "$LATEST") throw invalid_value("$LATEST version cannot be deleted without deleting the function.");
  if (!qualifier.empty()) {
    auto number = version_number(qualifier);
    if (!number || !f.versions.contains(*number)) throw not_found(f.arn + ":" + qualifier);
    auto routes_to = [&](const Value& alias) {
      if (alias.find("FunctionVersion")->as_string() == qualifier) return true;
      const Value* routing = alias.find("RoutingConfig");
      const Value* weights = routing ? routing->find("AdditionalVersionWeights") : nullptr;
      return weights && weights->is_object() && weights->find(qualifier) != nullptr;
    };
    for (const auto& [alias, config] : f.aliases)
      if (routes_to(config))
        throw ApiError("ResourceConflictException", "Unable to delete version because the following aliases reference it: [" + alias + "]");
    f.versions.erase(*number);
    store_.save(f);
    return Value(Object{{"StatusCode", Value(204)}});
  }
  if (f.reserved_concurrency) reserved_in(f) -= *f.reserved_concurrency;
  store_.remove(f.arn);
  executor_.retire(f.arn);
  std::error_code ignored;
  std::filesystem::remove_all(executor_.log_dir(f.name), ignored);
  functions_.erase(f.arn);
  return Value(Object{{"StatusCode", Value(204)}});
}

Value LambdaService::update_function_code(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  check_revision(f.latest, input);
  CodePackage package = package_of(code_root_, input);
  if (input::optional_bool(input, "DryRun").value_or(false)) {
    Value answer = f.latest.configuration;
    answer.set("CodeSha256", package.sha256_base64);
    answer.set("CodeSize", package.size);
    return answer;
  }
  set_code(f.latest, package);
  executor_.retire(f.arn);
  if (const Value* arch = input.find("Architectures"); arch && arch->is_array() && !arch->as_array().empty())
    f.latest.configuration.set("Architectures", *arch);
  touch(f.latest);
  Value answer = in_progress(f.latest);
  if (input::optional_bool(input, "Publish").value_or(false)) {
    publish(f, "");
    answer = f.versions.rbegin()->second.configuration;
  }
  store_.save(f);
  return answer;
}

Value LambdaService::update_function_configuration(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  check_revision(f.latest, input);
  Value changed = f.latest.configuration;
  apply_configuration(changed, input);
  f.latest.configuration = std::move(changed);
  executor_.retire(f.arn);
  touch(f.latest);
  Value answer = in_progress(f.latest);
  store_.save(f);
  return answer;
}

Value LambdaService::publish_version(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  check_revision(f.latest, input);
  auto sha = input::optional_string(input, "CodeSha256");
  if (sha && *sha != f.latest.text("CodeSha256"))
    throw invalid_value("CodeSha256 (" + *sha + ") is different from current CodeSha256 in $LATEST (" +
                        f.latest.text("CodeSha256") + "). Please try again with the CodeSha256 in $LATEST.");
  publish(f, input::optional_string(input, "Description").value_or(""));
  store_.save(f);
  return f.versions.rbegin()->second.configuration;
}

void LambdaService::publish(Function& f, const std::string& description) {
  // Publishing an unchanged $LATEST gives back the version it already is.
  if (!f.versions.empty() && f.latest.text("RevisionId") == f.published_revision) return;
  std::int64_t number = f.next_version++;
  FunctionVersion v = f.latest;
  v.configuration.set("Version", std::to_string(number));
  v.configuration.set("FunctionArn", f.arn + ":" + std::to_string(number));
  v.configuration.set("RevisionId", ids::uuid());
  if (!description.empty()) v.configuration.set("Description", description);
  f.versions[number] = std::move(v);
  f.published_revision = f.latest.text("RevisionId");
}

Value LambdaService::list_versions_by_function(const RequestContext& ctx, const Value& input) {
  Function& f = function(ctx, input::required_string(input, "FunctionName"));
  Array items{f.latest.configuration};
  for (const auto& [n, v] : f.versions) items.push_back(v.configuration);
  Value out = Value::object();
  page_into(out, "Versions", std::move(items), input);
  return out;
}

std::string FunctionVersion::text(const char* member) const {
  const Value* v = configuration.find(member);
  return v && v->is_string() ? v->as_string() : std::string();
}

std::int64_t FunctionVersion::number(const char* member) const {
  const Value* v = configuration.find(member);
  return v && v->is_int() ? v->as_int() : 0;
}

}  // namespace stratus::lambda
