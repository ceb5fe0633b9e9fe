#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "protocol/codec.hpp"
#include "protocol/json.hpp"

namespace stratus::protocol {
namespace {

constexpr const char* kQueueUrl = "http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fq";
constexpr const char* kNamespace = "http://queue.amazonaws.com/doc/2012-11-05/";
constexpr const char* kAuthorization =
    "AWS4-HMAC-SHA256 Credential=AKIDTEST/20261127/eu-west-1/sqs/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, Signature=00";

const ModelRegistry& models() { return ModelRegistry::builtin(); }
const ServiceModel& sqs() { return *models().by_service("sqs"); }

HttpRequest form_request(const std::string& body, const std::string& target = "/") {
  HttpRequest r;
  r.method = "POST";
  r.target = target;
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Host", "localhost"}};
  r.body = body;
  return r;
}

HttpRequest json_request(const std::string& operation, const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers = {{"Content-Type", "application/x-amz-json-1.0"}, {"X-Amz-Target", "AmazonSQS." + operation}};
  r.body = body;
  return r;
}

Decoded decode_ok(const HttpRequest& request) {
  auto decoded = decode(request, models(), "req-1");
  if (!decoded) throw std::runtime_error("not an API call");
  if (!decoded->call) throw std::runtime_error("decode failed: " + decoded->error.body);
  return std::move(*decoded);
}

HttpResponse decode_error(const HttpRequest& request) {
  auto decoded = decode(request, models(), "req-1");
  if (!decoded) throw std::runtime_error("not an API call");
  if (decoded->call) throw std::runtime_error("decoded to " + json::write(decoded->call->input));
  return decoded->error;
}

// Object members sorted by name, recursively: the decoded order follows the model's
// member order, which these tests do not care about.
Value sorted(const Value& v) {
  if (v.is_array()) {
    Value out = Value::array();
    for (const auto& e : v.as_array()) out.push(sorted(e));
    return out;
  }
  if (!v.is_object()) return v;
  Object members;
  for (const auto& [k, e] : v.as_object()) members.emplace_back(k, sorted(e));
  std::sort(members.begin(), members.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return Value(std::move(members));
}

std::string canonical(const Value& v) { return json::write(sorted(v)); }
std::string canonical_text(const std::string& json_text) { return canonical(json::parse(json_text)); }

std::string header(const HttpResponse& r, const std::string& name) {
  std::string_view value = r.header(name);
  return value.empty() ? "<absent>" : std::string(value);
}

Call call_for(Wire wire, const std::string& operation) {
  Call call;
  call.wire = wire;
  call.model = &sqs();
  call.operation = sqs().operation(operation);
  return call;
}

std::string xml_error(const std::string& type, const std::string& code, const std::string& message,
                      const std::string& xmlns = kNamespace) {
  return "<?xml version=\"1.0\"?><ErrorResponse" + (xmlns.empty() ? std::string() : " xmlns=\"" + xmlns + "\"") +
         "><Error><Type>" + type + "</Type><Code>" + code + "</Code><Message>" + message +
         "</Message><Detail></Detail></Error><RequestId>req-1</RequestId></ErrorResponse>";
}

}  // namespace

// ---- awsQuery decoding --------------------------------------------------------------

TEST(QueryDecode, SendMessageWithMessageAndSystemAttributes) {
  Decoded d = decode_ok(form_request(
      std::string("Action=SendMessage&Version=2012-11-05&QueueUrl=") + kQueueUrl +
      "&MessageBody=hello+world&DelaySeconds=5"
      "&MessageAttribute.1.Name=color&MessageAttribute.1.Value.StringValue=red"
      "&MessageAttribute.1.Value.DataType=String"
      "&MessageAttribute.2.Name=blob&MessageAttribute.2.Value.BinaryValue=AAEC%2Fw%3D%3D"
      "&MessageAttribute.2.Value.DataType=Binary"
      "&MessageSystemAttribute.1.Name=AWSTraceHeader"
      "&MessageSystemAttribute.1.Value.StringValue=Root%3D1-abc"
      "&MessageSystemAttribute.1.Value.DataType=String"));
  const Call& call = *d.call;
  EXPECT_EQ(call.wire, Wire::AwsQuery);
  EXPECT_EQ(call.model, &sqs());
  EXPECT_EQ(call.operation->name, "SendMessage");
  EXPECT_EQ(canonical(call.input), canonical_text(R"({
    "QueueUrl": "http://localhost:4566/000000000000/q",
    "MessageBody": "hello world",
    "DelaySeconds": 5,
    "MessageAttributes": {
      "color": {"StringValue": "red", "DataType": "String"},
      "blob": {"BinaryValue": "AAEC/w==", "DataType": "Binary"}
    },
    "MessageSystemAttributes": {
      "AWSTraceHeader": {"StringValue": "Root=1-abc", "DataType": "String"}
    }
  })"));
  // Map entries keep their index order.
  const Object& attributes = call.input.find("MessageAttributes")->as_object();
  ASSERT_EQ(attributes.size(), 2u);
  EXPECT_EQ(attributes[0].first, "color");
  EXPECT_EQ(attributes[1].first, "blob");
  EXPECT_TRUE(call.access_key.empty());
  EXPECT_TRUE(call.region.empty());
}

TEST(QueryDecode, SendMessageBatchEntriesWithNestedAttributes) {
  Decoded d = decode_ok(form_request(
      std::string("Action=SendMessageBatch&QueueUrl=") + kQueueUrl +
      "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=first"
      "&SendMessageBatchRequestEntry.1.DelaySeconds=3"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=1"
      "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number"
      "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=second"
      "&SendMessageBatchRequestEntry.2.MessageGroupId=g"
      "&SendMessageBatchRequestEntry.2.MessageDeduplicationId=d"));
  EXPECT_EQ(d.call->operation->name, "SendMessageBatch");
  EXPECT_EQ(canonical(d.call->input), canonical_text(R"({
    "QueueUrl": "http://localhost:4566/000000000000/q",
    "Entries": [
      {"Id": "a", "MessageBody": "first", "DelaySeconds": 3,
       "MessageAttributes": {"k": {"StringValue": "1", "DataType": "Number"}}},
      {"Id": "b", "MessageBody": "second", "MessageGroupId": "g", "MessageDeduplicationId": "d"}
    ]
  })"));
}

TEST(QueryDecode, ListIndexesAreNumbersNotPrefixes) {
  std::string body = std::string("Action=SendMessageBatch&QueueUrl=") + kQueueUrl;
  for (int i = 1; i <= 12; ++i) {
    std::string entry = "&SendMessageBatchRequestEntry." + std::to_string(i);
    body += entry + ".Id=e" + std::to_string(i) + entry + ".MessageBody=b";
  }
  Decoded d = decode_ok(form_request(body));
  const Array& entries = d.call->input.find("Entries")->as_array();
  ASSERT_EQ(entries.size(), 12u);
  for (int i = 0; i < 12; ++i)
    EXPECT_EQ(entries[static_cast<size_t>(i)].find("Id")->as_string(), "e" + std::to_string(i + 1));
}

TEST(QueryDecode, ReceiveMessageNameLists) {
  Decoded d = decode_ok(form_request(
      std::string("Action=ReceiveMessage&QueueUrl=") + kQueueUrl +
      "&AttributeName.1=All&AttributeName.2=SentTimestamp"
      "&MessageAttributeName.1=color&MessageAttributeName.2=foo.*"
      "&MessageSystemAttributeNames.1=SequenceNumber"
      "&MaxNumberOfMessages=10&VisibilityTimeout=30&WaitTimeSeconds=0&ReceiveRequestAttemptId=x"));
  EXPECT_EQ(canonical(d.call->input), canonical_text(R"({
    "QueueUrl": "http://localhost:4566/000000000000/q",
    "AttributeNames": ["All", "SentTimestamp"],
    "MessageAttributeNames": ["color", "foo.*"],
    "MessageSystemAttributeNames": ["SequenceNumber"],
    "MaxNumberOfMessages": 10,
    "VisibilityTimeout": 30,
    "WaitTimeSeconds": 0,
    "ReceiveRequestAttemptId": "x"
  })"));
  EXPECT_TRUE(d.call->input.find("MaxNumberOfMessages")->is_int());
}

TEST(QueryDecode, CreateQueueAttributeAndTagMaps) {
  Decoded d = decode_ok(form_request(
      "Action=CreateQueue&QueueName=jobs.fifo"
      "&Attribute.1.Name=FifoQueue&Attribute.1.Value=true"
      "&Attribute.2.Name=VisibilityTimeout&Attribute.2.Value=60"
      "&Attribute.3.Name=RedrivePolicy"
      "&Attribute.3.Value=%7B%22maxReceiveCount%22%3A%225%22%7D"
      "&Tag.1.Key=team&Tag.1.Value=core&Tag.2.Key=env&Tag.2.Value="));
  EXPECT_EQ(d.call->operation->name, "CreateQueue");
  EXPECT_EQ(canonical(d.call->input), canonical_text(R"({
    "QueueName": "jobs.fifo",
    "Attributes": {"FifoQueue": "true", "VisibilityTimeout": "60", "RedrivePolicy": "{\"maxReceiveCount\":\"5\"}"},
    "tags": {"team": "core", "env": ""}
  })"));
}

TEST(QueryDecode, AnEmptyListIsSentAsABareName) {
  Decoded d = decode_ok(form_request(std::string("Action=DeleteMessageBatch&QueueUrl=") + kQueueUrl + "&Entries="));
  EXPECT_EQ(canonical(d.call->input),
            canonical_text(R"({"QueueUrl": "http://localhost:4566/000000000000/q", "Entries": []})"));

  Decoded send = decode_ok(form_request(std::string("Action=SendMessageBatch&QueueUrl=") + kQueueUrl + "&Entries="));
  ASSERT_NE(send.call->input.find("Entries"), nullptr);
  EXPECT_TRUE(send.call->input.find("Entries")->as_array().empty());
}

TEST(QueryDecode, AbsentMembersStayAbsent) {
  Decoded d = decode_ok(form_request(std::string("Action=ReceiveMessage&QueueUrl=") + kQueueUrl));
  EXPECT_EQ(canonical(d.call->input), canonical_text(R"({"QueueUrl": "http://localhost:4566/000000000000/q"})"));
}

TEST(QueryDecode, ParametersMayComeInTheQueryString) {
  HttpRequest r;
  r.method = "GET";
  r.target = std::string("/?Action=GetQueueUrl&QueueName=q");
  Decoded d = decode_ok(r);
  EXPECT_EQ(d.call->operation->name, "GetQueueUrl");
  EXPECT_EQ(d.call->input.find("QueueName")->as_string(), "q");
}

TEST(QueryDecode, BodyParametersWinOverTheQueryString) {
  Decoded d = decode_ok(form_request("Action=GetQueueUrl&QueueName=from-body", "/?QueueName=from-query&Action=Bogus"));
  EXPECT_EQ(d.call->operation->name, "GetQueueUrl");
  EXPECT_EQ(d.call->input.find("QueueName")->as_string(), "from-body");
}

TEST(QueryDecode, SigV4CredentialGivesAccessKeyAndRegion) {
  HttpRequest r = form_request("Action=ListQueues");
  r.headers.emplace_back("Authorization", kAuthorization);
  Decoded d = decode_ok(r);
  EXPECT_EQ(d.call->access_key, "AKIDTEST");
  EXPECT_EQ(d.call->region, "eu-west-1");
}

TEST(QueryDecode, PresignedCredentialInTheQueryStringCounts) {
  HttpRequest r;
  r.method = "GET";
  r.target = "/?Action=ListQueues&X-Amz-Algorithm=AWS4-HMAC-SHA256"
             "&X-Amz-Credential=AKIDQ%2F20261127%2Fap-northeast-1%2Fsqs%2Faws4_request&X-Amz-Signature=00";
  Decoded d = decode_ok(r);
  EXPECT_EQ(d.call->access_key, "AKIDQ");
  EXPECT_EQ(d.call->region, "ap-northeast-1");
}

TEST(QueryDecode, ARequestWithoutActionOrTargetIsNoApiCall) {
  HttpRequest get;
  get.method = "GET";
  get.target = "/";
  EXPECT_FALSE(decode(get, models(), "req-1"));
  // A body that is not a form is not read for an Action.
  HttpRequest json_body = form_request("Action=ListQueues");
  json_body.headers = {{"Content-Type", "application/json"}};
  EXPECT_FALSE(decode(json_body, models(), "req-1"));
}

TEST(QueryDecode, AFormWithoutActionIsMissingAction) {
  HttpResponse r = decode_error(form_request("QueueName=q"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, xml_error("Sender", "MissingAction", "Missing Action", ""));
}

TEST(QueryDecode, AnEmptyActionIsMissingAction) {
  HttpResponse r = decode_error(form_request("Action=&QueueName=q"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, xml_error("Sender", "MissingAction", "Missing Action", ""));
  EXPECT_EQ(header(r, "Content-Type"), "text/xml");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "req-1");
}

TEST(QueryDecode, AnUnknownActionIsInvalidActionInXml) {
  HttpResponse r = decode_error(form_request("Action=Explode"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, xml_error("Sender", "InvalidAction", "The action Explode is not valid for this endpoint.", ""));

  // With a SigV4 scope the service is known, and its namespace is used.
  HttpRequest signed_request = form_request("Action=Explode");
  signed_request.headers.emplace_back("Authorization", kAuthorization);
  r = decode_error(signed_request);
  EXPECT_EQ(r.body, xml_error("Sender", "InvalidAction", "The action Explode is not valid for this endpoint."));
}

TEST(QueryDecode, AMissingRequiredParameterIsMissingParameter) {
  HttpResponse r = decode_error(form_request(std::string("Action=SendMessage&QueueUrl=") + kQueueUrl));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, xml_error("Sender", "MissingParameter", "The request must contain the parameter MessageBody."));

  r = decode_error(form_request("Action=GetQueueUrl"));
  EXPECT_EQ(r.body, xml_error("Sender", "MissingParameter", "The request must contain the parameter QueueName."));
}

TEST(QueryDecode, ARequiredMemberOfAListEntryIsNotCheckedHere) {
  // Only the operation's top-level required members are the codec's business.
  Decoded d = decode_ok(form_request(std::string("Action=SendMessageBatch&QueueUrl=") + kQueueUrl +
                                     "&SendMessageBatchRequestEntry.1.Id=a"));
  EXPECT_EQ(d.call->input.find("Entries")->as_array().size(), 1u);
}

TEST(QueryDecode, ANonIntegerIsInvalidParameterValue) {
  for (const char* value : {"ten", "1.5", "", "10x", "%2B"}) {
    SCOPED_TRACE(value);
    HttpResponse r = decode_error(form_request(std::string("Action=ReceiveMessage&QueueUrl=") + kQueueUrl +
                                               "&MaxNumberOfMessages=" + value));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("<Type>Sender</Type><Code>InvalidParameterValue</Code>"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("MaxNumberOfMessages"), std::string::npos) << r.body;
  }
}

TEST(QueryDecode, AMalformedFormIsMalformedQueryString) {
  HttpResponse r = decode_error(form_request("Action=ListQueues&QueueNamePrefix=%zz"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("<Code>MalformedQueryString</Code>"), std::string::npos) << r.body;
}

// ---- awsQuery encoding -----------------------------------------------------------------

TEST(QueryEncode, ReceiveMessageResponseXml) {
  Value output = json::parse(R"({"Messages": [{
      "MessageId": "id-1",
      "ReceiptHandle": "rh-1",
      "MD5OfBody": "5d41402abc4b2a76b9719d911017c592",
      "Body": "hello",
      "Attributes": {"SenderId": "AIDA", "SentTimestamp": "1700000000000"},
      "MD5OfMessageAttributes": "a512aac9938034acb0b3c3d965944bf1",
      "MessageAttributes": {
        "a": {"StringValue": "x", "DataType": "String"},
        "b": {"BinaryValue": "AAEC", "DataType": "Binary"}
      }
    }, {
      "MessageId": "id-2", "ReceiptHandle": "rh-2", "MD5OfBody": "m", "Body": "second"
    }]})");
  HttpResponse r = encode_output(call_for(Wire::AwsQuery, "ReceiveMessage"), output, "req-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header(r, "Content-Type"), "text/xml");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\"?>"
            "<ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ReceiveMessageResult>"
            "<Message>"
            "<Attribute><Name>SenderId</Name><Value>AIDA</Value></Attribute>"
            "<Attribute><Name>SentTimestamp</Name><Value>1700000000000</Value></Attribute>"
            "<Body>hello</Body>"
            "<MD5OfBody>5d41402abc4b2a76b9719d911017c592</MD5OfBody>"
            "<MD5OfMessageAttributes>a512aac9938034acb0b3c3d965944bf1</MD5OfMessageAttributes>"
            "<MessageAttribute><Name>a</Name><Value><DataType>String</DataType><StringValue>x</StringValue></Value>"
            "</MessageAttribute>"
            "<MessageAttribute><Name>b</Name><Value><BinaryValue>AAEC</BinaryValue><DataType>Binary</DataType></Value>"
            "</MessageAttribute>"
            "<MessageId>id-1</MessageId>"
            "<ReceiptHandle>rh-1</ReceiptHandle>"
            "</Message>"
            "<Message><Body>second</Body><MD5OfBody>m</MD5OfBody><MessageId>id-2</MessageId>"
            "<ReceiptHandle>rh-2</ReceiptHandle></Message>"
            "</ReceiveMessageResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>"
            "</ReceiveMessageResponse>");
}

TEST(QueryEncode, AnEmptyReceiveHasAnEmptyResult) {
  std::string expected =
      "<?xml version=\"1.0\"?><ReceiveMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
      "<ReceiveMessageResult></ReceiveMessageResult>"
      "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></ReceiveMessageResponse>";
  Call call = call_for(Wire::AwsQuery, "ReceiveMessage");
  EXPECT_EQ(encode_output(call, Value::object(), "req-1").body, expected);
  EXPECT_EQ(encode_output(call, Value(), "req-1").body, expected);
  EXPECT_EQ(encode_output(call, json::parse(R"({"Messages": []})"), "req-1").body, expected);
}

TEST(QueryEncode, EscapesMarkupCharactersInText) {
  Value output = json::parse(R"({"Messages": [{"Body": "<&>\"' and\r\n"}]})");
  HttpResponse r = encode_output(call_for(Wire::AwsQuery, "ReceiveMessage"), output, "req-1");
  EXPECT_NE(r.body.find("<Body>&lt;&amp;&gt;&quot;&apos; and&#xD;\n</Body>"), std::string::npos) << r.body;
}

TEST(QueryEncode, NonListOutputsUseTheResultWrapperAndScalarsAsText) {
  Value output = json::parse(R"({"QueueUrl": "http://h/1/q"})");
  HttpResponse r = encode_output(call_for(Wire::AwsQuery, "GetQueueUrl"), output, "req-1");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\"?><GetQueueUrlResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<GetQueueUrlResult><QueueUrl>http://h/1/q</QueueUrl></GetQueueUrlResult>"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></GetQueueUrlResponse>");

  Value list = json::parse(R"({"QueueUrls": ["u1", "u2"]})");
  r = encode_output(call_for(Wire::AwsQuery, "ListQueues"), list, "req-1");
  EXPECT_NE(r.body.find("<ListQueuesResult><QueueUrl>u1</QueueUrl><QueueUrl>u2</QueueUrl></ListQueuesResult>"),
            std::string::npos)
      << r.body;
}

TEST(QueryEncode, OperationsWithoutOutputOnlyCarryTheRequestId) {
  HttpResponse r = encode_output(call_for(Wire::AwsQuery, "DeleteMessage"), Value(), "req-1");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\"?><DeleteMessageResponse xmlns=\"http://queue.amazonaws.com/doc/2012-11-05/\">"
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></DeleteMessageResponse>");
}

// ---- errors in both protocols --------------------------------------------------------

TEST(EncodeError, ModelErrorInJsonCarriesTheQueryErrorHeader) {
  HttpResponse r = encode_error(call_for(Wire::AwsJson, "GetQueueUrl"),
                                ApiError("QueueDoesNotExist", "The specified queue does not exist."), "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(canonical_text(r.body),
            canonical_text(R"({"__type": "com.amazonaws.sqs#QueueDoesNotExist",
                          "message": "The specified queue does not exist."})"));
  EXPECT_EQ(header(r, "x-amzn-query-error"), "AWS.SimpleQueueService.NonExistentQueue;Sender");
  EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "req-1");
}

TEST(EncodeError, ModelErrorInXmlUsesTheQueryCode) {
  HttpResponse r = encode_error(call_for(Wire::AwsQuery, "GetQueueUrl"),
                                ApiError("QueueDoesNotExist", "The specified queue does not exist."), "req-1");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, xml_error("Sender", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist."));
  EXPECT_EQ(header(r, "Content-Type"), "text/xml");
}

TEST(EncodeError, TheModelsStatusWins) {
  ApiError error("PurgeQueueInProgress", "Only one PurgeQueue operation is allowed every 60 seconds.");
  HttpResponse json = encode_error(call_for(Wire::AwsJson, "PurgeQueue"), error, "req-1");
  EXPECT_EQ(json.status, 403);
  EXPECT_EQ(header(json, "x-amzn-query-error"), "AWS.SimpleQueueService.PurgeQueueInProgress;Sender");
  HttpResponse xml = encode_error(call_for(Wire::AwsQuery, "PurgeQueue"), error, "req-1");
  EXPECT_EQ(xml.status, 403);
  EXPECT_NE(xml.body.find("<Code>AWS.SimpleQueueService.PurgeQueueInProgress</Code>"), std::string::npos);
}

TEST(EncodeError, ErrorsOutsideTheModelKeepTheirOwnCodeStatusAndFault) {
  ApiError sender = invalid_parameter("Value x for parameter y is invalid.");
  HttpResponse json = encode_error(call_for(Wire::AwsJson, "SendMessage"), sender, "req-1");
  EXPECT_EQ(json.status, 400);
  EXPECT_EQ(json::parse(json.body).find("__type")->as_string(), "com.amazonaws.sqs#InvalidParameterValue");
  EXPECT_EQ(header(json, "x-amzn-query-error"), "InvalidParameterValue;Sender");

  ApiError receiver("InternalFailure", "The change could not be stored.", 500, false);
  json = encode_error(call_for(Wire::AwsJson, "SendMessage"), receiver, "req-1");
  EXPECT_EQ(json.status, 500);
  EXPECT_EQ(header(json, "x-amzn-query-error"), "InternalFailure;Receiver");
  HttpResponse xml = encode_error(call_for(Wire::AwsQuery, "SendMessage"), receiver, "req-1");
  EXPECT_EQ(xml.status, 500);
  EXPECT_EQ(xml.body, xml_error("Receiver", "InternalFailure", "The change could not be stored."));
}

TEST(EncodeError, EscapesTheMessageInXml) {
  HttpResponse r = encode_error(call_for(Wire::AwsQuery, "SendMessage"), invalid_parameter("bad <value> & 'x'"),
                                "req-1");
  EXPECT_NE(r.body.find("<Message>bad &lt;value&gt; &amp; &apos;x&apos;</Message>"), std::string::npos) << r.body;
}

// ---- awsJson decoding ------------------------------------------------------------------

TEST(JsonDecode, SendMessageByTarget) {
  std::string body = R"({"QueueUrl": "http://localhost:4566/000000000000/q", "MessageBody": "hi",
                         "DelaySeconds": 5, "MessageAttributes": {"a": {"DataType": "String", "StringValue": "x"}},
                         "SomethingNew": {"ignored": true}})";
  Decoded d = decode_ok(json_request("SendMessage", body));
  EXPECT_EQ(d.call->wire, Wire::AwsJson);
  EXPECT_EQ(d.call->model, &sqs());
  EXPECT_EQ(d.call->operation->name, "SendMessage");
  EXPECT_EQ(d.call->input, json::parse(body));
}

TEST(JsonDecode, NullMembersAreAccepted) {
  Decoded d = decode_ok(json_request("ReceiveMessage", R"({"QueueUrl": "u", "MaxNumberOfMessages": null})"));
  EXPECT_TRUE(d.call->input.find("MaxNumberOfMessages")->is_null());
}

TEST(JsonDecode, MalformedJsonIsSerializationException) {
  for (const char* body : {"{", "{\"QueueUrl\": }", "[]", "\"text\"", "{} trailing", "nope"}) {
    SCOPED_TRACE(body);
    HttpResponse r = decode_error(json_request("ListQueues", body));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::parse(r.body).find("__type")->as_string(), "com.amazonaws.sqs#SerializationException");
    EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.0");
  }
}

