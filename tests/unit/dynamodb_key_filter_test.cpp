// The key filter that lets a write of a new key skip the disk: it never says "absent"
// of a key it was given, and a store that uses it finds every item it holds, whether
// written in this run or an earlier one, while its filter is being built or rebuilt.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "services/dynamodb/item_store.hpp"
#include "services/dynamodb/key_filter.hpp"
#include "services/dynamodb/key_spaces.hpp"
#include "storage/database.hpp"
#include "temp_dir.hpp"

namespace stratus::dynamodb {
namespace {

Item item_of(const std::string& pk, const std::string& sk) {
  return Item{{"pk", AttributeValue::string(pk)}, {"sk", AttributeValue::string(sk)}};
}

ItemKey key_of(int n) { return ItemKey{"p" + std::to_string(n % 7), std::to_string(n)}; }

void put(ItemStore& store, int n) {
  ItemKey key = key_of(n);
  auto before = store.get(key);
  store.put(key, item_of(key.partition, key.sort), before ? &*before : nullptr);
}

TEST(DynamoKeyFilter, NeverMissesAKeyItWasGivenAndRarelyClaimsOthers) {
  constexpr int kKeys = 20000;
  KeyFilter filter(kKeys);
  for (int n = 0; n < kKeys; ++n) filter.add("p" + std::to_string(n % 7), std::to_string(n));
  for (int n = 0; n < kKeys; ++n) ASSERT_TRUE(filter.may_contain("p" + std::to_string(n % 7), std::to_string(n))) << n;
  constexpr int kOthers = 10 * kKeys;
  int false_positives = 0;
  for (int n = kKeys; n < kKeys + kOthers; ++n) false_positives += filter.may_contain("p" + std::to_string(n % 7), std::to_string(n));
  EXPECT_LT(false_positives, kOthers * 2 / 100);  // about 1% at its capacity
  EXPECT_FALSE(filter.full());
  filter.add("one", "more");
  EXPECT_TRUE(filter.full());
}

TEST(DynamoKeyFilter, TheSortKeyAndPartitionKeyAreNotInterchangeable) {
  KeyFilter filter(16);
  filter.add("a", "b");
  EXPECT_TRUE(filter.may_contain("a", "b"));
  // One key in two blocks: any of these would be a hash that mixes up the two parts.
  EXPECT_FALSE(filter.may_contain("b", "a"));
  for (const char* other : {"ab", "ba", "b", "a"}) EXPECT_FALSE(filter.may_contain(other, "")) << other;
}

class DynamoStoreKeyFilter : public ::testing::Test {
 protected:
  struct Opened {
    std::unique_ptr<storage::Database> db;
    std::unique_ptr<KeySpaces> spaces;
    std::unique_ptr<storage::SnapshotReader> reader;
    std::unique_ptr<ItemStore> store;
  };
  Opened open() {
    Opened o;
    o.db = storage::Database::open(dir_.path());
    KeySpaces::migrate(*o.db);
    ItemStore::migrate(*o.db);
    o.spaces = std::make_unique<KeySpaces>(*o.db);
    o.reader = o.db->reader();
    o.store = std::make_unique<ItemStore>(*o.db, o.reader.get(), *o.spaces, "table");
    return o;
  }
  testing::TempDir dir_;
};

// Past one step of a build (256 keys) and past the least filter (16,384 keys), so that
// lookups run while a build is part-way and after a rebuild.
constexpr int kManyKeys = 40000;

TEST_F(DynamoStoreKeyFilter, KeysFromAnEarlierRunAreFoundWhileTheFilterIsBuiltAndAfter) {
  {
    auto o = open();
    for (int n = 0; n < kManyKeys; n += 2) put(*o.store, n);
    o.db->flush();
  }
  auto o = open();
  EXPECT_EQ(o.store->count(), kManyKeys / 2);
  for (int n = 0; n < kManyKeys; ++n) {
    auto item = o.store->get(key_of(n));
    ASSERT_EQ(item.has_value(), n % 2 == 0) << n;
    if (item) {
      EXPECT_EQ(item->at("sk").as_string(), key_of(n).sort);
    }
  }
  // Written during no build now: odd keys are new, even ones replace.
  for (int n = 0; n < 100; ++n) put(*o.store, n);
  EXPECT_EQ(o.store->count(), kManyKeys / 2 + 50);
}

TEST_F(DynamoStoreKeyFilter, KeysWrittenWhileABuildIsPartWayAreFound) {
  {
    auto o = open();
    for (int n = 0; n < 3000; ++n) put(*o.store, n * 2);
    o.db->flush();
  }
  auto o = open();
  // The first lookups read the disk's keys 256 at a time; these writes land behind and
  // ahead of where the build has read, and some are committed before it gets there.
  for (int n = 0; n < 3000; ++n) {
    put(*o.store, n * 2 + 1);
    if (n % 500 == 0) o.db->flush();
  }
  o.db->flush();
  for (int n = 0; n < 6000; ++n) ASSERT_TRUE(o.store->get(key_of(n))) << n;
  EXPECT_EQ(o.store->count(), 6000);
}

TEST_F(DynamoStoreKeyFilter, AStoreThatOutgrowsItsFilterStillFindsEveryKey) {
  auto o = open();
  for (int n = 0; n < kManyKeys; ++n) {
    put(*o.store, n);
    if (n % 5000 == 0) o.db->flush();  // some on disk before a rebuild starts, some not
  }
  for (int n = 0; n < kManyKeys; ++n) ASSERT_TRUE(o.store->get(key_of(n))) << n;
  EXPECT_FALSE(o.store->get(key_of(kManyKeys)));
  EXPECT_EQ(o.store->count(), kManyKeys);
}

TEST_F(DynamoStoreKeyFilter, DeletedKeysComeBackAndAClearedStoreStartsOver) {
  auto o = open();
  for (int n = 0; n < 1000; ++n) put(*o.store, n);
  for (int n = 0; n < 1000; n += 3) {
    auto before = o.store->get(key_of(n));
    ASSERT_TRUE(before);
    o.store->erase(key_of(n), *before);
  }
  o.db->flush();
  for (int n = 0; n < 1000; ++n) ASSERT_EQ(o.store->get(key_of(n)).has_value(), n % 3 != 0) << n;
  put(*o.store, 3);
  EXPECT_TRUE(o.store->get(key_of(3)));
  o.store->clear();
  EXPECT_FALSE(o.store->get(key_of(1)));
  put(*o.store, 1);
  EXPECT_TRUE(o.store->get(key_of(1)));
  EXPECT_EQ(o.store->count(), 1);
}

}  // namespace
}  // namespace stratus::dynamodb
