"""SNS to SQS delivery: fan-out, the JSON envelope and its signature, raw delivery,
MessageStructure=json, filter policies on message attributes and on the message body,
and FIFO topics to FIFO queues (group order, deduplication)."""

import base64
import hashlib
import json
import unittest
import urllib.parse

try:
    from . import sns_helpers as s
    from . import sqs_helpers as h
except ImportError:
    import sns_helpers as s
    import sqs_helpers as h


class FanOutTest(s.SnsTestCase):

    def test_fan_out_to_several_queues(self):
        topic = self.create_topic()
        subscriptions = [self.subscribe_queue(topic) for _ in range(3)]
        attributes = {"color": s.string_attr("red"), "size": s.number_attr("12.5"),
                      "blob": s.binary_attr(b"\x00\x01\xfe\xff")}
        res = self.sns.publish(TopicArn=topic, Message="hello fan-out", Subject="Greetings",
                               MessageAttributes=attributes)
        message_id = res["MessageId"]
        self.assertRegex(message_id, s.UUID_RE)
        self.assertNotIn("SequenceNumber", res)
        for sub_arn, url in subscriptions:
            received = self.receive_all(url, 1)
            self.assertNotIn("MessageAttributes", received[0])  # not raw: all in the body
            doc = json.loads(received[0]["Body"])
            self.assertNotificationEnvelope(
                doc, topic, message_id, "hello fan-out", sub_arn, subject="Greetings",
                attributes={"color": {"Type": "String", "Value": "red"},
                            "size": {"Type": "Number", "Value": "12.5"},
                            "blob": {"Type": "Binary",
                                     "Value": base64.b64encode(b"\x00\x01\xfe\xff").decode()}})
            self.assertEqual(doc["SignatureVersion"], "1")
            self.assertNotEqual(received[0]["MessageId"], message_id)  # the queue's own id

    def test_envelope_without_subject_or_attributes(self):
        topic = self.create_topic()
        sub_arn, url = self.subscribe_queue(topic)
        message = 'unicode \u00f6\u00a7 "quoted" \\ and\nnewline \U0001F600'
        message_id = self.sns.publish(TopicArn=topic, Message=message)["MessageId"]
        doc = self.envelopes(url, 1)[0]
        self.assertNotificationEnvelope(doc, topic, message_id, message, sub_arn)

    def test_signature_version_2(self):
        topic = self.create_topic(SignatureVersion="2")
        sub_arn, url = self.subscribe_queue(topic)
        message_id = self.sns.publish(TopicArn=topic, Message="signed with SHA256",
                                      Subject="v2")["MessageId"]
        doc = self.envelopes(url, 1)[0]
        self.assertEqual(doc["SignatureVersion"], "2")
        self.assertNotificationEnvelope(doc, topic, message_id, "signed with SHA256", sub_arn,
                                        subject="v2")
        # back to version 1
        self.sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion",
                                      AttributeValue="1")
        self.sns.publish(TopicArn=topic, Message="signed with SHA1")
        doc = self.envelopes(url, 1)[0]
        self.assertEqual(doc["SignatureVersion"], "1")
        self.assertSignatureValid(doc)

    def test_raw_delivery_carries_attributes_as_queue_message_attributes(self):
        topic = self.create_topic()
        _, raw_url = self.subscribe_queue(topic, raw=True)
        enveloped_sub, enveloped_url = self.subscribe_queue(topic)
        attributes = {"store": s.string_attr("example_corp"),
                      "price": s.number_attr("99.12"),
                      "payload": s.binary_attr(b"\x02\x03\x04"),
                      "kind": {"DataType": "String.custom", "StringValue": "special"}}
        message_id = self.sns.publish(TopicArn=topic, Message="raw body", Subject="ignored",
                                      MessageAttributes=attributes)["MessageId"]
        raw = self.receive_all(raw_url, 1)[0]
        self.assertEqual(raw["Body"], "raw body")
        self.assertEqual(raw["MD5OfBody"], h.md5_hex("raw body"))
        self.assertEqual(raw["MessageAttributes"], attributes)
        self.assertEqual(raw["MD5OfMessageAttributes"], h.md5_of_attributes(attributes))
        doc = json.loads(self.receive_all(enveloped_url, 1)[0]["Body"])
        self.assertEqual(doc["MessageId"], message_id)
        self.assertEqual(doc["MessageAttributes"]["kind"], {"Type": "String.custom",
                                                           "Value": "special"})
        # a raw message without attributes has none in the queue either
        self.sns.publish(TopicArn=topic, Message="plain raw")
        raw = self.receive_all(raw_url, 1)[0]
        self.assertEqual(raw["Body"], "plain raw")
        self.assertNotIn("MessageAttributes", raw)
        self.assertEqual(len(self.receive_all(enveloped_url, 1)), 1)

    def test_switching_raw_delivery(self):
        topic = self.create_topic()
        sub_arn, url = self.subscribe_queue(topic)
        self.sns.set_subscription_attributes(SubscriptionArn=sub_arn,
                                             AttributeName="RawMessageDelivery",
                                             AttributeValue="true")
        self.sns.publish(TopicArn=topic, Message="now raw")
        self.assertEqual(self.receive_all(url, 1)[0]["Body"], "now raw")
        self.sns.set_subscription_attributes(SubscriptionArn=sub_arn,
                                             AttributeName="RawMessageDelivery",
                                             AttributeValue="false")
        self.sns.publish(TopicArn=topic, Message="enveloped again")
        self.assertEqual(self.envelopes(url, 1)[0]["Message"], "enveloped again")

    def test_message_structure_json(self):
        topic = self.create_topic()
        sub_arn, url = self.subscribe_queue(topic)
        _, raw_url = self.subscribe_queue(topic, raw=True)
        structure = {"default": "for everyone", "sqs": "for queues", "email": "for people",
                     "http": "for web hooks"}
        message_id = self.sns.publish(TopicArn=topic, Message=json.dumps(structure),
                                      MessageStructure="json")["MessageId"]
        doc = self.envelopes(url, 1)[0]
        self.assertNotificationEnvelope(doc, topic, message_id, "for queues", sub_arn)
        self.assertEqual(self.receive_all(raw_url, 1)[0]["Body"], "for queues")
        # no "sqs" entry: the default
        self.sns.publish(TopicArn=topic, Message=json.dumps({"default": "fallback",
                                                             "lambda": "for functions"}),
                         MessageStructure="json")
        self.assertEqual(self.envelopes(url, 1)[0]["Message"], "fallback")
        self.assertEqual(self.receive_all(raw_url, 1)[0]["Body"], "fallback")
        # without MessageStructure the JSON text is the message
        text = json.dumps({"default": "x", "sqs": "y"})
        self.sns.publish(TopicArn=topic, Message=text)
        self.assertEqual(self.envelopes(url, 1)[0]["Message"], text)
        self.assertEqual(self.receive_all(raw_url, 1)[0]["Body"], text)

    def test_publish_batch_delivers_every_entry(self):
        topic = self.create_topic()
        sub_arn, url = self.subscribe_queue(topic)
        _, raw_url = self.subscribe_queue(topic, raw=True)
        entries = [{"Id": "plain", "Message": "batch plain"},
                   {"Id": "subject", "Message": "batch subject", "Subject": "Batch"},
                   {"Id": "attrs", "Message": "batch attrs",
                    "MessageAttributes": {"n": s.number_attr("19.12")}},
                   {"Id": "structured", "Message": json.dumps({"default": "d", "sqs": "batch sqs"}),
                    "MessageStructure": "json"}]
        res = self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
        self.assertEqual(res.get("Failed", []), [])
        ids = {e["Id"]: e["MessageId"] for e in res["Successful"]}
        self.assertEqual(set(ids), {"plain", "subject", "attrs", "structured"})
        docs = {d["MessageId"]: d for d in self.envelopes(url, 4)}
        self.assertEqual(set(docs), set(ids.values()))
        self.assertNotificationEnvelope(docs[ids["plain"]], topic, ids["plain"], "batch plain", sub_arn)
        self.assertNotificationEnvelope(docs[ids["subject"]], topic, ids["subject"], "batch subject",
                                        sub_arn, subject="Batch")
        self.assertNotificationEnvelope(docs[ids["attrs"]], topic, ids["attrs"], "batch attrs",
                                        sub_arn, attributes={"n": {"Type": "Number",
                                                                   "Value": "19.12"}})
        self.assertNotificationEnvelope(docs[ids["structured"]], topic, ids["structured"],
                                        "batch sqs", sub_arn)
        raw = {m["Body"]: m for m in self.receive_all(raw_url, 4)}
        self.assertEqual(set(raw), {"batch plain", "batch subject", "batch attrs", "batch sqs"})
        self.assertEqual(raw["batch attrs"]["MessageAttributes"], {"n": s.number_attr("19.12")})

    def test_unsubscribed_and_pending_subscriptions_get_nothing(self):
        topic = self.create_topic()
        gone, gone_url = self.subscribe_queue(topic)
        _, kept_url = self.subscribe_queue(topic)
        self.sns.unsubscribe(SubscriptionArn=gone)
        self.sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="pending@example.com")
        self.sns.publish(TopicArn=topic, Message="after unsubscribe")
        self.assertEqual(self.envelopes(kept_url, 1)[0]["Message"], "after unsubscribe")
        self.assertEqual(self.bodies(gone_url), [])

    def test_unsubscribe_url_unsubscribes(self):
        topic = self.create_topic()
        sub_arn, url = self.subscribe_queue(topic)
        self.sns.publish(TopicArn=topic, Message="first")
        doc = self.envelopes(url, 1)[0]
        status, body = s.get_url(doc["UnsubscribeURL"])
        self.assertEqual(status, 200, body)
        self.assertIn(b"UnsubscribeResponse", body)
        self.assertEqual(self.topic_subscriptions(topic), [])
        self.sns.publish(TopicArn=topic, Message="second")
        self.assertEqual(self.bodies(url), [])

    def test_signing_certificate_is_served(self):
        topic = self.create_topic()
        _, url = self.subscribe_queue(topic)
        self.sns.publish(TopicArn=topic, Message="cert")
        doc = self.envelopes(url, 1)[0]
        parsed = urllib.parse.urlparse(doc["SigningCertURL"])
        self.assertIn(parsed.scheme, ("http", "https"))
        status, pem = s.get_url(doc["SigningCertURL"])
        self.assertEqual(status, 200)
        self.assertTrue(pem.startswith(b"-----BEGIN CERTIFICATE-----"), pem[:40])
        # every message names the same certificate
        self.sns.publish(TopicArn=topic, Message="cert again")
        self.assertEqual(self.envelopes(url, 1)[0]["SigningCertURL"], doc["SigningCertURL"])


