"""Start and stop the Stratus binary for integration tests.

The same module is imported by two interpreters (pyenv python3 with botocore 1.43,
SQS over awsJson1.0; Debian's /usr/bin/python3 with botocore 1.29, SQS over
awsQuery), so it uses only the standard library plus boto3/botocore.

Environment:
  STRATUS_BIN            path of the server binary (default <repo>/build/stratus)
  STRATUS_TEST_ENDPOINT  use this already-running server instead of launching one
                         (e.g. http://127.0.0.1:5999 for `python3 -m moto.server -p 5999`);
                         tests that restart or kill the server are skipped then.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

HEALTH_PATH = "/_stratus/health"
START_TIMEOUT = 10.0
POLL_INTERVAL = 0.02
STOP_TIMEOUT = 15.0
DUMMY_SECRET = "dummy-secret-key"


def external_endpoint():
    """The endpoint of an already-running server, or None."""
    value = os.environ.get("STRATUS_TEST_ENDPOINT", "").strip()
    return value.rstrip("/") or None


def server_binary():
    return os.environ.get("STRATUS_BIN") or os.path.join(REPO_ROOT, "build", "stratus")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_restartable():
    """Skip the calling test when the server is not ours to stop or kill."""
    if external_endpoint():
        raise unittest.SkipTest(
            "needs a server launched by the harness (STRATUS_TEST_ENDPOINT is set)")


class StratusServer:
    """One Stratus process on a fixed port and data directory.

    start() may be called again after stop() or kill9(): it reuses the same port
    and data directory, which is what restart-durability tests need.
    """

    def __init__(self, ephemeral=False, extra_args=()):
        self.ephemeral = ephemeral
        self.extra_args = list(extra_args)
        self.external = external_endpoint()
        self.port = None
        self.data_dir = None
        self.proc = None
        self._log_path = None
        self._log_file = None
        self.endpoint = self.external

    # -- lifecycle -------------------------------------------------------------

    def start(self):
        if self.external:
            self.endpoint = self.external
            return self
        if self.proc is not None and self.proc.poll() is None:
            raise RuntimeError("server already running (pid %d)" % self.proc.pid)
        binary = server_binary()
        if not os.path.isfile(binary) or not os.access(binary, os.X_OK):
            raise RuntimeError(
                "Stratus binary not found or not executable: %s "
                "(build it, or set STRATUS_BIN / STRATUS_TEST_ENDPOINT)" % binary)
        if self.port is None:
            self.port = free_port()
        if self.data_dir is None:
            self.data_dir = tempfile.mkdtemp(prefix="stratus-itest-data-")
        if self._log_path is None:
            fd, self._log_path = tempfile.mkstemp(prefix="stratus-itest-", suffix=".log")
            os.close(fd)
        self.endpoint = "http://127.0.0.1:%d" % self.port
        cmd = [binary, "--host", "127.0.0.1", "--port", str(self.port),
               "--data-dir", self.data_dir, "--log-level", "warn"]
        if self.ephemeral:
            cmd.append("--ephemeral")
        cmd += self.extra_args
        self._log_file = open(self._log_path, "ab")
        self._log_file.write(("\n=== start: %s\n" % " ".join(cmd)).encode())
        self._log_file.flush()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self._log_file, stderr=self._log_file)
        self._wait_healthy(cmd)
        return self

    def _wait_healthy(self, cmd):
        url = self.endpoint + HEALTH_PATH
        deadline = time.monotonic() + START_TIMEOUT
        last_error = None
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                self.proc = None
                self._close_log()
                raise RuntimeError("Stratus exited with code %s before becoming healthy\n"
                                   "command: %s\nserver output:\n%s"
                                   % (code, " ".join(cmd), self.output()))
            try:
                with urllib.request.urlopen(url, timeout=1) as resp:
                    if resp.status == 200:
                        return
                    last_error = "HTTP %d" % resp.status
            except urllib.error.HTTPError as e:
                last_error = "HTTP %d" % e.code
            except (urllib.error.URLError, OSError) as e:
                last_error = repr(e)
            time.sleep(POLL_INTERVAL)
        self._kill_quietly()
        raise RuntimeError("Stratus did not answer 200 on %s within %.0f s (last: %s)\n"
                           "command: %s\nserver output:\n%s"
                           % (url, START_TIMEOUT, last_error, " ".join(cmd), self.output()))

    def stop(self):
        """SIGTERM, wait, and assert a clean exit (code 0)."""
        if self.external or self.proc is None:
            return
        proc = self.proc
        self.proc = None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                self._close_log()
                raise AssertionError("Stratus did not exit within %.0f s of SIGTERM\n"
                                     "server output:\n%s" % (STOP_TIMEOUT, self.output()))
        self._close_log()
        if proc.returncode != 0:
            raise AssertionError("Stratus exited with code %s after SIGTERM (expected 0)\n"
                                 "server output:\n%s" % (proc.returncode, self.output()))

    def kill9(self):
        """SIGKILL the server: no chance to flush or clean up."""
        if self.external or self.proc is None:
            return
        proc = self.proc
        self.proc = None
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        self._close_log()

    def restart(self):
        self.stop()
        return self.start()

    def close(self):
        """Stop (asserting a clean exit) and remove the data dir and log."""
        try:
            self.stop()
        finally:
            self._kill_quietly()
            if self.data_dir:
                shutil.rmtree(self.data_dir, ignore_errors=True)
                self.data_dir = None
            if self._log_path:
                try:
                    os.unlink(self._log_path)
                except OSError:
                    pass
                self._log_path = None

    def _kill_quietly(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None
        self._close_log()

    def _close_log(self):
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def output(self, limit=20000):
        """The server's stdout+stderr so far (tail)."""
        if not self._log_path:
            return ""
        try:
            with open(self._log_path, "rb") as f:
                data = f.read()
        except OSError:
            return ""
        return data[-limit:].decode("utf-8", "replace")

    # -- clients ---------------------------------------------------------------

    def client(self, service="sqs", access_key="AKIDEXAMPLE", region="us-east-1", **config):
        cfg = dict(retries={"max_attempts": 1}, connect_timeout=5, read_timeout=60)
        cfg.update(config)
        session = boto3.session.Session()
        return session.client(
            service,
            endpoint_url=self.endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=DUMMY_SECRET,
            region_name=region,
            config=Config(**cfg),
        )


