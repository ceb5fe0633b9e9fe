"""Edge cases where moving, waiting and attribute handling meet: redrive back from a
dead-letter queue while consumers wait, long polls woken by deletes and by retried
FIFO receives, dead-letter targets of the wrong type, odd but valid policies."""

import json
import threading
import time

try:
    from . import sqs_helpers as h
except ImportError:
    import sqs_helpers as h


def long_poll(test, url, result, **kwargs):
    client = test.server.client()
    started = time.monotonic()
    result["messages"] = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10, **kwargs) \
        .get("Messages", [])
    result["elapsed"] = time.monotonic() - started


class RedriveBackTest(h.SqsTestCase):

    def test_moved_back_messages_start_over_and_reach_a_waiting_consumer(self):
        if not h.has_operation(self.sqs, "StartMessageMoveTask"):
            self.skipTest("this botocore has no message move tasks")
        dlq = self.create_queue()
        dlq_arn = self.queue_arn(dlq)
        src = self.create_queue(VisibilityTimeout=1, RedrivePolicy=json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1}))
        sent = self.sqs.send_message(QueueUrl=src, MessageBody="poison")["MessageId"]
        self.assertEqual(len(self.receive(src)), 1)
        time.sleep(1.2)
        self.assertEqual(self.receive(src), [])  # second receive moves it to the DLQ
        self.assertEqual(self.queue_attributes(dlq, ["ApproximateNumberOfMessages"]),
                         {"ApproximateNumberOfMessages": "1"})

        result = {}
        waiter = threading.Thread(target=long_poll, args=(self, src, result),
                                  kwargs={"WaitTimeSeconds": 10,
                                          **h.system_attribute_kwargs(self.sqs, ["All"])})
        waiter.start()
        time.sleep(0.3)
        self.sqs.start_message_move_task(SourceArn=dlq_arn)
        waiter.join(15)
        self.assertEqual([m["MessageId"] for m in result["messages"]], [sent])
        attributes = result["messages"][0]["Attributes"]
        self.assertEqual(attributes["ApproximateReceiveCount"], "1")
        self.assertNotIn("DeadLetterQueueSourceArn", attributes)
        self.assertLess(result["elapsed"], 5)


class WakeUpTest(h.SqsTestCase):

    def test_deleting_an_in_flight_fifo_message_wakes_a_poll_on_its_group(self):
        url = self.create_fifo_queue()
        for body in ("first", "second"):
            self.sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g",
                                  MessageDeduplicationId=body)
        first = self.receive(url, MaxNumberOfMessages=1)
        self.assertEqual([m["Body"] for m in first], ["first"])
        result = {}
        waiter = threading.Thread(target=long_poll, args=(self, url, result), kwargs={"WaitTimeSeconds": 10})
        waiter.start()
        time.sleep(0.5)
        self.sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
        waiter.join(15)
        self.assertEqual([m["Body"] for m in result["messages"]], ["second"])
        self.assertLess(result["elapsed"], 3)

    def test_a_retried_fifo_long_poll_with_an_attempt_id_still_gets_new_messages(self):
        url = self.create_fifo_queue()
        self.assertEqual(self.receive(url, ReceiveRequestAttemptId="try-1"), [])
        result = {}
        waiter = threading.Thread(target=long_poll, args=(self, url, result),
                                  kwargs={"WaitTimeSeconds": 10, "ReceiveRequestAttemptId": "try-1"})
        waiter.start()
        time.sleep(0.5)
        self.sqs.send_message(QueueUrl=url, MessageBody="late", MessageGroupId="g", MessageDeduplicationId="d")
        waiter.join(15)
        self.assertEqual([m["Body"] for m in result["messages"]], ["late"])
        self.assertLess(result["elapsed"], 3)


class DeadLetterTargetTest(h.SqsTestCase):

    def test_the_dead_letter_queue_must_exist_and_be_of_the_same_type(self):
        fifo_dlq_arn = self.queue_arn(self.create_fifo_queue())
        standard_dlq_arn = self.queue_arn(self.create_queue())
        missing_arn = standard_dlq_arn + "-missing"
        for name, arn in ((h.unique(), fifo_dlq_arn), (h.unique(), missing_arn),
                          (h.unique("f") + ".fifo", standard_dlq_arn)):
            attributes = {"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": 3})}
            if name.endswith(".fifo"):
                attributes["FifoQueue"] = "true"
            with self.subTest(queue=name, target=arn), self.assertAwsError("InvalidParameterValue"):
                self.sqs.create_queue(QueueName=name, Attributes=attributes)


class PolicyShapesTest(h.SqsTestCase):

    def test_recreating_with_an_empty_redrive_policy_is_idempotent(self):
        name = h.unique()
        first = self.sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": ""})["QueueUrl"]
        again = self.sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": ""})["QueueUrl"]
        self.assertEqual(first, again)

    def test_add_permission_to_a_policy_with_a_single_statement_object(self):
        url = self.create_queue()
        arn = self.queue_arn(url)
        single = {"Version": "2012-10-17", "Statement": {
            "Sid": "existing", "Effect": "Allow", "Principal": "*", "Action": "SQS:SendMessage", "Resource": arn}}
        self.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(single)})
        self.sqs.add_permission(QueueUrl=url, Label="added", AWSAccountIds=["111122223333"],
                                Actions=["ReceiveMessage"])
        policy = json.loads(self.queue_attributes(url, ["Policy"])["Policy"])
        self.assertEqual([s["Sid"] for s in policy["Statement"]], ["existing", "added"])


class QueueUrlAsEndpointTest(h.SqsTestCase):
    """Older query clients post to the queue's URL and leave QueueUrl out of the form,
    as the SQS query API allows."""

    def post_form(self, path, fields):
        import http.client
        import urllib.parse
        host = self.server.endpoint.split("://", 1)[1]
        conn = http.client.HTTPConnection(host, timeout=10)
        try:
            conn.request("POST", path, body=urllib.parse.urlencode(fields),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def test_the_request_path_names_the_queue(self):
        url = self.create_queue()
        path = "/" + url.split("://", 1)[1].split("/", 1)[1]
        status, body = self.post_form(path, {"Action": "SendMessage", "MessageBody": "by path"})
        self.assertEqual(status, 200, body)
        self.assertIn("<MD5OfMessageBody>", body)
        messages = self.sqs.receive_message(QueueUrl=url).get("Messages", [])
        self.assertEqual([m["Body"] for m in messages], ["by path"])

    def test_a_path_of_no_queue_is_a_missing_queue(self):
        status, body = self.post_form("/000000000000/no-such-queue",
                                      {"Action": "SendMessage", "MessageBody": "x"})
        self.assertEqual(status, 400, body)
        self.assertIn("<Code>AWS.SimpleQueueService.NonExistentQueue</Code>", body)
