#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.hpp"
#include "temp_dir.hpp"

namespace stratus::storage {
namespace {

using namespace std::chrono_literals;

std::int64_t query_int(Database& db, const std::string& sql) {
  std::int64_t value = -1;
  db.read([&](Connection& c) {
    auto& s = c.prepared(sql);
    if (s.step()) value = s.column_int(0);
    s.reset();
  });
  return value;
}

std::int64_t schema_version(Database& db, const std::string& component) {
  return query_int(db, "SELECT version FROM schema_versions WHERE component = '" + component + "'");
}

// A second connection on the same file sees only what is committed.
std::int64_t committed_rows(Connection& reader) {
  auto& s = reader.prepared("SELECT count(*) FROM rows");
  std::int64_t n = s.step() ? s.column_int(0) : -1;
  s.reset();
  return n;
}

bool table_exists(Database& db, const std::string& table) {
  return query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'") == 1;
}

// Steps without IF NOT EXISTS: running one twice fails, so a re-run would show.
const std::vector<std::string_view> kTwoSteps = {
    "CREATE TABLE first (v INTEGER)",
    "CREATE TABLE second (v INTEGER)",
};
const std::vector<std::string_view> kThreeSteps = {
    "CREATE TABLE first (v INTEGER)",
    "CREATE TABLE second (v INTEGER)",
    "CREATE TABLE third (v INTEGER); INSERT INTO third VALUES (3)",
};

void insert_row(Database& db, std::int64_t v) {
  db.write([v](Connection& c) { c.prepared("INSERT INTO rows (v) VALUES (?)").bind(1, v).run(); });
}

class DatabaseTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> open_with_rows() {
    auto db = Database::open(dir.path());
    db->migrate("test", {"CREATE TABLE rows (v INTEGER PRIMARY KEY)"});
    return db;
  }

  testing::TempDir dir;
};

}  // namespace

TEST_F(DatabaseTest, MigrateRunsEveryStepOnAFreshDatabase) {
  auto db = Database::open(dir.path());
  EXPECT_FALSE(db->is_ephemeral());
  db->migrate("comp", kTwoSteps);
  EXPECT_EQ(schema_version(*db, "comp"), 2);
  EXPECT_TRUE(table_exists(*db, "first"));
  EXPECT_TRUE(table_exists(*db, "second"));
}

TEST_F(DatabaseTest, MigrateAfterReopeningRunsOnlyTheNewSteps) {
  Database::open(dir.path())->migrate("comp", kTwoSteps);
  auto db = Database::open(dir.path());
  ASSERT_NO_THROW(db->migrate("comp", kThreeSteps));
  EXPECT_EQ(schema_version(*db, "comp"), 3);
  EXPECT_TRUE(table_exists(*db, "third"));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM third"), 1);
  // Up to date: nothing runs again.
  ASSERT_NO_THROW(db->migrate("comp", kThreeSteps));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM third"), 1);
}

TEST_F(DatabaseTest, MigrateRefusesDataFromANewerVersion) {
  Database::open(dir.path())->migrate("comp", kThreeSteps);
  auto db = Database::open(dir.path());
  EXPECT_THROW(db->migrate("comp", kTwoSteps), StorageError);
  EXPECT_EQ(schema_version(*db, "comp"), 3);
}

TEST_F(DatabaseTest, ComponentsHaveSeparateVersions) {
  auto db = Database::open(dir.path());
  db->migrate("one", kTwoSteps);
  db->migrate("two", {"CREATE TABLE other (v INTEGER)"});
  EXPECT_EQ(schema_version(*db, "one"), 2);
  EXPECT_EQ(schema_version(*db, "two"), 1);
}

TEST_F(DatabaseTest, AFailingStepRollsBackAndKeepsTheVersion) {
  auto db = Database::open(dir.path());
  db->migrate("comp", {"CREATE TABLE first (v INTEGER)"});
  EXPECT_THROW(db->migrate("comp", {"CREATE TABLE first (v INTEGER)", "CREATE TABLE partial (v INTEGER); BOGUS"}),
               StorageError);
  EXPECT_EQ(schema_version(*db, "comp"), 1);
  EXPECT_FALSE(table_exists(*db, "partial"));
}

TEST_F(DatabaseTest, WhenDurableCallsBackOnlyAfterTheCommit) {
  auto db = open_with_rows();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  // The first write holds the writer inside its transaction until released.
  db->write([released](Connection& c) {
    released.wait();
    c.prepared("INSERT INTO rows (v) VALUES (1)").run();
  });
  insert_row(*db, 2);

  Connection reader((dir.path() / "stratus.db").string());
  std::atomic<bool> called{false};
  std::promise<std::pair<bool, std::int64_t>> seen;
  db->when_durable([&](bool ok) {
    called = true;
    // The callback runs after the commit, so another connection sees the rows.
    seen.set_value({ok, committed_rows(reader)});
  });
  std::this_thread::sleep_for(30ms);
  EXPECT_FALSE(called) << "called back before the commit";

  release.set_value();
  auto future = seen.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  auto [ok, rows] = future.get();
  EXPECT_TRUE(ok);
  EXPECT_EQ(rows, 2);
}

