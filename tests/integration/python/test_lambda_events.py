"""Lambda driven by events: SQS event source mappings (batches, partial failures, the
queue's dead-letter queue, filters, enabled/disabled), asynchronous invocations
(retries, destinations, dead-letter queues, a restart with events pending) and SNS
subscriptions. Functions record what they saw by sending it to an SQS queue of the
test's, through boto3 pointed at Stratus by AWS_ENDPOINT_URL."""

import json
import time
import unittest

try:
    from . import harness
    from . import lambda_helpers as lh
except ImportError:  # run with the test directory itself as the top level
    import harness
    import lambda_helpers as lh

# Records each batch on the queue named by the RESULTS variable; orders marked poison
# are reported as batch item failures (or, without the flag, fail the whole batch).
ORDER_HANDLER = """
import json, os, boto3
sqs = boto3.client("sqs")
def handler(event, context):
    url = sqs.get_queue_url(QueueName=os.environ["RESULTS"])["QueueUrl"]
    failures = []
    ids = []
    for record in event["Records"]:
        order = json.loads(record["body"])
        if order.get("poison"):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        ids.append(order["id"])
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({
        "ids": ids, "size": len(event["Records"]),
        "source": event["Records"][0]["eventSource"], "arn": event["Records"][0]["eventSourceARN"]}))
    return {"batchItemFailures": failures}
"""

# Writes each order into the DynamoDB table named by TABLE; poison orders are
# reported as batch item failures.
DYNAMODB_ORDER_HANDLER = """
import json, os, boto3
table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
def handler(event, context):
    failures = []
    for record in event["Records"]:
        order = json.loads(record["body"])
        if order.get("poison"):
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        table.put_item(Item={"orderId": str(order["id"]), "amount": order["amount"], "messageId": record["messageId"]})
    return {"batchItemFailures": failures}
"""

# Sends its event to RESULTS, then fails when asked to.
ASYNC_HANDLER = """
import json, os, boto3
sqs = boto3.client("sqs")
def handler(event, context):
    url = sqs.get_queue_url(QueueName=os.environ["RESULTS"])["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    if event.get("fail"):
        raise RuntimeError("failing on purpose")
    return {"done": event.get("n")}
"""


class EventTestCase(lh.LambdaTestCase):
    server_args = ("--lambda-retry-delay", "1")

    def queue_arn(self, url):
        return self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def drain(self, url, quiet_seconds=2, timeout=60):
        """Every message that arrives until the queue stays empty for `quiet_seconds`."""
        bodies = []
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - quiet_since < quiet_seconds:
            msgs = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            for m in msgs:
                bodies.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            if msgs:
                quiet_since = time.monotonic()
        return bodies

    def results_function(self, source):
        results_name, results_url = self.create_queue()
        name = self.create_python_function(source, Environment={"Variables": {"RESULTS": results_name}},
                                           Timeout=30)["FunctionName"]
        return name, results_url


