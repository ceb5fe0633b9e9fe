#pragma once
// Lambda's tables: one row a function (its versions, aliases and settings as one
// document) and one an event source mapping; packages stay unpacked on disk beside
// the database.
#include <functional>

#include "services/lambda/function.hpp"
#include "storage/database.hpp"

namespace stratus::lambda {

class LambdaStore {
 public:
  explicit LambdaStore(storage::Database& db);
  void load(const std::function<void(Function)>& on_function);
  void save(const Function& f);
  void remove(const std::string& arn);
  // Event source mappings: their configuration, by UUID.
  void load_mappings(const std::function<void(const std::string& uuid, Value configuration)>& on_mapping);
  void save_mapping(const std::string& uuid, const Value& configuration);
  void remove_mapping(const std::string& uuid);
  // Event invocations not yet done.
  void load_events(const std::function<void(AsyncEvent)>& on_event);
  void save_event(const AsyncEvent& event);
  void remove_event(std::uint64_t id);
  void clear();

 private:
  storage::Database& db_;
};

}  // namespace stratus::lambda
