// SQS event source mappings at work: each poller long-polls the queue through the SQS
// service, gathers a batch (up to BatchSize, within MaximumBatchingWindowInSeconds),
// invokes the function, and deletes what the function handled. What it did not handle
// stays on the queue and comes back after the visibility timeout, so the queue's own
// redrive policy moves poison messages to its dead-letter queue.
#include <algorithm>
#include <set>

#include "protocol/json.hpp"
#include "services/arn.hpp"
#include "services/ids.hpp"
#include "services/lambda/lambda_service.hpp"
#include "services/lambda/names.hpp"

namespace stratus::lambda {
namespace {

constexpr std::int64_t kDefaultPollers = 5;
constexpr std::int64_t kLongPollSeconds = 20;
constexpr std::size_t kMaxReceive = 10;
constexpr auto kRetryAfterError = std::chrono::seconds(1);

struct QueueAddress {
  RequestContext context;
  std::string url;  // relative: "/<account>/<name>"
};

// A mapping's queue ARN was checked when the mapping was made.
QueueAddress address_of(const std::string& queue_arn) {
  Arn arn = parse_arn(queue_arn).value_or(Arn{});
  return QueueAddress{context_for(arn), "/" + arn.account + "/" + arn.resource};
}

// One message as the function sees it in an SQS event.
Value record(const Value& message, const std::string& queue_arn, const std::string& region) {
  auto text = [&](const char* name) {
    const Value* v = message.find(name);
    return v && v->is_string() ? *v : Value("");
  };
  Value attributes = Value::object();
  if (const Value* a = message.find("Attributes"); a && a->is_object()) attributes = *a;
  Value message_attributes = Value::object();
  if (const Value* a = message.find("MessageAttributes"); a && a->is_object()) {
    for (const auto& [name, attribute] : a->as_object()) {
      Value converted = Value(Object{{"stringListValues", Value::array()}, {"binaryListValues", Value::array()}});
      if (const Value* s = attribute.find("StringValue")) converted.set("stringValue", *s);
      if (const Value* b = attribute.find("BinaryValue")) converted.set("binaryValue", *b);
      if (const Value* t = attribute.find("DataType")) converted.set("dataType", *t);
      message_attributes.set(name, std::move(converted));
    }
  }
  Value r = Value(Object{{"messageId", text("MessageId")},
                         {"receiptHandle", text("ReceiptHandle")},
                         {"body", text("Body")},
                         {"attributes", std::move(attributes)},
                         {"messageAttributes", std::move(message_attributes)},
                         {"md5OfBody", text("MD5OfBody")}});
  if (const Value* md5 = message.find("MD5OfMessageAttributes")) r.set("md5OfMessageAttributes", *md5);
  r.set("eventSource", "aws:sqs");
  r.set("eventSourceARN", queue_arn);
  r.set("awsRegion", region);
  return r;
}

// Does the record match one of the filters? Its body is matched as JSON when it is JSON.
bool passes(const std::vector<FilterPolicy>& filters, Value record) {
  if (const Value* body = record.find("body"); body && body->is_string()) {
    try {
      Value parsed = json::parse(body->as_string());
      record.set("body", std::move(parsed));
    } catch (const std::exception&) {
    }
  }
  return std::any_of(filters.begin(), filters.end(), [&](const FilterPolicy& f) { return f.matches(record); });
}

// The messageIds a ReportBatchItemFailures response names.
std::set<std::string> reported_failures(const std::string& payload) {
  std::set<std::string> ids;
  try {
    Value response = json::parse(payload);
    if (const Value* failures = response.find("batchItemFailures"); failures && failures->is_array())
      for (const auto& f : failures->as_array())
        if (const Value* id = f.find("itemIdentifier"); id && id->is_string()) ids.insert(id->as_string());
  } catch (const std::exception&) {
  }
  return ids;
}

}  // namespace

struct LambdaService::Batch {
  std::string uuid;
  std::uint64_t generation = 0;
  std::vector<Value> messages;
  std::int64_t deadline_ms = 0;
  std::unique_ptr<Timer> retry;
};

// `operation` (DeleteMessageBatch, ChangeMessageVisibilityBatch) for the messages,
// ten to a call, each entry with its receipt handle and the `extra` members.
void LambdaService::for_messages(const std::string& queue_arn, const char* operation,
                                 const std::vector<const Value*>& messages, const Object& extra) {
  Service* sqs = services_("sqs");
  if (!sqs) return;
  QueueAddress queue = address_of(queue_arn);
  for (std::size_t start = 0; start < messages.size(); start += kMaxReceive) {
    Value entries = Value::array();
    for (std::size_t i = start; i < std::min(messages.size(), start + kMaxReceive); ++i) {
      Value entry = Value(Object{{"Id", Value(std::to_string(i - start))}, {"ReceiptHandle", *messages[i]->find("ReceiptHandle")}});
      for (const auto& [name, value] : extra) entry.set(name, value);
      entries.push(std::move(entry));
    }
    sqs->call(operation, queue.context, Value(Object{{"QueueUrl", Value(queue.url)}, {"Entries", std::move(entries)}}),
              [](Outcome) {});
  }
}

void LambdaService::start_pollers(const std::string& uuid) {
  EventSourceMapping& m = mappings_.at(uuid);
  ++m.generation;  // the pollers of the previous settings stop at their next step
  if (m.configuration.find("State")->as_string() != "Enabled" || stopping_) return;
  std::int64_t pollers = kDefaultPollers;
  if (const Value* scaling = m.configuration.find("ScalingConfig"))
    if (const Value* maximum = scaling->find("MaximumConcurrency"); maximum && maximum->is_int())
      pollers = std::min<std::int64_t>(maximum->as_int(), kDefaultPollers);
  // No more batches at once than the function may run at once.
  auto reference = parse_reference(m.configuration.find("FunctionArn")->as_string());
  if (auto f = reference ? functions_.find(function_arn(reference->region, reference->account, reference->name)) : functions_.end();
      f != functions_.end() && f->second.reserved_concurrency)
    pollers = std::clamp<std::int64_t>(*f->second.reserved_concurrency, 1, pollers);
  for (std::int64_t i = 0; i < pollers; ++i) {
    auto batch = std::make_shared<Batch>();
    batch->uuid = uuid;
    batch->generation = m.generation;
    receive(batch);
  }
}

LambdaService::EventSourceMapping* LambdaService::current(const Batch& batch) {
  auto it = mappings_.find(batch.uuid);
  if (stopping_ || it == mappings_.end() || it->second.generation != batch.generation) return nullptr;
  return &it->second;
}

void LambdaService::receive(std::shared_ptr<Batch> batch) {
  EventSourceMapping* m = current(*batch);
  Service* sqs = services_("sqs");
  if (!m || !sqs) return;
  const Value& c = m->configuration;
  std::int64_t size = c.find("BatchSize")->as_int();
  std::int64_t wait = kLongPollSeconds;
  // Rounded up: a wait of 0 would answer at once and spin until the window ends.
  if (!batch->messages.empty()) wait = std::max<std::int64_t>(1, (batch->deadline_ms - ids::now_ms() + 999) / 1000);
  QueueAddress queue = address_of(c.find("EventSourceArn")->as_string());
  Value input = Value(Object{
      {"QueueUrl", Value(queue.url)},
      {"MaxNumberOfMessages", Value(std::min<std::int64_t>(kMaxReceive, size - static_cast<std::int64_t>(batch->messages.size())))},
      {"WaitTimeSeconds", Value(wait)},
      {"AttributeNames", Value(Array{Value("All")})},
      {"MessageAttributeNames", Value(Array{Value("All")})}});
  // SQS may answer inside call(): the answer is handled later, under this service's lock.
  sqs->call("ReceiveMessage", queue.context, std::move(input), [this, batch](Outcome outcome) {
    scheduler_.post([this, batch, outcome = std::move(outcome)] {
      std::lock_guard lock(mutex_);
      received(batch, outcome);
    });
  });
}

void LambdaService::received(const std::shared_ptr<Batch>& batch, const Outcome& outcome) {
  const Value* messages = nullptr;
  if (const Value* output = std::get_if<Value>(&outcome))
    if (const Value* list = output->find("Messages"); list && list->is_array()) messages = list;
  auto it = mappings_.find(batch->uuid);
  // Messages a poller of a deleted or disabled mapping received go back to the queue.
  if (it == mappings_.end() || stopping_ || it->second.configuration.find("State")->as_string() != "Enabled") {
    std::vector<const Value*> back;
    for (const auto& message : batch->messages) back.push_back(&message);
    if (messages)
      for (const auto& message : messages->as_array()) back.push_back(&message);
    // ...made visible again at once.
    if (it != mappings_.end())
      for_messages(it->second.configuration.find("EventSourceArn")->as_string(), "ChangeMessageVisibilityBatch", back,
                   Object{{"VisibilityTimeout", Value(0)}});
    return;
  }
  EventSourceMapping& m = it->second;
  if (std::holds_alternative<ApiError>(outcome)) {
    m.configuration.set("LastProcessingResult", "PROBLEM: " + std::string(std::get<ApiError>(outcome).what()));
    if (m.generation != batch->generation) return;
    batch->retry = scheduler_.after(kRetryAfterError, [this, batch] {
      std::lock_guard lock(mutex_);
      receive(batch);
    });
    return;
  }
  const std::string& queue_arn = m.configuration.find("EventSourceArn")->as_string();
  if (messages) {
    // Messages no filter matches are deleted unseen, as Lambda does.
    std::vector<const Value*> unwanted;
    for (const auto& message : messages->as_array()) {
      if (!m.filters.empty() && !passes(m.filters, record(message, queue_arn, ""))) {
        unwanted.push_back(&message);
        continue;
      }
      if (batch->messages.empty())
        batch->deadline_ms = ids::now_ms() + m.configuration.find("MaximumBatchingWindowInSeconds")->as_int() * 1000;
      batch->messages.push_back(message);
    }
    for_messages(queue_arn, "DeleteMessageBatch", unwanted, {});
  }
  // A poller of superseded settings hands over what it holds and stops.
  bool stale = m.generation != batch->generation;
  bool full = static_cast<std::int64_t>(batch->messages.size()) >= m.configuration.find("BatchSize")->as_int();
  if (batch->messages.empty()) {
    if (!stale) receive(batch);
    return;
  }
  if (!stale && !full && ids::now_ms() < batch->deadline_ms) return receive(batch);
  invoke_batch(batch);
}

void LambdaService::invoke_batch(const std::shared_ptr<Batch>& batch) {
  auto it = mappings_.find(batch->uuid);
  if (it == mappings_.end()) return;
  const std::string& queue_arn = it->second.configuration.find("EventSourceArn")->as_string();
  const std::string& function_arn = it->second.configuration.find("FunctionArn")->as_string();
  // The function (or the version or alias the mapping names) may be gone: the batch
  // goes back to the queue and the poller tries again later, as Lambda does.
  auto reference = parse_reference(function_arn);
  auto f = functions_.find(reference ? lambda::function_arn(reference->region, reference->account, reference->name) : "");
  const FunctionVersion* v = nullptr;
  if (f != functions_.end()) {
    try {
      v = &target_version(f->second, reference->qualifier);
    } catch (const ApiError&) {
    }
  }
  if (!v) {
    it->second.configuration.set("LastProcessingResult", "PROBLEM: Function not found");
    auto next = std::make_shared<Batch>();
    next->uuid = batch->uuid;
    next->generation = batch->generation;
    next->retry = scheduler_.after(kRetryAfterError, [this, next] {
      std::lock_guard lock(mutex_);
      receive(next);
    });
    return;
  }
  QueueAddress queue = address_of(queue_arn);
  Array records;
  for (const auto& message : batch->messages) records.push_back(record(message, queue_arn, queue.context.region));
  InvokeRequest request;
  request.payload = json::write(Value(Object{{"Records", Value(std::move(records))}}));
  request.invoked_arn = function_arn;
  request.done = [this, batch](InvokeResult result) {
    std::lock_guard lock(mutex_);
    settle(batch, result);
  };
  FunctionRuntime runtime = runtime_for(f->second, *v);
  runtime.reserved = runtime.concurrency == 0;  // batches wait for a free environment
  executor_.invoke(runtime, std::move(request));
}

void LambdaService::settle(const std::shared_ptr<Batch>& batch, const InvokeResult& result) {
  auto it = mappings_.find(batch->uuid);
  if (it == mappings_.end()) return;
  const Value& c = it->second.configuration;
  bool handled = !result.function_error && !result.throttled;
  std::set<std::string> failed;
  if (handled && !c.find("FunctionResponseTypes")->as_array().empty()) failed = reported_failures(result.payload);
  if (handled) {
    std::vector<const Value*> done;
    for (const auto& message : batch->messages)
      if (!failed.contains(message.find("MessageId")->as_string())) done.push_back(&message);
    for_messages(c.find("EventSourceArn")->as_string(), "DeleteMessageBatch", done, {});
  }
  it->second.configuration.set("LastProcessingResult", handled ? "OK" : "PROBLEM: Function call failed");
  if (it->second.generation != batch->generation || stopping_) return;
  auto next = std::make_shared<Batch>();
  next->uuid = batch->uuid;
  next->generation = batch->generation;
  receive(next);
}

}  // namespace stratus::lambda
