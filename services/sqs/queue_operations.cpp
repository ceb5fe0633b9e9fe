// Queue lifecycle, attributes, tags and permissions.
#include <algorithm>

#include "protocol/checksums.hpp"
#include "protocol/json.hpp"
#include "services/ids.hpp"
#include "services/input.hpp"
#include "services/permissions.hpp"
#include "services/sqs/names.hpp"
#include "services/sqs/sqs_service.hpp"

namespace stratus::sqs {
namespace {

constexpr std::size_t kMaxTags = 50;
constexpr std::int64_t kPurgeIntervalMs = 60000;

// AWS returns the redrive policy in one canonical form, whatever form it was given in.
std::string canonical_redrive_policy(const std::string& text) {
  Value policy = json::parse(text);
  const Value& count = *policy.find("maxReceiveCount");
  Value out = Value::object();
  out.set("deadLetterTargetArn", *policy.find("deadLetterTargetArn"));
  out.set("maxReceiveCount", count.is_int() ? count.as_int() : static_cast<std::int64_t>(std::stoll(count.as_string())));
  return json::write(out);
}

void validate_tags(const std::map<std::string, std::string>& tags) {
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128 || value.size() > 256)
      throw invalid_parameter("Tag keys must be between 1 and 128 characters, values at most 256.");
  }
}

// One page of queue URLs for the list operations, taken in name order. NextToken is the
// base64 of the last name returned, and comes only when MaxResults asked for paging.
class UrlPage {
 public:
  explicit UrlPage(const Value& input) : paged_(input.find("MaxResults") != nullptr) {
    if (auto max = input::optional_int(input, "MaxResults")) {
      if (*max < 1 || *max > 1000)
        throw invalid_parameter("Value " + std::to_string(*max) +
                                " for parameter MaxResults is invalid. Reason: MaxResults must be an integer between "
                                "1 and 1000.");
      limit_ = static_cast<std::size_t>(*max);
    }
    if (auto token = input::optional_string(input, "NextToken")) {
      auto decoded = checksums::base64_decode(*token);
      if (!decoded) throw invalid_parameter("Invalid NextToken value.");
      after_ = *decoded;
    }
  }

  // Names up to this one were on earlier pages.
  const std::string& after() const { return after_; }

  // Adds the queue's URL; false when the page is already full.
  bool take(const std::string& host, const Queue& q) {
    if (urls_.as_array().size() == limit_) {
      more_ = true;
      return false;
    }
    urls_.push(queue_url(host, q.account(), q.name()));
    last_ = q.name();
    return true;
  }

  bool empty() const { return urls_.as_array().empty(); }

  // Sets `member` to the URLs, and NextToken when more remain.
  void answer(Value& result, std::string_view member) {
    result.set(member, std::move(urls_));
    if (more_ && paged_) result.set("NextToken", checksums::base64_encode(last_));
  }

 private:
  bool paged_;
  std::size_t limit_ = 1000;
  std::string after_;
  Value urls_ = Value::array();
  std::string last_;
  bool more_ = false;
};

}  // namespace

void SqsService::check_dead_letter_target(const std::string& account, const std::string& region, bool fifo,
                                          const std::map<std::string, std::string>& attributes) {
  auto redrive = attributes.find("RedrivePolicy");
  if (redrive == attributes.end() || redrive->second.empty()) return;
  Value policy = json::parse(redrive->second);
  const std::string& arn = policy.find("deadLetterTargetArn")->as_string();
  auto parsed = parse_queue_arn(arn);
  Queue* target = parsed && parsed->account == account && parsed->region == region
                      ? find_queue(parsed->account, parsed->region, parsed->name)
                      : nullptr;
  auto invalid = [&](const char* reason) {
    return invalid_parameter("Value " + redrive->second + " for parameter RedrivePolicy is invalid. Reason: " + reason);
  };
  if (!target) throw invalid("Dead letter target does not exist.");
  if (target->fifo() != fifo)
    throw invalid(fifo ? "Dead-letter target must also be a FIFO queue."
                       : "Dead-letter target must also be a standard queue.");
}

void SqsService::apply_attributes(Queue& queue, const std::map<std::string, std::string>& attributes) {
  for (const auto& [name, value] : attributes) {
    if (value.empty() && (name == "RedrivePolicy" || name == "Policy" || name == "RedriveAllowPolicy" ||
                          name == "KmsMasterKeyId")) {
      queue.attributes.erase(name);
    } else {
      queue.attributes[name] = name == "RedrivePolicy" ? canonical_redrive_policy(value) : value;
    }
  }
  if (attributes.contains("KmsMasterKeyId") && !attributes.contains("SqsManagedSseEnabled")) {
    bool kms = queue.attributes.contains("KmsMasterKeyId");
    queue.attributes["SqsManagedSseEnabled"] = kms ? "false" : queue.attributes["SqsManagedSseEnabled"];
    if (kms && !queue.attributes.contains("KmsDataKeyReusePeriodSeconds"))
      queue.attributes["KmsDataKeyReusePeriodSeconds"] = "300";
  }
  queue.config = parse_config(queue.attributes);
}

