// restJson1 (Lambda): the operation is chosen by method and path; URI labels, query
// parameters and headers join the JSON body in one input document, and the output
// goes back the same way (headers, status code, a raw payload or a JSON body).
#include <charconv>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "protocol/wire_formats.hpp"

namespace stratus::protocol {
namespace {

constexpr std::string_view kContentType = "application/json";

// A trailing '/' names the same resource (older SDKs send "/functions/").
std::vector<std::string_view> split_path(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() == '/') path.remove_prefix(1);
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return segments;
}

// %XX escapes only: '+' is a literal in a path.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned value = 0;
    if (i + 2 >= text.size()) return std::nullopt;
    if (std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16).ec != std::errc()) return std::nullopt;
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

// Matches one operation's request URI against a path and query; the number of literal
// segments that matched ranks the candidates (a literal beats a label).
std::optional<int> match_uri(const Operation& op, const std::vector<std::string_view>& path, const form::Params& query,
                             RestMatch::Labels& labels) {
  std::string_view uri = op.request_uri;
  auto question = uri.find('?');
  std::string_view required_query = question == std::string_view::npos ? "" : uri.substr(question + 1);
  auto pattern = split_path(uri.substr(0, question));
  if (!required_query.empty()) {
    auto eq = required_query.find('=');
    std::string key(required_query.substr(0, eq));
    auto it = query.find(key);
    if (it == query.end() || (eq != std::string_view::npos && it->second != required_query.substr(eq + 1))) return std::nullopt;
  }
  int literals = 0;
  std::size_t i = 0;
  for (; i < pattern.size(); ++i) {
    std::string_view p = pattern[i];
    if (p.starts_with('{') && p.ends_with("+}")) {
      if (i >= path.size()) return std::nullopt;
      std::string rest;
      for (std::size_t j = i; j < path.size(); ++j) rest += (j > i ? "/" : "") + std::string(path[j]);
      auto decoded = percent_decode(rest);
      if (!decoded) return std::nullopt;
      labels.emplace_back(std::string(p.substr(1, p.size() - 3)), std::move(*decoded));
      return literals;
    }
    if (i >= path.size()) return std::nullopt;
    if (p.starts_with('{') && p.ends_with('}')) {
      if (path[i].empty()) return std::nullopt;
      auto decoded = percent_decode(path[i]);
      if (!decoded) return std::nullopt;
      labels.emplace_back(std::string(p.substr(1, p.size() - 2)), std::move(*decoded));
    } else if (p == path[i]) {
      ++literals;
    } else {
      return std::nullopt;
    }
  }
  if (i != path.size()) return std::nullopt;
  return literals;
}

ApiError bad_value(const std::string& name, const std::string& text) {
  return ApiError("SerializationException", "Value '" + text + "' for " + name + " is not valid.");
}

// A label, query or header text as the member's type.
Value scalar(const MemberRef& m, const std::string& text) {
  switch (m.shape->type) {
    case ShapeType::Integer:
    case ShapeType::Long: {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || text.empty()) throw bad_value(m.name, text);
      return Value(v);
    }
    case ShapeType::Boolean:
      if (text == "true") return Value(true);
      if (text == "false") return Value(false);
      throw bad_value(m.name, text);
    default: return Value(text);
  }
}

// Every value of a query key, in order (list members repeat their key).
std::vector<std::string> query_values(std::string_view query, std::string_view key) {
  std::vector<std::string> values;
  while (!query.empty()) {
    auto end = query.find('&');
    std::string_view pair = query.substr(0, end);
    auto eq = pair.find('=');
    auto name = form::url_decode(pair.substr(0, eq));
    if (name && *name == key) values.push_back(form::url_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1)).value_or(""));
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return values;
}

std::string text_of(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_int()) return std::to_string(v.as_int());
  return json::write(v);
}

}  // namespace

