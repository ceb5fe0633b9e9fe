#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/checksums.hpp"
#include "services/sqs/persistence.hpp"
#include "temp_dir.hpp"

namespace stratus::sqs {
namespace {

using Seqs = std::vector<std::uint64_t>;
constexpr const char* kAccount = "123456789012";

std::unique_ptr<Queue> make_queue(std::int64_t id, const std::string& name, bool fifo) {
  auto q = std::make_unique<Queue>(id, kAccount, "eu-central-1", name);
  q->attributes = default_attributes(fifo);
  q->attributes["VisibilityTimeout"] = "45";
  q->config = parse_config(q->attributes);
  q->tags = {{"team", "core"}, {"env", "test"}};
  q->created_s = 1700000000;
  q->modified_s = 1700000000;
  return q;
}

Message fifo_message(const std::string& id, const std::string& body, const std::string& group) {
  Message m;
  m.id = id;
  m.body = body;
  m.body_md5 = checksums::md5_hex(body);
  m.sender_id = "AIDAEXAMPLE";
  m.sent_ms = 1700000000000;
  m.group_id = group;
  m.dedup_id = "dedup-" + id;
  return m;
}

std::map<std::string, std::unique_ptr<Queue>> load_all(storage::Database& db) {
  SqsStore store(db);
  std::map<std::string, std::unique_ptr<Queue>> queues;
  store.load([&](std::unique_ptr<Queue> q) {
    std::string name = q->name();
    queues.emplace(name, std::move(q));
  });
  return queues;
}

std::vector<std::string> ids_of(Queue& q) {
  std::vector<std::string> ids;
  for (std::uint64_t seq = 1; seq < q.next_seq(); ++seq)
    if (const Message* m = q.find(seq)) ids.push_back(m->id);
  return ids;
}

class SqsStoreTest : public ::testing::Test {
 protected:
  stratus::testing::TempDir dir;
};

}  // namespace

TEST_F(SqsStoreTest, ReloadsExactlyWhatWasSavedUpdatedAndDeleted) {
  const std::string binary("\x00\x01\xfe\xff", 4);
  const std::string body_with_nul("hello\0world \xc3\xa9", 14);
  {
    auto db = storage::Database::open(dir.path());
    SqsStore store(*db);

    auto fifo = make_queue(1, "orders.fifo", true);
    store.save_queue(*fifo);

    Message m1 = fifo_message("id-1", body_with_nul, "g1");
    m1.attributes = {{"bin", {"Binary.raw", binary}}, {"num", {"Number", "12.5"}}, {"str", {"String", "v"}}};
    m1.trace_header = "Root=1-abc";
    m1.sequence_number = fifo->next_sequence_number(0);
    Message& s1 = fifo->add(m1);
    store.insert_message(fifo->id(), s1);

    Message m2 = fifo_message("id-2", "second", "g1");
    m2.sequence_number = fifo->next_sequence_number(0);
    store.insert_message(fifo->id(), fifo->add(m2));

    Message m3 = fifo_message("id-3", "third", "g2");
    m3.sequence_number = fifo->next_sequence_number(0);
    m3.dead_letter_source_arn = "arn:aws:sqs:eu-central-1:123456789012:source.fifo";
    store.insert_message(fifo->id(), fifo->add(m3));

    // Receive m1: in flight until a time far ahead, so it still is after reloading.
    fifo->mark_received(1, 1700000001000, 4102444800000, "nonce-1");
    store.update_message(fifo->id(), *fifo->find(1));
    // Delete m3.
    fifo->remove(3);
    store.delete_message(fifo->id(), 3);

    store.save_deduplication(fifo->id(), "dedup-id-1", {4102444800000, "id-1", "00000000000000000001"});

    // Attributes and tags change after creation.
    fifo->attributes["VisibilityTimeout"] = "120";
    fifo->config = parse_config(fifo->attributes);
    fifo->tags.erase("env");
    fifo->modified_s = 1700000500;
    store.save_queue(*fifo);

    // A standard queue with a message that stays, and one that is deleted with its messages.
    auto standard = make_queue(2, "plain", false);
    store.save_queue(*standard);
    Message plain = fifo_message("p-1", "plain body", "");
    plain.dedup_id.clear();
    store.insert_message(standard->id(), standard->add(plain));

    auto doomed = make_queue(3, "doomed", false);
    store.save_queue(*doomed);
    store.insert_message(doomed->id(), doomed->add(fifo_message("d-1", "gone", "")));
    store.delete_queue(doomed->id());

    db->flush();
  }

  auto db = storage::Database::open(dir.path());
  auto queues = load_all(*db);
  ASSERT_EQ(queues.size(), 2u);
  ASSERT_TRUE(queues.contains("orders.fifo"));
  ASSERT_TRUE(queues.contains("plain"));

  Queue& fifo = *queues.at("orders.fifo");
  EXPECT_EQ(fifo.id(), 1);
  EXPECT_EQ(fifo.account(), kAccount);
  EXPECT_EQ(fifo.region(), "eu-central-1");
  EXPECT_EQ(fifo.arn(), "arn:aws:sqs:eu-central-1:123456789012:orders.fifo");
  EXPECT_TRUE(fifo.fifo());
  EXPECT_EQ(fifo.created_s, 1700000000);
  EXPECT_EQ(fifo.modified_s, 1700000500);
  EXPECT_EQ(fifo.attributes.at("VisibilityTimeout"), "120");
  EXPECT_EQ(fifo.attributes.at("FifoQueue"), "true");
  EXPECT_EQ(fifo.config.visibility_s, 120);
  EXPECT_EQ(fifo.tags, (std::map<std::string, std::string>{{"team", "core"}}));

  EXPECT_EQ(ids_of(fifo), (std::vector<std::string>{"id-1", "id-2"}));
  const Message* m1 = fifo.find(1);
  ASSERT_NE(m1, nullptr);
  EXPECT_EQ(m1->body, body_with_nul);
  EXPECT_EQ(m1->body_md5, checksums::md5_hex(body_with_nul));
  EXPECT_EQ(m1->attributes, (MessageAttributes{{"bin", {"Binary.raw", binary}},
                                               {"num", {"Number", "12.5"}},
                                               {"str", {"String", "v"}}}));
  EXPECT_EQ(m1->trace_header, "Root=1-abc");
  EXPECT_EQ(m1->sender_id, "AIDAEXAMPLE");
  EXPECT_EQ(m1->sent_ms, 1700000000000);
  EXPECT_TRUE(m1->in_flight);
  EXPECT_EQ(m1->visible_at_ms, 4102444800000);
  EXPECT_EQ(m1->receive_count, 1);
  EXPECT_EQ(m1->first_receive_ms, 1700000001000);
  EXPECT_EQ(m1->receipt, "nonce-1");
  EXPECT_EQ(m1->group_id, "g1");
  EXPECT_EQ(m1->dedup_id, "dedup-id-1");
  EXPECT_EQ(m1->sequence_number, "00000000000000000001");
  EXPECT_TRUE(m1->dead_letter_source_arn.empty());

  const Message* m2 = fifo.find(2);
  ASSERT_NE(m2, nullptr);
  EXPECT_EQ(m2->body, "second");
  EXPECT_TRUE(m2->attributes.empty());
  EXPECT_FALSE(m2->in_flight);
  EXPECT_EQ(m2->visible_at_ms, 0);
  EXPECT_EQ(m2->receive_count, 0);
  EXPECT_EQ(m2->sequence_number, "00000000000000000002");

  // In-flight state is restored: m1 is hidden and holds its group's lock, so m2 waits.
  QueueCounts c = fifo.counts(1700000002000);
  EXPECT_EQ(c.in_flight, 1);
  EXPECT_EQ(c.visible, 1);
  EXPECT_TRUE(fifo.receivable(10).empty());
  // Counters continue past every stored message.
  EXPECT_GE(fifo.next_seq(), 3u);
  EXPECT_GT(fifo.next_sequence_number(0), "00000000000000000002");
  // The deduplication window survives.
  const Queue::Deduplicated* d = fifo.deduplicated("dedup-id-1", 1700000002000);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message_id, "id-1");
  EXPECT_EQ(d->sequence_number, "00000000000000000001");

