#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "services/sqs/queue.hpp"

namespace stratus::sqs {
namespace {

using Seqs = std::vector<std::uint64_t>;

Message message(const std::string& id, std::int64_t sent_ms = 1000, const std::string& group = {}) {
  Message m;
  m.id = id;
  m.body = "body of " + id;
  m.sent_ms = sent_ms;
  m.group_id = group;
  return m;
}

class StandardQueue : public ::testing::Test {
 protected:
  Queue queue{1, "123456789012", "us-east-1", "q"};
};

class FifoQueue : public ::testing::Test {
 protected:
  FifoQueue() { queue.config.fifo = true; }
  Queue queue{2, "123456789012", "us-east-1", "q.fifo"};
};

}  // namespace

TEST_F(StandardQueue, AddAssignsIncreasingSeqsStartingAtOne) {
  EXPECT_EQ(queue.add(message("a")).seq, 1u);
  EXPECT_EQ(queue.add(message("b")).seq, 2u);
  EXPECT_EQ(queue.add(message("c")).seq, 3u);
  EXPECT_EQ(queue.next_seq(), 4u);
  EXPECT_FALSE(queue.empty());
}

TEST_F(StandardQueue, KnowsItsArn) {
  EXPECT_EQ(queue.arn(), "arn:aws:sqs:us-east-1:123456789012:q");
}

TEST_F(StandardQueue, ReceivableListsReadyMessagesInArrivalOrderUpToMax) {
  for (auto id : {"a", "b", "c"}) queue.add(message(id));
  EXPECT_EQ(queue.receivable(10), (Seqs{1, 2, 3}));
  EXPECT_EQ(queue.receivable(2), (Seqs{1, 2}));
  EXPECT_EQ(queue.receivable(0), Seqs{});
  // Listing hands nothing out.
  EXPECT_EQ(queue.receivable(10), (Seqs{1, 2, 3}));
}

TEST_F(StandardQueue, MarkReceivedHidesTheMessageUntilItsTimeout) {
  for (auto id : {"a", "b", "c"}) queue.add(message(id));
  queue.mark_received(1, 1000, 31000, "r1");
  EXPECT_EQ(queue.receivable(10), (Seqs{2, 3}));
  const Message* m = queue.find(1);
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->in_flight);
  EXPECT_EQ(m->visible_at_ms, 31000);
  EXPECT_EQ(m->receive_count, 1);
  EXPECT_EQ(m->first_receive_ms, 1000);
  EXPECT_EQ(m->receipt, "r1");
  EXPECT_EQ(queue.next_visible_ms(), 31000);

  EXPECT_TRUE(queue.advance(30999).empty());
  EXPECT_EQ(queue.receivable(10), (Seqs{2, 3}));
}

TEST_F(StandardQueue, AdvancePastTheTimeoutMakesTheMessageReadyAgainInItsPlace) {
  for (auto id : {"a", "b", "c"}) queue.add(message(id));
  queue.mark_received(1, 1000, 31000, "r1");
  queue.advance(31000);
  EXPECT_EQ(queue.receivable(10), (Seqs{1, 2, 3}));
  const Message* m = queue.find(1);
  EXPECT_FALSE(m->in_flight);
  EXPECT_EQ(m->visible_at_ms, 0);
  EXPECT_EQ(queue.next_visible_ms(), 0);
}

TEST_F(StandardQueue, ASecondReceiveCountsAgainButKeepsTheFirstReceiveTime) {
  queue.add(message("a"));
  queue.mark_received(1, 1000, 2000, "r1");
  queue.advance(2000);
  queue.mark_received(1, 5000, 6000, "r2");
  const Message* m = queue.find(1);
  EXPECT_EQ(m->receive_count, 2);
  EXPECT_EQ(m->first_receive_ms, 1000);
  EXPECT_EQ(m->receipt, "r2");
}

TEST_F(StandardQueue, CountsVisibleInFlightAndDelayed) {
  queue.add(message("ready"));
  queue.add(message("flight"));
  Message delayed = message("delayed");
  delayed.visible_at_ms = 10000;  // sent with a delay
  queue.add(delayed);
  queue.mark_received(2, 1000, 31000, "r");

  QueueCounts c = queue.counts(1000);
  EXPECT_EQ(c.visible, 1);
  EXPECT_EQ(c.in_flight, 1);
  EXPECT_EQ(c.delayed, 1);
  EXPECT_EQ(queue.receivable(10), (Seqs{1}));

  // Hidden messages whose time has come count as visible even before advance().
  c = queue.counts(10000);
  EXPECT_EQ(c.visible, 2);
  EXPECT_EQ(c.in_flight, 1);
  EXPECT_EQ(c.delayed, 0);

  queue.advance(31000);
  c = queue.counts(31000);
  EXPECT_EQ(c.visible, 3);
  EXPECT_EQ(c.in_flight, 0);
  EXPECT_EQ(c.delayed, 0);
  EXPECT_EQ(queue.receivable(10), (Seqs{1, 2, 3}));
}

