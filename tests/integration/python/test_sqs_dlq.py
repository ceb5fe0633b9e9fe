"""SQS dead-letter queues (standard and FIFO) and message move tasks (DLQ redrive)."""

import json
import time
import unittest

import botocore
import botocore.session
from botocore.exceptions import ClientError

try:
    from . import sqs_helpers as h
except ImportError:
    import sqs_helpers as h


def redrive_policy(dlq_arn, max_receive_count):
    return json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})


class DeadLetterQueueTest(h.SqsTestCase):

    def test_message_moves_to_dlq_after_max_receive_count(self):
        dlq = self.create_queue(h.unique("dlq"))
        dlq_arn = self.queue_arn(dlq)
        src = self.create_queue(h.unique("src"), VisibilityTimeout=1,
                                RedrivePolicy=redrive_policy(dlq_arn, 2))
        src_arn = self.queue_arn(src)
        policy = json.loads(self.queue_attributes(src, ["RedrivePolicy"])["RedrivePolicy"])
        self.assertEqual(policy, {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})

        sent = self.sqs.send_message(QueueUrl=src, MessageBody="poison",
                                     MessageAttributes={"k": {"DataType": "String",
                                                              "StringValue": "v"}})
        for count in (1, 2):
            got = self.receive(src, AttributeNames=["ApproximateReceiveCount"])
            self.assertEqual([m["MessageId"] for m in got], [sent["MessageId"]])
            self.assertEqual(got[0]["Attributes"]["ApproximateReceiveCount"], str(count))
            time.sleep(1.2)
        # third attempt: the message exceeded maxReceiveCount and went to the DLQ
        self.assertEqual(self.receive(src), [])
        moved = self.receive(dlq, AttributeNames=["All"], MessageAttributeNames=["All"])
        self.assertEqual(len(moved), 1)
        m = moved[0]
        self.assertEqual(m["MessageId"], sent["MessageId"])
        self.assertEqual(m["Body"], "poison")
        self.assertEqual(m["MD5OfBody"], h.md5_hex("poison"))
        self.assertEqual(m["MessageAttributes"], {"k": {"DataType": "String",
                                                        "StringValue": "v"}})
        self.assertEqual(m["Attributes"].get("DeadLetterQueueSourceArn"), src_arn)
        self.assertEqual(self.queue_attributes(src, ["ApproximateNumberOfMessages",
                                                     "ApproximateNumberOfMessagesNotVisible"]),
                         {"ApproximateNumberOfMessages": "0",
                          "ApproximateNumberOfMessagesNotVisible": "0"})

    def test_list_dead_letter_source_queues(self):
        dlq = self.create_queue(h.unique("dlq"))
        dlq_arn = self.queue_arn(dlq)
        sources = sorted(self.create_queue(h.unique("src"),
                                           RedrivePolicy=redrive_policy(dlq_arn, 3))
                         for _ in range(2))
        self.create_queue(h.unique("unrelated"))
        res = self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)
        self.assertEqual(sorted(res.get("queueUrls", [])), sources)
        lonely = self.create_queue(h.unique("lonely"))
        self.assertEqual(self.sqs.list_dead_letter_source_queues(QueueUrl=lonely)
                         .get("queueUrls", []), [])
        # adding a redrive policy later is picked up too
        late = self.create_queue(h.unique("late"))
        self.sqs.set_queue_attributes(QueueUrl=late,
                                      Attributes={"RedrivePolicy": redrive_policy(dlq_arn, 5)})
        res = self.sqs.list_dead_letter_source_queues(QueueUrl=dlq)
        self.assertEqual(sorted(res.get("queueUrls", [])), sorted(sources + [late]))

    def test_fifo_dead_letter_queue(self):
        dlq = self.create_fifo_queue()
        dlq_arn = self.queue_arn(dlq)
        src = self.create_fifo_queue(ContentBasedDeduplication="true",
                                     RedrivePolicy=redrive_policy(dlq_arn, 1))
        sent = self.sqs.send_message(QueueUrl=src, MessageBody="fifo poison",
                                     MessageGroupId="grp")
        first = self.receive(src, VisibilityTimeout=0)
        self.assertEqual([m["MessageId"] for m in first], [sent["MessageId"]])
        # second receive attempt exceeds maxReceiveCount=1: the message is dead-lettered
        self.assertEqual(self.receive(src), [])
        moved = self.receive(dlq, AttributeNames=["All"])
        self.assertEqual(len(moved), 1)
        self.assertEqual(moved[0]["MessageId"], sent["MessageId"])
        self.assertEqual(moved[0]["Body"], "fifo poison")
        self.assertEqual(moved[0]["Attributes"]["MessageGroupId"], "grp")


