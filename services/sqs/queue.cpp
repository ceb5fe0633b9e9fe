#include "services/sqs/queue.hpp"

#include <algorithm>
#include <cstdio>

#include "services/sqs/names.hpp"

namespace stratus::sqs {

Queue::Queue(std::int64_t id, std::string account, std::string region, std::string name)
    : id_(id),
      account_(std::move(account)),
      region_(std::move(region)),
      name_(std::move(name)),
      arn_(queue_arn(region_, account_, name_)) {}

Message& Queue::add(Message message) {
  message.seq = next_seq_++;
  auto seq = message.seq;
  restore(std::move(message));
  return messages_.at(seq);
}

void Queue::restore(Message message) {
  if (message.seq >= next_seq_) next_seq_ = message.seq + 1;
  if (!message.sequence_number.empty())
    fifo_sequence_ = std::max<std::uint64_t>(fifo_sequence_, std::stoull(message.sequence_number));
  auto [it, inserted] = messages_.emplace(message.seq, std::move(message));
  Message& m = it->second;
  if (m.visible_at_ms > 0) {
    hide(m);
    if (m.in_flight && !m.group_id.empty()) ++groups_in_flight_[m.group_id];
  } else {
    ready_.insert(m.seq);
  }
}

void Queue::hide(Message& m) { hidden_.emplace(m.visible_at_ms, m.seq); }

void Queue::make_ready(Message& m) {
  if (m.in_flight && !m.group_id.empty()) {
    if (--groups_in_flight_[m.group_id] == 0) groups_in_flight_.erase(m.group_id);
  }
  m.in_flight = false;
  m.visible_at_ms = 0;
  ready_.insert(m.seq);
}

std::vector<std::uint64_t> Queue::advance(std::int64_t now_ms) {
  while (!hidden_.empty() && hidden_.begin()->first <= now_ms) {
    auto seq = hidden_.begin()->second;
    hidden_.erase(hidden_.begin());
    make_ready(messages_.at(seq));
  }
  std::vector<std::uint64_t> expired;
  std::int64_t oldest_allowed = now_ms - config.retention_s * 1000;
  for (auto it = messages_.begin(); it != messages_.end() && expired.size() < 1000; ++it) {
    if (it->second.sent_ms >= oldest_allowed) break;
    expired.push_back(it->first);
  }
  for (auto seq : expired) remove(seq);
  return expired;
}

std::vector<std::uint64_t> Queue::receivable(std::size_t max) const {
  std::vector<std::uint64_t> out;
  // FIFO: a group with a message in flight is locked; ready messages of a free group
  // come in order, so one receive may take several of them.
  for (auto seq : ready_) {
    if (out.size() >= max) break;
    const Message& m = messages_.at(seq);
    if (config.fifo) {
      if (groups_in_flight_.contains(m.group_id)) continue;
    }
    out.push_back(seq);
  }
  return out;
}

void Queue::mark_received(std::uint64_t seq, std::int64_t now_ms, std::int64_t until_ms, std::string receipt) {
  Message& m = messages_.at(seq);
  ready_.erase(seq);
  if (m.visible_at_ms > 0) hidden_.erase({m.visible_at_ms, seq});
  ++m.receive_count;
  if (m.first_receive_ms == 0) m.first_receive_ms = now_ms;
  m.received_ms = now_ms;
  m.receipt = std::move(receipt);
  if (!m.in_flight && !m.group_id.empty()) ++groups_in_flight_[m.group_id];
  m.in_flight = true;
  m.visible_at_ms = until_ms;
  hide(m);
}

void Queue::set_visible_at(std::uint64_t seq, std::int64_t until_ms, std::int64_t now_ms) {
  Message& m = messages_.at(seq);
  hidden_.erase({m.visible_at_ms, seq});
  if (until_ms <= now_ms) {
    make_ready(m);
  } else {
    m.visible_at_ms = until_ms;
    hide(m);
  }
}

Message Queue::remove(std::uint64_t seq) {
  auto node = messages_.extract(seq);
  Message& m = node.mapped();
  if (m.visible_at_ms > 0) hidden_.erase({m.visible_at_ms, seq});
  ready_.erase(seq);
  if (m.in_flight && !m.group_id.empty()) {
    if (--groups_in_flight_[m.group_id] == 0) groups_in_flight_.erase(m.group_id);
  }
  return std::move(m);
}

std::size_t Queue::purge() {
  std::size_t n = messages_.size();
  messages_.clear();
  ready_.clear();
  hidden_.clear();
  groups_in_flight_.clear();
  return n;
}

Message* Queue::find(std::uint64_t seq) {
  auto it = messages_.find(seq);
  return it == messages_.end() ? nullptr : &it->second;
}

QueueCounts Queue::counts(std::int64_t now_ms) const {
  QueueCounts c;
  c.visible = static_cast<std::int64_t>(ready_.size());
  for (const auto& [visible_at, seq] : hidden_) {
    if (visible_at <= now_ms) {
      ++c.visible;
    } else if (messages_.at(seq).in_flight) {
      ++c.in_flight;
    } else {
      ++c.delayed;
    }
  }
  return c;
}

std::int64_t Queue::next_visible_ms() const { return hidden_.empty() ? 0 : hidden_.begin()->first; }

const Queue::Deduplicated* Queue::deduplicated(const std::string& key, std::int64_t now_ms) {
  auto it = dedup_.find(key);
  if (it == dedup_.end()) return nullptr;
  if (it->second.expires_ms <= now_ms) {
    dedup_.erase(it);
    return nullptr;
  }
  return &it->second;
}

void Queue::remember_deduplication(std::string key, Deduplicated entry) {
  if (dedup_.size() > 100000) std::erase_if(dedup_, [&](const auto& e) { return e.second.expires_ms <= entry.expires_ms - 300000; });
  dedup_[std::move(key)] = std::move(entry);
}

void Queue::remember_attempt(const std::string& attempt_id, std::vector<std::uint64_t> seqs, std::int64_t expires_ms) {
  if (attempts_.size() > 10000) std::erase_if(attempts_, [&](const auto& e) { return e.second.expires_ms <= expires_ms - 300000; });
  attempts_[attempt_id] = {expires_ms, std::move(seqs)};
}

const std::vector<std::uint64_t>* Queue::attempt(const std::string& attempt_id, std::int64_t now_ms) {
  auto it = attempts_.find(attempt_id);
  if (it == attempts_.end()) return nullptr;
  if (it->second.expires_ms <= now_ms) {
    attempts_.erase(it);
    return nullptr;
  }
  return &it->second.seqs;
}

std::string Queue::next_sequence_number(std::int64_t now_ms) {
  // Anchored to the clock, so numbers keep growing across restarts even when the
  // newest messages were deleted before them.
  fifo_sequence_ = std::max<std::uint64_t>(fifo_sequence_ + 1, static_cast<std::uint64_t>(now_ms) * 1000000);
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%020llu", static_cast<unsigned long long>(fifo_sequence_));
  return buffer;
}

}  // namespace stratus::sqs
