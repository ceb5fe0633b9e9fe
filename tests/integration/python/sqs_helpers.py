"""Shared helpers for the SQS integration tests (both interpreters, both protocols)."""

import contextlib
import hashlib
import struct
import time
import uuid

from botocore.exceptions import ClientError

try:
    from .harness import ServerTestCase
except ImportError:  # run with the test directory itself as the top level
    from harness import ServerTestCase

DEFAULT_ACCOUNT = "000000000000"
REGION = "us-east-1"

# Error codes as the client sees them. With botocore 1.43 (awsJson1.0) the code comes
# from the x-amzn-query-error header, which AWS fills with the awsQuery code, so both
# interpreters must see the same strings.
NON_EXISTENT_QUEUE = "AWS.SimpleQueueService.NonExistentQueue"
QUEUE_ALREADY_EXISTS = "QueueAlreadyExists"
EMPTY_BATCH = "AWS.SimpleQueueService.EmptyBatchRequest"
TOO_MANY_ENTRIES = "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
IDS_NOT_DISTINCT = "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
INVALID_BATCH_ID = "AWS.SimpleQueueService.InvalidBatchEntryId"


def unique(prefix="q"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def md5_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.md5(data).hexdigest()


def _length_prefixed(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def md5_of_attributes(attributes):
    """MD5 of message (or message system) attributes, as documented by AWS:
    for each attribute in ascending name order: length-prefixed name, length-prefixed
    data type, one transport byte (1 = String/Number, 2 = Binary), length-prefixed value."""
    buf = b""
    for name in sorted(attributes):
        attr = attributes[name]
        data_type = attr["DataType"]
        buf += _length_prefixed(name)
        buf += _length_prefixed(data_type)
        if data_type.startswith("Binary"):
            buf += b"\x02" + _length_prefixed(attr["BinaryValue"])
        else:
            buf += b"\x01" + _length_prefixed(attr["StringValue"])
    return hashlib.md5(buf).hexdigest()


def is_json_protocol(client):
    return client.meta.service_model.protocol == "json"


def has_operation(client, name):
    return name in client.meta.service_model.operation_names


def system_attribute_kwargs(client, names):
    """Ask for message system attributes with the newest parameter the client has
    (MessageSystemAttributeNames since 2024, AttributeNames before)."""
    members = client.meta.service_model.operation_model("ReceiveMessage").input_shape.members
    if "MessageSystemAttributeNames" in members:
        return {"MessageSystemAttributeNames": list(names)}
    return {"AttributeNames": list(names)}


class SqsTestCase(ServerTestCase):
    """Server per class plus an SQS client and assertion helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sqs = cls.server.client()

    # -- errors ----------------------------------------------------------------

    @contextlib.contextmanager
    def assertAwsError(self, code, status=400, sender=True):
        """The block must raise a ClientError with this AWS error code and HTTP status."""
        with self.assertRaises(ClientError) as cm:
            yield cm
        err = cm.exception.response.get("Error", {})
        meta = cm.exception.response.get("ResponseMetadata", {})
        detail = "error response: %r" % (cm.exception.response,)
        self.assertEqual(err.get("Code"), code, detail)
        if status is not None:
            self.assertEqual(meta.get("HTTPStatusCode"), status, detail)
        if sender and status is not None and 400 <= status < 500:
            self.assertEqual(err.get("Type"), "Sender", detail)

    # -- queues ----------------------------------------------------------------

    def create_queue(self, name=None, client=None, **attributes):
        client = client or self.sqs
        name = name or unique()
        kwargs = {"QueueName": name}
        if attributes:
            kwargs["Attributes"] = {k: str(v) for k, v in attributes.items()}
        return client.create_queue(**kwargs)["QueueUrl"]

    def create_fifo_queue(self, name=None, client=None, **attributes):
        name = name or unique("f") + ".fifo"
        attributes.setdefault("FifoQueue", "true")
        return self.create_queue(name, client=client, **attributes)

    def queue_attributes(self, url, names=("All",), client=None):
        client = client or self.sqs
        return client.get_queue_attributes(QueueUrl=url, AttributeNames=list(names)) \
            .get("Attributes", {})

    def queue_arn(self, url, client=None):
        return self.queue_attributes(url, ["QueueArn"], client=client)["QueueArn"]

    # -- messages --------------------------------------------------------------

    def receive(self, url, client=None, **kwargs):
        client = client or self.sqs
        kwargs.setdefault("MaxNumberOfMessages", 10)
        return client.receive_message(QueueUrl=url, **kwargs).get("Messages", [])

    def drain(self, url, expected=None, timeout=10.0, delete=True, client=None, **kwargs):
        """Receive (and delete) until `expected` messages came or the queue stays empty."""
        client = client or self.sqs
        got = []
        deadline = time.monotonic() + timeout
        empty_rounds = 0
        while time.monotonic() < deadline:
            msgs = self.receive(url, client=client, **kwargs)
            if not msgs:
                empty_rounds += 1
                if expected is None and empty_rounds >= 2:
                    break
                if expected is not None and len(got) >= expected:
                    break
                time.sleep(0.05)
                continue
            empty_rounds = 0
            got.extend(msgs)
            if delete:
                for i in range(0, len(msgs), 10):
                    chunk = msgs[i:i + 10]
                    res = client.delete_message_batch(QueueUrl=url, Entries=[
                        {"Id": "m%d" % j, "ReceiptHandle": m["ReceiptHandle"]}
                        for j, m in enumerate(chunk)])
                    self.assertFalse(res.get("Failed"), res)
            if expected is not None and len(got) >= expected:
                break
        return got

    def wait_until(self, predicate, timeout=10.0, interval=0.05, message="condition"):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                self.fail("timed out after %.1f s waiting for %s" % (timeout, message))
            time.sleep(interval)