TEST(JsonDecode, AWrongMemberTypeIsSerializationException) {
  struct Case {
    const char* operation;
    const char* body;
  };
  for (const Case& c : {Case{"SendMessage", R"({"QueueUrl": "u", "MessageBody": 5})"},
                        Case{"SendMessage", R"({"QueueUrl": "u", "MessageBody": "b", "DelaySeconds": "5"})"},
                        Case{"SendMessage", R"({"QueueUrl": "u", "MessageBody": "b", "DelaySeconds": 1.5})"},
                        Case{"SendMessage", R"({"QueueUrl": "u", "MessageBody": "b", "MessageAttributes": []})"},
                        Case{"SendMessage",
                             R"({"QueueUrl": "u", "MessageBody": "b", "MessageAttributes": {"a": {"DataType": 1}}})"},
                        Case{"ReceiveMessage", R"({"QueueUrl": "u", "AttributeNames": "All"})"},
                        Case{"ReceiveMessage", R"({"QueueUrl": "u", "AttributeNames": ["All", 2]})"},
                        Case{"SendMessageBatch", R"({"QueueUrl": "u", "Entries": [{"Id": true}]})"},
                        Case{"CreateQueue", R"({"QueueName": "q", "Attributes": {"DelaySeconds": 5}})"},
                        Case{"ListQueues", R"({"MaxResults": "10"})"}}) {
    SCOPED_TRACE(c.body);
    HttpResponse r = decode_error(json_request(c.operation, c.body));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::parse(r.body).find("__type")->as_string(), "com.amazonaws.sqs#SerializationException");
  }
}