class SqsEventSourceTest(EventTestCase):

    def test_orders_pipeline_with_poison_message(self):
        """Queue with a dead-letter queue (maxReceiveCount 3) -> mapping (BatchSize 10,
        ReportBatchItemFailures) -> function: every good order handled exactly once,
        the poison one in the dead-letter queue after three attempts."""
        _, dlq_url = self.create_queue()
        _, queue_url = self.create_queue()
        # Longer than a cold start plus a batch, or a message still being handled
        # would become visible again and be handled twice (at-least-once, as on AWS).
        self.sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={
            "VisibilityTimeout": "5",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": self.queue_arn(dlq_url), "maxReceiveCount": "3"})})
        name, results_url = self.results_function(ORDER_HANDLER)
        mapping = self.lam.create_event_source_mapping(
            EventSourceArn=self.queue_arn(queue_url), FunctionName=name, BatchSize=10,
            FunctionResponseTypes=["ReportBatchItemFailures"])
        self.assertEqual(mapping["State"], "Creating")
        self.assertEqual(mapping["BatchSize"], 10)
        self.assertEqual(mapping["FunctionResponseTypes"], ["ReportBatchItemFailures"])
        for i in range(30):
            self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"id": i}))
        self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"id": 999, "poison": True}))

        dead = self.receive_one(dlq_url, timeout=60)
        self.assertEqual(json.loads(dead["Body"]), {"id": 999, "poison": True})
        batches = self.drain(results_url)
        handled = sorted(i for b in batches for i in b["ids"])
        self.assertEqual(handled, list(range(30)))  # each exactly once
        self.assertTrue(all(b["size"] <= 10 for b in batches), batches)
        self.assertEqual({b["source"] for b in batches}, {"aws:sqs"})
        self.assertEqual({b["arn"] for b in batches}, {self.queue_arn(queue_url)})
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        self.assertEqual(attributes["Attributes"], {"ApproximateNumberOfMessages": "0",
                                                    "ApproximateNumberOfMessagesNotVisible": "0"})
        got = self.lam.get_event_source_mapping(UUID=mapping["UUID"])
        self.assertEqual(got["State"], "Enabled")
        self.lam.delete_event_source_mapping(UUID=mapping["UUID"])

    def test_orders_pipeline_into_dynamodb(self):
        """The issue's pipeline: queue (dead-letter queue, maxReceiveCount 3) -> mapping
        (BatchSize 10) -> a Python function writing each order into a DynamoDB table
        through boto3 pointed back at the server: every good order in the table exactly
        once, the poison one in the dead-letter queue after three attempts."""
        ddb = self.server.client("dynamodb")
        table = lh.unique("orders")
        ddb.create_table(TableName=table, KeySchema=[{"AttributeName": "orderId", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "orderId", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        _, dlq_url = self.create_queue()
        _, queue_url = self.create_queue()
        self.sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={
            "VisibilityTimeout": "5",
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": self.queue_arn(dlq_url), "maxReceiveCount": "3"})})
        name = self.create_python_function(DYNAMODB_ORDER_HANDLER, Environment={"Variables": {"TABLE": table}},
                                           Timeout=30)["FunctionName"]
        self.lam.create_event_source_mapping(EventSourceArn=self.queue_arn(queue_url), FunctionName=name, BatchSize=10,
                                             FunctionResponseTypes=["ReportBatchItemFailures"])
        for start in range(0, 40, 10):
            self.sqs.send_message_batch(QueueUrl=queue_url, Entries=[
                {"Id": str(i), "MessageBody": json.dumps({"id": i, "amount": i * 10})} for i in range(start, start + 10)])
        self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"id": 999, "poison": True}))

        dead = self.receive_one(dlq_url, timeout=60)
        self.assertEqual(json.loads(dead["Body"]), {"id": 999, "poison": True})
        deadline = time.monotonic() + 30
        while True:
            items = [i for page in ddb.get_paginator("scan").paginate(TableName=table) for i in page["Items"]]
            if len(items) >= 40 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(sorted(int(i["orderId"]["S"]) for i in items), list(range(40)))  # each once
        self.assertEqual({int(i["orderId"]["S"]) * 10 for i in items}, {int(i["amount"]["N"]) for i in items})
        self.assertEqual(ddb.describe_table(TableName=table)["Table"]["ItemCount"], 40)

    def test_batching_window_gathers_larger_batches(self):
        model = self.lam.meta.service_model.operation_model("CreateEventSourceMapping")
        if "ScalingConfig" not in model.input_shape.members:
            self.skipTest("this botocore has no ScalingConfig, which the test needs to fix the pollers at two")
        _, queue_url = self.create_queue()
        name, results_url = self.results_function(ORDER_HANDLER)
        # 25 messages waiting for two pollers that receive at most 10 at a time: within
        # the window, at least one of them gathers more than 10.
        for start in (0, 10, 20):
            self.sqs.send_message_batch(QueueUrl=queue_url, Entries=[
                {"Id": str(i), "MessageBody": json.dumps({"id": i})} for i in range(start, min(start + 10, 25))])
        mapping = self.lam.create_event_source_mapping(
            EventSourceArn=self.queue_arn(queue_url), FunctionName=name, BatchSize=50,
            MaximumBatchingWindowInSeconds=2, ScalingConfig={"MaximumConcurrency": 2})
        batches = self.drain(results_url, quiet_seconds=4)
        self.assertEqual(sorted(i for b in batches for i in b["ids"]), list(range(25)))
        self.assertGreater(max(b["size"] for b in batches), 10, batches)
        self.lam.delete_event_source_mapping(UUID=mapping["UUID"])

    def test_filter_criteria_skip_and_delete_other_messages(self):
        _, queue_url = self.create_queue()
        name, results_url = self.results_function(ORDER_HANDLER)
        mapping = self.lam.create_event_source_mapping(
            EventSourceArn=self.queue_arn(queue_url), FunctionName=name, BatchSize=10,
            FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["order"]}})}]})
        self.assertEqual(json.loads(mapping["FilterCriteria"]["Filters"][0]["Pattern"]), {"body": {"kind": ["order"]}})
        for i in range(6):
            self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"id": i, "kind": "order" if i % 2 else "note"}))
        batches = self.drain(results_url, quiet_seconds=3)
        self.assertEqual(sorted(i for b in batches for i in b["ids"]), [1, 3, 5])
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
        self.assertEqual(attributes["Attributes"]["ApproximateNumberOfMessages"], "0")
        self.assertEqual(attributes["Attributes"]["ApproximateNumberOfMessagesNotVisible"], "0")
        self.lam.delete_event_source_mapping(UUID=mapping["UUID"])

    def test_disabled_mapping_leaves_the_queue_alone_until_enabled(self):
        _, queue_url = self.create_queue()
        name, results_url = self.results_function(ORDER_HANDLER)
        mapping = self.lam.create_event_source_mapping(
            EventSourceArn=self.queue_arn(queue_url), FunctionName=name, Enabled=False)
        self.sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"id": 1}))
        self.assertEqual(self.drain(results_url, quiet_seconds=2), [])
        self.assertEqual(self.lam.get_event_source_mapping(UUID=mapping["UUID"])["State"], "Disabled")
        updated = self.lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)
        self.assertEqual(updated["State"], "Updating")
        batches = self.drain(results_url, quiet_seconds=2)
        self.assertEqual([b["ids"] for b in batches], [[1]])
        self.lam.delete_event_source_mapping(UUID=mapping["UUID"])

    def test_mapping_api(self):
        _, queue_url = self.create_queue()
        arn = self.queue_arn(queue_url)
        name = self.create_python_function(lh.ECHO_PY)["FunctionName"]
        mapping = self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
        self.assertRegex(mapping["UUID"], lh.UUID_RE)
        self.assertEqual(mapping["BatchSize"], 10)
        self.assertEqual(mapping["FunctionArn"], lh.function_arn(name))
        with self.assertAwsError("ResourceConflictException", 409):
            self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=name)
        listed = self.lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]
        self.assertEqual([m["UUID"] for m in listed], [mapping["UUID"]])
        self.assertEqual(len(self.lam.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]), 1)
        with self.assertAwsError("InvalidParameterValueException"):
            self.lam.update_event_source_mapping(UUID=mapping["UUID"], BatchSize=50)  # > 10 needs a window
        updated = self.lam.update_event_source_mapping(UUID=mapping["UUID"], BatchSize=50, MaximumBatchingWindowInSeconds=1)
        self.assertEqual(updated["BatchSize"], 50)
        with self.assertAwsError("InvalidParameterValueException"):
            self.lam.update_event_source_mapping(
                UUID=mapping["UUID"], FilterCriteria={"Filters": [{"Pattern": "{not json"}]})
        deleted = self.lam.delete_event_source_mapping(UUID=mapping["UUID"])
        self.assertEqual(deleted["State"], "Deleting")
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.get_event_source_mapping(UUID=mapping["UUID"])


