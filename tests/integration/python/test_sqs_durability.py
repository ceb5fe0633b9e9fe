"""SQS durability: state survives a clean restart and acknowledged writes survive
kill -9; --ephemeral keeps nothing."""

import threading
import time

from botocore.exceptions import BotoCoreError, ClientError

try:
    from . import harness
    from . import sqs_helpers as h
except ImportError:
    import harness
    import sqs_helpers as h


class RestartTest(h.SqsTestCase):

    def setUp(self):
        harness.require_restartable()

    def restart(self):
        self.server.stop()  # asserts a clean exit (code 0)
        self.server.start()
        type(self).sqs = self.server.client()

    def test_messages_and_queues_survive_clean_restart(self):
        name = h.unique("durable")
        url = self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "17"},
                                    tags={"keep": "me"})["QueueUrl"]
        fifo = self.create_fifo_queue(ContentBasedDeduplication="true")
        attrs = {"n": {"DataType": "Number", "StringValue": "12"},
                 "b": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}}
        sent = {}
        for i in range(10):
            body = "single-%d" % i
            sent[self.sqs.send_message(QueueUrl=url, MessageBody=body,
                                       MessageAttributes=attrs)["MessageId"]] = body
        res = self.sqs.send_message_batch(QueueUrl=url, Entries=[
            {"Id": "e%d" % i, "MessageBody": "batch-%d" % i} for i in range(10)])
        self.assertFalse(res.get("Failed"))
        for e in res["Successful"]:
            sent[e["MessageId"]] = "batch-%s" % e["Id"][1:]
        fifo_ids = [self.sqs.send_message(QueueUrl=fifo, MessageBody="f%d" % i,
                                          MessageGroupId="g")["MessageId"] for i in range(5)]
        # a message deleted before the restart stays deleted
        deleted_queue = self.create_queue(h.unique("deleted"))
        self.sqs.send_message(QueueUrl=deleted_queue, MessageBody="deleted")
        self.assertEqual(len(self.drain(deleted_queue, expected=1)), 1)

        self.restart()

        self.assertEqual(self.sqs.get_queue_url(QueueName=name)["QueueUrl"], url)
        self.assertEqual(self.queue_attributes(url, ["VisibilityTimeout"]),
                         {"VisibilityTimeout": "17"})
        self.assertEqual(self.sqs.list_queue_tags(QueueUrl=url).get("Tags"), {"keep": "me"})
        got = self.drain(url, expected=len(sent), MessageAttributeNames=["All"])
        self.assertEqual(sorted(m["MessageId"] for m in got), sorted(sent))
        for m in got:
            self.assertEqual(m["Body"], sent[m["MessageId"]])
            self.assertEqual(m["MD5OfBody"], h.md5_hex(m["Body"]))
            if m["Body"].startswith("single-"):
                self.assertEqual(m["MessageAttributes"], attrs)
        self.assertEqual(self.receive(deleted_queue), [])
        fifo_got = self.drain(fifo, expected=5)
        self.assertEqual([m["MessageId"] for m in fifo_got], fifo_ids)
        # FIFO deduplication state survives too
        again = self.sqs.send_message(QueueUrl=fifo, MessageBody="f0", MessageGroupId="g")
        self.assertEqual(again["MessageId"], fifo_ids[0])

    def test_acknowledged_sends_survive_kill9(self):
        url = self.create_queue(h.unique("kill9"))
        acked = []
        lock = threading.Lock()
        stop = threading.Event()
        errors = []
        endpoint_client = [self.server.client(connect_timeout=2, read_timeout=5)
                           for _ in range(3)]

        def single_sender(idx):
            client = endpoint_client[idx]
            i = 0
            while not stop.is_set():
                try:
                    r = client.send_message(QueueUrl=url, MessageBody="s%d-%d" % (idx, i))
                except (BotoCoreError, ClientError, OSError):
                    return  # the server is gone
                except Exception as e:  # anything else is a test bug
                    errors.append(e)
                    return
                with lock:
                    acked.append(r["MessageId"])
                i += 1

        def batch_sender(idx):
            client = endpoint_client[idx]
            i = 0
            while not stop.is_set():
                try:
                    r = client.send_message_batch(QueueUrl=url, Entries=[
                        {"Id": "e%d" % j, "MessageBody": "b%d-%d" % (i, j)} for j in range(5)])
                except (BotoCoreError, ClientError, OSError):
                    return
                except Exception as e:
                    errors.append(e)
                    return
                with lock:
                    acked.extend(e["MessageId"] for e in r.get("Successful", []))
                i += 1

        threads = [threading.Thread(target=single_sender, args=(0,)),
                   threading.Thread(target=single_sender, args=(1,)),
                   threading.Thread(target=batch_sender, args=(2,))]
        for t in threads:
            t.start()
        try:
            time.sleep(1.0)
            with lock:
                before_kill = len(acked)
            self.server.kill9()
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertGreater(before_kill, 0, "no send was acknowledged before the kill")

        self.server.start()
        type(self).sqs = self.server.client()
        received = []
        empty = 0
        deadline = time.monotonic() + 30
        while empty < 2 and time.monotonic() < deadline:
            msgs = self.receive(url, WaitTimeSeconds=1)
            if not msgs:
                empty += 1
                continue
            empty = 0
            received.extend(m["MessageId"] for m in msgs)
            res = self.sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": "d%d" % i, "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(msgs)])
            self.assertFalse(res.get("Failed"), res)
        duplicates = sorted({m for m in received if received.count(m) > 1})
        self.assertEqual(duplicates, [], "messages received twice")
        missing = sorted(set(acked) - set(received))
        self.assertEqual(missing, [], "%d of %d acknowledged messages lost"
                         % (len(missing), len(acked)))
        # at most the requests in flight at the kill may have landed unacknowledged
        self.assertLessEqual(len(set(received) - set(acked)), 1 + 1 + 5)