# Messages for the attribute filter tests: label -> MessageAttributes.
ATTRIBUTE_MESSAGES = {
    "red": {"color": s.string_attr("red"), "size": s.number_attr("5"),
            "region": s.string_attr("eu-west-1"),
            "tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'}},
    "blue": {"color": s.string_attr("blue"), "size": s.number_attr("15"),
             "region": s.string_attr("us-east-1"), "email": s.string_attr("alice@example.com")},
    "green": {"color": s.string_attr("GREEN"), "size": s.number_attr("100"),
              "region": s.string_attr("ap-south-1")},
    "plain": {},
    "teal": {"color": s.string_attr("teal"), "email": s.string_attr("bob@example.org"),
             "size": s.number_attr("-3.5")},
}

# (policy, labels it lets through)
ATTRIBUTE_POLICIES = [
    ({"color": ["red", "blue"]}, {"red", "blue"}),
    ({"region": [{"prefix": "us-"}]}, {"blue"}),
    ({"email": [{"suffix": "@example.com"}]}, {"blue"}),
    ({"color": [{"anything-but": ["red", "blue"]}]}, {"green", "teal"}),
    ({"region": [{"anything-but": {"prefix": "us-"}}]}, {"red", "green"}),
    ({"size": [{"numeric": [">=", 10, "<", 100]}]}, {"blue"}),
    ({"size": [{"numeric": ["=", 100]}]}, {"green"}),
    ({"size": [{"numeric": ["<", 0]}]}, {"teal"}),
    ({"email": [{"exists": True}]}, {"blue", "teal"}),
    ({"email": [{"exists": False}]}, {"red", "green", "plain"}),
    ({"color": [{"exists": True}],
      "$or": [{"color": ["blue"]}, {"size": [{"numeric": [">=", 100]}]}]}, {"blue", "green"}),
    ({"color": ["red", "blue"], "size": [{"numeric": ["<", 10]}]}, {"red"}),
    ({"tags": ["b"]}, {"red"}),
    ({"color": [{"equals-ignore-case": "green"}]}, {"green"}),
    ({"color": ["red", {"prefix": "te"}]}, {"red", "teal"}),
]

# Messages for the body filter tests: label -> message text.
BODY_MESSAGES = {
    "order": json.dumps({"store": {"city": "Seattle", "zip": "98101"}, "price": 15,
                         "type": "order", "items": ["book", "pen"]}),
    "refund": json.dumps({"store": {"city": "Portland"}, "price": 150, "type": "refund"}),
    "text": "not json at all",
    "cancel": json.dumps({"price": 5, "type": "order-cancelled", "customer": {"vip": True}}),
}

BODY_POLICIES = [
    ({"store": {"city": ["Seattle"]}}, {"order"}),
    ({"price": [{"numeric": [">", 10, "<=", 150]}]}, {"order", "refund"}),
    ({"type": [{"prefix": "order"}]}, {"order", "cancel"}),
    ({"type": [{"suffix": "cancelled"}]}, {"cancel"}),
    ({"items": ["pen"]}, {"order"}),
    ({"customer": {"vip": [True]}}, {"cancel"}),
    ({"type": [{"anything-but": ["refund"]}]}, {"order", "cancel"}),
    ({"store": {"zip": [{"exists": True}]}}, {"order"}),
    ({"type": [{"exists": True}],
      "$or": [{"price": [{"numeric": ["<", 10]}]}, {"store": {"city": ["Portland"]}}]},
     {"refund", "cancel"}),
]


class FilterPolicyTest(s.SnsTestCase):

    def run_matrix(self, messages, policies, scope, attributes_of, text_of):
        topic = self.create_topic()
        queues = []
        for policy, expected in policies:
            arn, url = self.subscribe_queue(topic, raw=True)
            if scope:
                self.sns.set_subscription_attributes(SubscriptionArn=arn,
                                                     AttributeName="FilterPolicyScope",
                                                     AttributeValue=scope)
            self.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy",
                                                 AttributeValue=json.dumps(policy))
            queues.append((policy, expected, url))
        _, everything = self.subscribe_queue(topic, raw=True)
        for label in messages:
            kwargs = {"TopicArn": topic, "Message": text_of(label)}
            if attributes_of(label):
                kwargs["MessageAttributes"] = attributes_of(label)
            self.sns.publish(**kwargs)
        label_of = {text_of(label): label for label in messages}
        self.assertEqual(sorted(label_of[b] for b in self.bodies(everything)), sorted(messages))
        for policy, expected, url in queues:
            with self.subTest(policy=policy):
                self.assertEqual({label_of[b] for b in self.bodies(url)}, expected)

    def test_filter_policies_on_message_attributes(self):
        self.run_matrix(ATTRIBUTE_MESSAGES, ATTRIBUTE_POLICIES, None,
                        attributes_of=lambda label: ATTRIBUTE_MESSAGES[label],
                        text_of=lambda label: "message-" + label)

    def test_filter_policies_on_message_body(self):
        # the attributes would match an attribute policy; the body scope ignores them
        decoy = {"type": s.string_attr("order"), "price": s.number_attr("15")}
        self.run_matrix(BODY_MESSAGES, BODY_POLICIES, "MessageBody",
                        attributes_of=lambda label: decoy,
                        text_of=lambda label: BODY_MESSAGES[label])

    def test_subscribe_with_a_body_filter_policy(self):
        """FilterPolicy and FilterPolicyScope given together to Subscribe."""
        topic = self.create_topic()
        policy = {"store": {"city": ["Seattle"]}, "price": [{"numeric": [">", 10]}]}
        arn, url = self.subscribe_queue(topic, raw=True, filter_policy=policy, scope="MessageBody")
        attributes = self.subscription_attributes(arn)
        self.assertEqual(json.loads(attributes["FilterPolicy"]), policy)
        self.assertEqual(attributes["FilterPolicyScope"], "MessageBody")
        self.sns.publish(TopicArn=topic, Message=BODY_MESSAGES["order"])
        self.sns.publish(TopicArn=topic, Message=BODY_MESSAGES["refund"])
        self.assertEqual(self.bodies(url), [BODY_MESSAGES["order"]])

    def test_attribute_scope_ignores_the_body(self):
        topic = self.create_topic()
        _, url = self.subscribe_queue(topic, raw=True, filter_policy={"type": ["order"]})
        self.sns.publish(TopicArn=topic, Message=json.dumps({"type": "order"}))
        self.sns.publish(TopicArn=topic, Message="by attribute",
                         MessageAttributes={"type": s.string_attr("order")})
        self.assertEqual(self.bodies(url), ["by attribute"])

    def test_changing_and_removing_a_filter_policy(self):
        topic = self.create_topic()
        sub_arn, url = self.subscribe_queue(topic, raw=True, filter_policy={"k": ["one"]})
        one = {"k": s.string_attr("one")}
        two = {"k": s.string_attr("two")}
        self.sns.publish(TopicArn=topic, Message="1a", MessageAttributes=one)
        self.sns.publish(TopicArn=topic, Message="2a", MessageAttributes=two)
        self.assertEqual(self.bodies(url), ["1a"])
        self.sns.set_subscription_attributes(SubscriptionArn=sub_arn, AttributeName="FilterPolicy",
                                             AttributeValue=json.dumps({"k": ["two"]}))
        self.sns.publish(TopicArn=topic, Message="1b", MessageAttributes=one)
        self.sns.publish(TopicArn=topic, Message="2b", MessageAttributes=two)
        self.assertEqual(self.bodies(url), ["2b"])
        # switching the scope to the body: the attributes no longer count
        self.sns.set_subscription_attributes(SubscriptionArn=sub_arn,
                                             AttributeName="FilterPolicyScope",
                                             AttributeValue="MessageBody")
        self.sns.publish(TopicArn=topic, Message="2c", MessageAttributes=two)
        self.sns.publish(TopicArn=topic, Message=json.dumps({"k": "two"}))
        self.assertEqual(self.bodies(url), [json.dumps({"k": "two"})])
        self.sns.set_subscription_attributes(SubscriptionArn=sub_arn, AttributeName="FilterPolicy",
                                             AttributeValue="")
        self.sns.publish(TopicArn=topic, Message="anything")
        self.assertEqual(self.bodies(url), ["anything"])

    def test_filtered_enveloped_delivery_keeps_attributes(self):
        topic = self.create_topic()
        sub_arn, url = self.subscribe_queue(topic, filter_policy={"n": [{"numeric": [">", 0,
                                                                                    "<=", 100]}]})
        self.sns.publish(TopicArn=topic, Message="too big", MessageAttributes={"n": s.number_attr(101)})
        message_id = self.sns.publish(TopicArn=topic, Message="in range",
                                      MessageAttributes={"n": s.number_attr(99)})["MessageId"]
        doc = self.envelopes(url, 1)[0]
        self.assertNotificationEnvelope(doc, topic, message_id, "in range", sub_arn,
                                        attributes={"n": {"Type": "Number", "Value": "99"}})


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FifoDeliveryTest(s.SnsTestCase):

    def fifo_receive(self, url, expected):
        """Everything from a FIFO queue, in the order the queue hands it out."""
        return self.receive_all(url, expected)

    def test_fifo_topic_to_fifo_queue_keeps_group_order(self):
        topic = self.create_topic(fifo=True, ContentBasedDeduplication="true")
        _, url = self.subscribe_queue(topic, fifo=True)
        sequence = []
        published = {}
        for i in range(4):
            for group in ("g1", "g2"):
                text = "%s-%d" % (group, i)
                res = self.sns.publish(TopicArn=topic, Message=text, MessageGroupId=group)
                published[text] = res
                sequence.append(int(res["SequenceNumber"]))
        self.assertEqual(sequence, sorted(sequence))
        self.assertEqual(len(set(sequence)), len(sequence))

        received = self.fifo_receive(url, 8)
        docs = [json.loads(m["Body"]) for m in received]
        for group in ("g1", "g2"):
            in_group = [d["Message"] for d, m in zip(docs, received)
                        if m["Attributes"]["MessageGroupId"] == group]
            self.assertEqual(in_group, ["%s-%d" % (group, i) for i in range(4)])
        for doc, message in zip(docs, received):
            res = published[doc["Message"]]
            self.assertEqual(doc["Type"], "Notification")
            self.assertEqual(doc["MessageId"], res["MessageId"])
            self.assertEqual(doc["SequenceNumber"], res["SequenceNumber"])
            self.assertEqual(doc["TopicArn"], topic)
            self.assertEqual(message["Attributes"]["MessageGroupId"], doc["Message"][:2])
            # content-based deduplication: the id is the SHA-256 of the message
            self.assertEqual(message["Attributes"]["MessageDeduplicationId"],
                             sha256_hex(doc["Message"]))

    def test_fifo_topic_deduplicates(self):
        topic = self.create_topic(fifo=True, ContentBasedDeduplication="true")
        _, url = self.subscribe_queue(topic, fifo=True, raw=True)
        first = self.sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
        # the same content, even in another group, within the deduplication interval
        again = self.sns.publish(TopicArn=topic, Message="same", MessageGroupId="other")
        self.assertRegex(again["MessageId"], s.UUID_RE)
        explicit = self.sns.publish(TopicArn=topic, Message="same", MessageGroupId="g",
                                    MessageDeduplicationId="explicit-1")
        self.sns.publish(TopicArn=topic, Message="different text", MessageGroupId="g",
                         MessageDeduplicationId="explicit-1")
        received = self.fifo_receive(url, 2)
        self.assertEqual([m["Body"] for m in received], ["same", "same"])
        self.assertEqual([m["Attributes"]["MessageDeduplicationId"] for m in received],
                         [sha256_hex("same"), "explicit-1"])
        self.assertEqual([m["Attributes"]["MessageGroupId"] for m in received], ["g", "g"])
        self.assertNotEqual(first["MessageId"], explicit["MessageId"])

    def test_fifo_publish_batch_to_fifo_queue(self):
        topic = self.create_topic(fifo=True)
        _, url = self.subscribe_queue(topic, fifo=True, raw=True)
        res = self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": "batch-%d" % i, "MessageGroupId": "grp",
             "MessageDeduplicationId": "dedup-%d" % i,
             "MessageAttributes": {"i": s.number_attr(i)}} for i in range(3)])
        self.assertEqual(res.get("Failed", []), [])
        self.assertEqual(len(res["Successful"]), 3)
        received = self.fifo_receive(url, 3)
        self.assertEqual([m["Body"] for m in received], ["batch-0", "batch-1", "batch-2"])
        self.assertEqual([m["Attributes"]["MessageDeduplicationId"] for m in received],
                         ["dedup-0", "dedup-1", "dedup-2"])
        self.assertEqual([m["MessageAttributes"] for m in received],
                         [{"i": s.number_attr(i)} for i in range(3)])
        # republishing the same deduplication ids delivers nothing new
        self.sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[
            {"Id": str(i), "Message": "batch-%d" % i, "MessageGroupId": "grp",
             "MessageDeduplicationId": "dedup-%d" % i} for i in range(3)])
        self.assertEqual(self.receive(url), [])

    def test_fifo_topic_to_standard_queue(self):
        topic = self.create_topic(fifo=True, ContentBasedDeduplication="true")
        _, url = self.subscribe_queue(topic)
        res = self.sns.publish(TopicArn=topic, Message="to a standard queue", MessageGroupId="g")
        doc = self.envelopes(url, 1)[0]
        self.assertEqual(doc["MessageId"], res["MessageId"])
        self.assertEqual(doc["SequenceNumber"], res["SequenceNumber"])
        self.assertEqual(doc["Message"], "to a standard queue")

    def test_fifo_envelope_fields(self):
        """FIFO notifications carry a SequenceNumber and, unlike standard topics', no
        signature fields."""
        topic = self.create_topic(fifo=True, ContentBasedDeduplication="true")
        sub_arn, url = self.subscribe_queue(topic, fifo=True)
        res = self.sns.publish(TopicArn=topic, Message="Test", MessageGroupId="g")
        doc = self.envelopes(url, 1)[0]
        self.assertEqual(set(doc), {"Type", "MessageId", "SequenceNumber", "TopicArn", "Message",
                                    "Timestamp", "UnsubscribeURL"})
        self.assertEqual(doc["MessageId"], res["MessageId"])
        self.assertEqual(doc["SequenceNumber"], res["SequenceNumber"])
        self.assertRecentTimestamp(doc["Timestamp"])
        self.assertEqual(urllib.parse.parse_qs(urllib.parse.urlparse(doc["UnsubscribeURL"]).query),
                         {"Action": ["Unsubscribe"], "SubscriptionArn": [sub_arn]})


if __name__ == "__main__":
    unittest.main()
