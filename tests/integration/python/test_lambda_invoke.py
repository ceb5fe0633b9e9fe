"""Lambda Invoke: functions really run as local processes (Python on `python3`, Node.js
on `node`, provided.al2/provided.al2023 the package's own `bootstrap`).

Assertions are what AWS Lambda returns: the payload and headers of Invoke, the error
documents of the runtimes (errorType/errorMessage as the AWS runtime clients write
them), the context and environment a function sees, and the log lines Lambda writes.
"""

import base64
import json
import os
import re
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse

from botocore.exceptions import ClientError

try:
    from . import harness
    from . import lambda_helpers as h
except ImportError:
    import harness
    import lambda_helpers as h

# One Python function that does whatever the event asks.
APP_PY = r'''
import json
import os
import sys
import time
import uuid

ENVIRONMENT_ID = uuid.uuid4().hex
INVOCATIONS = 0


class OrderError(Exception):
    pass


def handler(event, context):
    global INVOCATIONS
    INVOCATIONS += 1
    action = event.get("action", "echo") if isinstance(event, dict) else "echo"
    if action == "echo":
        return event
    if action == "return":
        return event["value"]
    if action == "context":
        return {
            "aws_request_id": context.aws_request_id,
            "function_name": context.function_name,
            "function_version": context.function_version,
            "invoked_function_arn": context.invoked_function_arn,
            "memory_limit_in_mb": context.memory_limit_in_mb,
            "remaining": context.get_remaining_time_in_millis(),
            "log_group_name": context.log_group_name,
            "log_stream_name": context.log_stream_name,
        }
    if action == "env":
        root = os.environ.get("LAMBDA_TASK_ROOT", "")
        return {"env": dict(os.environ), "cwd": os.getcwd(),
                "task_root_files": sorted(os.listdir(root)) if os.path.isdir(root) else None}
    if action == "print":
        print(event["text"])
        print("to stderr: " + event["text"], file=sys.stderr)
        return "printed"
    if action == "raise":
        raise ValueError(event.get("message", "bad input"))
    if action == "raise_custom":
        raise OrderError("order 42 is invalid")
    if action == "sleep":
        time.sleep(event["seconds"])
        return {"environment": ENVIRONMENT_ID, "invocations": INVOCATIONS}
    if action == "count":
        return {"environment": ENVIRONMENT_ID, "invocations": INVOCATIONS}
    if action == "exit":
        sys.stdout.flush()
        os._exit(event.get("code", 3))
    if action == "sqs":
        import boto3  # the runtime's own boto3, pointed at Stratus by AWS_ENDPOINT_URL
        sqs = boto3.client("sqs")
        url = sqs.get_queue_url(QueueName=event["queue"])["QueueUrl"]
        body = json.dumps({"from": context.function_name, "request_id": context.aws_request_id,
                           "body": event.get("body")})
        return {"message_id": sqs.send_message(QueueUrl=url, MessageBody=body)["MessageId"]}
    raise KeyError("unknown action " + action)
'''

LOG_STREAM_RE = re.compile(r"^\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}$")


def app_zip():
    return h.make_zip({"app.py": APP_PY})


def parallel(count, work):
    """Run work(i) in `count` threads at once; returns (results by i, seconds taken)."""
    results = [None] * count
    errors = []
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as e:  # reported by the caller
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    elapsed = time.monotonic() - start
    if errors:
        raise errors[0]
    return results, elapsed