class MoveTaskRestartTest(h.SqsTestCase):

    def setUp(self):
        harness.require_restartable()
        if not h.has_operation(self.sqs, "StartMessageMoveTask"):
            self.skipTest("this botocore has no message move tasks")

    def test_a_running_move_task_resumes_after_a_restart(self):
        import json
        dlq = self.create_queue()
        dlq_arn = self.queue_arn(dlq)
        target = self.create_queue()
        self.create_queue(RedrivePolicy=json.dumps(
            {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "1"}))
        self.sqs.send_message_batch(QueueUrl=dlq, Entries=[
            {"Id": str(i), "MessageBody": "m%d" % i} for i in range(4)])
        # 2 a second: the task is still running when the server stops
        handle = self.sqs.start_message_move_task(
            SourceArn=dlq_arn, DestinationArn=self.queue_arn(target),
            MaxNumberOfMessagesPerSecond=2)["TaskHandle"]
        self.server.stop()  # asserts a clean exit (code 0)
        self.server.start()
        type(self).sqs = self.server.client()
        tasks = self.sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
        self.assertEqual(len(tasks), 1, tasks)
        self.assertEqual(tasks[0]["ApproximateNumberOfMessagesToMove"], 4)
        self.assertEqual(tasks[0]["Status"], "RUNNING", tasks[0])
        self.assertLess(tasks[0]["ApproximateNumberOfMessagesMoved"], 4)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            task = self.sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
            if task["Status"] != "RUNNING":
                break
            time.sleep(0.2)
        self.assertEqual(task["Status"], "COMPLETED", task)
        self.assertEqual(task["ApproximateNumberOfMessagesMoved"], 4)
        self.assertEqual(sorted(m["Body"] for m in self.drain(target, expected=4)),
                         ["m0", "m1", "m2", "m3"])
        self.assertEqual(self.drain(dlq), [])
        # the handle of a finished task can no longer cancel it
        with self.assertRaises(ClientError):
            self.sqs.cancel_message_move_task(TaskHandle=handle)


class EphemeralTest(h.SqsTestCase):
    ephemeral = True

    def test_ephemeral_keeps_nothing_across_restart(self):
        harness.require_restartable()
        name = h.unique("ephemeral")
        url = self.create_queue(name)
        self.sqs.send_message(QueueUrl=url, MessageBody="transient")
        self.server.stop()
        self.server.start()
        type(self).sqs = self.server.client()
        with self.assertAwsError(h.NON_EXISTENT_QUEUE):
            self.sqs.get_queue_url(QueueName=name)


if __name__ == "__main__":
    import unittest
    unittest.main()
