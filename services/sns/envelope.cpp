#include "services/sns/envelope.hpp"

#include "protocol/json.hpp"
#include "services/sns/names.hpp"

namespace stratus::sns {
namespace {

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string certificate_url(const std::string& base_url) {
  return base_url + "/_stratus/sns/" + kCertificatePath;
}

// AWS's string to sign: "Name\nvalue\n" for each signed field, in name order.
std::string string_to_sign(const Object& fields) {
  std::string text;
  for (const auto& [name, value] : fields) text += name + "\n" + value.as_string() + "\n";
  return text;
}

}  // namespace

std::string subscribe_url(const std::string& base_url, const std::string& topic_arn, const std::string& token) {
  return base_url + "/?Action=ConfirmSubscription&TopicArn=" + url_encode(topic_arn) + "&Token=" + token;
}

Value envelope_attributes(const Value& published) {
  Value out = Value::object();
  if (!published.is_object()) return out;
  for (const auto& [name, a] : published.as_object()) {
    const Value* type = a.find("DataType");
    const Value* binary = a.find("BinaryValue");
    const Value* text = a.find("StringValue");
    Value entry = Value::object();
    entry.set("Type", type ? *type : Value("String"));
    entry.set("Value", binary ? *binary : text ? *text : Value(""));
    out.set(name, std::move(entry));
  }
  return out;
}

std::string notification_signature(const Notification& n, const Signer& signer) {
  Object signed_fields = {{"Message", Value(n.message)}, {"MessageId", Value(n.message_id)}};
  if (!n.subject.empty()) signed_fields.emplace_back("Subject", Value(n.subject));
  signed_fields.emplace_back("Timestamp", Value(n.timestamp));
  signed_fields.emplace_back("TopicArn", Value(n.topic_arn));
  signed_fields.emplace_back("Type", Value("Notification"));
  return signer.sign(string_to_sign(signed_fields), n.signature_version);
}

std::string notification_document(const Notification& n, const std::string& subscription_arn, const Signer& signer) {
  return json::write(notification_value(n, subscription_arn, signer));
}

Value notification_value(const Notification& n, const std::string& subscription_arn, const Signer& signer) {
  Value doc = Value::object();
  doc.set("Type", "Notification");
  doc.set("MessageId", n.message_id);
  if (!n.sequence_number.empty()) doc.set("SequenceNumber", n.sequence_number);
  doc.set("TopicArn", n.topic_arn);
  if (!n.subject.empty()) doc.set("Subject", n.subject);
  doc.set("Message", n.message);
  doc.set("Timestamp", n.timestamp);
  if (n.sequence_number.empty()) {
    doc.set("SignatureVersion", std::to_string(n.signature_version));
    doc.set("Signature", n.signature.empty() ? notification_signature(n, signer) : n.signature);
    doc.set("SigningCertURL", certificate_url(n.base_url));
  }
  doc.set("UnsubscribeURL", n.base_url + "/?Action=Unsubscribe&SubscriptionArn=" + url_encode(subscription_arn));
  if (n.attributes.is_object() && !n.attributes.as_object().empty())
    doc.set("MessageAttributes", envelope_attributes(n.attributes));
  return doc;
}

std::string lambda_event(const Notification& n, const std::string& subscription_arn, const Signer& signer) {
  Value doc = notification_value(n, subscription_arn, signer);
  // The same fields as the envelope, but the URLs spelled "Url" and every field present.
  Value sns = Value::object();
  for (const char* name : {"Type", "MessageId", "SequenceNumber", "TopicArn", "Subject", "Message", "Timestamp",
                           "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL", "MessageAttributes"}) {
    std::string key = name;
    if (key.ends_with("URL")) key = key.substr(0, key.size() - 3) + "Url";
    const Value* v = doc.find(name);
    if (v) {
      sns.set(key, *v);
    } else if (key == "Subject") {
      sns.set(key, Value());
    } else if (key == "MessageAttributes") {
      sns.set(key, Value::object());
    }
  }
  Value record = Value(Object{{"EventSource", Value("aws:sns")},
                              {"EventVersion", Value("1.0")},
                              {"EventSubscriptionArn", Value(subscription_arn)},
                              {"Sns", std::move(sns)}});
  return json::write(Value(Object{{"Records", Value(Array{std::move(record)})}}));
}

std::string confirmation_document(const ConfirmationRequest& c, const Signer& signer) {
  std::string message =
      c.type == "UnsubscribeConfirmation"
          ? "You have chosen to deactivate subscription " + c.subscription_arn +
                ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this "
                "message."
          : "You have chosen to subscribe to the topic " + c.topic_arn +
                ".\nTo confirm the subscription, visit the SubscribeURL included in this message.";
  std::string url = subscribe_url(c.base_url, c.topic_arn, c.token);
  Object signed_fields = {{"Message", Value(message)},     {"MessageId", Value(c.message_id)},
                          {"SubscribeURL", Value(url)},    {"Timestamp", Value(c.timestamp)},
                          {"Token", Value(c.token)},       {"TopicArn", Value(c.topic_arn)},
                          {"Type", Value(c.type)}};
  Value doc = Value::object();
  doc.set("Type", c.type);
  doc.set("MessageId", c.message_id);
  doc.set("Token", c.token);
  doc.set("TopicArn", c.topic_arn);
  doc.set("Message", message);
  doc.set("SubscribeURL", url);
  doc.set("Timestamp", c.timestamp);
  doc.set("SignatureVersion", std::to_string(c.signature_version));
  doc.set("Signature", signer.sign(string_to_sign(signed_fields), c.signature_version));
  doc.set("SigningCertURL", certificate_url(c.base_url));
  return json::write(doc);
}

}  // namespace stratus::sns
