#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "storage/changes.hpp"
#include "storage/database.hpp"
#include "storage/journal.hpp"
#include "temp_dir.hpp"

namespace stratus::storage {
namespace {

using namespace std::chrono_literals;

std::int64_t query_int(Connection& c, const std::string& sql) {
  auto& s = c.prepared(sql);
  ResetOnExit reset{s};
  return s.step() ? s.column_int(0) : -1;
}

std::int64_t query_int(Database& db, const std::string& sql) {
  std::int64_t value = -1;
  db.read([&](Connection& c) { value = query_int(c, sql); });
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
  db.write([v](Changes& c) { c.prepared("INSERT INTO rows (v) VALUES (?)").bind(1, v).run(); });
}

// Whether everything written so far is in SQLite once the writer has caught up.
bool committed(Database& db) {
  db.flush();
  return db.last_committed() == db.last_written();
}

std::uintmax_t journal_bytes(const std::filesystem::path& dir) {
  std::uintmax_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "journal")) total += entry.file_size();
  return total;
}

void append_record(Journal& journal, std::uint64_t sequence, std::string_view payload) {
  Journal::Record record{sequence, payload};
  journal.append(std::span<const Journal::Record>(&record, 1));
}

// What a write of `v` into `rows` journals.
std::string recorded_insert(std::int64_t v) {
  Changes changes;
  changes.prepared("INSERT INTO rows (v) VALUES (?)").bind(1, v).run();
  return changes.take();
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

TEST_F(DatabaseTest, ADirectoryInUseRefusesASecondOpenUntilTheFirstCloses) {
  auto first = Database::open(dir.path());
  try {
    Database::open(dir.path());
    ADD_FAILURE() << "a second open of a directory in use succeeded";
  } catch (const StorageError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another Stratus process"), std::string::npos) << e.what();
  }
  first.reset();
  EXPECT_NO_THROW(Database::open(dir.path()));
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

TEST_F(DatabaseTest, WhenDurableAnswersOnceTheWriteIsJournaled) {
  auto db = open_with_rows();
  insert_row(*db, 1);
  bool called = false, result = false;
  std::uintmax_t journaled = 0;
  db->when_durable([&](bool ok) {
    called = true;
    result = ok;
    journaled = journal_bytes(dir.path());
  });
  // No wait for SQLite: the journal already holds the write.
  EXPECT_TRUE(called);
  EXPECT_TRUE(result);
  EXPECT_GT(journaled, 0u);
}

TEST_F(DatabaseTest, WritesAreNumberedAndTheCommittedNumberCatchesUp) {
  auto db = open_with_rows();
  EXPECT_EQ(db->last_written(), 0u);
  insert_row(*db, 1);
  insert_row(*db, 2);
  EXPECT_EQ(db->last_written(), 2u);
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (db->last_committed() < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(db->last_committed(), 2u);
  // A write that changes nothing journals nothing and takes no number.
  db->write([](Changes&) {});
  EXPECT_EQ(db->last_written(), 2u);
}

TEST_F(DatabaseTest, WithAnExecutorABurstOfWritesIsJournaledInOneDeferredAppend) {
  auto db = open_with_rows();
  std::vector<std::function<void()>> deferred;
  db->set_executor([&](std::function<void()> task) { deferred.push_back(std::move(task)); });
  insert_row(*db, 1);
  insert_row(*db, 2);
  int answered = 0;
  db->when_durable([&](bool ok) { answered += ok ? 1 : 100; });
  // Nothing is in the journal yet, so nothing is answered; one append is on its way.
  EXPECT_EQ(journal_bytes(dir.path()), 0u);
  EXPECT_EQ(answered, 0);
  ASSERT_EQ(deferred.size(), 1u);
  deferred.front()();
  EXPECT_EQ(answered, 1);
  EXPECT_GT(journal_bytes(dir.path()), 0u);
  // Once it is journaled, an answer waits for nothing.
  db->when_durable([&](bool ok) { answered += ok ? 1 : 100; });
  EXPECT_EQ(answered, 2);
  db->set_executor(nullptr);
  db->flush();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 2);
}

TEST_F(DatabaseTest, WritesLeftUnjournaledWhenTheExecutorStopsAreKeptByFlush) {
  {
    auto db = open_with_rows();
    std::vector<std::function<void()>> never_run;
    db->set_executor([&](std::function<void()> task) { never_run.push_back(std::move(task)); });
    insert_row(*db, 1);
    db->set_executor(nullptr);
    db->flush();
    EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 1);
  }
  auto db = open_with_rows();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 1);
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

TEST_F(DatabaseTest, AnotherConnectionSeesEveryWriteUpToTheCommittedNumber) {
  auto db = open_with_rows();
  Connection reader((dir.path() / "stratus.db").string());
  constexpr int kWrites = 300;
  // Row v is write number v: whatever number is committed, that many rows are there.
  for (int v = 1; v <= kWrites; ++v) {
    insert_row(*db, v);
    if (v % 10 == 0) {
      auto seen = static_cast<std::int64_t>(db->last_committed());
      EXPECT_GE(committed_rows(reader), seen) << "after write " << v;
    }
  }
  db->flush();
  EXPECT_EQ(db->last_committed(), static_cast<std::uint64_t>(kWrites));
  EXPECT_EQ(committed_rows(reader), kWrites);
}

TEST_F(DatabaseTest, AWriterFarBehindCommitsInStepsAndEachCommittedNumberHoldsItsRows) {
  auto db = Database::open(dir.path());
  db->migrate("test", {"CREATE TABLE rows (v INTEGER PRIMARY KEY, data BLOB NOT NULL)"});
  Connection reader((dir.path() / "stratus.db").string());
  // 20 MiB at once: more than one commit takes, so the writer catches up in several.
  constexpr int kWrites = 40;
  const std::string data(512 * 1024, 'x');
  for (int v = 1; v <= kWrites; ++v)
    db->write([v, &data](Changes& c) {
      c.prepared("INSERT INTO rows (v, data) VALUES (?, ?)").bind(1, std::int64_t{v}).bind_blob(2, data).run();
    });
  std::set<std::uint64_t> seen;
  auto deadline = std::chrono::steady_clock::now() + 30s;
  while (db->last_committed() < kWrites && std::chrono::steady_clock::now() < deadline) {
    auto number = db->last_committed();
    seen.insert(number);
    EXPECT_GE(committed_rows(reader), static_cast<std::int64_t>(number));
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(db->last_committed(), static_cast<std::uint64_t>(kWrites));
  EXPECT_EQ(committed_rows(reader), kWrites);
  EXPECT_TRUE(std::any_of(seen.begin(), seen.end(), [](auto n) { return n > 0 && n < kWrites; }))
      << "no commit between the first write and the last";
}

TEST_F(DatabaseTest, AFailedCommitReportsNotOkAndStopsNothingElse) {
  auto db = open_with_rows();
  std::atomic<int> failures{0};
  db->set_commit_failure_handler([&] { ++failures; });
  db->write([](Changes& c) { c.exec("INSERT INTO missing VALUES (1)"); });
  EXPECT_FALSE(committed(*db));
  EXPECT_EQ(db->last_committed(), 0u);
  EXPECT_EQ(failures.load(), 1);

  // The database keeps working afterwards.
  insert_row(*db, 7);
  EXPECT_TRUE(committed(*db));
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows WHERE v = 7"), 1);
}

TEST_F(DatabaseTest, AWriteThatThrowsWhileRecordingJournalsNothing) {
  auto db = open_with_rows();
  EXPECT_THROW(db->write([](Changes& c) {
                 c.prepared("INSERT INTO rows (v) VALUES (?)").bind(1, std::int64_t{99}).run();
                 throw StorageError("boom");
               }),
               StorageError);
  insert_row(*db, 1);
  db->flush();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 1);
  db.reset();
  db = open_with_rows();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows WHERE v = 99"), 0);
}

TEST_F(DatabaseTest, WritesFromManyThreadsAreAllCommittedByFlush) {
  auto db = open_with_rows();
  constexpr int kThreads = 4, kPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) insert_row(*db, t * kPerThread + i);
    });
  }
  for (auto& t : threads) t.join();
  db->flush();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), kThreads * kPerThread);
  EXPECT_EQ(query_int(*db, "SELECT count(DISTINCT v) FROM rows"), kThreads * kPerThread);
  EXPECT_EQ(db->last_written(), static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(db->last_committed(), db->last_written());
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

TEST_F(DatabaseTest, DestroyingTheDatabaseCommitsPendingWritesAndEmptiesTheJournal) {
  {
    auto db = open_with_rows();
    for (int i = 0; i < 100; ++i) insert_row(*db, i);
    // No flush: the destructor drains the queue.
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "journal"));
  auto db = open_with_rows();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 100);
}

