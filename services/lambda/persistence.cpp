#include "services/lambda/persistence.hpp"

#include "protocol/json.hpp"

namespace stratus::lambda {
namespace {

const std::vector<std::string_view> kMigrations = {
    R"(CREATE TABLE lambda_functions (arn TEXT PRIMARY KEY, document TEXT NOT NULL);
       CREATE TABLE lambda_event_source_mappings (uuid TEXT PRIMARY KEY, configuration TEXT NOT NULL);
       CREATE TABLE lambda_async_events (
         id INTEGER PRIMARY KEY, invoked_arn TEXT NOT NULL, payload BLOB NOT NULL, request_id TEXT NOT NULL,
         attempts INTEGER NOT NULL, first_ms INTEGER NOT NULL);)",
};

Value version_value(const FunctionVersion& v) {
  return Value(Object{{"Configuration", v.configuration}, {"CodeDir", Value(v.code_dir)}});
}

FunctionVersion version_of(const Value& v) {
  FunctionVersion out;
  if (const Value* c = v.find("Configuration")) out.configuration = *c;
  if (const Value* d = v.find("CodeDir"); d && d->is_string()) out.code_dir = d->as_string();
  return out;
}

Value object_of(const std::map<std::string, Value>& map) {
  Value out = Value::object();
  for (const auto& [k, v] : map) out.set(k, v);
  return out;
}

std::map<std::string, Value> map_of(const Value* v) {
  std::map<std::string, Value> out;
  if (v && v->is_object())
    for (const auto& [k, e] : v->as_object()) out[k] = e;
  return out;
}

std::string text(const Value& d, const char* member) {
  const Value* v = d.find(member);
  return v && v->is_string() ? v->as_string() : std::string();
}

Value to_document(const Function& f) {
  Value d = Value::object();
  d.set("Name", f.name);
  d.set("Arn", f.arn);
  d.set("Account", f.account);
  d.set("Region", f.region);
  d.set("Latest", version_value(f.latest));
  Value versions = Value::array();
  for (const auto& [number, v] : f.versions) {
    Value entry = version_value(v);
    entry.set("Number", number);
    versions.push(std::move(entry));
  }
  d.set("Versions", std::move(versions));
  d.set("NextVersion", f.next_version);
  d.set("PublishedRevision", f.published_revision);
  d.set("Aliases", object_of(f.aliases));
  d.set("Policy", f.policy_statements);
  Value tags = Value::object();
  for (const auto& [k, v] : f.tags) tags.set(k, v);
  d.set("Tags", std::move(tags));
  if (f.reserved_concurrency) d.set("ReservedConcurrency", *f.reserved_concurrency);
  d.set("EventInvokeConfigs", object_of(f.event_invoke_configs));
  return d;
}

Function from_document(const Value& d) {
  Function f;
  f.name = text(d, "Name");
  f.arn = text(d, "Arn");
  f.account = text(d, "Account");
  f.region = text(d, "Region");
  if (const Value* latest = d.find("Latest")) f.latest = version_of(*latest);
  if (const Value* versions = d.find("Versions"); versions && versions->is_array())
    for (const auto& v : versions->as_array()) f.versions[v.find("Number")->as_int()] = version_of(v);
  if (const Value* next = d.find("NextVersion"); next && next->is_int()) f.next_version = next->as_int();
  f.published_revision = text(d, "PublishedRevision");
  f.aliases = map_of(d.find("Aliases"));
  if (const Value* policy = d.find("Policy"); policy && policy->is_array()) f.policy_statements = *policy;
  for (const auto& [k, v] : map_of(d.find("Tags")))
    if (v.is_string()) f.tags[k] = v.as_string();
  if (const Value* r = d.find("ReservedConcurrency"); r && r->is_int()) f.reserved_concurrency = r->as_int();
  f.event_invoke_configs = map_of(d.find("EventInvokeConfigs"));
  return f;
}

}  // namespace

LambdaStore::LambdaStore(storage::Database& db) : db_(db) { db_.migrate("lambda", kMigrations); }

void LambdaStore::load(const std::function<void(Function)>& on_function) {
  db_.read([&](storage::Connection& c) {
    auto& s = c.prepared("SELECT document FROM lambda_functions");
    while (s.step()) on_function(from_document(json::parse(s.column_text(0))));
  });
}

void LambdaStore::save(const Function& f) {
  db_.write([arn = f.arn, text = json::write(to_document(f))](storage::Changes& c) {
    c.prepared("INSERT OR REPLACE INTO lambda_functions (arn, document) VALUES (?, ?)").bind(1, arn).bind(2, text).run();
  });
}

void LambdaStore::remove(const std::string& arn) {
  db_.write([arn](storage::Changes& c) { c.prepared("DELETE FROM lambda_functions WHERE arn = ?").bind(1, arn).run(); });
}

void LambdaStore::load_mappings(const std::function<void(const std::string&, Value)>& on_mapping) {
  db_.read([&](storage::Connection& c) {
    auto& s = c.prepared("SELECT uuid, configuration FROM lambda_event_source_mappings");
    while (s.step()) on_mapping(s.column_text(0), json::parse(s.column_text(1)));
  });
}

void LambdaStore::save_mapping(const std::string& uuid, const Value& configuration) {
  db_.write([uuid, text = json::write(configuration)](storage::Changes& c) {
    c.prepared("INSERT OR REPLACE INTO lambda_event_source_mappings (uuid, configuration) VALUES (?, ?)")
        .bind(1, uuid)
        .bind(2, text)
        .run();
  });
}

void LambdaStore::remove_mapping(const std::string& uuid) {
  db_.write([uuid](storage::Changes& c) {
    c.prepared("DELETE FROM lambda_event_source_mappings WHERE uuid = ?").bind(1, uuid).run();
  });
}

void LambdaStore::load_events(const std::function<void(AsyncEvent)>& on_event) {
  db_.read([&](storage::Connection& c) {
    auto& s = c.prepared("SELECT id, invoked_arn, payload, request_id, attempts, first_ms FROM lambda_async_events ORDER BY id");
    while (s.step()) {
      AsyncEvent e;
      e.id = static_cast<std::uint64_t>(s.column_int(0));
      e.invoked_arn = s.column_text(1);
      e.payload = s.column_text(2);
      e.request_id = s.column_text(3);
      e.attempts = s.column_int(4);
      e.first_ms = s.column_int(5);
      on_event(std::move(e));
    }
  });
}

void LambdaStore::save_event(const AsyncEvent& e) {
  db_.write([id = static_cast<std::int64_t>(e.id), arn = e.invoked_arn, payload = e.payload, request = e.request_id,
             attempts = e.attempts, first = e.first_ms](storage::Changes& c) {
    c.prepared("INSERT OR REPLACE INTO lambda_async_events (id, invoked_arn, payload, request_id, attempts, first_ms) "
               "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, id)
        .bind(2, arn)
        .bind_blob(3, payload)
        .bind(4, request)
        .bind(5, attempts)
        .bind(6, first)
        .run();
  });
}

void LambdaStore::remove_event(std::uint64_t id) {
  db_.write([id = static_cast<std::int64_t>(id)](storage::Changes& c) {
    c.prepared("DELETE FROM lambda_async_events WHERE id = ?").bind(1, id).run();
  });
}

void LambdaStore::clear() {
  db_.write([](storage::Changes& c) {
    c.prepared("DELETE FROM lambda_functions").run();
    c.prepared("DELETE FROM lambda_event_source_mappings").run();
    c.prepared("DELETE FROM lambda_async_events").run();
  });
}

}  // namespace stratus::lambda