TEST_F(DatabaseTest, WhenDurableWithNothingPendingCallsBackAtOnce) {
  auto db = open_with_rows();
  bool called = false, result = false;
  db->when_durable([&](bool ok) {
    called = true;
    result = ok;
  });
  EXPECT_TRUE(called);
  EXPECT_TRUE(result);
}

TEST_F(DatabaseTest, CallbacksRunInOrderAfterTheirOwnWrites) {
  auto db = open_with_rows();
  std::mutex m;
  std::vector<std::int64_t> rows_seen;
  for (int i = 1; i <= 5; ++i) {
    insert_row(*db, i);
    db->when_durable([&, i](bool ok) {
      EXPECT_TRUE(ok);
      std::int64_t n = query_int(*db, "SELECT count(*) FROM rows WHERE v <= " + std::to_string(i));
      std::lock_guard lock(m);
      rows_seen.push_back(n);
    });
  }
  db->flush();
  std::lock_guard lock(m);
  ASSERT_EQ(rows_seen.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(rows_seen[static_cast<size_t>(i)], i + 1);
}

TEST_F(DatabaseTest, AFailedCommitReportsNotOkAndRollsBackItsBatch) {
  auto db = open_with_rows();
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  db->write([released](Connection&) { released.wait(); });  // holds the writer so the next ops batch together
  insert_row(*db, 1);
  db->write([](Connection&) { throw StorageError("boom"); });
  std::promise<bool> result;
  db->when_durable([&](bool ok) { result.set_value(ok); });
  release.set_value();
  auto future = result.get_future();
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  // Either the failing op shared the first batch or came in the next; whichever, it failed.
  EXPECT_FALSE(future.get());

  // The database keeps working afterwards.
  insert_row(*db, 7);
  std::promise<bool> next;
  db->when_durable([&](bool ok) { next.set_value(ok); });
  EXPECT_TRUE(next.get_future().get());
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows WHERE v = 7"), 1);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows WHERE v = 1"), 0);
}

TEST_F(DatabaseTest, WritesQueuedWhileTheWriterIsBusyShareOneTransaction) {
  auto db = open_with_rows();
  Connection reader((dir.path() / "stratus.db").string());
  std::promise<void> release, blocking;
  std::shared_future<void> released = release.get_future().share();
  db->write([released, &blocking](Connection&) {
    blocking.set_value();
    released.wait();
  });
  blocking.get_future().wait();  // the writer is inside its first batch now
  for (int i = 0; i < 100; ++i) insert_row(*db, i);
  // Runs last in the same batch: nothing of it is committed yet, so the inserts were
  // not committed one by one.
  std::int64_t visible_during_batch = -1;
  db->write([&](Connection& c) {
    visible_during_batch = committed_rows(reader);
    auto& own = c.prepared("SELECT count(*) FROM rows");
    own.step();
    EXPECT_EQ(own.column_int(0), 100) << "the batch sees its own rows";
    own.reset();
  });
  release.set_value();
  db->flush();
  EXPECT_EQ(visible_during_batch, 0);
  EXPECT_EQ(committed_rows(reader), 100);
}

TEST_F(DatabaseTest, WritesFromManyThreadsAreAllCommittedByFlush) {
  auto db = open_with_rows();
  constexpr int kThreads = 4, kPerThread = 500;
  std::atomic<int> durable{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        insert_row(*db, t * kPerThread + i);
        db->when_durable([&](bool ok) {
          if (ok) ++durable;
        });
      }
    });
  }
  for (auto& t : threads) t.join();
  db->flush();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), kThreads * kPerThread);
  EXPECT_EQ(query_int(*db, "SELECT count(DISTINCT v) FROM rows"), kThreads * kPerThread);
  EXPECT_EQ(durable.load(), kThreads * kPerThread);
}

TEST_F(DatabaseTest, CommittedDataSurvivesReopening) {
  {
    auto db = open_with_rows();
    for (int i = 0; i < 10; ++i) insert_row(*db, i);
    db->flush();
  }
  auto db = open_with_rows();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 10);
  EXPECT_EQ(schema_version(*db, "test"), 1);
}

TEST_F(DatabaseTest, DestroyingTheDatabaseCommitsPendingWrites) {
  {
    auto db = open_with_rows();
    for (int i = 0; i < 100; ++i) insert_row(*db, i);
    // No flush: the destructor drains the queue.
  }
  auto db = open_with_rows();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 100);
}

TEST(EphemeralDatabase, DropsWritesAndIsDurableAtOnce) {
  auto db = Database::ephemeral();
  EXPECT_TRUE(db->is_ephemeral());
  ASSERT_NO_THROW(db->migrate("comp", kTwoSteps));
  bool wrote = false;
  db->write([&](Connection&) { wrote = true; });
  bool called = false, result = false;
  db->when_durable([&](bool ok) {
    called = true;
    result = ok;
  });
  EXPECT_TRUE(called);
  EXPECT_TRUE(result);
  db->flush();
  EXPECT_FALSE(wrote);
  bool read = false;
  db->read([&](Connection&) { read = true; });
  EXPECT_FALSE(read);
}

}  // namespace stratus::storage