// A crash after the journal append and before the commit: the next start applies the
// records the database does not have, once each, and ignores a record cut short.
TEST_F(DatabaseTest, OpeningReplaysJournaledWritesTheDatabaseLacks) {
  {
    auto db = Database::open(dir.path());
    db->migrate("test", {"CREATE TABLE rows (v INTEGER)"});  // no key: a second apply would show
    for (int i = 1; i <= 3; ++i) insert_row(*db, i);
  }  // applied: sequences 1 to 3
  {
    Journal journal(dir.path() / "journal");
    for (std::uint64_t sequence = 2; sequence <= 5; ++sequence)
      append_record(journal, sequence, recorded_insert(static_cast<std::int64_t>(sequence) * 10));
  }
  {
    std::ofstream tail(dir.path() / "journal" / "00000000000000000006.log", std::ios::binary);
    tail.write("\x20\x00\x00", 3);  // a header cut short
  }
  auto db = Database::open(dir.path());
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 5);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows WHERE v IN (40, 50)"), 2);
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows WHERE v = 20"), 0);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "journal"));

  // New writes carry on after the replayed sequence numbers.
  insert_row(*db, 60);
  db->flush();
  db.reset();
  db = Database::open(dir.path());
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 6);
}

TEST_F(DatabaseTest, AJournalRecordThatNoLongerAppliesIsSkippedAtOpening) {
  open_with_rows();
  {
    Journal journal(dir.path() / "journal");
    append_record(journal, 1, recorded_insert(1));
    Changes broken;
    broken.exec("INSERT INTO missing VALUES (1)");
    append_record(journal, 2, broken.take());
    append_record(journal, 3, recorded_insert(3));
  }
  auto db = open_with_rows();
  EXPECT_EQ(query_int(*db, "SELECT count(*) FROM rows"), 2);
}

