#pragma once
// Lambda's table: one row a function, its versions, aliases and settings as one
// document; packages stay unpacked on disk beside the database.
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
  void clear();

 private:
  storage::Database& db_;
};

}  // namespace stratus::lambda
