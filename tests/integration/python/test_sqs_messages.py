"""SQS messages on standard queues: round trips with checksums, attributes, visibility,
delays, long polling, batches and input validation."""

import base64
import threading
import time

try:
    from . import sqs_helpers as h
except ImportError:
    import sqs_helpers as h

TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
MAX_MESSAGE_BYTES = 1048576


class RoundTripTest(h.SqsTestCase):

    def test_send_receive_delete(self):
        url = self.create_queue()
        body = 'hello \u00e9\u4e16\u754c \U0001F600 {"json": [1, 2]} <xml a="b"/> & \t\r\n end'
        sent = self.sqs.send_message(QueueUrl=url, MessageBody=body)
        self.assertEqual(sent["MD5OfMessageBody"], h.md5_hex(body))
        self.assertNotIn("MD5OfMessageAttributes", sent)
        msgs = self.receive(url)
        self.assertEqual(len(msgs), 1)
        m = msgs[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Body"], body)
        self.assertEqual(m["MD5OfBody"], h.md5_hex(body))
        self.assertTrue(m["ReceiptHandle"])
        self.assertNotIn("MessageAttributes", m)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual(self.receive(url), [])
        attrs = self.queue_attributes(url, ["ApproximateNumberOfMessages",
                                            "ApproximateNumberOfMessagesNotVisible"])
        self.assertEqual(attrs, {"ApproximateNumberOfMessages": "0",
                                 "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_message_attributes_and_md5(self):
        url = self.create_queue()
        attributes = {
            "greeting": {"DataType": "String", "StringValue": "h\u00e9llo w\u00f6rld"},
            "count": {"DataType": "Number", "StringValue": "42"},
            "ratio": {"DataType": "Number.float", "StringValue": "-1.5e3"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe\xff binary"},
            "kind": {"DataType": "String.custom", "StringValue": "custom-type"},
        }
        body = "message with attributes"
        sent = self.sqs.send_message(QueueUrl=url, MessageBody=body,
                                     MessageAttributes=attributes)
        self.assertEqual(sent["MD5OfMessageBody"], h.md5_hex(body))
        self.assertEqual(sent["MD5OfMessageAttributes"], h.md5_of_attributes(attributes))
        msgs = self.receive(url, MessageAttributeNames=["All"])
        self.assertEqual(len(msgs), 1)
        got = msgs[0]["MessageAttributes"]
        self.assertEqual(got, attributes)
        self.assertEqual(msgs[0]["MD5OfMessageAttributes"], h.md5_of_attributes(attributes))

    def test_message_attribute_name_filters(self):
        url = self.create_queue()
        attributes = {
            "foo.a": {"DataType": "String", "StringValue": "1"},
            "foo.b": {"DataType": "Number", "StringValue": "2"},
            "foobar": {"DataType": "String", "StringValue": "3"},
            "bar": {"DataType": "String", "StringValue": "4"},
        }
        self.sqs.send_message(QueueUrl=url, MessageBody="filters", MessageAttributes=attributes)

        def names(**kwargs):
            msgs = self.receive(url, VisibilityTimeout=0, **kwargs)
            self.assertEqual(len(msgs), 1)
            got = msgs[0].get("MessageAttributes", {})
            if got:
                self.assertEqual(msgs[0]["MD5OfMessageAttributes"], h.md5_of_attributes(got))
            return sorted(got)

        self.assertEqual(names(), [])
        self.assertEqual(names(MessageAttributeNames=["All"]), sorted(attributes))
        self.assertEqual(names(MessageAttributeNames=[".*"]), sorted(attributes))
        # "prefix.*" selects every name starting with the prefix (here: "foo")
        self.assertEqual(names(MessageAttributeNames=["foo.*"]), ["foo.a", "foo.b", "foobar"])
        self.assertEqual(names(MessageAttributeNames=["foo.a", "ba.*"]), ["bar", "foo.a"])
        self.assertEqual(names(MessageAttributeNames=["bar", "foo.b", "missing"]),
                         ["bar", "foo.b"])

    def test_message_system_attributes(self):
        url = self.create_queue()
        system = {"AWSTraceHeader": {"DataType": "String", "StringValue": TRACE_HEADER}}
        before_ms = int(time.time() * 1000)
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="sys",
                                     MessageSystemAttributes=system)
        self.assertEqual(sent["MD5OfMessageSystemAttributes"], h.md5_of_attributes(system))

        msgs = self.receive(url, AttributeNames=["All"], VisibilityTimeout=0)
        self.assertEqual(len(msgs), 1)
        a = msgs[0]["Attributes"]
        self.assertTrue(a.get("SenderId"), a)
        sent_ts = int(a["SentTimestamp"])
        first_ts = int(a["ApproximateFirstReceiveTimestamp"])
        now_ms = int(time.time() * 1000)
        self.assertTrue(before_ms - 5000 <= sent_ts <= now_ms + 5000, a)
        self.assertTrue(sent_ts <= first_ts <= now_ms + 5000, a)
        self.assertEqual(a["ApproximateReceiveCount"], "1")
        self.assertEqual(a["AWSTraceHeader"], TRACE_HEADER)
        self.assertNotIn("MessageGroupId", a)
        self.assertNotIn("SequenceNumber", a)

        # named system attributes only (newest parameter the client knows)
        msgs = self.receive(url, VisibilityTimeout=0, **h.system_attribute_kwargs(
            self.sqs, ["ApproximateReceiveCount", "SentTimestamp"]))
        self.assertEqual(len(msgs), 1)
        self.assertEqual(msgs[0]["Attributes"], {"ApproximateReceiveCount": "2",
                                                 "SentTimestamp": str(sent_ts)})
        # first-receive timestamp stays the first one
        msgs = self.receive(url, AttributeNames=["ApproximateFirstReceiveTimestamp"])
        self.assertEqual(msgs[0]["Attributes"],
                         {"ApproximateFirstReceiveTimestamp": str(first_ts)})

    def test_max_number_of_messages_bounds(self):
        url = self.create_queue()
        for bad in (0, 11):
            with self.subTest(MaxNumberOfMessages=bad), \
                    self.assertAwsError("InvalidParameterValue"):
                self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=bad)
        for start in range(0, 12, 6):
            self.sqs.send_message_batch(QueueUrl=url, Entries=[
                {"Id": "e%d" % i, "MessageBody": "m%d" % (start + i)} for i in range(6)])
        one = self.receive(url, MaxNumberOfMessages=1)
        self.assertEqual(len(one), 1)
        many = self.receive(url, MaxNumberOfMessages=10)
        self.assertTrue(1 <= len(many) <= 10, len(many))
        rest = self.drain(url, expected=12 - 1 - len(many))
        bodies = [m["Body"] for m in one + many + rest]
        self.assertEqual(sorted(bodies), sorted("m%d" % i for i in range(12)))

    def test_message_size_limit(self):
        url = self.create_queue()
        body = "x" * MAX_MESSAGE_BYTES
        sent = self.sqs.send_message(QueueUrl=url, MessageBody=body)
        self.assertEqual(sent["MD5OfMessageBody"], h.md5_hex(body))
        msgs = self.receive(url)
        self.assertEqual(len(msgs), 1)
        self.assertEqual(len(msgs[0]["Body"]), MAX_MESSAGE_BYTES)
        self.assertEqual(msgs[0]["MD5OfBody"], h.md5_hex(body))
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.send_message(QueueUrl=url, MessageBody=body + "y")
        # multi-byte characters count as bytes
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.send_message(QueueUrl=url,
                                  MessageBody="\u00e9" * (MAX_MESSAGE_BYTES // 2 + 1))
        # attributes count towards the limit
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.send_message(QueueUrl=url, MessageBody=body[:-4], MessageAttributes={
                "attr": {"DataType": "String", "StringValue": "12345"}})

    def test_queue_maximum_message_size(self):
        url = self.create_queue(MaximumMessageSize=1024)
        self.sqs.send_message(QueueUrl=url, MessageBody="a" * 1024)
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.send_message(QueueUrl=url, MessageBody="a" * 1025)

    def test_empty_body(self):
        url = self.create_queue()
        with self.assertAwsError("MissingParameter"):
            self.sqs.send_message(QueueUrl=url, MessageBody="")

    def test_invalid_characters_in_body(self):
        url = self.create_queue()
        for bad in ["nul\u0000char", "bell\u0007", "\ufffe", "esc\u001b[0m"]:
            with self.subTest(body=repr(bad)), self.assertAwsError("InvalidMessageContents"):
                self.sqs.send_message(QueueUrl=url, MessageBody=bad)
        self.assertEqual(self.receive(url), [])


class BatchTest(h.SqsTestCase):

    def test_send_message_batch(self):
        url = self.create_queue()
        attrs = {"n": {"DataType": "Number", "StringValue": "7"}}
        entries = [
            {"Id": "plain", "MessageBody": "first"},
            {"Id": "with_attrs", "MessageBody": "second", "MessageAttributes": attrs},
            {"Id": "delayed-0", "MessageBody": "third", "DelaySeconds": 0},
        ]
        res = self.sqs.send_message_batch(QueueUrl=url, Entries=entries)
        self.assertFalse(res.get("Failed"))
        ok = {e["Id"]: e for e in res["Successful"]}
        self.assertEqual(sorted(ok), ["delayed-0", "plain", "with_attrs"])
        for e in entries:
            self.assertEqual(ok[e["Id"]]["MD5OfMessageBody"], h.md5_hex(e["MessageBody"]))
        self.assertEqual(ok["with_attrs"]["MD5OfMessageAttributes"], h.md5_of_attributes(attrs))
        self.assertEqual(len({e["MessageId"] for e in ok.values()}), 3)
        got = self.drain(url, expected=3, MessageAttributeNames=["All"])
        by_id = {m["MessageId"]: m for m in got}
        self.assertEqual(set(by_id), {e["MessageId"] for e in ok.values()})
        self.assertEqual(by_id[ok["with_attrs"]["MessageId"]]["MessageAttributes"], attrs)

    def test_send_message_batch_partial_failure(self):
        url = self.create_queue()
        res = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "good", "MessageBody": "fine"},
            {"Id": "bad", "MessageBody": "nul\u0000"},
        ])
        self.assertEqual([e["Id"] for e in res["Successful"]], ["good"])
        failed = res["Failed"]
        self.assertEqual(len(failed), 1)
        self.assertEqual(failed[0]["Id"], "bad")
        self.assertEqual(failed[0]["Code"], "InvalidMessageContents")
        self.assertTrue(failed[0]["SenderFault"])

    def test_batch_request_errors(self):
        url = self.create_queue()
        eleven = [{"Id": "e%d" % i, "MessageBody": "b"} for i in range(11)]
        dup = [{"Id": "same", "MessageBody": "a"}, {"Id": "same", "MessageBody": "b"}]
        bad_id = [{"Id": "bad id!", "MessageBody": "a"}]
        long_id = [{"Id": "x" * 81, "MessageBody": "a"}]
        cases = [([], h.EMPTY_BATCH), (eleven, h.TOO_MANY_ENTRIES), (dup, h.IDS_NOT_DISTINCT),
                 (bad_id, h.INVALID_BATCH_ID), (long_id, h.INVALID_BATCH_ID)]
        for entries, code in cases:
            with self.subTest(op="SendMessageBatch", code=code), self.assertAwsError(code):
                self.sqs.send_message_batch(QueueUrl=url, Entries=entries)

        def handles(entries):
            return [{"Id": e["Id"], "ReceiptHandle": "rh-%d" % i} for i, e in enumerate(entries)]

        for entries, code in cases:
            with self.subTest(op="DeleteMessageBatch", code=code), self.assertAwsError(code):
                self.sqs.delete_message_batch(QueueUrl=url, Entries=handles(entries))
            with self.subTest(op="ChangeMessageVisibilityBatch", code=code), \
                    self.assertAwsError(code):
                self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
                    dict(e, VisibilityTimeout=0) for e in handles(entries)])
        self.assertEqual(self.receive(url), [])

    def test_delete_message_batch_with_bad_receipt_handle(self):
        url = self.create_queue()
        for i in range(2):
            self.sqs.send_message(QueueUrl=url, MessageBody="del-%d" % i)
        msgs = self.drain(url, expected=2, delete=False)
        self.assertEqual(len(msgs), 2)
        entries = [{"Id": "m%d" % i, "ReceiptHandle": m["ReceiptHandle"]}
                   for i, m in enumerate(msgs)]
        entries.append({"Id": "bogus", "ReceiptHandle": "not-a-valid-receipt-handle"})
        res = self.sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        self.assertEqual(sorted(e["Id"] for e in res.get("Successful", [])), ["m0", "m1"])
        failed = res.get("Failed", [])
        self.assertEqual([f["Id"] for f in failed], ["bogus"])
        self.assertEqual(failed[0]["Code"], "ReceiptHandleIsInvalid")
        attrs = self.queue_attributes(url, ["ApproximateNumberOfMessages",
                                            "ApproximateNumberOfMessagesNotVisible"])
        self.assertEqual(attrs, {"ApproximateNumberOfMessages": "0",
                                 "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_invalid_receipt_handle(self):
        url = self.create_queue()
        with self.assertAwsError("ReceiptHandleIsInvalid", status=404):
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-valid-receipt-handle")
        with self.assertAwsError("ReceiptHandleIsInvalid", status=404):
            self.sqs.change_message_visibility(QueueUrl=url,
                                               ReceiptHandle="not-a-valid-receipt-handle",
                                               VisibilityTimeout=0)


class VisibilityTest(h.SqsTestCase):

    def test_visibility_timeout_expiry_and_redelivery(self):
        url = self.create_queue(VisibilityTimeout=1)
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="redeliver me")
        first = self.receive(url, AttributeNames=["ApproximateReceiveCount"])
        self.assertEqual(len(first), 1)
        self.assertEqual(first[0]["Attributes"]["ApproximateReceiveCount"], "1")
        self.assertEqual(self.receive(url), [])
        self.assertEqual(self.queue_attributes(url, ["ApproximateNumberOfMessagesNotVisible"]),
                         {"ApproximateNumberOfMessagesNotVisible": "1"})
        time.sleep(1.3)
        second = self.receive(url, AttributeNames=["ApproximateReceiveCount"])
        self.assertEqual(len(second), 1)
        self.assertEqual(second[0]["MessageId"], sent["MessageId"])
        self.assertEqual(second[0]["Attributes"]["ApproximateReceiveCount"], "2")
        self.assertNotEqual(second[0]["ReceiptHandle"], first[0]["ReceiptHandle"])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=second[0]["ReceiptHandle"])
        time.sleep(1.2)
        self.assertEqual(self.receive(url), [])

    def test_receive_visibility_timeout_overrides_queue(self):
        url = self.create_queue(VisibilityTimeout=30)
        self.sqs.send_message(QueueUrl=url, MessageBody="short")
        self.assertEqual(len(self.receive(url, VisibilityTimeout=1)), 1)
        self.assertEqual(self.receive(url), [])
        time.sleep(1.3)
        self.assertEqual(len(self.receive(url)), 1)

    def test_change_message_visibility_to_zero(self):
        url = self.create_queue(VisibilityTimeout=30)
        sent = self.sqs.send_message(QueueUrl=url, MessageBody="cmv")
        msgs = self.receive(url)
        self.assertEqual(self.receive(url), [])
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"],
                                           VisibilityTimeout=0)
        again = self.receive(url, AttributeNames=["ApproximateReceiveCount"])
        self.assertEqual(len(again), 1)
        self.assertEqual(again[0]["MessageId"], sent["MessageId"])
        self.assertEqual(again[0]["Attributes"]["ApproximateReceiveCount"], "2")

    def test_change_message_visibility_extends(self):
        url = self.create_queue(VisibilityTimeout=1)
        self.sqs.send_message(QueueUrl=url, MessageBody="extend")
        msgs = self.receive(url)
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"],
                                           VisibilityTimeout=10)
        time.sleep(1.3)
        self.assertEqual(self.receive(url), [])

    def test_change_message_visibility_batch(self):
        url = self.create_queue(VisibilityTimeout=30)
        for i in range(2):
            self.sqs.send_message(QueueUrl=url, MessageBody="cmvb-%d" % i)
        msgs = self.drain(url, expected=2, delete=False)
        self.assertEqual(len(msgs), 2)
        entries = [{"Id": "m%d" % i, "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                   for i, m in enumerate(msgs)]
        entries.append({"Id": "bogus", "ReceiptHandle": "not-a-valid-receipt-handle",
                        "VisibilityTimeout": 0})
        res = self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)
        self.assertEqual(sorted(e["Id"] for e in res.get("Successful", [])), ["m0", "m1"])
        failed = res.get("Failed", [])
        self.assertEqual([f["Id"] for f in failed], ["bogus"])
        self.assertEqual(failed[0]["Code"], "ReceiptHandleIsInvalid")
        again = self.drain(url, expected=2)
        self.assertEqual(sorted(m["MessageId"] for m in again),
                         sorted(m["MessageId"] for m in msgs))


class DelayTest(h.SqsTestCase):

    def test_message_and_queue_delays(self):
        delayed_queue = self.create_queue(DelaySeconds=1)
        plain_queue = self.create_queue()
        self.sqs.send_message(QueueUrl=delayed_queue, MessageBody="queue-delay")
        self.sqs.send_message(QueueUrl=delayed_queue, MessageBody="no-delay", DelaySeconds=0)
        self.sqs.send_message(QueueUrl=plain_queue, MessageBody="message-delay", DelaySeconds=1)
        self.sqs.send_message_batch(QueueUrl=plain_queue, Entries=[
            {"Id": "d", "MessageBody": "batch-delay", "DelaySeconds": 1}])
        self.assertEqual(self.queue_attributes(plain_queue, ["ApproximateNumberOfMessagesDelayed"]),
                         {"ApproximateNumberOfMessagesDelayed": "2"})
        self.assertEqual([m["Body"] for m in self.receive(delayed_queue)], ["no-delay"])
        self.assertEqual(self.receive(plain_queue), [])
        time.sleep(1.3)
        self.assertEqual([m["Body"] for m in self.receive(delayed_queue)], ["queue-delay"])
        self.assertEqual(sorted(m["Body"] for m in self.drain(plain_queue, expected=2)),
                         ["batch-delay", "message-delay"])

    def test_invalid_delay(self):
        url = self.create_queue()
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.send_message(QueueUrl=url, MessageBody="x", DelaySeconds=901)


class LongPollingTest(h.SqsTestCase):

    def test_wait_returns_when_message_arrives(self):
        url = self.create_queue()
        sender = self.server.client()
        errors = []

        def send_later():
            try:
                time.sleep(0.5)
                sender.send_message(QueueUrl=url, MessageBody="wake up")
            except Exception as e:  # reported by the main thread
                errors.append(e)

        t = threading.Thread(target=send_later)
        start = time.monotonic()
        t.start()
        try:
            msgs = self.receive(url, WaitTimeSeconds=5)
        finally:
            t.join()
        elapsed = time.monotonic() - start
        self.assertEqual(errors, [])
        self.assertEqual([m["Body"] for m in msgs], ["wake up"])
        self.assertLess(elapsed, 2.0)

    def test_empty_wait_takes_the_full_time(self):
        url = self.create_queue()
        start = time.monotonic()
        msgs = self.receive(url, WaitTimeSeconds=2)
        elapsed = time.monotonic() - start
        self.assertEqual(msgs, [])
        self.assertGreaterEqual(elapsed, 1.8)
        self.assertLess(elapsed, 5.0)

    def test_queue_default_wait_time(self):
        url = self.create_queue(ReceiveMessageWaitTimeSeconds=1)
        start = time.monotonic()
        self.assertEqual(self.receive(url), [])
        self.assertGreaterEqual(time.monotonic() - start, 0.8)
        # WaitTimeSeconds=0 in the request overrides the queue's default
        start = time.monotonic()
        self.assertEqual(self.receive(url, WaitTimeSeconds=0), [])
        self.assertLess(time.monotonic() - start, 0.8)

    def test_invalid_wait_time(self):
        url = self.create_queue()
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.receive_message(QueueUrl=url, WaitTimeSeconds=21)


if __name__ == "__main__":
    import unittest
    unittest.main()
