"""Shared helpers for the Lambda integration tests (both interpreters).

Lambda is restJson1 for every botocore version, so both interpreters speak the same
protocol; what differs is the client code (botocore 1.43 against 1.29).

Functions really run on this machine: python3.x runtimes on `python3`, nodejs*.x on
`node`, provided.al2/provided.al2023 run the package's own `bootstrap`.
"""

import base64
import contextlib
import hashlib
import io
import json
import re
import time
import uuid
import zipfile

from botocore.exceptions import ClientError

try:
    from .harness import ServerTestCase
except ImportError:  # run with the test directory itself as the top level
    from harness import ServerTestCase

DEFAULT_ACCOUNT = "000000000000"
REGION = "us-east-1"
ROLE = "arn:aws:iam::%s:role/stratus-itest-lambda-role" % DEFAULT_ACCOUNT
PYTHON_RUNTIME = "python3.12"
NODE_RUNTIME = "nodejs20.x"
PROVIDED_RUNTIME = "provided.al2023"

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# LastModified as Lambda writes it: 2024-01-31T12:34:56.789+0000
LAST_MODIFIED_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")

# Files that must keep their exec bit in the package.
EXECUTABLES = ("bootstrap",)

# The smallest useful Python handler.
ECHO_PY = """\
def handler(event, context):
    return {"echo": event}
"""


def unique(prefix="fn"):
    """A function name unique to this run (letters, digits, hyphens; <= 64 chars)."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def function_arn(name, account=DEFAULT_ACCOUNT, region=REGION):
    return "arn:aws:lambda:%s:%s:function:%s" % (region, account, name)


def make_zip(files, executables=EXECUTABLES):
    """A zip package, in memory, from {path: text or bytes}. Files named in
    `executables` (by their base name) get mode 0755, the others 0644."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, content in files.items():
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            executable = path.rsplit("/", 1)[-1] in executables
            info.external_attr = (0o755 if executable else 0o644) << 16
            if isinstance(content, str):
                content = content.encode("utf-8")
            zf.writestr(info, content)
    return buf.getvalue()