TEST_F(StandardQueue, ADelayedMessageBecomesReadyWhenItsDelayEnds) {
  Message delayed = message("d");
  delayed.visible_at_ms = 5000;
  queue.add(delayed);
  EXPECT_EQ(queue.next_visible_ms(), 5000);
  queue.advance(4999);
  EXPECT_TRUE(queue.receivable(10).empty());
  queue.advance(5000);
  EXPECT_EQ(queue.receivable(10), (Seqs{1}));
  EXPECT_EQ(queue.find(1)->receive_count, 0);
}

TEST_F(StandardQueue, SetVisibleAtZeroMakesAnInFlightMessageReadyAtOnce) {
  queue.add(message("a"));
  queue.mark_received(1, 1000, 31000, "r");
  queue.set_visible_at(1, 0, 2000);
  EXPECT_EQ(queue.receivable(10), (Seqs{1}));
  EXPECT_FALSE(queue.find(1)->in_flight);
  QueueCounts c = queue.counts(2000);
  EXPECT_EQ(c.visible, 1);
  EXPECT_EQ(c.in_flight, 0);
  EXPECT_EQ(queue.next_visible_ms(), 0);
}

TEST_F(StandardQueue, SetVisibleAtMovesTheTimeout) {
  queue.add(message("a"));
  queue.mark_received(1, 1000, 31000, "r");
  queue.set_visible_at(1, 5000, 2000);
  EXPECT_EQ(queue.next_visible_ms(), 5000);
  EXPECT_TRUE(queue.find(1)->in_flight);
  queue.advance(5000);
  EXPECT_EQ(queue.receivable(10), (Seqs{1}));

  queue.mark_received(1, 6000, 7000, "r2");
  queue.set_visible_at(1, 60000, 6500);  // extended
  queue.advance(7000);
  EXPECT_TRUE(queue.receivable(10).empty());
  EXPECT_EQ(queue.counts(7000).in_flight, 1);
  queue.advance(60000);
  EXPECT_EQ(queue.receivable(10), (Seqs{1}));
}

TEST_F(StandardQueue, RemoveAndFind) {
  queue.add(message("a"));
  queue.add(message("b"));
  ASSERT_NE(queue.find(2), nullptr);
  EXPECT_EQ(queue.find(2)->id, "b");
  EXPECT_EQ(queue.find(9), nullptr);

  queue.mark_received(2, 1000, 31000, "r");
  Message removed = queue.remove(2);
  EXPECT_EQ(removed.id, "b");
  EXPECT_EQ(queue.find(2), nullptr);
  QueueCounts c = queue.counts(1000);
  EXPECT_EQ(c.visible, 1);
  EXPECT_EQ(c.in_flight, 0);
  EXPECT_EQ(queue.next_visible_ms(), 0);
}

TEST_F(StandardQueue, PurgeDropsEverythingButKeepsTheSeqCounter) {
  queue.add(message("a"));
  queue.add(message("b"));
  queue.mark_received(1, 1000, 31000, "r");
  EXPECT_EQ(queue.purge(), 2u);
  EXPECT_TRUE(queue.empty());
  EXPECT_TRUE(queue.receivable(10).empty());
  EXPECT_EQ(queue.next_visible_ms(), 0);
  EXPECT_EQ(queue.find(1), nullptr);
  EXPECT_EQ(queue.add(message("c")).seq, 3u);
}

TEST_F(StandardQueue, AdvanceDropsMessagesPastTheRetentionPeriod) {
  queue.config.retention_s = 60;
  queue.add(message("old", 0));
  queue.add(message("edge", 30000));
  queue.add(message("young", 70000));
  queue.mark_received(1, 1000, 100000, "r");  // in flight does not save it

  // At 90000 the oldest allowed send time is 30000.
  EXPECT_EQ(queue.advance(90000), (Seqs{1}));
  EXPECT_EQ(queue.find(1), nullptr);
  EXPECT_EQ(queue.counts(90000).in_flight, 0);
  EXPECT_EQ(queue.receivable(10), (Seqs{2, 3}));

  EXPECT_EQ(queue.advance(90001), (Seqs{2}));
  EXPECT_EQ(queue.receivable(10), (Seqs{3}));
  EXPECT_EQ(queue.advance(130001), (Seqs{3}));
  EXPECT_TRUE(queue.empty());
}