class MessageMoveTaskTest(h.SqsTestCase):

    @classmethod
    def setUpClass(cls):
        model = botocore.session.get_session().get_service_model("sqs")
        if "StartMessageMoveTask" not in model.operation_names:
            raise unittest.SkipTest("botocore %s's SQS model has no message move tasks"
                                    % botocore.__version__)
        super().setUpClass()

    def dead_letter(self, src, dlq, count):
        """Push `count` messages of `src` (maxReceiveCount 1) into its DLQ."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            self.receive(src, VisibilityTimeout=0)
            n = int(self.queue_attributes(dlq, ["ApproximateNumberOfMessages"])
                    ["ApproximateNumberOfMessages"])
            if n >= count:
                return
        self.fail("messages did not reach the dead-letter queue")

    def wait_for_task(self, source_arn, status="COMPLETED"):
        def finished():
            results = self.sqs.list_message_move_tasks(SourceArn=source_arn).get("Results", [])
            if results and results[0]["Status"] not in ("RUNNING", "CANCELLING"):
                return results[0]
            return None
        task = self.wait_until(finished, timeout=15, interval=0.1, message="move task")
        self.assertEqual(task["Status"], status, task)
        return task

    def test_move_back_to_original_source(self):
        dlq = self.create_queue(h.unique("dlq"))
        dlq_arn = self.queue_arn(dlq)
        src = self.create_queue(h.unique("src"), RedrivePolicy=redrive_policy(dlq_arn, 1))
        bodies = ["back-1", "back-2"]
        for b in bodies:
            self.sqs.send_message(QueueUrl=src, MessageBody=b)
        self.dead_letter(src, dlq, 2)
        # keep the redriven messages in the source when we read them below
        self.sqs.set_queue_attributes(QueueUrl=src,
                                      Attributes={"RedrivePolicy": redrive_policy(dlq_arn, 100)})

        handle = self.sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
        self.assertTrue(handle)
        task = self.wait_for_task(dlq_arn)
        self.assertEqual(task["SourceArn"], dlq_arn)
        self.assertEqual(task["ApproximateNumberOfMessagesMoved"], 2)
        self.assertNotIn("DestinationArn", task)
        self.assertIn("StartedTimestamp", task)
        self.assertEqual(sorted(m["Body"] for m in self.drain(src, expected=2)), bodies)
        self.assertEqual(self.receive(dlq), [])

    def test_move_to_explicit_destination_and_cancel_finished_task(self):
        dlq = self.create_queue(h.unique("dlq"))
        dlq_arn = self.queue_arn(dlq)
        self.create_queue(h.unique("src"), RedrivePolicy=redrive_policy(dlq_arn, 3))
        dest = self.create_queue(h.unique("dest"))
        dest_arn = self.queue_arn(dest)
        bodies = ["dest-%d" % i for i in range(3)]
        for b in bodies:
            self.sqs.send_message(QueueUrl=dlq, MessageBody=b)

        handle = self.sqs.start_message_move_task(SourceArn=dlq_arn,
                                                  DestinationArn=dest_arn)["TaskHandle"]
        task = self.wait_for_task(dlq_arn)
        self.assertEqual(task["DestinationArn"], dest_arn)
        self.assertEqual(task["ApproximateNumberOfMessagesMoved"], 3)
        self.assertEqual(sorted(m["Body"] for m in self.drain(dest, expected=3)), bodies)
        self.assertEqual(self.receive(dlq), [])

        # only a running task can be cancelled
        with self.assertRaises(ClientError) as cm:
            self.sqs.cancel_message_move_task(TaskHandle=handle)
        err = cm.exception.response["Error"]
        self.assertIn(err["Code"], ("ResourceNotFoundException", "InvalidParameterValue"),
                      cm.exception.response)
        self.assertIn(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], (400, 404))

    def test_source_must_be_a_dead_letter_queue(self):
        plain = self.create_queue(h.unique("plain"))
        with self.assertAwsError("InvalidParameterValue"):
            self.sqs.start_message_move_task(SourceArn=self.queue_arn(plain))

    def test_source_must_exist(self):
        arn = "arn:aws:sqs:us-east-1:%s:%s" % (h.DEFAULT_ACCOUNT, h.unique("nosuch"))
        with self.assertAwsError("ResourceNotFoundException", status=404):
            self.sqs.start_message_move_task(SourceArn=arn)
        with self.assertAwsError("ResourceNotFoundException", status=None):
            self.sqs.list_message_move_tasks(SourceArn=arn)


if __name__ == "__main__":
    unittest.main()
