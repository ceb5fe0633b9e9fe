"""Stratus's runtime client for Python functions.

Loads the handler named by _HANDLER ("module.function", the module relative to
LAMBDA_TASK_ROOT), then asks the Runtime API at AWS_LAMBDA_RUNTIME_API for work,
calls the handler with the event and a context object, and posts the result or the
error, as the Lambda runtime interface does.
"""
import http.client
import importlib
import json
import os
import sys
import time
import traceback

API_PREFIX = "/2018-06-01/runtime"


class RuntimeApi:
    def __init__(self, address):
        host, _, port = address.rpartition(":")
        self.connection = http.client.HTTPConnection(host, int(port))

    def call(self, method, path, body=None, headers=None):
        payload = body.encode("utf-8") if isinstance(body, str) else body
        self.connection.request(method, API_PREFIX + path, body=payload, headers=headers or {})
        response = self.connection.getresponse()
        return response, response.read()


class Context:
    def __init__(self, headers):
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn", "")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        client_context = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = json.loads(client_context) if client_context else None
        identity = headers.get("Lambda-Runtime-Cognito-Identity")
        self.identity = json.loads(identity) if identity else None

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


def error_document(exc, error_type=None, request_id=""):
    # The function's frames only, as Lambda reports them: not this client's.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != __file__]
    return {
        "errorMessage": str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": request_id,
        "stackTrace": traceback.format_list(frames),
    }


def load_handler(api):
    handler = os.environ.get("_HANDLER", "")
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    sys.path.insert(0, task_root)
    module_name, _, function_name = handler.rpartition(".")
    try:
        if not module_name:
            raise ValueError("Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler)
        module = importlib.import_module(module_name.replace("/", "."))
    except SyntaxError as exc:
        document = error_document(exc, "Runtime.UserCodeSyntaxError")
        document["errorMessage"] = "Syntax error in module '%s': %s" % (module_name, exc)
        fail_init(api, document)
    except Exception as exc:  # the import error is the function's, reported as Lambda does
        document = error_document(exc, "Runtime.ImportModuleError")
        document["errorMessage"] = "Unable to import module '%s': %s" % (module_name, exc)
        fail_init(api, document)
    function = getattr(module, function_name, None)
    if function is None:
        fail_init(api, {"errorMessage": "Handler '%s' missing on module '%s'" % (function_name, module_name),
                        "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []})
    return function


def fail_init(api, document):
    print("[ERROR] %s: %s" % (document["errorType"], document["errorMessage"]), flush=True)
    api.call("POST", "/init/error", json.dumps(document),
             {"Lambda-Runtime-Function-Error-Type": document["errorType"]})
    sys.exit(1)


def main():
    api = RuntimeApi(os.environ["AWS_LAMBDA_RUNTIME_API"])
    handler = load_handler(api)
    while True:
        response, body = api.call("GET", "/invocation/next")
        headers = dict(response.getheaders())
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
        os.environ["_X_AMZN_TRACE_ID"] = headers.get("Lambda-Runtime-Trace-Id", "")
        try:
            event = json.loads(body) if body else {}
            result = handler(event, Context(headers))
            api.call("POST", "/invocation/%s/response" % request_id, json.dumps(result))
        except Exception as exc:  # the handler's failure goes back as its error document
            document = error_document(exc, request_id=request_id)
            print("[ERROR] %s: %s\n%s" % (document["errorType"], document["errorMessage"],
                                          "".join(document["stackTrace"])), flush=True)
            api.call("POST", "/invocation/%s/error" % request_id, json.dumps(document),
                     {"Lambda-Runtime-Function-Error-Type": "Unhandled"})


if __name__ == "__main__":
    main()