TEST_F(StandardQueue, AStandardQueueIgnoresGroups) {
  queue.add(message("a", 1000, "g"));
  queue.add(message("b", 1000, "g"));
  queue.mark_received(1, 1000, 31000, "r");
  EXPECT_EQ(queue.receivable(10), (Seqs{2}));
}

TEST_F(FifoQueue, AGroupWithAMessageInFlightYieldsNothingMore) {
  queue.add(message("a1", 1000, "a"));
  queue.add(message("b1", 1000, "b"));
  queue.add(message("a2", 1000, "a"));
  queue.add(message("b2", 1000, "b"));
  queue.mark_received(1, 1000, 31000, "r");
  // Group a is locked; group b still delivers, in order.
  EXPECT_EQ(queue.receivable(10), (Seqs{2, 4}));
  queue.mark_received(2, 1000, 31000, "r");
  EXPECT_TRUE(queue.receivable(10).empty());
}

TEST_F(FifoQueue, OneReceiveMayTakeSeveralMessagesOfAFreeGroupInOrder) {
  queue.add(message("a1", 1000, "a"));
  queue.add(message("a2", 1000, "a"));
  queue.add(message("a3", 1000, "a"));
  queue.add(message("b1", 1000, "b"));
  EXPECT_EQ(queue.receivable(10), (Seqs{1, 2, 3, 4}));
  EXPECT_EQ(queue.receivable(2), (Seqs{1, 2}));
}

TEST_F(FifoQueue, AGroupUnlocksWhenItsLastInFlightMessageLeaves) {
  queue.add(message("a1", 1000, "a"));
  queue.add(message("a2", 1000, "a"));
  queue.add(message("a3", 1000, "a"));
  queue.mark_received(1, 1000, 31000, "r");
  queue.mark_received(2, 1000, 31000, "r");
  EXPECT_TRUE(queue.receivable(10).empty());

  queue.remove(1);  // deleted
  EXPECT_TRUE(queue.receivable(10).empty()) << "a2 is still in flight";

  queue.set_visible_at(2, 0, 2000);  // visibility reset to 0
  EXPECT_EQ(queue.receivable(10), (Seqs{2, 3}));
}

TEST_F(FifoQueue, AGroupUnlocksWhenTheVisibilityTimeoutPasses) {
  queue.add(message("a1", 1000, "a"));
  queue.add(message("a2", 1000, "a"));
  queue.mark_received(1, 1000, 31000, "r");
  queue.advance(30999);
  EXPECT_TRUE(queue.receivable(10).empty());
  queue.advance(31000);
  EXPECT_EQ(queue.receivable(10), (Seqs{1, 2}));
}

TEST_F(FifoQueue, ReceivingAgainAfterTimeoutKeepsOneLockPerMessage) {
  queue.add(message("a1", 1000, "a"));
  queue.mark_received(1, 1000, 2000, "r1");
  queue.advance(2000);
  queue.mark_received(1, 3000, 4000, "r2");
  queue.remove(1);
  queue.add(message("a2", 5000, "a"));
  EXPECT_EQ(queue.receivable(10), (Seqs{2}));
}

TEST_F(FifoQueue, PurgeUnlocksGroups) {
  queue.add(message("a1", 1000, "a"));
  queue.mark_received(1, 1000, 31000, "r");
  queue.purge();
  queue.add(message("a2", 1000, "a"));
  EXPECT_EQ(queue.receivable(10), (Seqs{2}));
}

TEST_F(FifoQueue, RetentionExpiryOfAnInFlightMessageUnlocksItsGroup) {
  queue.config.retention_s = 60;
  queue.add(message("a1", 0, "a"));
  queue.add(message("a2", 50000, "a"));
  queue.mark_received(1, 1000, 200000, "r");
  EXPECT_EQ(queue.advance(60001), (Seqs{1}));
  EXPECT_EQ(queue.receivable(10), (Seqs{2}));
}