Value SqsService::create_queue(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "QueueName");
  auto attributes = input::string_map(input, "Attributes");
  auto fifo_attr = attributes.find("FifoQueue");
  bool fifo = fifo_attr != attributes.end() && fifo_attr->second == "true";
  if (fifo_attr != attributes.end() && fifo_attr->second == "false" && name.ends_with(".fifo")) fifo = true;
  validate_queue_name(name, fifo);
  if (fifo_attr != attributes.end() && fifo_attr->second == "false") attributes.erase(fifo_attr);
  validate_attributes(attributes, fifo, true);
  check_dead_letter_target(ctx.account, ctx.region, fifo, attributes);
  auto tags = input::string_map(input, "tags");
  if (tags.size() > kMaxTags) throw invalid_parameter("Too many tags added for queue " + name + ".");
  validate_tags(tags);

  Value result = Value::object();
  if (Queue* existing = find_queue(ctx.account, ctx.region, name)) {
    for (const auto& [attr, value] : attributes) {
      auto current = existing->attributes.find(attr);
      std::string wanted = attr == "RedrivePolicy" && !value.empty() ? canonical_redrive_policy(value) : value;
      if (current == existing->attributes.end() ? !value.empty() : current->second != wanted)
        throw ApiError("QueueNameExists",
                       "A queue already exists with the same name and a different value for attribute " + attr);
    }
    result.set("QueueUrl", queue_url(ctx.host, ctx.account, name));
    return result;
  }
  auto queue = std::make_unique<Queue>(next_queue_id_++, ctx.account, ctx.region, name);
  queue->attributes = default_attributes(fifo);
  apply_attributes(*queue, attributes);
  queue->tags = std::move(tags);
  queue->created_s = queue->modified_s = ids::now_ms() / 1000;
  store_.save_queue(*queue);
  queues_.emplace(ctx.account + "/" + ctx.region + "/" + name, std::move(queue));
  result.set("QueueUrl", queue_url(ctx.host, ctx.account, name));
  return result;
}

Value SqsService::get_queue_url(const RequestContext& ctx, const Value& input) {
  const std::string& name = input::required_string(input, "QueueName");
  std::string account = input::optional_string(input, "QueueOwnerAWSAccountId").value_or(ctx.account);
  if (!find_queue(account, ctx.region, name))
    throw ApiError("QueueDoesNotExist", "The specified queue does not exist.");
  Value result = Value::object();
  result.set("QueueUrl", queue_url(ctx.host, account, name));
  return result;
}

Value SqsService::list_queues(const RequestContext& ctx, const Value& input) {
  std::string prefix = input::optional_string(input, "QueueNamePrefix").value_or("");
  UrlPage page(input);
  std::string range = ctx.account + "/" + ctx.region + "/";
  for (auto it = queues_.lower_bound(range + std::max(prefix, page.after())); it != queues_.end(); ++it) {
    if (!it->first.starts_with(range + prefix)) break;
    if (it->second->name() <= page.after()) continue;
    if (!page.take(ctx.host, *it->second)) break;
  }
  Value result = Value::object();
  if (!page.empty()) page.answer(result, "QueueUrls");
  return result;
}

Value SqsService::delete_queue(const RequestContext& ctx, const Value& input) {
  remove_queue(queue_for(ctx, input));
  return Value::object();
}

Value SqsService::purge_queue(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  std::int64_t now = ids::now_ms();
  if (queue.last_purge_ms && now - queue.last_purge_ms < kPurgeIntervalMs)
    throw ApiError("PurgeQueueInProgress", "Only one PurgeQueue operation on " + queue.name() +
                                               " is allowed every 60 seconds.");
  queue.last_purge_ms = now;
  queue.purge();
  store_.purge(queue.id());
  return Value::object();
}

Value SqsService::get_queue_attributes(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  std::vector<std::string> wanted = input::strings(input, "AttributeNames");
  const auto& known = all_attribute_names();
  bool all = std::find(wanted.begin(), wanted.end(), "All") != wanted.end();
  for (const auto& name : wanted) {
    if (name != "All" && std::find(known.begin(), known.end(), name) == known.end())
      throw ApiError("InvalidAttributeName", "Unknown Attribute " + name + ".");
  }
  std::int64_t now = ids::now_ms();
  expire(queue, now);
  QueueCounts counts = queue.counts(now);
  auto value_of = [&](std::string_view name) -> std::optional<std::string> {
    if (name == "ApproximateNumberOfMessages") return std::to_string(counts.visible);
    if (name == "ApproximateNumberOfMessagesNotVisible") return std::to_string(counts.in_flight);
    if (name == "ApproximateNumberOfMessagesDelayed") return std::to_string(counts.delayed);
    if (name == "CreatedTimestamp") return std::to_string(queue.created_s);
    if (name == "LastModifiedTimestamp") return std::to_string(queue.modified_s);
    if (name == "QueueArn") return queue.arn();
    auto it = queue.attributes.find(std::string(name));
    if (it == queue.attributes.end()) return std::nullopt;
    return it->second;
  };
  Value attributes = Value::object();
  for (auto name : known) {
    if (!all && std::find(wanted.begin(), wanted.end(), name) == wanted.end()) continue;
    if (auto v = value_of(name)) attributes.set(name, *v);
  }
  Value result = Value::object();
  if (!attributes.as_object().empty()) result.set("Attributes", std::move(attributes));
  return result;
}

