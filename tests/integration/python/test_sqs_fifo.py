"""SQS FIFO queues: groups, ordering, deduplication, sequence numbers,
receive request attempts."""

import hashlib

try:
    from . import sqs_helpers as h
except ImportError:
    import sqs_helpers as h


class FifoTest(h.SqsTestCase):

    def test_create_fifo_queue(self):
        name = h.unique("fifo") + ".fifo"
        url = self.create_fifo_queue(name)
        self.assertTrue(url.endswith("/" + name), url)
        attrs = self.queue_attributes(url)
        self.assertEqual(attrs["FifoQueue"], "true")
        self.assertEqual(attrs["ContentBasedDeduplication"], "false")
        self.assertTrue(attrs["QueueArn"].endswith(":" + name))
        self.assertEqual(self.sqs.get_queue_url(QueueName=name)["QueueUrl"], url)

    def test_message_group_id_required(self):
        url = self.create_fifo_queue(ContentBasedDeduplication="true")
        with self.assertAwsError("MissingParameter"):
            self.sqs.send_message(QueueUrl=url, MessageBody="no group")

    def test_deduplication_id_required_without_content_based_dedup(self):
        url = self.create_fifo_queue()
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.send_message(QueueUrl=url, MessageBody="no dedup", MessageGroupId="g")

    def test_per_message_delay_not_allowed(self):
        url = self.create_fifo_queue(ContentBasedDeduplication="true")
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.send_message(QueueUrl=url, MessageBody="delayed", MessageGroupId="g",
                                  DelaySeconds=1)

    def test_order_within_group_and_sequence_numbers(self):
        url = self.create_fifo_queue()
        sent = []
        for i in range(6):
            r = self.sqs.send_message(QueueUrl=url, MessageBody="m%d" % i, MessageGroupId="g",
                                      MessageDeduplicationId="d%d" % i)
            self.assertTrue(r["SequenceNumber"].isdigit(), r)
            sent.append(r)
        seqs = [int(r["SequenceNumber"]) for r in sent]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), len(seqs))
        received = self.drain(url, expected=6, AttributeNames=["All"])
        self.assertEqual([m["Body"] for m in received], ["m%d" % i for i in range(6)])
        for i, (m, s) in enumerate(zip(received, sent)):
            self.assertEqual(m["MessageId"], s["MessageId"])
            self.assertEqual(m["Attributes"]["SequenceNumber"], s["SequenceNumber"])
            self.assertEqual(m["Attributes"]["MessageGroupId"], "g")
            self.assertEqual(m["Attributes"]["MessageDeduplicationId"], "d%d" % i)

    def test_in_flight_message_blocks_its_group(self):
        url = self.create_fifo_queue(ContentBasedDeduplication="true", VisibilityTimeout=30)
        self.sqs.send_message(QueueUrl=url, MessageBody="A1", MessageGroupId="A")
        self.sqs.send_message(QueueUrl=url, MessageBody="A2", MessageGroupId="A")
        first = self.receive(url, MaxNumberOfMessages=1)
        self.assertEqual([m["Body"] for m in first], ["A1"])
        self.sqs.send_message(QueueUrl=url, MessageBody="B1", MessageGroupId="B")
        # group A is locked while A1 is in flight; group B still delivers
        self.assertEqual([m["Body"] for m in self.receive(url)], ["B1"])
        self.assertEqual(self.receive(url), [])
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
        self.assertEqual([m["Body"] for m in self.receive(url)], ["A2"])

    def test_visibility_zero_releases_group_in_order(self):
        url = self.create_fifo_queue(ContentBasedDeduplication="true")
        for body in ("x1", "x2"):
            self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="x")
        first = self.receive(url, MaxNumberOfMessages=1)
        self.assertEqual([m["Body"] for m in first], ["x1"])
        self.sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"],
                                           VisibilityTimeout=0)
        again = self.receive(url, MaxNumberOfMessages=1)
        self.assertEqual([m["Body"] for m in again], ["x1"])

    def test_explicit_deduplication(self):
        url = self.create_fifo_queue()
        r1 = self.sqs.send_message(QueueUrl=url, MessageBody="first", MessageGroupId="g",
                                   MessageDeduplicationId="same-id")
        r2 = self.sqs.send_message(QueueUrl=url, MessageBody="second", MessageGroupId="g",
                                   MessageDeduplicationId="same-id")
        self.assertEqual(r1["MessageId"], r2["MessageId"])
        r3 = self.sqs.send_message(QueueUrl=url, MessageBody="third", MessageGroupId="g",
                                   MessageDeduplicationId="other-id")
        self.assertNotEqual(r3["MessageId"], r1["MessageId"])
        got = self.drain(url, expected=2)
        self.assertEqual([m["Body"] for m in got], ["first", "third"])
        # still deduplicated after the original was deleted (5 minute interval)
        r4 = self.sqs.send_message(QueueUrl=url, MessageBody="fourth", MessageGroupId="g",
                                   MessageDeduplicationId="same-id")
        self.assertEqual(r4["MessageId"], r1["MessageId"])
        self.assertEqual(self.receive(url), [])

    def test_content_based_deduplication(self):
        url = self.create_fifo_queue(ContentBasedDeduplication="true")
        self.assertEqual(self.queue_attributes(url, ["ContentBasedDeduplication"]),
                         {"ContentBasedDeduplication": "true"})
        r1 = self.sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
        r2 = self.sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
        r3 = self.sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
        self.assertEqual(r1["MessageId"], r2["MessageId"])
        self.assertNotEqual(r1["MessageId"], r3["MessageId"])
        got = self.drain(url, expected=2, AttributeNames=["MessageDeduplicationId"])
        self.assertEqual([m["Body"] for m in got], ["same body", "other body"])
        self.assertEqual(got[0]["Attributes"]["MessageDeduplicationId"],
                         hashlib.sha256(b"same body").hexdigest())

    def test_send_message_batch_fifo(self):
        url = self.create_fifo_queue()
        res = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "a", "MessageBody": "b1", "MessageGroupId": "g", "MessageDeduplicationId": "1"},
            {"Id": "b", "MessageBody": "b2", "MessageGroupId": "g", "MessageDeduplicationId": "2"},
            {"Id": "c", "MessageBody": "b3", "MessageGroupId": "g", "MessageDeduplicationId": "3"},
        ])
        self.assertFalse(res.get("Failed"))
        ok = {e["Id"]: e for e in res["Successful"]}
        seqs = [int(ok[i]["SequenceNumber"]) for i in ("a", "b", "c")]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), 3)
        self.assertEqual([m["Body"] for m in self.drain(url, expected=3)], ["b1", "b2", "b3"])

    def test_receive_request_attempt_id(self):
        url = self.create_fifo_queue(ContentBasedDeduplication="true", VisibilityTimeout=30)
        for i in range(3):
            self.sqs.send_message(QueueUrl=url, MessageBody="r%d" % i, MessageGroupId="g")
        first = self.receive(url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
        self.assertEqual([m["Body"] for m in first], ["r0", "r1"])
        # retrying the same attempt returns the same messages and receipt handles
        retry = self.receive(url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")
        self.assertEqual([m["MessageId"] for m in retry], [m["MessageId"] for m in first])
        self.assertEqual([m["ReceiptHandle"] for m in retry],
                         [m["ReceiptHandle"] for m in first])
        # a new attempt gets nothing: the group is locked by the in-flight messages
        self.assertEqual(self.receive(url, ReceiveRequestAttemptId="attempt-2"), [])
        for m in retry:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        self.assertEqual([m["Body"] for m in self.receive(url, ReceiveRequestAttemptId="attempt-3")],
                         ["r2"])


if __name__ == "__main__":
    import unittest
    unittest.main()