class ServerTestCase(unittest.TestCase):
    """A TestCase class whose tests share one server, started in setUpClass."""

    ephemeral = False
    server_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = StratusServer(ephemeral=cls.ephemeral, extra_args=cls.server_args)
        try:
            cls.server.start()
        except BaseException:
            cls.server.close()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.close()
        finally:
            super().tearDownClass()


AWS_CLI = os.environ.get("STRATUS_AWS_CLI", "/usr/bin/aws")


def aws_cli_installed():
    return os.path.isfile(AWS_CLI) and os.access(AWS_CLI, os.X_OK)


class AwsCliMixin:
    """Runs the AWS CLI v2 against the class's server (put before a ServerTestCase in
    the bases), with an empty HOME and dummy credentials so that no local
    configuration leaks in; `cli_service` is the CLI's service name ("sqs", "elbv2")."""

    cli_service = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cli_home = tempfile.mkdtemp(prefix="stratus-itest-cli-home-")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "PYTHON", "BOTO"))}
        env.update({
            "HOME": cls._cli_home,
            "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.path.join(cls._cli_home, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(cls._cli_home, "no-credentials"),
            "AWS_PAGER": "",
            "AWS_MAX_ATTEMPTS": "1",
        })
        cls.cli_env = env

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls._cli_home, ignore_errors=True)
        super().tearDownClass()

    def aws(self, *args, check=True):
        """`aws <cli_service> args...`: the parsed JSON output when `check` (asserting
        exit code 0), else the CompletedProcess."""
        cmd = [AWS_CLI, "--endpoint-url", self.server.endpoint, "--output", "json", self.cli_service]
        cmd += list(args)
        proc = subprocess.run(cmd, env=self.cli_env, stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=60)
        if check:
            self.assertEqual(proc.returncode, 0, "aws %s %s failed:\nstdout: %s\nstderr: %s"
                             % (self.cli_service, " ".join(args), proc.stdout, proc.stderr))
            return json.loads(proc.stdout) if proc.stdout.strip() else {}
        return proc
