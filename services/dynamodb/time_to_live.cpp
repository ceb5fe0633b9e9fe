// Time to live: expired items really disappear, in the background, as DynamoDB's own
// sweeper removes them. An item is expired when its TTL attribute is a number of
// epoch seconds in the past, but not more than five years past (DynamoDB ignores
// those). Each sweep reads a bounded slice of each table, resuming where the last
// one stopped, so a large table never holds the service's lock for long.
#include "services/dynamodb/dynamodb_service.hpp"
#include "services/ids.hpp"

namespace stratus::dynamodb {
namespace {

constexpr auto kSweepInterval = std::chrono::seconds(1);
constexpr std::size_t kItemsPerSweep = 1000;
constexpr std::int64_t kIgnoredAfterSeconds = 5LL * 365 * 24 * 60 * 60;

bool expired(const Item& item, const std::string& attribute, const Number& now, const Number& oldest) {
  auto it = item.find(attribute);
  if (it == item.end() || it->second.type() != Type::N) return false;
  const Number& at = it->second.as_number();
  return at < now && !(at < oldest);
}

}  // namespace

void DynamoDbService::schedule_sweep() {
  sweep_timer_ = scheduler_.after(std::chrono::duration_cast<std::chrono::milliseconds>(kSweepInterval), [this] {
    std::lock_guard lock(mutex_);
    sweep_expired();
    // Between bursts of requests the reader's snapshot would hold checkpoints back.
    if (reader_) reader_->release();
    schedule_sweep();
  });
}

void DynamoDbService::sweep_expired() {
  std::int64_t now_s = ids::now_ms() / 1000;
  Number now = Number::parse(std::to_string(now_s)), oldest = Number::parse(std::to_string(now_s - kIgnoredAfterSeconds));
  for (auto& [arn, t] : tables_) {
    if (t.time_to_live.find("TimeToLiveStatus")->as_string() != "ENABLED") continue;
    const std::string& attribute = t.time_to_live.find("AttributeName")->as_string();
    std::vector<std::pair<ItemKey, Item>> doomed;
    std::size_t seen = 0;
    std::optional<ItemKey> last;
    bool finished = true;
    t.items->scan(t.sweep_cursor, [&](const ItemKey& key, const Item& item) {
      if (++seen > kItemsPerSweep) {
        finished = false;
        return false;
      }
      if (expired(item, attribute, now, oldest)) doomed.emplace_back(key, item);
      last = key;
      return true;
    });
    // The next sweep goes on after the last item this one read, or starts over.
    t.sweep_cursor = finished ? std::nullopt : last;
    for (auto& [key, item] : doomed) t.write(key, &item, std::nullopt, true);
  }
}

}  // namespace stratus::dynamodb