class AsyncInvocationTest(EventTestCase):

    def test_success_and_failure_destinations(self):
        name, results_url = self.results_function(ASYNC_HANDLER)
        _, ok_url = self.create_queue()
        _, bad_url = self.create_queue()
        self.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2, DestinationConfig={
            "OnSuccess": {"Destination": self.queue_arn(ok_url)},
            "OnFailure": {"Destination": self.queue_arn(bad_url)}})
        self.assertEqual(self.lam.invoke(FunctionName=name, InvocationType="Event",
                                         Payload=json.dumps({"n": 1}))["StatusCode"], 202)
        self.assertEqual(self.lam.invoke(FunctionName=name, InvocationType="Event",
                                         Payload=json.dumps({"n": 2, "fail": True}))["StatusCode"], 202)
        success = json.loads(self.receive_one(ok_url, timeout=20)["Body"])
        self.assertEqual(success["requestContext"]["condition"], "Success")
        self.assertEqual(success["requestContext"]["approximateInvokeCount"], 1)
        self.assertEqual(success["requestContext"]["functionArn"], lh.function_arn(name) + ":$LATEST")
        self.assertEqual(success["requestPayload"], {"n": 1})
        self.assertEqual(success["responsePayload"], {"done": 1})
        self.assertEqual(success["responseContext"]["statusCode"], 200)

        failure = json.loads(self.receive_one(bad_url, timeout=30)["Body"])
        self.assertEqual(failure["requestContext"]["condition"], "RetriesExhausted")
        self.assertEqual(failure["requestContext"]["approximateInvokeCount"], 3)
        self.assertEqual(failure["requestPayload"], {"n": 2, "fail": True})
        self.assertEqual(failure["responseContext"]["functionError"], "Unhandled")
        self.assertEqual(failure["responsePayload"]["errorType"], "RuntimeError")
        attempts = [e for e in self.drain(results_url) if e.get("n") == 2]
        self.assertEqual(len(attempts), 3)  # the first try and two retries

    def test_no_retries_and_dead_letter_queue(self):
        _, dlq_url = self.create_queue()
        results_name, results_url = self.create_queue()
        name = self.create_python_function(ASYNC_HANDLER, Environment={"Variables": {"RESULTS": results_name}},
                                           DeadLetterConfig={"TargetArn": self.queue_arn(dlq_url)})["FunctionName"]
        self.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
        self.lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 3, "fail": True}))
        dead = self.receive_one(dlq_url, timeout=20)
        self.assertEqual(json.loads(dead["Body"]), {"n": 3, "fail": True})
        self.assertEqual(len(self.drain(results_url)), 1)

    def test_failure_destination_topic(self):
        """An on-failure destination may be an SNS topic: the record reaches its subscribers."""
        name, _ = self.results_function(ASYNC_HANDLER)
        sns = self.server.client("sns")
        topic = sns.create_topic(Name=lh.unique("failures"))["TopicArn"]
        _, inbox_url = self.create_queue()
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=self.queue_arn(inbox_url),
                      Attributes={"RawMessageDelivery": "true"})
        self.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0,
                                                  DestinationConfig={"OnFailure": {"Destination": topic}})
        self.lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 5, "fail": True}))
        record = json.loads(self.receive_one(inbox_url, timeout=20)["Body"])
        self.assertEqual(record["requestContext"]["condition"], "RetriesExhausted")
        self.assertEqual(record["requestContext"]["approximateInvokeCount"], 1)
        self.assertEqual(record["requestPayload"], {"n": 5, "fail": True})

    def test_pending_events_survive_a_restart(self):
        harness.require_restartable()
        name, results_url = self.results_function(ASYNC_HANDLER)
        _, bad_url = self.create_queue()
        self.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2, DestinationConfig={
            "OnFailure": {"Destination": self.queue_arn(bad_url)}})
        self.lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"n": 4, "fail": True}))
        self.server.stop()
        self.server.start()
        type(self).lam = self.lambda_client()
        type(self).sqs = self.server.client("sqs")
        failure = json.loads(self.receive_one(bad_url, timeout=40)["Body"])
        self.assertEqual(failure["requestPayload"], {"n": 4, "fail": True})
        self.assertEqual(failure["requestContext"]["condition"], "RetriesExhausted")


