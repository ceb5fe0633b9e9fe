"""Shared helpers for the SNS integration tests (both interpreters; SNS is awsQuery in both).

Signatures are checked as AWS documents it for subscribers: fetch the certificate
from SigningCertURL, build the canonical string ("Name\\nvalue\\n" for each signed field,
in a fixed order) and verify it with SHA1withRSA (SignatureVersion 1) or SHA256withRSA
(SignatureVersion 2).
"""

import base64
import calendar
import contextlib
import http.server
import json
import queue
import os
import re
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

try:
    from . import sqs_helpers as h
except ImportError:  # run with the test directory itself as the top level
    import sqs_helpers as h

unique = h.unique
DEFAULT_ACCOUNT = h.DEFAULT_ACCOUNT
REGION = h.REGION

# Error codes as botocore reports them (the awsQuery codes of the SNS model).
INVALID_PARAMETER = "InvalidParameter"
INVALID_PARAMETER_VALUE = "ParameterValueInvalid"
NOT_FOUND = "NotFound"
RESOURCE_NOT_FOUND = "ResourceNotFound"
TAG_LIMIT_EXCEEDED = "TagLimitExceeded"

# Fields of a notification envelope (standard topic), and of a confirmation message.
NOTIFICATION_FIELDS = {"Type", "MessageId", "TopicArn", "Message", "Timestamp", "SignatureVersion",
                       "Signature", "SigningCertURL", "UnsubscribeURL"}
CONFIRMATION_FIELDS = {"Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL",
                       "Timestamp", "SignatureVersion", "Signature", "SigningCertURL"}

# Signed fields, in the order AWS concatenates them.
NOTIFICATION_SIGNED = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_SIGNED = ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type")

TIMESTAMP_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def fast_retry_policy(retries):
    """A subscription DeliveryPolicy that retries `retries` times, 1 s apart."""
    return json.dumps({"healthyRetryPolicy": {"numRetries": retries, "minDelayTarget": 1,
                                              "maxDelayTarget": 1, "numNoDelayRetries": 0,
                                              "numMinDelayRetries": 0, "numMaxDelayRetries": 0,
                                              "backoffFunction": "linear"}})


def canonical_string(doc):
    """AWS's string to sign for a Notification, SubscriptionConfirmation or
    UnsubscribeConfirmation document."""
    names = NOTIFICATION_SIGNED if doc["Type"] == "Notification" else CONFIRMATION_SIGNED
    text = ""
    for name in names:
        if name == "Subject" and name not in doc:
            continue  # only signed when the message has one
        text += "%s\n%s\n" % (name, doc[name])
    return text.encode("utf-8")


def parse_timestamp(text):
    return calendar.timegm(time.strptime(text[:19], "%Y-%m-%dT%H:%M:%S"))


def string_attr(value):
    return {"DataType": "String", "StringValue": value}


def number_attr(value):
    return {"DataType": "Number", "StringValue": str(value)}


def binary_attr(value):
    return {"DataType": "Binary", "BinaryValue": value}


