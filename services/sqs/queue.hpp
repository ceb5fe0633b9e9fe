#pragma once
// One queue's messages and their visibility: which are ready, delayed or in flight,
// and in what order they are handed out. Pure in-memory mechanics; the service
// decides, persists and answers.
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "services/sqs/message.hpp"
#include "services/sqs/queue_attributes.hpp"

namespace stratus::sqs {

struct Waiter;  // a long-polling ReceiveMessage, see message_operations.cpp

struct QueueCounts {
  std::int64_t visible = 0;
  std::int64_t in_flight = 0;
  std::int64_t delayed = 0;
};

class Queue {
 public:
  Queue(std::int64_t id, std::string account, std::string region, std::string name);

  std::int64_t id() const { return id_; }
  const std::string& account() const { return account_; }
  const std::string& region() const { return region_; }
  const std::string& name() const { return name_; }
  const std::string& arn() const { return arn_; }
  bool fifo() const { return config.fifo; }

  QueueAttributes attributes;  // as the user set them (with defaults)
  QueueConfig config;          // the same, parsed for the hot paths
  std::map<std::string, std::string> tags;
  std::int64_t created_s = 0;
  std::int64_t modified_s = 0;
  std::int64_t last_purge_ms = 0;
  std::list<std::shared_ptr<Waiter>> waiters;

  // Adds a message (its seq is assigned here) and returns it.
  Message& add(Message message);
  void restore(Message message);  // at start-up, seq already set
  // Moves messages whose delay or visibility timeout has passed to ready, and drops
  // those past the retention period (their seqs are returned for persistence).
  std::vector<std::uint64_t> advance(std::int64_t now_ms);
  // Ready messages in hand-out order; FIFO skips groups with messages in flight.
  std::vector<std::uint64_t> receivable(std::size_t max) const;
  // Makes a ready message in flight until `until_ms`, with a new receipt nonce.
  void mark_received(std::uint64_t seq, std::int64_t now_ms, std::int64_t until_ms, std::string receipt);
  // Changes an in-flight message's timeout; 0 makes it ready at once.
  void set_visible_at(std::uint64_t seq, std::int64_t until_ms, std::int64_t now_ms);
  // Removes and returns the message.
  Message remove(std::uint64_t seq);
  std::size_t purge();

  Message* find(std::uint64_t seq);
  QueueCounts counts(std::int64_t now_ms) const;
  // The earliest time a hidden message becomes ready; 0 when none is hidden.
  std::int64_t next_visible_ms() const;
  bool empty() const { return messages_.empty(); }
  std::uint64_t next_seq() const { return next_seq_; }

  // FIFO deduplication within the 5-minute window.
  struct Deduplicated {
    std::int64_t expires_ms;
    std::string message_id;
    std::string sequence_number;
  };
  const Deduplicated* deduplicated(const std::string& key, std::int64_t now_ms);
  void remember_deduplication(std::string key, Deduplicated entry);
  std::string next_sequence_number(std::int64_t now_ms);

  // FIFO ReceiveRequestAttemptId: a retried receive gets the same messages back.
  void remember_attempt(const std::string& attempt_id, std::vector<std::uint64_t> seqs, std::int64_t expires_ms);
  const std::vector<std::uint64_t>* attempt(const std::string& attempt_id, std::int64_t now_ms);

 private:
  void hide(Message& m);
  void make_ready(Message& m);

  std::int64_t id_;
  std::string account_, region_, name_, arn_;
  std::map<std::uint64_t, Message> messages_;
  std::set<std::uint64_t> ready_;
  std::set<std::pair<std::int64_t, std::uint64_t>> hidden_;  // (visible_at, seq)
  std::unordered_map<std::string, int> groups_in_flight_;
  std::unordered_map<std::string, Deduplicated> dedup_;
  struct Attempt {
    std::int64_t expires_ms;
    std::vector<std::uint64_t> seqs;
  };
  std::unordered_map<std::string, Attempt> attempts_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t fifo_sequence_ = 0;
};

}  // namespace stratus::sqs