std::optional<RestMatch> match_rest_operation(const HttpRequest& request, const ModelRegistry& models) {
  auto query = form::parse(request.query());
  if (!query) return std::nullopt;
  auto path = split_path(request.path());
  std::optional<RestMatch> best;
  int best_literals = -1;
  for (const auto& model : models.all()) {
    if (model->protocol != "rest-json") continue;
    for (const auto& [name, op] : model->operations) {
      if (op.http_method != request.method) continue;
      RestMatch::Labels labels;
      auto literals = match_uri(op, path, *query, labels);
      if (!literals || *literals <= best_literals) continue;
      best_literals = *literals;
      best = RestMatch{model.get(), &op, std::move(labels)};
    }
  }
  return best;
}

Value decode_rest_json_input(const HttpRequest& request, const RestMatch& match) {
  const Shape* input = match.operation->input;
  if (!input) return Value::object();
  const MemberRef* payload = nullptr;
  for (const auto& m : input->members)
    if (m.name == input->payload) payload = &m;
  Value doc;
  if (payload && payload->shape->type != ShapeType::Structure) {
    doc = Value::object();
    if (!request.body.empty()) doc.set(payload->name, checksums::base64_encode(request.body));
  } else if (payload) {
    doc = Value::object();
    doc.set(payload->name, decode_json_input(request.body, payload->shape));
  } else {
    doc = decode_json_input(request.body, input);
  }
  auto query = form::parse(request.query()).value_or(form::Params{});
  for (const auto& m : input->members) {
    const std::string& key = m.location_name.empty() ? m.name : m.location_name;
    switch (m.location) {
      case Location::Uri:
        for (const auto& [label, value] : match.labels)
          if (label == key) doc.set(m.name, scalar(m, value));
        break;
      case Location::Querystring:
        if (m.shape->type == ShapeType::List) {
          auto values = query_values(request.query(), key);
          if (!values.empty()) {
            Value list = Value::array();
            for (auto& v : values) list.push(std::move(v));
            doc.set(m.name, std::move(list));
          }
        } else if (auto it = query.find(key); it != query.end()) {
          doc.set(m.name, scalar(m, it->second));
        }
        break;
      case Location::Header:
        if (auto value = request.header(key); !value.empty()) doc.set(m.name, scalar(m, std::string(value)));
        break;
      default: break;
    }
  }
  return doc;
}

HttpResponse rest_json_output(const Operation& op, const Value& output, std::string_view request_id) {
  HttpResponse response;
  response.status = op.response_code;
  response.set_header("Content-Type", kContentType);
  response.set_header("x-amzn-RequestId", request_id);
  const Shape* shape = op.output;
  Value body = Value::object();
  bool raw_payload = false;
  if (shape && output.is_object()) {
    for (const auto& m : shape->members) {
      const Value* v = output.find(m.name);
      if (!v || v->is_null()) continue;
      if (m.location == Location::Header) {
        response.set_header(m.location_name.empty() ? m.name : m.location_name, text_of(*v));
      } else if (m.location == Location::StatusCode) {
        response.status = static_cast<int>(v->as_int());
      } else if (m.name == shape->payload) {
        raw_payload = m.shape->type != ShapeType::Structure;
        response.body = raw_payload ? checksums::base64_decode(v->as_string()).value_or("") : json::write(*v);
      } else if (m.location == Location::Body) {
        body.set(m.name, *v);
      }
    }
  }
  if (shape && shape->payload.empty()) response.body = json::write(body);
  if (response.status == 204) response.body.clear();
  return response;
}

HttpResponse rest_json_error(const ServiceModel* model, const ApiError& error, std::string_view request_id) {
  ErrorTraits traits = error_traits(model, error);
  HttpResponse response =
      json_error_answer(error, traits.status, {"Type", traits.sender ? "User" : "Service"}, kContentType, request_id);
  response.set_header("x-amzn-ErrorType", traits.query_code);
  return response;
}

}  // namespace stratus::protocol