class SnsSubscriptionTest(EventTestCase):

    def test_topic_delivers_sns_records_to_the_function(self):
        name, results_url = self.results_function(ASYNC_HANDLER)
        sns = self.server.client("sns")
        topic = sns.create_topic(Name=lh.unique("topic"))["TopicArn"]
        sub = sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=lh.function_arn(name),
                            ReturnSubscriptionArn=True)["SubscriptionArn"]
        sns.publish(TopicArn=topic, Message="hello", Subject="greeting",
                    MessageAttributes={"kind": {"DataType": "String", "StringValue": "test"}})
        event = json.loads(self.receive_one(results_url, timeout=20)["Body"])
        [record] = event["Records"]
        self.assertEqual(record["EventSource"], "aws:sns")
        self.assertEqual(record["EventVersion"], "1.0")
        self.assertEqual(record["EventSubscriptionArn"], sub)
        message = record["Sns"]
        self.assertEqual(message["Type"], "Notification")
        self.assertEqual(message["TopicArn"], topic)
        self.assertEqual(message["Subject"], "greeting")
        self.assertEqual(message["Message"], "hello")
        self.assertEqual(message["MessageAttributes"], {"kind": {"Type": "String", "Value": "test"}})
        self.assertIn("SigningCertUrl", message)
        self.assertIn("UnsubscribeUrl", message)
        self.assertIn("Signature", message)


if __name__ == "__main__":
    unittest.main()