TEST_F(FifoQueue, DeduplicationEntriesLastUntilTheirExpiry) {
  EXPECT_EQ(queue.deduplicated("k", 0), nullptr);
  queue.remember_deduplication("k", {300000, "id-1", "00000000000000000001"});
  const Queue::Deduplicated* d = queue.deduplicated("k", 299999);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message_id, "id-1");
  EXPECT_EQ(d->sequence_number, "00000000000000000001");
  EXPECT_EQ(queue.deduplicated("other", 1000), nullptr);

  EXPECT_EQ(queue.deduplicated("k", 300000), nullptr);
  // Expired entries are forgotten, not revived by an earlier clock.
  EXPECT_EQ(queue.deduplicated("k", 1000), nullptr);
}

TEST_F(FifoQueue, RememberingAKeyAgainReplacesItsEntry) {
  queue.remember_deduplication("k", {300000, "id-1", "1"});
  queue.remember_deduplication("k", {600000, "id-2", "2"});
  const Queue::Deduplicated* d = queue.deduplicated("k", 400000);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message_id, "id-2");
}

TEST_F(FifoQueue, ReceiveAttemptsLastUntilTheirExpiry) {
  queue.remember_attempt("attempt", {3, 1}, 300000);
  const auto* seqs = queue.attempt("attempt", 299999);
  ASSERT_NE(seqs, nullptr);
  EXPECT_EQ(*seqs, (Seqs{3, 1}));
  EXPECT_EQ(queue.attempt("other", 0), nullptr);
  EXPECT_EQ(queue.attempt("attempt", 300000), nullptr);
}

TEST_F(FifoQueue, SequenceNumbersIncreaseAreZeroPaddedAndFollowTheClock) {
  std::string first = queue.next_sequence_number(1000);
  EXPECT_EQ(first, "00000000001000000000");
  std::string previous = first;
  for (int i = 0; i < 20; ++i) {
    std::string next = queue.next_sequence_number(1000);  // same millisecond: still increasing
    EXPECT_EQ(next.size(), 20u);
    EXPECT_GT(next, previous);  // string order is numeric order
    previous = next;
  }
  EXPECT_EQ(previous, "00000000001000000020");
  // A later clock jumps ahead; an earlier one never goes back.
  EXPECT_EQ(queue.next_sequence_number(2000), "00000000002000000000");
  EXPECT_EQ(queue.next_sequence_number(1500), "00000000002000000001");
  EXPECT_EQ(queue.next_sequence_number(1700000000000).size(), 20u);
}

TEST_F(FifoQueue, RestoreKeepsSeqsAndContinuesBothCounters) {
  Message m = message("restored", 1000, "g");
  m.seq = 7;
  m.sequence_number = "00000000000000000042";
  queue.restore(m);
  EXPECT_EQ(queue.next_seq(), 8u);
  EXPECT_EQ(queue.find(7)->id, "restored");
  EXPECT_EQ(queue.next_sequence_number(0), "00000000000000000043");
  EXPECT_EQ(queue.add(message("new", 2000, "g")).seq, 8u);
  EXPECT_EQ(queue.receivable(10), (Seqs{7, 8}));
}

TEST_F(FifoQueue, RestoringAnOlderMessageDoesNotMoveTheCountersBack) {
  Message high = message("high", 1000, "g");
  high.seq = 9;
  high.sequence_number = "00000000000000000100";
  Message low = message("low", 1000, "g");
  low.seq = 3;
  low.sequence_number = "00000000000000000050";
  queue.restore(high);
  queue.restore(low);
  EXPECT_EQ(queue.next_seq(), 10u);
  EXPECT_EQ(queue.next_sequence_number(0), "00000000000000000101");
  EXPECT_EQ(queue.receivable(10), (Seqs{3, 9}));
}

TEST_F(FifoQueue, RestoreKeepsInFlightStateAndItsGroupLock) {
  Message flying = message("flying", 1000, "g");
  flying.seq = 1;
  flying.in_flight = true;
  flying.visible_at_ms = 50000;
  flying.receive_count = 2;
  queue.restore(flying);
  Message waiting = message("waiting", 1000, "g");
  waiting.seq = 2;
  queue.restore(waiting);
  Message other = message("other", 1000, "h");
  other.seq = 3;
  queue.restore(other);

  EXPECT_EQ(queue.receivable(10), (Seqs{3}));
  QueueCounts c = queue.counts(10000);
  EXPECT_EQ(c.in_flight, 1);
  EXPECT_EQ(c.visible, 2);
  queue.advance(50000);
  EXPECT_EQ(queue.receivable(10), (Seqs{1, 2, 3}));
  EXPECT_EQ(queue.find(1)->receive_count, 2);
}

}  // namespace stratus::sqs