TEST(JsonDecode, AMissingRequiredMemberIsMissingParameter) {
  HttpResponse r = decode_error(json_request("SendMessage", R"({"QueueUrl": "u"})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).find("__type")->as_string(), "com.amazonaws.sqs#MissingParameter");
  EXPECT_EQ(header(r, "x-amzn-query-error"), "MissingParameter;Sender");
  // An empty body is an empty input.
  r = decode_error(json_request("GetQueueUrl", ""));
  EXPECT_EQ(json::parse(r.body).find("message")->as_string(), "The request must contain the parameter QueueName.");
}

TEST(JsonDecode, AnUnknownTargetIsUnknownOperationException) {
  HttpResponse r = decode_error(json_request("Explode", "{}"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(json::parse(r.body).find("__type")->as_string(), "com.amazonaws.sqs#UnknownOperationException");

  HttpRequest other = json_request("SendMessage", "{}");
  other.headers[1].second = "AmazonSNS.Publish";
  r = decode_error(other);
  EXPECT_EQ(json::parse(r.body).find("__type")->as_string(), "UnknownOperationException");

  other.headers[1].second = "NoDotAtAll";
  r = decode_error(other);
  EXPECT_EQ(json::parse(r.body).find("__type")->as_string(), "UnknownOperationException");
}

TEST(JsonDecode, SigV4AuthorizationGivesAccessKeyAndRegion) {
  HttpRequest r = json_request("ListQueues", "{}");
  r.headers.emplace_back("authorization", kAuthorization);  // header names are case-insensitive
  Decoded d = decode_ok(r);
  EXPECT_EQ(d.call->access_key, "AKIDTEST");
  EXPECT_EQ(d.call->region, "eu-west-1");
}

TEST(JsonDecode, AnUnsignedRequestHasNoCredential) {
  Decoded d = decode_ok(json_request("ListQueues", "{}"));
  EXPECT_TRUE(d.call->access_key.empty());
  EXPECT_TRUE(d.call->region.empty());
}

TEST(JsonEncode, OutputIsTheJsonDocument) {
  Call call = call_for(Wire::AwsJson, "GetQueueUrl");
  HttpResponse r = encode_output(call, json::parse(R"({"QueueUrl": "http://h/1/q"})"), "req-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"QueueUrl":"http://h/1/q"})");
  EXPECT_EQ(header(r, "Content-Type"), "application/x-amz-json-1.0");
  EXPECT_EQ(header(r, "x-amzn-RequestId"), "req-1");
  EXPECT_EQ(encode_output(call_for(Wire::AwsJson, "DeleteMessage"), Value(), "req-1").body, "{}");
}

}  // namespace stratus::protocol