std::int64_t snapshot_rows(SnapshotReader& reader) {
  auto& s = reader.connection().prepared("SELECT count(*) FROM rows");
  ResetOnExit reset{s};
  return s.step() ? s.column_int(0) : -1;
}

// Whether a checkpoint could reset the WAL, which waits for no reader.
bool wal_can_restart(const std::filesystem::path& dir) {
  Connection other((dir / "stratus.db").string());
  auto& s = other.prepared("PRAGMA wal_checkpoint(RESTART)");
  ResetOnExit reset{s};
  return s.step() && s.column_int(0) == 0;
}

TEST_F(DatabaseTest, ASnapshotReaderMovesOnOnlyOnceSomethingNewIsCommitted) {
  auto db = open_with_rows();
  insert_row(*db, 1);
  db->flush();
  auto reader = db->reader();
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->refresh(), 1u);
  EXPECT_EQ(snapshot_rows(*reader), 1);

  EXPECT_EQ(reader->refresh(), 1u);
  // A row written behind the reader's back (not through the database) is not in the
  // snapshot while nothing new is committed.
  Connection other((dir.path() / "stratus.db").string());
  other.exec("INSERT INTO rows (v) VALUES (100)");
  EXPECT_EQ(reader->refresh(), 1u);
  EXPECT_EQ(snapshot_rows(*reader), 1);

  insert_row(*db, 2);
  db->flush();
  EXPECT_EQ(reader->refresh(), 2u);
  EXPECT_EQ(snapshot_rows(*reader), 3);
}

TEST_F(DatabaseTest, ASnapshotReaderKeepsItsSnapshotWhileAReadIsPartWay) {
  auto db = open_with_rows();
  insert_row(*db, 1);
  insert_row(*db, 2);
  db->flush();
  auto reader = db->reader();
  EXPECT_EQ(reader->refresh(), 2u);
  auto& rows = reader->connection().prepared("SELECT v FROM rows ORDER BY v");
  ASSERT_TRUE(rows.step());
  insert_row(*db, 3);
  db->flush();
  // The read under way still sees its snapshot, and so do reads nested in it.
  EXPECT_EQ(reader->refresh(), 2u);
  EXPECT_EQ(snapshot_rows(*reader), 2);
  ASSERT_TRUE(rows.step());
  EXPECT_FALSE(rows.step());
  rows.reset();
  EXPECT_EQ(reader->refresh(), 3u);
  EXPECT_EQ(snapshot_rows(*reader), 3);
}

