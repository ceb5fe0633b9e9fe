#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace stratus::sqs {

struct MessageAttribute {
  std::string data_type;  // "String", "Number", "Binary", optionally with ".custom"
  std::string value;      // text for String/Number, raw bytes for Binary

  bool is_binary() const { return data_type.starts_with("Binary"); }
  bool operator==(const MessageAttribute&) const = default;
};

// Sorted by name, the order the attribute MD5 is computed in.
using MessageAttributes = std::map<std::string, MessageAttribute>;

struct Message {
  std::uint64_t seq = 0;  // arrival order within its queue
  std::string id;
  std::string body;
  std::string body_md5;
  MessageAttributes attributes;
  std::string trace_header;  // the AWSTraceHeader system attribute
  std::string sender_id;
  std::int64_t sent_ms = 0;
  std::int64_t visible_at_ms = 0;  // delayed or in flight until then
  bool in_flight = false;
  int receive_count = 0;
  std::int64_t first_receive_ms = 0;
  std::int64_t received_ms = 0;  // the latest receive: the 12-hour visibility limit counts from it
  std::string receipt;  // the newest receipt handle's nonce
  std::string dead_letter_source_arn;
  // FIFO
  std::string group_id;
  std::string dedup_id;
  std::string sequence_number;
};

}  // namespace stratus::sqs