Value SqsService::set_queue_attributes(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  auto attributes = input::string_map(input, "Attributes");
  validate_attributes(attributes, queue.fifo(), false);
  check_dead_letter_target(queue.account(), queue.region(), queue.fifo(), attributes);
  apply_attributes(queue, attributes);
  queue.modified_s = ids::now_ms() / 1000;
  store_.save_queue(queue);
  return Value::object();
}

Value SqsService::tag_queue(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  auto tags = input::string_map(input, "Tags");
  validate_tags(tags);
  auto merged = queue.tags;
  for (auto& [k, v] : tags) merged[k] = v;
  if (merged.size() > kMaxTags) throw invalid_parameter("Too many tags added for queue " + queue.name() + ".");
  queue.tags = std::move(merged);
  store_.save_queue(queue);
  return Value::object();
}

Value SqsService::untag_queue(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  for (const auto& key : input::strings(input, "TagKeys")) queue.tags.erase(key);
  store_.save_queue(queue);
  return Value::object();
}

Value SqsService::list_queue_tags(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  Value result = Value::object();
  if (!queue.tags.empty()) {
    Value tags = Value::object();
    for (const auto& [k, v] : queue.tags) tags.set(k, v);
    result.set("Tags", std::move(tags));
  }
  return result;
}

Value SqsService::add_permission(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  const std::string& label = input::required_string(input, "Label");
  auto accounts = input::strings(input, "AWSAccountIds");
  auto actions = input::strings(input, "Actions");
  if (accounts.empty()) throw missing_parameter("AWSAccountId");
  if (actions.empty()) throw missing_parameter("ActionName");
  Value policy = queue.attributes.contains("Policy") ? json::parse(queue.attributes["Policy"]) : Value::object();
  if (!policy.find("Version")) policy.set("Version", "2012-10-17");
  if (!policy.find("Id")) policy.set("Id", queue.arn() + "/SQSDefaultPolicy");
  Value& statements = policy.find("Statement") ? *policy.find("Statement") : policy.set("Statement", Value::array());
  if (!statements.is_array()) statements = Value(Array{std::move(statements)});  // IAM allows one bare statement
  if (has_statement(statements, label))
    throw invalid_parameter("Value " + label + " for parameter Label is invalid. Reason: Already exists.");
  statements.push(permission_statement(label, accounts, "SQS", actions, queue.arn()));
  queue.attributes["Policy"] = json::write(policy);
  store_.save_queue(queue);
  return Value::object();
}

Value SqsService::remove_permission(const RequestContext& ctx, const Value& input) {
  Queue& queue = queue_for(ctx, input);
  const std::string& label = input::required_string(input, "Label");
  auto not_found = invalid_parameter("Value " + label + " for parameter Label is invalid. Reason: can't find label.");
  if (!queue.attributes.contains("Policy")) throw not_found;
  Value policy = json::parse(queue.attributes["Policy"]);
  Value* statements = policy.find("Statement");
  if (statements && statements->is_object()) *statements = Value(Array{std::move(*statements)});
  if (!statements || !statements->is_array()) throw not_found;
  auto& list = statements->as_array();
  auto it = std::find_if(list.begin(), list.end(), [&](const Value& s) {
    const Value* sid = s.find("Sid");
    return sid && sid->is_string() && sid->as_string() == label;
  });
  if (it == list.end()) throw not_found;
  list.erase(it);
  if (list.empty())
    queue.attributes.erase("Policy");
  else
    queue.attributes["Policy"] = json::write(policy);
  store_.save_queue(queue);
  return Value::object();
}

Value SqsService::list_dead_letter_source_queues(const RequestContext& ctx, const Value& input) {
  Queue& target = queue_for(ctx, input);
  UrlPage page(input);
  for (const auto& [key, q] : queues_) {
    if (q->config.dead_letter_arn != target.arn() || q->name() <= page.after()) continue;
    if (!page.take(ctx.host, *q)) break;
  }
  Value result = Value::object();
  page.answer(result, "queueUrls");
  return result;
}

}  // namespace stratus::sqs