class PythonInvokeTest(h.LambdaTestCase):
    """Python functions: one shared function for most tests, a few of their own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fn = h.unique("py")
        cls.lam.create_function(FunctionName=cls.fn, Runtime=h.PYTHON_RUNTIME, Role=h.ROLE,
                                Handler="app.handler", Code={"ZipFile": app_zip()},
                                MemorySize=256, Timeout=10,
                                Environment={"Variables": {"COLOR": "blue", "EMPTY": ""}})
        cls.lam.publish_version(FunctionName=cls.fn)
        cls.lam.create_alias(FunctionName=cls.fn, Name="live", FunctionVersion="1")

    def setUp(self):
        self.wait_active(self.fn)

    def new_app(self, **kwargs):
        name = h.unique("py")
        self.create_function(name, zip_bytes=app_zip(), **kwargs)
        return name

    # -- payloads ----------------------------------------------------------------

    def test_payload_round_trip(self):
        event = {"action": "echo", "text": "h\u00e9llo \u2603 \U0001F600", "n": 42, "f": 1.5,
                 "list": [1, "two", None, True, {"nested": {"deep": []}}], "nothing": None}
        resp, payload = self.invoke(self.fn, event)
        self.assertEqual(resp["StatusCode"], 200)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertNotIn("FunctionError", resp)
        self.assertNotIn("LogResult", resp)
        self.assertEqual(resp["ExecutedVersion"], "$LATEST")
        self.assertEqual(payload, event)

    def test_return_values(self):
        for value in ("just a string", 7, [1, 2], None, True, {"a": {"b": "c"}}):
            self.assertEqual(self.invoke_ok(self.fn, {"action": "return", "value": value}), value)

    def test_empty_payload_is_empty_event(self):
        resp = self.lam.invoke(FunctionName=self.fn)
        self.assertEqual(resp["StatusCode"], 200)
        self.assertEqual(json.loads(resp["Payload"].read()), {})

    def test_large_payload(self):
        event = {"action": "echo", "blob": "x" * (1024 * 1024)}
        self.assertEqual(self.invoke_ok(self.fn, event), event)

    def test_payload_too_large(self):
        too_big = json.dumps({"blob": "x" * (6 * 1024 * 1024 + 10)}).encode()
        with self.assertAwsError("RequestTooLargeException", 413):
            self.lam.invoke(FunctionName=self.fn, Payload=too_big)

    def test_invalid_json_payload(self):
        for invocation_type in ("RequestResponse", "Event"):
            with self.assertAwsError("InvalidRequestContentException", 400,
                                     "Could not parse request body into json"):
                self.lam.invoke(FunctionName=self.fn, InvocationType=invocation_type,
                                Payload=b"{not json")

    # -- context and environment ------------------------------------------------

    def test_context(self):
        ctx = self.invoke_ok(self.fn, {"action": "context"})
        self.assertRegex(ctx["aws_request_id"], h.UUID_RE)
        self.assertEqual(ctx["function_name"], self.fn)
        self.assertEqual(ctx["function_version"], "$LATEST")
        self.assertEqual(ctx["invoked_function_arn"], h.function_arn(self.fn))
        # the runtime hands the memory size over as the variable's text
        self.assertEqual(ctx["memory_limit_in_mb"], "256")
        self.assertGreater(ctx["remaining"], 0)
        self.assertLessEqual(ctx["remaining"], 10000)
        self.assertEqual(ctx["log_group_name"], "/aws/lambda/" + self.fn)
        self.assertRegex(ctx["log_stream_name"], LOG_STREAM_RE)

        other = self.invoke_ok(self.fn, {"action": "context"})
        self.assertNotEqual(other["aws_request_id"], ctx["aws_request_id"])

    def test_context_of_qualified_invocations(self):
        arn = h.function_arn(self.fn)
        for kwargs, invoked, version in (({"Qualifier": "1"}, arn + ":1", "1"),
                                         ({"Qualifier": "live"}, arn + ":live", "1"),
                                         ({"Qualifier": "$LATEST"}, arn + ":$LATEST", "$LATEST")):
            resp, ctx = self.invoke(self.fn, {"action": "context"}, **kwargs)
            self.assertEqual(ctx["invoked_function_arn"], invoked, kwargs)
            self.assertEqual(ctx["function_version"], version, kwargs)
            self.assertEqual(resp["ExecutedVersion"], version, kwargs)
        resp, ctx = self.invoke(arn + ":live", {"action": "context"})
        self.assertEqual(ctx["invoked_function_arn"], arn + ":live")
        self.assertEqual(resp["ExecutedVersion"], "1")

    def test_request_id_header_is_the_invocation_id(self):
        resp, ctx = self.invoke(self.fn, {"action": "context"})
        self.assertEqual(resp["ResponseMetadata"]["RequestId"], ctx["aws_request_id"])

    def test_environment_variables(self):
        out = self.invoke_ok(self.fn, {"action": "env"})
        env = out["env"]
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_NAME"], self.fn)
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_VERSION"], "$LATEST")
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256")
        self.assertEqual(env["AWS_REGION"], h.REGION)
        self.assertEqual(env["AWS_DEFAULT_REGION"], h.REGION)
        self.assertEqual(env["_HANDLER"], "app.handler")
        self.assertEqual(env["AWS_EXECUTION_ENV"], "AWS_Lambda_" + h.PYTHON_RUNTIME)
        self.assertEqual(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/" + self.fn)
        self.assertRegex(env["AWS_LAMBDA_LOG_STREAM_NAME"], LOG_STREAM_RE)
        self.assertIn("AWS_LAMBDA_RUNTIME_API", env)
        self.assertEqual(env["TZ"], ":UTC")
        # the function's own variables
        self.assertEqual(env["COLOR"], "blue")
        self.assertEqual(env["EMPTY"], "")
        # the code is unpacked in LAMBDA_TASK_ROOT, which is the working directory
        self.assertIn("app.py", out["task_root_files"])
        self.assertEqual(os.path.realpath(out["cwd"]), os.path.realpath(env["LAMBDA_TASK_ROOT"]))
        # credentials for the function's own calls, and Stratus as their endpoint
        for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            self.assertTrue(env.get(key), key)
        if not harness.external_endpoint():
            endpoint = urllib.parse.urlparse(env["AWS_ENDPOINT_URL"])
            self.assertEqual(endpoint.scheme, "http")
            self.assertEqual(endpoint.port, self.server.port)

        version = self.invoke_ok(self.fn, {"action": "env"}, Qualifier="live")["env"]
        self.assertEqual(version["AWS_LAMBDA_FUNCTION_VERSION"], "1")

    # -- logs --------------------------------------------------------------------

    def test_log_tail(self):
        resp, payload = self.invoke(self.fn, {"action": "print", "text": "hello log 7f3a"},
                                    LogType="Tail")
        self.assertEqual(payload, "printed")
        log = h.decode_log(resp)
        ctx_resp, ctx = self.invoke(self.fn, {"action": "context"}, LogType="Tail")
        for text, request_id in ((log, None), (h.decode_log(ctx_resp), ctx["aws_request_id"])):
            start = re.search(r"START RequestId: (\S+) Version: \$LATEST", text)
            self.assertIsNotNone(start, text)
            rid = start.group(1)
            self.assertRegex(rid, h.UUID_RE)
            if request_id:
                self.assertEqual(rid, request_id)
            self.assertIn("END RequestId: " + rid, text)
            report = re.search(r"REPORT RequestId: %s\t(.*)" % re.escape(rid), text)
            self.assertIsNotNone(report, text)
            for field in ("Duration: ", "Billed Duration: ", "Memory Size: 256 MB",
                          "Max Memory Used: "):
                self.assertIn(field, report.group(1), text)
            self.assertLess(text.index("START RequestId"), text.index("END RequestId"))
            self.assertLess(text.index("END RequestId"), text.index("REPORT RequestId"))
        self.assertIn("hello log 7f3a", log)
        self.assertIn("to stderr: hello log 7f3a", log)
        self.assertLess(log.index("START RequestId"), log.index("hello log 7f3a"))
        self.assertLess(log.index("hello log 7f3a"), log.index("END RequestId"))
        # only this invocation's lines
        self.assertEqual(log.count("START RequestId"), 1)

    def test_log_tail_of_a_version(self):
        resp, _ = self.invoke(self.fn, {"action": "print", "text": "v1 here"}, LogType="Tail",
                              Qualifier="live")
        log = h.decode_log(resp)
        self.assertRegex(log, r"START RequestId: \S+ Version: 1")
        self.assertIn("v1 here", log)

    def test_log_tail_is_the_last_4_kb(self):
        resp, _ = self.invoke(self.fn, {"action": "print", "text": "y" * 10000 + " tail-end"},
                              LogType="Tail")
        raw = base64.b64decode(resp["LogResult"])
        self.assertLessEqual(len(raw), 4096)
        self.assertIn(b"REPORT RequestId", raw)

    # -- errors ------------------------------------------------------------------

    def test_handler_exception(self):
        resp, payload = self.invoke(self.fn, {"action": "raise", "message": "bad input 42"},
                                    LogType="Tail")
        self.assertEqual(resp["StatusCode"], 200)
        self.assertEqual(resp["FunctionError"], "Unhandled")
        self.assertEqual(payload["errorType"], "ValueError")
        self.assertEqual(payload["errorMessage"], "bad input 42")
        self.assertIsInstance(payload["stackTrace"], list)
        self.assertTrue(payload["stackTrace"], payload)
        self.assertIn("app.py", "".join(payload["stackTrace"]))
        self.assertRegex(payload["requestId"], h.UUID_RE)
        log = h.decode_log(resp)
        self.assertIn("[ERROR] ValueError: bad input 42", log)
        self.assertIn("END RequestId", log)
        # the environment survives a handled error
        self.invoke_ok(self.fn, {"action": "echo"})

    def test_custom_exception_class(self):
        payload = self.invoke_error(self.fn, {"action": "raise_custom"})
        self.assertEqual(payload["errorType"], "OrderError")
        self.assertEqual(payload["errorMessage"], "order 42 is invalid")

    def test_import_error(self):
        name = h.unique("py")
        self.create_function(name, files={"app.py": "import no_such_module_xyz\n" + h.ECHO_PY})
        for _ in range(2):  # every invocation reports it; none hangs
            payload = self.invoke_error(name, {})
            self.assertEqual(payload["errorType"], "Runtime.ImportModuleError")
            self.assertIn("Unable to import module 'app'", payload["errorMessage"])
            self.assertIn("No module named 'no_such_module_xyz'", payload["errorMessage"])

    def test_missing_handler_module(self):
        name = h.unique("py")
        self.create_function(name, handler="nothere.handler")
        payload = self.invoke_error(name, {})
        self.assertEqual(payload["errorType"], "Runtime.ImportModuleError")
        self.assertIn("Unable to import module 'nothere'", payload["errorMessage"])

    def test_syntax_error(self):
        name = h.unique("py")
        self.create_function(name, files={"app.py": "def handler(event, context)\n    return 1\n"})
        payload = self.invoke_error(name, {})
        self.assertEqual(payload["errorType"], "Runtime.UserCodeSyntaxError")
        self.assertIn("Syntax error in module 'app'", payload["errorMessage"])

    def test_handler_not_found(self):
        name = h.unique("py")
        self.create_function(name, handler="app.nope")
        for _ in range(2):
            payload = self.invoke_error(name, {})
            self.assertEqual(payload["errorType"], "Runtime.HandlerNotFound")
            self.assertEqual(payload["errorMessage"], "Handler 'nope' missing on module 'app'")

    def test_timeout(self):
        name = self.new_app(Timeout=1)
        before = self.invoke_ok(name, {"action": "count"})["environment"]
        start = time.monotonic()
        resp, payload = self.invoke(name, {"action": "sleep", "seconds": 4}, LogType="Tail")
        elapsed = time.monotonic() - start
        self.assertEqual(resp["StatusCode"], 200)
        self.assertEqual(resp["FunctionError"], "Unhandled")
        self.assertEqual(payload["errorType"], "Sandbox.Timedout")
        self.assertIn("Task timed out after 1.00 seconds", payload["errorMessage"])
        self.assertGreaterEqual(elapsed, 0.9)
        self.assertLess(elapsed, 3.5)
        self.assertIn("Task timed out after 1.00 seconds", h.decode_log(resp))
        # the next invocation runs in a fresh environment
        after = self.invoke_ok(name, {"action": "count"})
        self.assertNotEqual(after["environment"], before)
        self.assertEqual(after["invocations"], 1)

    def test_process_exit(self):
        name = self.new_app()
        before = self.invoke_ok(name, {"action": "count"})["environment"]
        payload = self.invoke_error(name, {"action": "exit", "code": 3})
        self.assertEqual(payload["errorType"], "Runtime.ExitError")
        self.assertIn("Runtime exited with error: exit status 3", payload["errorMessage"])
        after = self.invoke_ok(name, {"action": "count"})
        self.assertNotEqual(after["environment"], before)
        self.assertEqual(after["invocations"], 1)

    # -- environments ------------------------------------------------------------

    def test_warm_environment_is_reused(self):
        name = self.new_app()
        results = [self.invoke_ok(name, {"action": "count"}) for _ in range(3)]
        self.assertEqual([r["invocations"] for r in results], [1, 2, 3])
        self.assertEqual(len({r["environment"] for r in results}), 1)

    def test_code_update_retires_warm_environments(self):
        name = self.new_app()
        first = [self.invoke_ok(name, {"action": "count"}) for _ in range(2)]
        self.assertEqual(first[1]["invocations"], 2)
        new_code = APP_PY.replace('if action == "count":',
                                  'if action == "count":\n        return "new code"\n    if False:')
        self.lam.update_function_code(FunctionName=name, ZipFile=h.make_zip({"app.py": new_code}))
        self.wait_updated(name)
        self.assertEqual(self.invoke_ok(name, {"action": "count"}), "new code")

    def test_configuration_update_retires_warm_environments(self):
        name = self.new_app()
        warm = [self.invoke_ok(name, {"action": "count"}) for _ in range(2)]
        self.lam.update_function_configuration(FunctionName=name,
                                               Environment={"Variables": {"COLOR": "green"}})
        self.wait_updated(name)
        after = self.invoke_ok(name, {"action": "count"})
        self.assertNotEqual(after["environment"], warm[0]["environment"])
        self.assertEqual(after["invocations"], 1)
        self.assertEqual(self.invoke_ok(name, {"action": "env"})["env"]["COLOR"], "green")

    def test_parallel_invocations_get_their_own_environments(self):
        name = self.new_app(Timeout=10)
        clients = [self.lambda_client() for _ in range(3)]

        def work(i):
            return self.invoke_ok(name, {"action": "sleep", "seconds": 1}, client=clients[i])

        results, elapsed = parallel(3, work)
        self.assertLess(elapsed, 2.5, "3 parallel invocations of 1 s took %.2f s" % elapsed)
        environments = {r["environment"] for r in results}
        self.assertEqual(len(environments), 3, results)
        # the environments stay warm and take the next round
        again, elapsed = parallel(3, work)
        self.assertLess(elapsed, 2.5)
        self.assertTrue({r["environment"] for r in again} <= environments, (again, environments))

    def test_reserved_concurrency_zero_throttles(self):
        name = self.new_app()
        self.lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
        with self.assertAwsError("TooManyRequestsException", 429, "Rate Exceeded.") as cm:
            self.lam.invoke(FunctionName=name, Payload=b"{}")
        self.assertEqual(cm.exception.response.get("Reason"),
                         "ReservedFunctionConcurrentInvocationLimitExceeded",
                         cm.exception.response)
        self.lam.delete_function_concurrency(FunctionName=name)
        self.invoke_ok(name, {"action": "count"})

    def test_reserved_concurrency_limits_parallel_invocations(self):
        name = self.new_app(Timeout=10)
        self.lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=1)
        self.invoke_ok(name, {"action": "count"})  # warm
        other = self.lambda_client()
        outcome = {}

        def slow():
            outcome["slow"] = self.invoke(name, {"action": "sleep", "seconds": 1.5}, client=other)

        thread = threading.Thread(target=slow)
        thread.start()
        try:
            time.sleep(0.5)
            with self.assertAwsError("TooManyRequestsException", 429):
                self.lam.invoke(FunctionName=name, Payload=b"{}")
        finally:
            thread.join(30)
        self.assertEqual(outcome["slow"][0]["StatusCode"], 200)
        self.assertNotIn("FunctionError", outcome["slow"][0])
        self.invoke_ok(name, {"action": "count"})

    # -- invocation types --------------------------------------------------------

    def test_dry_run(self):
        resp = self.lam.invoke(FunctionName=self.fn, InvocationType="DryRun", Payload=b"{}")
        self.assertEqual(resp["StatusCode"], 204)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertEqual(resp["Payload"].read(), b"")
        with self.assertAwsError("ResourceNotFoundException", 404):
            self.lam.invoke(FunctionName=h.unique("missing"), InvocationType="DryRun")

    def test_function_calls_sqs_through_stratus(self):
        queue, url = self.create_queue()
        out = self.invoke_ok(self.fn, {"action": "sqs", "queue": queue, "body": "from lambda"})
        message = self.receive_one(url)
        self.assertEqual(message["MessageId"], out["message_id"])
        body = json.loads(message["Body"])
        self.assertEqual(body["from"], self.fn)
        self.assertEqual(body["body"], "from lambda")

    def test_event_invocation(self):
        queue, url = self.create_queue()
        resp = self.lam.invoke(FunctionName=self.fn, InvocationType="Event",
                               Payload=json.dumps({"action": "sqs", "queue": queue,
                                                   "body": "async"}).encode())
        self.assertEqual(resp["StatusCode"], 202)
        self.assertEqual(resp["ResponseMetadata"]["HTTPStatusCode"], 202)
        self.assertNotIn("FunctionError", resp)
        self.assertEqual(resp["Payload"].read(), b"")
        body = json.loads(self.receive_one(url)["Body"])
        self.assertEqual(body["body"], "async")
        self.assertEqual(body["from"], self.fn)
        self.assertRegex(body["request_id"], h.UUID_RE)

    def test_event_invocation_payload_limit(self):
        # 1 MB for asynchronous invocations (256 KB before October 2025)
        queue, url = self.create_queue()
        event = {"action": "sqs", "queue": queue, "body": "big", "pad": "p" * (600 * 1024)}
        resp = self.lam.invoke(FunctionName=self.fn, InvocationType="Event",
                               Payload=json.dumps(event).encode())
        self.assertEqual(resp["StatusCode"], 202)
        self.assertEqual(json.loads(self.receive_one(url)["Body"])["body"], "big")
        with self.assertAwsError("RequestTooLargeException", 413):
            self.lam.invoke(FunctionName=self.fn, InvocationType="Event",
                            Payload=json.dumps({"pad": "p" * (1100 * 1024)}).encode())

    def test_functions_act_in_their_own_account(self):
        account = "111122223333"
        lam = self.lambda_client(access_key=account)
        sqs = self.server.client("sqs", access_key=account)
        name = h.unique("py")
        created = self.create_function(name, zip_bytes=app_zip(), client=lam)
        self.assertEqual(created["FunctionArn"], h.function_arn(name, account=account))
        queue, url = self.create_queue(client=sqs)
        self.invoke_ok(name, {"action": "sqs", "queue": queue, "body": "own account"}, client=lam)
        self.assertEqual(json.loads(self.receive_one(url, client=sqs)["Body"])["body"],
                         "own account")
        # the default account has no such queue: the call did not land there
        with self.assertRaises(ClientError) as cm:
            self.sqs.get_queue_url(QueueName=queue)
        self.assertEqual(cm.exception.response["Error"]["Code"],
                         "AWS.SimpleQueueService.NonExistentQueue")
        ctx = self.invoke_ok(name, {"action": "context"}, client=lam)
        self.assertEqual(ctx["invoked_function_arn"], h.function_arn(name, account=account))

    def test_code_from_a_local_folder(self):
        if harness.external_endpoint():
            self.skipTest("local folders are a Stratus feature")
        folder = tempfile.mkdtemp(prefix="stratus-itest-lambda-code-")
        self.addCleanup(shutil.rmtree, folder, True)
        with open(os.path.join(folder, "app.py"), "w") as f:
            f.write("def handler(event, context):\n    return {'from': 'folder', 'event': event}\n")
        name = h.unique("local")
        resp = self.lam.create_function(FunctionName=name, Runtime=h.PYTHON_RUNTIME, Role=h.ROLE,
                                        Handler="app.handler",
                                        Code={"S3Bucket": "stratus-local", "S3Key": folder})
        self.assertTrue(resp["CodeSha256"])
        self.wait_active(name)
        self.assertEqual(self.invoke_ok(name, {"a": 1}), {"from": "folder", "event": {"a": 1}})

        with open(os.path.join(folder, "app.py"), "w") as f:
            f.write("def handler(event, context):\n    return 'edited'\n")
        self.lam.update_function_code(FunctionName=name, S3Bucket="stratus-local", S3Key=folder)
        self.wait_updated(name)
        self.assertEqual(self.invoke_ok(name, {}), "edited")


ESM_HANDLER = r'''
import { randomUUID } from 'node:crypto';

const environmentId = randomUUID();
let invocations = 0;

class OrderError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OrderError';
  }
}

export const handler = async (event, context) => {
  invocations += 1;
  switch (event.action) {
    case 'throw':
      throw new Error(event.message ?? 'node failure');
    case 'custom':
      throw new OrderError('order 42 is invalid');
    case 'print':
      console.log(event.text);
      console.error('to stderr: ' + event.text);
      return 'printed';
    case 'context':
      return {
        awsRequestId: context.awsRequestId,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        remaining: context.getRemainingTimeInMillis(),
        logGroupName: context.logGroupName,
      };
    case 'env':
      return { env: { ...process.env }, cwd: process.cwd() };
    case 'count':
      return { environmentId, invocations };
    case 'sleep':
      await new Promise((resolve) => setTimeout(resolve, event.seconds * 1000));
      return { environmentId, invocations };
    default:
      return { echo: event, node: process.version };
  }
};
'''

CJS_CALLBACK_HANDLER = r'''
exports.handler = function (event, context, callback) {
  if (event.fail) {
    callback(new Error('callback failure'));
    return;
  }
  setTimeout(() => callback(null, {
    via: 'callback',
    event,
    requestId: context.awsRequestId,
    functionName: context.functionName,
  }), 10);
};
'''


class NodeInvokeTest(h.LambdaTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("node"):
            raise unittest.SkipTest("node is not installed")
        cls.esm = h.unique("esm")
        cls.lam.create_function(FunctionName=cls.esm, Runtime=h.NODE_RUNTIME, Role=h.ROLE,
                                Handler="index.handler",
                                Code={"ZipFile": h.make_zip({"index.mjs": ESM_HANDLER})},
                                MemorySize=512, Environment={"Variables": {"COLOR": "red"}})
        cls.cjs = h.unique("cjs")
        cls.lam.create_function(FunctionName=cls.cjs, Runtime=h.NODE_RUNTIME, Role=h.ROLE,
                                Handler="lib/index.handler",
                                Code={"ZipFile": h.make_zip({"lib/index.js": CJS_CALLBACK_HANDLER})})

    def setUp(self):
        self.wait_active(self.esm)
        self.wait_active(self.cjs)

    def test_async_esm_handler(self):
        event = {"order": 7, "items": ["a", "b"], "text": "\u00e9\u2603"}
        resp, payload = self.invoke(self.esm, event)
        self.assertEqual(resp["StatusCode"], 200)
        self.assertNotIn("FunctionError", resp)
        self.assertEqual(resp["ExecutedVersion"], "$LATEST")
        self.assertEqual(payload["echo"], event)
        self.assertTrue(payload["node"].startswith("v"), payload)

    def test_context(self):
        ctx = self.invoke_ok(self.esm, {"action": "context"})
        self.assertRegex(ctx["awsRequestId"], h.UUID_RE)
        self.assertEqual(ctx["functionName"], self.esm)
        self.assertEqual(ctx["functionVersion"], "$LATEST")
        self.assertEqual(ctx["invokedFunctionArn"], h.function_arn(self.esm))
        self.assertEqual(str(ctx["memoryLimitInMB"]), "512")
        self.assertGreater(ctx["remaining"], 0)
        self.assertLessEqual(ctx["remaining"], 3000)
        self.assertEqual(ctx["logGroupName"], "/aws/lambda/" + self.esm)

    def test_environment(self):
        out = self.invoke_ok(self.esm, {"action": "env"})
        env = out["env"]
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_NAME"], self.esm)
        self.assertEqual(env["AWS_REGION"], h.REGION)
        self.assertEqual(env["_HANDLER"], "index.handler")
        self.assertEqual(env["AWS_EXECUTION_ENV"], "AWS_Lambda_" + h.NODE_RUNTIME)
        self.assertEqual(env["COLOR"], "red")
        self.assertEqual(os.path.realpath(out["cwd"]), os.path.realpath(env["LAMBDA_TASK_ROOT"]))

    def test_thrown_error(self):
        payload = self.invoke_error(self.esm, {"action": "throw", "message": "node boom"})
        self.assertEqual(payload["errorType"], "Error")
        self.assertEqual(payload["errorMessage"], "node boom")
        self.assertIsInstance(payload["trace"], list)
        self.assertTrue(payload["trace"][0].startswith("Error: node boom"), payload)

    def test_custom_error_class(self):
        payload = self.invoke_error(self.esm, {"action": "custom"})
        self.assertEqual(payload["errorType"], "OrderError")
        self.assertEqual(payload["errorMessage"], "order 42 is invalid")

    def test_log_tail(self):
        resp, payload = self.invoke(self.esm, {"action": "print", "text": "node says hi"},
                                    LogType="Tail")
        self.assertEqual(payload, "printed")
        log = h.decode_log(resp)
        self.assertRegex(log, r"START RequestId: \S+ Version: \$LATEST")
        self.assertIn("node says hi", log)
        self.assertIn("to stderr: node says hi", log)
        self.assertIn("END RequestId", log)
        self.assertIn("REPORT RequestId", log)

    def test_warm_environment_is_reused(self):
        name = h.unique("esm")
        self.create_function(name, files={"index.mjs": ESM_HANDLER}, runtime=h.NODE_RUNTIME,
                             handler="index.handler")
        results = [self.invoke_ok(name, {"action": "count"}) for _ in range(3)]
        self.assertEqual([r["invocations"] for r in results], [1, 2, 3])
        self.assertEqual(len({r["environmentId"] for r in results}), 1)

    def test_commonjs_callback_handler(self):
        resp, payload = self.invoke(self.cjs, {"n": 1})
        self.assertNotIn("FunctionError", resp)
        self.assertEqual(payload["via"], "callback")
        self.assertEqual(payload["event"], {"n": 1})
        self.assertEqual(payload["functionName"], self.cjs)
        self.assertRegex(payload["requestId"], h.UUID_RE)

    def test_commonjs_callback_error(self):
        payload = self.invoke_error(self.cjs, {"fail": True})
        self.assertEqual(payload["errorType"], "Error")
        self.assertEqual(payload["errorMessage"], "callback failure")

    def test_import_error(self):
        name = h.unique("esm")
        source = "import missing from 'no-such-package-xyz';\nexport const handler = async () => missing;\n"
        self.create_function(name, files={"index.mjs": source}, runtime=h.NODE_RUNTIME,
                             handler="index.handler")
        payload = self.invoke_error(name, {})
        self.assertEqual(payload["errorType"], "Runtime.ImportModuleError")
        self.assertIn("no-such-package-xyz", payload["errorMessage"])

    def test_handler_not_found(self):
        name = h.unique("esm")
        self.create_function(name, files={"index.mjs": ESM_HANDLER}, runtime=h.NODE_RUNTIME,
                             handler="index.nope")
        payload = self.invoke_error(name, {})
        self.assertEqual(payload["errorType"], "Runtime.HandlerNotFound")
        self.assertIn("index.nope is undefined or not exported", payload["errorMessage"])

    def test_timeout(self):
        name = h.unique("esm")
        self.create_function(name, files={"index.mjs": ESM_HANDLER}, runtime=h.NODE_RUNTIME,
                             handler="index.handler", Timeout=1)
        start = time.monotonic()
        payload = self.invoke_error(name, {"action": "sleep", "seconds": 4})
        self.assertLess(time.monotonic() - start, 3.5)
        self.assertEqual(payload["errorType"], "Sandbox.Timedout")
        self.assertIn("Task timed out after 1.00 seconds", payload["errorMessage"])
        self.assertEqual(self.invoke_ok(name, {"action": "count"})["invocations"], 1)


# A custom runtime in shell: the Runtime API loop with curl, as in the AWS tutorial.
SHELL_BOOTSTRAP = r'''#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
HEADERS="$(mktemp)"
trap 'rm -f "$HEADERS"' EXIT
while true; do
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  REQUEST_ID="$(grep -i '^lambda-runtime-aws-request-id:' "$HEADERS" | sed 's/^[^:]*:[[:space:]]*//' | tr -d '\r\n')"
  ARN="$(grep -i '^lambda-runtime-invoked-function-arn:' "$HEADERS" | sed 's/^[^:]*:[[:space:]]*//' | tr -d '\r\n')"
  echo "shell runtime got $REQUEST_ID" >&2
  case "$EVENT" in
    *'"fail"'*)
      curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Unhandled' \
        "$API/invocation/$REQUEST_ID/error" \
        -d '{"errorMessage": "shell failure", "errorType": "ShellError"}'
      ;;
    *)
      curl -sS -o /dev/null -X POST "$API/invocation/$REQUEST_ID/response" \
        -d "{\"shell\": true, \"event\": $EVENT, \"requestId\": \"$REQUEST_ID\", \"arn\": \"$ARN\", \"handler\": \"$_HANDLER\", \"function\": \"$AWS_LAMBDA_FUNCTION_NAME\", \"root\": \"$LAMBDA_TASK_ROOT\", \"data\": \"$(cat "$LAMBDA_TASK_ROOT/data.txt")\"}"
      ;;
  esac
done
'''


class ProvidedRuntimeTest(h.LambdaTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not shutil.which("curl"):
            raise unittest.SkipTest("curl is not installed")
        cls.fn = h.unique("sh")
        cls.lam.create_function(FunctionName=cls.fn, Runtime=h.PROVIDED_RUNTIME, Role=h.ROLE,
                                Handler="function.handler",
                                Code={"ZipFile": h.make_zip({"bootstrap": SHELL_BOOTSTRAP,
                                                             "data.txt": "packaged data"})})

    def setUp(self):
        self.wait_active(self.fn)

    def test_shell_bootstrap(self):
        resp, payload = self.invoke(self.fn, {"hello": "shell", "n": [1, 2]}, LogType="Tail")
        self.assertEqual(resp["StatusCode"], 200)
        self.assertNotIn("FunctionError", resp)
        self.assertEqual(resp["ExecutedVersion"], "$LATEST")
        self.assertTrue(payload["shell"])
        self.assertEqual(payload["event"], {"hello": "shell", "n": [1, 2]})
        self.assertEqual(payload["handler"], "function.handler")
        self.assertEqual(payload["function"], self.fn)
        self.assertEqual(payload["arn"], h.function_arn(self.fn))
        self.assertEqual(payload["data"], "packaged data")
        self.assertRegex(payload["requestId"], h.UUID_RE)
        log = h.decode_log(resp)
        self.assertIn("START RequestId: %s" % payload["requestId"], log)
        self.assertIn("shell runtime got " + payload["requestId"], log)
        self.assertIn("END RequestId: %s" % payload["requestId"], log)

    def test_shell_bootstrap_reports_errors(self):
        payload = self.invoke_error(self.fn, {"fail": True})
        self.assertEqual(payload, {"errorMessage": "shell failure", "errorType": "ShellError"})
        # and goes on serving
        self.assertTrue(self.invoke_ok(self.fn, {"ok": 1})["shell"])

    def test_provided_al2(self):
        name = h.unique("sh")
        self.create_function(name, files={"bootstrap": SHELL_BOOTSTRAP, "data.txt": "al2"},
                             runtime="provided.al2", handler="whatever.handler")
        payload = self.invoke_ok(name, {"x": 1})
        self.assertEqual(payload["event"], {"x": 1})
        self.assertEqual(payload["data"], "al2")
        self.assertEqual(payload["handler"], "whatever.handler")


@unittest.skipUnless(harness.aws_cli_installed(), "AWS CLI not installed at %s" % harness.AWS_CLI)
class AwsCliLambdaTest(harness.AwsCliMixin, h.LambdaTestCase):
    cli_service = "lambda"

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="stratus-itest-lambda-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def write(self, filename, data):
        path = os.path.join(self.tmp, filename)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_cli_round_trip(self):
        name = h.unique("cli")
        zip_bytes = app_zip()
        zip_path = self.write("function.zip", zip_bytes)
        created = self.aws("create-function", "--function-name", name, "--runtime",
                           h.PYTHON_RUNTIME, "--role", h.ROLE, "--handler", "app.handler",
                           "--zip-file", "fileb://" + zip_path,
                           "--environment", "Variables={COLOR=cli}")
        self.assertEqual(created["FunctionName"], name)
        self.assertEqual(created["FunctionArn"], h.function_arn(name))
        self.assertEqual(created["CodeSha256"], h.sha256_b64(zip_bytes))
        self.assertEqual(created["CodeSize"], len(zip_bytes))
        self.aws("wait", "function-active-v2", "--function-name", name)

        out_path = os.path.join(self.tmp, "out.json")
        result = self.aws("invoke", "--function-name", name, "--cli-binary-format",
                          "raw-in-base64-out", "--payload", '{"action": "echo", "via": "cli"}',
                          out_path)
        self.assertEqual(result["StatusCode"], 200)
        self.assertEqual(result["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", result)
        with open(out_path) as f:
            self.assertEqual(json.load(f), {"action": "echo", "via": "cli"})

        result = self.aws("invoke", "--function-name", name, "--cli-binary-format",
                          "raw-in-base64-out", "--payload", '{"action": "print", "text": "cli log"}',
                          "--log-type", "Tail", out_path)
        log = base64.b64decode(result["LogResult"]).decode()
        self.assertIn("cli log", log)
        self.assertIn("REPORT RequestId", log)

        result = self.aws("invoke", "--function-name", name, "--cli-binary-format",
                          "raw-in-base64-out", "--payload", '{"action": "raise"}', out_path)
        self.assertEqual(result["FunctionError"], "Unhandled")
        with open(out_path) as f:
            self.assertEqual(json.load(f)["errorType"], "ValueError")

        # a payload from a file
        payload_path = self.write("event.json", b'{"action": "env"}')
        self.aws("invoke", "--function-name", name, "--payload", "fileb://" + payload_path,
                 out_path)
        with open(out_path) as f:
            self.assertEqual(json.load(f)["env"]["COLOR"], "cli")

        names = [f["FunctionName"] for f in self.aws("list-functions")["Functions"]]
        self.assertIn(name, names)
        got = self.aws("get-function", "--function-name", name)
        self.assertEqual(got["Configuration"]["State"], "Active")

        self.aws("delete-function", "--function-name", name)
        proc = self.aws("get-function", "--function-name", name, check=False)
        self.assertEqual(proc.returncode, 254, proc.stderr)
        self.assertIn("ResourceNotFoundException", proc.stderr)

    def test_cli_invoke_missing_function(self):
        proc = self.aws("invoke", "--function-name", h.unique("missing"),
                        os.path.join(self.tmp, "out.json"), check=False)
        self.assertEqual(proc.returncode, 254, proc.stderr)
        self.assertIn("ResourceNotFoundException", proc.stderr)


if __name__ == "__main__":
    unittest.main()