TEST_F(DatabaseTest, ASnapshotHoldsCheckpointsBackUntilReleased) {
  auto db = open_with_rows();
  auto reader = db->reader();
  reader->refresh();
  EXPECT_EQ(snapshot_rows(*reader), 0);
  insert_row(*db, 1);
  db->flush();
  EXPECT_FALSE(wal_can_restart(dir.path()));
  reader->release();
  // The database's own checkpoint thread may be busy for a moment.
  bool restarted = false;
  for (int i = 0; i < 100 && !restarted; ++i) {
    restarted = wal_can_restart(dir.path());
    if (!restarted) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(restarted);
}

TEST(Changes, RecordedStatementsApplyWithEveryParameterType) {
  Connection c(":memory:");
  c.exec("CREATE TABLE t (i INTEGER, s TEXT, b BLOB, n TEXT)");
  Changes changes;
  changes.exec("INSERT INTO t (i) VALUES (-1)");
  // A statement prepared but never run is not recorded, whatever follows it.
  changes.prepared("DELETE FROM t WHERE i = ?").bind(1, std::int64_t{-1});
  std::string blob("\0\x01\xff", 3);
  changes.prepared("INSERT INTO t VALUES (?, ?, ?, ?)").bind(1, std::int64_t{1} << 40).bind(2, "text").bind_blob(3, blob).bind_null(4).run();
  changes.prepared("UPDATE t SET s = ? WHERE i = ?").bind(2, std::int64_t{-1}).bind(1, "second").run();
  changes.prepared("DELETE FROM t");
  std::string recorded = changes.take();
  ChangeApplier applier(c);
  applier.apply(recorded);

  auto& rows = c.prepared("SELECT i, s, b, n IS NULL FROM t ORDER BY i");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_int(0), -1);
  EXPECT_EQ(rows.column_text(1), "second");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_int(0), std::int64_t{1} << 40);
  EXPECT_EQ(rows.column_text(1), "text");
  EXPECT_EQ(rows.column_text(2), blob);
  EXPECT_EQ(rows.column_int(3), 1);
  EXPECT_FALSE(rows.step());
  rows.reset();

  EXPECT_THROW(applier.apply(recorded.substr(0, recorded.size() - 1)), StorageError);
  EXPECT_THROW(applier.apply("X"), StorageError);
}

TEST(Changes, ABlobWrittenIntoTheRecordingAppliesWithTheParametersAfterIt) {
  Connection c(":memory:");
  c.exec("CREATE TABLE t (b BLOB, i INTEGER)");
  Changes changes;
  // Longer than a recording's first room, so the recording grows while it is written.
  std::string blob(2000, 'x');
  blob[0] = '\0';
  changes.prepared("INSERT INTO t VALUES (?, ?)")
      .bind_blob_written(1, [&](std::string& out) { out += blob; })
      .bind(2, std::int64_t{7})
      .run();
  ChangeApplier applier(c);
  applier.apply(changes.take());

  auto& rows = c.prepared("SELECT b, i FROM t");
  ASSERT_TRUE(rows.step());
  EXPECT_EQ(rows.column_text(0), blob);
  EXPECT_EQ(rows.column_int(1), 7);
  rows.reset();
}

TEST(Changes, AdditionsToARowAreSummedAndRunOnceAfterTheOtherStatements) {
  Connection c(":memory:");
  c.exec("CREATE TABLE counters (id INTEGER PRIMARY KEY, a INTEGER, b INTEGER, updates INTEGER DEFAULT 0)");
  c.exec("INSERT INTO counters (id, a, b) VALUES (1, 10, 100), (2, 0, 0)");
  constexpr std::string_view kAdd = "UPDATE counters SET a = a + ?2, b = b + ?3, updates = updates + 1 WHERE id = ?1";
  auto addition = [&](std::int64_t row, std::int64_t a, std::int64_t b) {
    Changes changes;
    changes.add(kAdd, row, a, b);
    return changes.take();
  };
  ChangeApplier applier(c);
  applier.apply(addition(1, 1, -5));
  applier.apply(addition(2, 7, 7));
  applier.apply(addition(1, 2, -5));
  // A recording that fails partway keeps none of its additions.
  Changes failing;
  failing.add(kAdd, 1, 1000, 1000);
  failing.exec("INSERT INTO no_such_table VALUES (1)");
  EXPECT_THROW(applier.apply(failing.take()), StorageError);
  EXPECT_EQ(query_int(c, "SELECT a FROM counters WHERE id = 1"), 10);  // nothing ran yet
  applier.finish();
  EXPECT_EQ(query_int(c, "SELECT a FROM counters WHERE id = 1"), 13);
  EXPECT_EQ(query_int(c, "SELECT b FROM counters WHERE id = 1"), 90);
  EXPECT_EQ(query_int(c, "SELECT updates FROM counters WHERE id = 1"), 1);
  EXPECT_EQ(query_int(c, "SELECT a FROM counters WHERE id = 2"), 7);
  applier.finish();  // the additions were forgotten
  EXPECT_EQ(query_int(c, "SELECT a FROM counters WHERE id = 1"), 13);
}

TEST(EphemeralDatabase, DropsWritesAndIsDurableAtOnce) {
  auto db = Database::ephemeral();
  EXPECT_TRUE(db->is_ephemeral());
  ASSERT_NO_THROW(db->migrate("comp", kTwoSteps));
  bool wrote = false;
  db->write([&](Changes&) { wrote = true; });
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