  Queue& standard = *queues.at("plain");
  EXPECT_FALSE(standard.fifo());
  EXPECT_EQ(standard.config.visibility_s, 45);
  EXPECT_EQ(ids_of(standard), (std::vector<std::string>{"p-1"}));
  EXPECT_EQ(standard.receivable(10), (Seqs{1}));
  EXPECT_EQ(standard.find(1)->body, "plain body");
}

TEST_F(SqsStoreTest, PurgeAndClearRemoveStoredMessages) {
  {
    auto db = storage::Database::open(dir.path());
    SqsStore store(*db);
    auto a = make_queue(1, "a", false);
    auto b = make_queue(2, "b", false);
    store.save_queue(*a);
    store.save_queue(*b);
    store.insert_message(1, a->add(fifo_message("a-1", "x", "")));
    store.insert_message(2, b->add(fifo_message("b-1", "y", "")));
    store.purge(1);
    db->flush();
  }
  {
    auto db = storage::Database::open(dir.path());
    auto queues = load_all(*db);
    ASSERT_EQ(queues.size(), 2u);
    EXPECT_TRUE(queues.at("a")->empty());
    EXPECT_EQ(ids_of(*queues.at("b")), (std::vector<std::string>{"b-1"}));
    SqsStore(*db).clear();
    db->flush();
  }
  auto db = storage::Database::open(dir.path());
  EXPECT_TRUE(load_all(*db).empty());
}

TEST_F(SqsStoreTest, AnEphemeralStoreLoadsNothing) {
  auto db = storage::Database::ephemeral();
  SqsStore store(*db);
  auto q = make_queue(1, "q", false);
  store.save_queue(*q);
  store.insert_message(1, q->add(fifo_message("m", "b", "")));
  int loaded = 0;
  store.load([&](std::unique_ptr<Queue>) { ++loaded; });
  EXPECT_EQ(loaded, 0);
}

}  // namespace stratus::sqs