def get_url(url, timeout=5):
    """GET a URL; returns (status, body bytes) and does not raise on HTTP errors."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


class SnsTestCase(h.SqsTestCase):
    """Server per class, SQS and SNS clients, and SNS assertion helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sns = cls.server.client("sns")
        cls._certificates = {}

    # -- topics and subscriptions -----------------------------------------------

    def create_topic(self, name=None, client=None, fifo=False, **attributes):
        client = client or self.sns
        name = name or (unique("t") + (".fifo" if fifo else ""))
        if fifo:
            attributes.setdefault("FifoTopic", "true")
        kwargs = {"Name": name}
        if attributes:
            kwargs["Attributes"] = {k: str(v) for k, v in attributes.items()}
        return client.create_topic(**kwargs)["TopicArn"]

    def topic_attributes(self, arn, client=None):
        return (client or self.sns).get_topic_attributes(TopicArn=arn)["Attributes"]

    def subscription_attributes(self, arn, client=None):
        return (client or self.sns).get_subscription_attributes(SubscriptionArn=arn)["Attributes"]

    def subscribe_queue(self, topic_arn, queue_url=None, raw=False, filter_policy=None,
                        scope=None, fifo=False, **attributes):
        """Subscribe a (new) queue; returns (subscription ARN, queue URL)."""
        if queue_url is None:
            queue_url = self.create_fifo_queue() if fifo else self.create_queue()
        if raw:
            attributes["RawMessageDelivery"] = "true"
        if filter_policy is not None:
            attributes["FilterPolicy"] = (filter_policy if isinstance(filter_policy, str)
                                          else json.dumps(filter_policy))
        if scope is not None:
            attributes["FilterPolicyScope"] = scope
        kwargs = {"TopicArn": topic_arn, "Protocol": "sqs", "Endpoint": self.queue_arn(queue_url)}
        if attributes:
            kwargs["Attributes"] = attributes
        arn = self.sns.subscribe(**kwargs)["SubscriptionArn"]
        self.assertTrue(arn.startswith(topic_arn + ":"), arn)
        return arn, queue_url

    def topic_subscriptions(self, topic_arn):
        subs, token = [], None
        while True:
            kwargs = {"TopicArn": topic_arn}
            if token:
                kwargs["NextToken"] = token
            res = self.sns.list_subscriptions_by_topic(**kwargs)
            subs.extend(res.get("Subscriptions", []))
            token = res.get("NextToken")
            if not token:
                return subs

    def all_subscriptions(self, client=None):
        client = client or self.sns
        subs, token = [], None
        while True:
            res = client.list_subscriptions(**({"NextToken": token} if token else {}))
            subs.extend(res.get("Subscriptions", []))
            token = res.get("NextToken")
            if not token:
                return subs

    # -- received messages ------------------------------------------------------

    def receive_all(self, url, expected, timeout=5.0):
        """Receive (and delete) `expected` messages, then check nothing else is there."""
        got = self.drain(url, expected=expected, timeout=timeout,
                         MessageAttributeNames=["All"],
                         **h.system_attribute_kwargs(self.sqs, ["All"]))
        self.assertEqual(len(got), expected, [m.get("Body") for m in got])
        self.assertEqual(self.receive(url), [], "more messages than expected")
        return got

    def envelopes(self, url, expected, timeout=5.0):
        return [json.loads(m["Body"]) for m in self.receive_all(url, expected, timeout)]

    def bodies(self, url):
        """Everything in the queue now (delivery to SQS is done when Publish returns)."""
        return sorted(m["Body"] for m in self.drain(url))

    # -- signatures -------------------------------------------------------------

    def certificate(self, url):
        if url not in self._certificates:
            status, pem = get_url(url)
            self.assertEqual(status, 200, "GET %s" % url)
            self.assertIn(b"-----BEGIN CERTIFICATE-----", pem)
            self._certificates[url] = x509.load_pem_x509_certificate(pem)
        return self._certificates[url]

    def assertSignatureValid(self, doc):
        """The document's signature verifies with the certificate from SigningCertURL,
        and the same signature does not verify once a signed field changes."""
        version = doc.get("SignatureVersion")
        self.assertIn(version, ("1", "2"), doc)
        url = doc["SigningCertURL"]
        self.assertTrue(urllib.parse.urlparse(url).path.endswith(".pem"), url)
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
        key = self.certificate(url).public_key()
        signature = base64.b64decode(doc["Signature"], validate=True)
        try:
            key.verify(signature, canonical_string(doc), padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            self.fail("signature (version %s) does not verify: %r" % (version, doc))
        tampered = dict(doc, Message=doc["Message"] + " ")
        with self.assertRaises(InvalidSignature):
            key.verify(signature, canonical_string(tampered), padding.PKCS1v15(), algorithm)

    def assertRecentTimestamp(self, text, slack=120):
        self.assertRegex(text, TIMESTAMP_RE)
        self.assertLess(abs(parse_timestamp(text) - time.time()), slack, text)

    def assertNotificationEnvelope(self, doc, topic_arn, message_id, message, subscription_arn,
                                   subject=None, attributes=None):
        """A standard topic's Notification document, as SQS (not raw) and HTTP
        subscribers receive it."""
        fields = set(NOTIFICATION_FIELDS)
        if subject is not None:
            fields.add("Subject")
        if attributes:
            fields.add("MessageAttributes")
        self.assertEqual(set(doc), fields, doc)
        self.assertEqual(doc["Type"], "Notification")
        self.assertEqual(doc["MessageId"], message_id)
        self.assertEqual(doc["TopicArn"], topic_arn)
        self.assertEqual(doc["Message"], message)
        if subject is not None:
            self.assertEqual(doc["Subject"], subject)
        if attributes:
            self.assertEqual(doc["MessageAttributes"], attributes)
        self.assertRecentTimestamp(doc["Timestamp"])
        unsubscribe = urllib.parse.urlparse(doc["UnsubscribeURL"])
        self.assertIn(unsubscribe.scheme, ("http", "https"))
        self.assertEqual(urllib.parse.parse_qs(unsubscribe.query),
                         {"Action": ["Unsubscribe"], "SubscriptionArn": [subscription_arn]})
        self.assertSignatureValid(doc)


_TLS_FILES = None


def tls_files():
    """A self-signed certificate and key for 127.0.0.1 (made once per process)."""
    global _TLS_FILES
    if _TLS_FILES is None:
        folder = tempfile.mkdtemp(prefix="sns-tls-")
        cert, key = os.path.join(folder, "cert.pem"), os.path.join(folder, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                       check=True, capture_output=True)
        _TLS_FILES = (cert, key)
    return _TLS_FILES


class Subscriber:
    """An HTTP (or, with tls=True, HTTPS) endpoint for SNS: records every POST and
    answers with a status code taken from `statuses` (one per request, then
    `default_status`)."""

    def __init__(self, port=None, statuses=(), default_status=200, tls=False):
        self.tls = tls
        self.requests = queue.Queue()
        self.statuses = list(statuses)
        self.default_status = default_status
        self.port = port
        self._server = None
        self._thread = None
        self._lock = threading.Lock()

    @property
    def url(self):
        return "%s://127.0.0.1:%d/sns/endpoint" % ("https" if self.tls else "http", self.port)

    def _next_status(self):
        with self._lock:
            return self.statuses.pop(0) if self.statuses else self.default_status

    def start(self):
        subscriber = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = subscriber._next_status()
                subscriber.requests.put({
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body.decode("utf-8"),
                    "status": status,
                })
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port or 0), Handler)
        self._server.daemon_threads = True
        if self.tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls_files())
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def next(self, timeout=5.0):
        """The next request, or fail."""
        try:
            return self.requests.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no request reached the subscriber within %.1f s" % timeout)

    def next_json(self, timeout=5.0):
        request = self.next(timeout)
        return request, json.loads(request["body"])

    def assertNothing(self, testcase, wait=1.0):
        try:
            request = self.requests.get(timeout=wait)
        except queue.Empty:
            return
        testcase.fail("unexpected request to the subscriber: %r" % (request,))


@contextlib.contextmanager
def running(subscriber):
    subscriber.start()
    try:
        yield subscriber
    finally:
        subscriber.stop()


def new_subscription_arn(topic_arn):
    """A well-formed ARN of a subscription that does not exist."""
    return "%s:%s" % (topic_arn, uuid.uuid4())
