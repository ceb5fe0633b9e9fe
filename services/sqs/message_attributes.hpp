#pragma once
// Message attributes: reading them from a request, AWS's rules for them, their MD5
// digest, and selecting them for a ReceiveMessage.
#include <string>
#include <string_view>
#include <vector>

#include "protocol/value.hpp"
#include "services/sqs/message.hpp"

namespace stratus::sqs {

// The characters SQS accepts in bodies and string attributes:
// #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF, as well-formed UTF-8.
bool valid_message_text(std::string_view text);

// Parses and validates a MessageAttributes input map; throws InvalidParameterValue.
MessageAttributes parse_message_attributes(const Value* input);
// The AWSTraceHeader of a MessageSystemAttributes input map (empty when absent).
std::string parse_trace_header(const Value* input);

// AWS's digest of a set of attributes; empty when there are none.
std::string attributes_md5(const MessageAttributes& attributes);
std::string trace_header_md5(const std::string& trace_header);
// The bytes counted against MaximumMessageSize.
std::size_t attributes_size(const MessageAttributes& attributes);

// Keeps the attributes that MessageAttributeNames asks for ("All", ".*", "prefix.*", names).
MessageAttributes select_attributes(const MessageAttributes& attributes, const std::vector<std::string>& names);
Value attributes_to_value(const MessageAttributes& attributes);

}  // namespace stratus::sqs