def sha256_b64(data):
    """CodeSha256 as Lambda reports it: base64 of the SHA-256 of the zip file."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def payload_json(response):
    """The Invoke response payload, parsed."""
    body = response["Payload"].read()
    return json.loads(body) if body else None


def decode_log(response):
    """The LogResult of an Invoke with LogType=Tail, decoded."""
    return base64.b64decode(response["LogResult"]).decode("utf-8", "replace")


class LambdaTestCase(ServerTestCase):
    """Server per class plus Lambda and SQS clients, error assertions and helpers that
    create functions from in-memory zips and wait for them to become Active."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No retries: throttling (429) and timeouts must reach the test as they are.
        cls.lam = cls.lambda_client()
        cls.sqs = cls.server.client("sqs")

    @classmethod
    def lambda_client(cls, access_key="AKIDEXAMPLE", region=REGION, **config):
        config.setdefault("retries", {"total_max_attempts": 1})
        return cls.server.client("lambda", access_key=access_key, region=region, **config)

    @classmethod
    def raw_lambda_client(cls):
        """A client without botocore's parameter validation, for server-side checks."""
        return cls.lambda_client(parameter_validation=False)

    # -- errors ----------------------------------------------------------------

    @contextlib.contextmanager
    def assertAwsError(self, code, status=400, message=None):
        """The block must raise a ClientError with this AWS error code, HTTP status and
        (if given) a message containing `message`."""
        with self.assertRaises(ClientError) as cm:
            yield cm
        response = cm.exception.response
        err = response.get("Error", {})
        meta = response.get("ResponseMetadata", {})
        detail = "error response: %r" % (response,)
        self.assertEqual(err.get("Code"), code, detail)
        if status is not None:
            self.assertEqual(meta.get("HTTPStatusCode"), status, detail)
        if message is not None:
            self.assertIn(message, err.get("Message", ""), detail)
        # Lambda's modeled errors carry "Type": "User" for the caller's mistakes.
        if status is not None and 400 <= status < 500 and "Type" in response:
            self.assertEqual(response["Type"], "User", detail)

    # -- functions -------------------------------------------------------------

    def create_function(self, name=None, files=None, zip_bytes=None, runtime=PYTHON_RUNTIME,
                        handler="app.handler", wait=True, client=None, **kwargs):
        """CreateFunction from an in-memory zip (`files` or `zip_bytes`); waits for the
        function to be Active unless `wait` is false. Returns the CreateFunction response."""
        client = client or self.lam
        name = name or unique()
        if zip_bytes is None:
            zip_bytes = make_zip(files if files is not None else {"app.py": ECHO_PY})
        kwargs.setdefault("Role", ROLE)
        resp = client.create_function(FunctionName=name, Runtime=runtime, Handler=handler,
                                      Code={"ZipFile": zip_bytes}, **kwargs)
        if wait:
            self.wait_active(name, client=client)
        return resp

    def create_python_function(self, source, name=None, module="app", **kwargs):
        return self.create_function(name=name, files={module + ".py": source},
                                    runtime=kwargs.pop("runtime", PYTHON_RUNTIME),
                                    handler=kwargs.pop("handler", module + ".handler"), **kwargs)

    def create_node_function(self, source, name=None, filename="index.mjs", **kwargs):
        module = filename.rsplit(".", 1)[0]
        return self.create_function(name=name, files={filename: source},
                                    runtime=kwargs.pop("runtime", NODE_RUNTIME),
                                    handler=kwargs.pop("handler", module + ".handler"), **kwargs)

    def create_provided_function(self, bootstrap, name=None, extra_files=None, **kwargs):
        files = {"bootstrap": bootstrap}
        files.update(extra_files or {})
        return self.create_function(name=name, files=files,
                                    runtime=kwargs.pop("runtime", PROVIDED_RUNTIME),
                                    handler=kwargs.pop("handler", "function.handler"), **kwargs)

    def _wait(self, waiter_name, name, client, predicate, timeout):
        client = client or self.lam
        if waiter_name in client.waiter_names:
            client.get_waiter(waiter_name).wait(
                FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": int(timeout)})
            return
        # Older botocore without the v2 waiters: poll.
        deadline = time.monotonic() + timeout
        while True:
            config = client.get_function_configuration(FunctionName=name)
            if predicate(config):
                return
            if time.monotonic() >= deadline:
                self.fail("function %s did not settle: %r" % (name, config))
            time.sleep(0.1)

    def wait_active(self, name, client=None, timeout=30):
        self._wait("function_active_v2", name, client,
                   lambda c: c.get("State") == "Active", timeout)

    def wait_updated(self, name, client=None, timeout=30):
        self._wait("function_updated_v2", name, client,
                   lambda c: c.get("LastUpdateStatus") == "Successful", timeout)

    def invoke(self, name, event=None, client=None, **kwargs):
        """Invoke synchronously; returns (response, parsed payload)."""
        client = client or self.lam
        if event is not None:
            kwargs["Payload"] = json.dumps(event).encode("utf-8")
        resp = client.invoke(FunctionName=name, **kwargs)
        return resp, payload_json(resp)

    def invoke_ok(self, name, event=None, **kwargs):
        """Invoke and assert a 200 without FunctionError; returns the parsed payload."""
        resp, payload = self.invoke(name, event, **kwargs)
        self.assertEqual(resp["StatusCode"], 200, resp)
        self.assertNotIn("FunctionError", resp, payload)
        return payload

    def invoke_error(self, name, event=None, **kwargs):
        """Invoke and assert a 200 with FunctionError "Unhandled"; returns the payload."""
        resp, payload = self.invoke(name, event, **kwargs)
        self.assertEqual(resp["StatusCode"], 200, resp)
        self.assertEqual(resp.get("FunctionError"), "Unhandled", payload)
        self.assertIsInstance(payload, dict)
        return payload

    # -- queues ----------------------------------------------------------------

    def create_queue(self, client=None):
        client = client or self.sqs
        name = unique("q")
        return name, client.create_queue(QueueName=name)["QueueUrl"]

    def receive_one(self, url, timeout=15.0, client=None):
        """The first message to arrive on the queue within `timeout` (deleted), or fail."""
        client = client or self.sqs
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            wait = max(1, min(5, int(deadline - time.monotonic())))
            msgs = client.receive_message(QueueUrl=url, MaxNumberOfMessages=1,
                                          WaitTimeSeconds=wait).get("Messages", [])
            if msgs:
                client.delete_message(QueueUrl=url, ReceiptHandle=msgs[0]["ReceiptHandle"])
                return msgs[0]
        self.fail("no message arrived on %s within %.0f s" % (url, timeout))
