"""Shared helpers for the Elastic Load Balancing v2 integration tests (both interpreters;
elbv2 is awsQuery in both botocore 1.29 and 1.43).

- `ElbTestCase`: one Stratus server per class, an `elbv2` client (`cls.elb`), a second
  client without botocore's parameter validation (`cls.raw`, for the server-side range
  checks botocore would otherwise catch first), resource helpers and `assertAwsError`.
- `Backend`: a small threaded HTTP/1.1 server (keep-alive) standing in for an EC2 instance
  or an IP target behind a load balancer.
- `wait_for_health`, `http_request`: poll DescribeTargetHealth; send one HTTP request
  through a listener port.

Like AWS, an Application Load Balancer needs two subnets and a target group a VpcId.
Stratus has no EC2: it takes any subnet ids (all in the account's one VPC, the n-th in
the region's n-th zone), so the tests pass two made-up ones and give target groups the
VpcId the load balancers report; an `instance` target `i-...` with Port P is
127.0.0.1:P. Against an external endpoint (STRATUS_TEST_ENDPOINT, e.g. moto) the default
VPC and two of its subnets are looked up through EC2 instead.
"""

import collections
import contextlib
import http.client
import http.server
import json
import re
import socket
import threading
import time
import urllib.parse
import uuid

from botocore.exceptions import ClientError

try:
    from . import harness
    from .harness import ServerTestCase
except ImportError:  # run with the test directory itself as the top level
    import harness
    from harness import ServerTestCase

DEFAULT_ACCOUNT = "000000000000"
REGION = "us-east-1"

# Error codes (the awsQuery codes of the elbv2 model; ValidationError is AWS's common one).
VALIDATION_ERROR = "ValidationError"
LOAD_BALANCER_NOT_FOUND = "LoadBalancerNotFound"
DUPLICATE_LOAD_BALANCER_NAME = "DuplicateLoadBalancerName"
TARGET_GROUP_NOT_FOUND = "TargetGroupNotFound"
DUPLICATE_TARGET_GROUP_NAME = "DuplicateTargetGroupName"
LISTENER_NOT_FOUND = "ListenerNotFound"
DUPLICATE_LISTENER = "DuplicateListener"
RULE_NOT_FOUND = "RuleNotFound"
PRIORITY_IN_USE = "PriorityInUse"
RESOURCE_IN_USE = "ResourceInUse"
OPERATION_NOT_PERMITTED = "OperationNotPermitted"
INVALID_TARGET = "InvalidTarget"
DUPLICATE_TAG_KEYS = "DuplicateTagKeys"

# Subnets given to CreateLoadBalancer when Stratus runs the tests (it has no EC2).
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]

# Route 53 hosted zone ids of us-east-1 load balancers (AWS's published endpoint table).
ALB_HOSTED_ZONE_US_EAST_1 = "Z35SXDOTRQ7X7K"
NLB_HOSTED_ZONE_US_EAST_1 = "Z26RNL4JYFTOTI"

HEX16 = r"[0-9a-f]{16}"
TRACE_ROOT_RE = re.compile(r"Root=1-([0-9a-f]{8})-[0-9a-f]{24}")

# Target health states and reasons (API_TargetHealth).
HEALTHY, UNHEALTHY, INITIAL, UNUSED, DRAINING = "healthy", "unhealthy", "initial", "unused", "draining"


def unique(prefix="elb"):
    """A fresh resource name (load balancer and target group names: <= 32 characters,
    alphanumerics and hyphens)."""
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


free_port = harness.free_port


def lb_arn_re(name, kind="app", account=DEFAULT_ACCOUNT, region=REGION):
    return re.compile(r"^arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s/%s/(%s)$"
                      % (region, account, kind, re.escape(name), HEX16))


def tg_arn_re(name, account=DEFAULT_ACCOUNT, region=REGION):
    return re.compile(r"^arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%s$"
                      % (region, account, re.escape(name), HEX16))


def listener_arn_re(lb_arn):
    """Listener ARN of a load balancer: listener/app/<lb name>/<lb id>/<16 hex>."""
    prefix, rest = lb_arn.split(":loadbalancer/", 1)
    return re.compile(r"^%s:listener/%s/%s$" % (re.escape(prefix), re.escape(rest), HEX16))


def rule_arn_re(listener_arn):
    """Rule ARN of a listener: listener-rule/app/<lb name>/<lb id>/<listener id>/<16 hex>."""
    prefix, rest = listener_arn.split(":listener/", 1)
    return re.compile(r"^%s:listener-rule/%s/%s$" % (re.escape(prefix), re.escape(rest), HEX16))


def attributes_dict(attributes):
    return {a["Key"]: a.get("Value") for a in attributes}


def tags_dict(tags):
    return {t["Key"]: t.get("Value", "") for t in tags}


def forward(tg_arn):
    return [{"Type": "forward", "TargetGroupArn": tg_arn}]


def fixed_response(status, body=None, content_type="text/plain"):
    config = {"StatusCode": str(status), "ContentType": content_type}
    if body is not None:
        config["MessageBody"] = body
    return [{"Type": "fixed-response", "FixedResponseConfig": config}]


def condition_values(condition):
    """The values of a path-pattern / host-header / http-request-method / source-ip
    condition, whichever of the two forms (Values or <Field>Config) the response used.
    Where both are present they must agree (checked by the caller through
    `assertConditionValues`)."""
    config_key = {
        "path-pattern": "PathPatternConfig",
        "host-header": "HostHeaderConfig",
        "http-request-method": "HttpRequestMethodConfig",
        "source-ip": "SourceIpConfig",
    }.get(condition["Field"])
    forms = []
    if config_key and config_key in condition:
        forms.append(list(condition[config_key].get("Values", [])))
    if condition.get("Values"):
        forms.append(list(condition["Values"]))
    return forms


# -- HTTP client ----------------------------------------------------------------------

class Response:
    """One HTTP response: status, reason, headers (an http.client.HTTPMessage:
    case-insensitive .get(), .get_all()) and body bytes."""

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def backend(self):
        """The name of the Backend that answered (None if the body is not a Backend's)."""
        try:
            return self.json().get("backend")
        except (ValueError, AttributeError):
            return None

    def __repr__(self):
        return "<Response %d %r %r>" % (self.status, dict(self.headers.items()), self.body[:300])


def http_request(port, path="/", method="GET", headers=None, body=None, timeout=10.0,
                 host="127.0.0.1", conn=None):
    """Send one request to 127.0.0.1:<port> (or over `conn`, an open
    http.client.HTTPConnection to reuse). A "Host" entry in `headers` replaces the
    default Host header. Returns a Response; does not raise on HTTP error statuses."""
    own = conn is None
    if own:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn.request(method, path, body=body, headers=dict(headers or {}))
        resp = conn.getresponse()
        data = resp.read()
        return Response(resp.status, resp.reason, resp.headers, data)
    finally:
        if own:
            conn.close()


def http_get(port, path="/", headers=None, timeout=10.0):
    return http_request(port, path, headers=headers, timeout=timeout)


def port_accepts(port, timeout=0.5):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


# -- target health ---------------------------------------------------------------------

def describe_health(client, tg_arn, targets=None):
    kwargs = {"TargetGroupArn": tg_arn}
    if targets is not None:
        kwargs["Targets"] = targets
    return client.describe_target_health(**kwargs)["TargetHealthDescriptions"]


def health_by_id(client, tg_arn):
    """{target id or 'id:port' (when an id is registered on several ports): TargetHealth}"""
    descriptions = describe_health(client, tg_arn)
    ids = [d["Target"]["Id"] for d in descriptions]
    result = {}
    for d in descriptions:
        key = d["Target"]["Id"]
        if ids.count(key) > 1:
            key = "%s:%s" % (key, d["Target"].get("Port"))
        result[key] = d["TargetHealth"]
    return result


def wait_for_health(client, tg_arn, target_id, state, timeout=40.0, port=None, reason=None,
                    interval=0.5):
    """Poll DescribeTargetHealth until the target (Id, and Port if given) is in `state`
    (and has `reason`, if given); return its TargetHealthDescription. `state` None waits
    for the target to be gone from the target group's description. Raises AssertionError
    with the history of states seen on timeout."""
    deadline = time.monotonic() + timeout
    seen = []
    while True:
        descriptions = describe_health(client, tg_arn)
        match = [d for d in descriptions if d["Target"]["Id"] == target_id
                 and (port is None or d["Target"].get("Port") == port)]
        if state is None:
            if not match:
                return None
            current = match[0]["TargetHealth"]
        else:
            if match:
                current = match[0]["TargetHealth"]
                if current.get("State") == state and (reason is None or current.get("Reason") == reason):
                    return match[0]
            else:
                current = "<not in DescribeTargetHealth>"
        if not seen or seen[-1] != current:
            seen.append(current)
        if time.monotonic() >= deadline:
            raise AssertionError("target %s of %s not %s%s within %.0f s; states seen: %r"
                                 % (target_id, tg_arn, state or "deregistered",
                                    " (%s)" % reason if reason else "", timeout, seen))
        time.sleep(interval)


def wait_for_states(client, tg_arn, expected, timeout=40.0, interval=0.5):
    """Wait until every target id in `expected` ({id: state} or {id: (state, reason)}) is
    in that state; returns {id: TargetHealth}."""
    deadline = time.monotonic() + timeout
    while True:
        health = health_by_id(client, tg_arn)
        ok = True
        for target_id, want in expected.items():
            state, reason = want if isinstance(want, tuple) else (want, None)
            got = health.get(target_id, {})
            if got.get("State") != state or (reason is not None and got.get("Reason") != reason):
                ok = False
        if ok:
            return health
        if time.monotonic() >= deadline:
            raise AssertionError("targets of %s not in %r within %.0f s; now: %r"
                                 % (tg_arn, expected, timeout, health))
        time.sleep(interval)


# -- backends --------------------------------------------------------------------------

Request = collections.namedtuple("Request", "method path query headers body time")


class _BackendHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, backend):
        self.backend = backend
        self.connections = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def handle_error(self, request, client_address):
        pass  # peers going away (the load balancer closing, stop()) are expected

    def close_connections(self):
        with self.connections_lock:
            conns = list(self.connections)
            self.connections.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                conn.close()
            except OSError:
                pass


class _BackendHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "StratusTestBackend/1.0"
    timeout = 120  # idle keep-alive connections end eventually

    def setup(self):
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self):
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, *args):
        pass

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status, body, content_type="application/json", extra_headers=()):
        backend = self.server.backend
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Backend", backend.name)
        for name, value in extra_headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def _handle(self):
        backend = self.server.backend
        body = self._read_body()
        parsed = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(parsed.query)
        headers = {k.lower(): v for k, v in self.headers.items()}
        backend._record(Request(self.command, parsed.path, parsed.query, headers, body,
                                time.monotonic()))

        if parsed.path == backend.health_path:
            status, delay = backend.health_status, backend.health_delay
            if delay:
                time.sleep(delay)
            self._send(status, "%s health %d" % (backend.name, status), "text/plain")
            return
        if parsed.path == "/slow":
            time.sleep(float(query.get("seconds", ["3"])[0]))
        status = 200
        match = re.match(r"^/status/(\d{3})$", parsed.path)
        if match:
            status = int(match.group(1))
        extra = []
        for cookie in query.get("set-cookie", []):
            extra.append(("Set-Cookie", cookie))
        doc = {"backend": backend.name, "port": backend.port, "method": self.command,
               "path": parsed.path, "query": parsed.query, "headers": headers,
               "body": body.decode("utf-8", "replace")}
        self._send(status, json.dumps(doc), extra_headers=extra)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle


class Backend:
    """An HTTP/1.1 server on 127.0.0.1:<port> in threads, standing in for a target.

    Answers every method on every path with 200 and a JSON body naming itself
    ({"backend": name, "path", "method", "query", "headers" (lower-case names), "body"}),
    plus an X-Backend header; except:
      - `health_path` (default /health): `health_status` (set_health_status), after
        `health_delay` seconds (set_health_delay), text body;
      - /slow?seconds=N: sleeps N seconds, then answers as usual;
      - /status/NNN: answers with status NNN;
      - ?set-cookie=...: adds that Set-Cookie header.
    Every request is recorded (see requests()). stop() closes the listening socket and
    every open connection; start() again reuses the same port.
    """

    def __init__(self, name, port=None, health_path="/health"):
        self.name = name
        self.port = port
        self.health_path = health_path
        self.health_status = 200
        self.health_delay = 0.0
        self._requests = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    def __repr__(self):
        return "<Backend %s 127.0.0.1:%s%s>" % (self.name, self.port,
                                                "" if self.running else " stopped")

    @property
    def running(self):
        return self._server is not None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def start(self):
        if self._server is not None:
            return self
        deadline = time.monotonic() + 10
        while True:
            try:
                self._server = _BackendHTTPServer(("127.0.0.1", self.port or 0), _BackendHandler, self)
                break
            except OSError:
                if self.port is None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)  # the port is still being released
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True,
                                        name="backend-%s" % self.name)
        self._thread.start()
        return self

    def stop(self):
        """Stop listening and drop every open connection (new connections are refused)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        self._thread.join(5)
        self._thread = None

    def set_health_status(self, status):
        self.health_status = int(status)

    def set_health_delay(self, seconds):
        self.health_delay = float(seconds)

    def reset_health(self):
        self.health_status = 200
        self.health_delay = 0.0

    def _record(self, request):
        with self._lock:
            self._requests.append(request)

    def requests(self, prefix=None, include_health=False):
        """Recorded requests, oldest first; only paths starting with `prefix` if given;
        health checks left out unless `include_health`."""
        with self._lock:
            reqs = list(self._requests)
        if not include_health:
            reqs = [r for r in reqs if r.path != self.health_path]
        if prefix is not None:
            reqs = [r for r in reqs if r.path.startswith(prefix)]
        return reqs

    def health_checks(self):
        with self._lock:
            return [r for r in self._requests if r.path == self.health_path]

    def count(self, prefix):
        return len(self.requests(prefix))

    def clear(self):
        with self._lock:
            self._requests.clear()


# -- test case -------------------------------------------------------------------------

class ElbTestCase(ServerTestCase):
    """Server per class plus elbv2 clients and helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elb = cls.server.client("elbv2")
        cls.raw = cls.server.client("elbv2", parameter_validation=False)
        cls._network = None

    @classmethod
    def refresh_clients(cls):
        """New clients after the server was restarted."""
        cls.elb = cls.server.client("elbv2")
        cls.raw = cls.server.client("elbv2", parameter_validation=False)

    # -- errors ------------------------------------------------------------------------

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

    # -- network (VPC / subnets) -------------------------------------------------------

    @classmethod
    def network(cls):
        """{"vpc_id": ..., "subnets": [...]}: what CreateLoadBalancer and
        CreateTargetGroup are given. Stratus: SUBNETS, and the VpcId its load balancers
        report. An external endpoint: the default VPC and two of its subnets in different
        Availability Zones (through EC2), when it has them."""
        if cls._network is not None:
            return cls._network
        net = {"vpc_id": None, "subnets": list(SUBNETS)}
        if harness.external_endpoint():
            try:
                ec2 = cls.server.client("ec2")
                vpcs = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
                if vpcs:
                    net["vpc_id"] = vpcs[0]["VpcId"]
                    subnets = ec2.describe_subnets(
                        Filters=[{"Name": "vpc-id", "Values": [net["vpc_id"]]}])["Subnets"]
                    by_zone = {}
                    for s in subnets:
                        by_zone.setdefault(s["AvailabilityZone"], s["SubnetId"])
                    net["subnets"] = [by_zone[z] for z in sorted(by_zone)][:2]
            except Exception:  # noqa: BLE001 - not an EC2 endpoint: go without
                pass
        if net["vpc_id"] is None:
            probe = cls.elb.create_load_balancer(Name=unique("vpcprobe"),
                                                 **cls._subnet_kwargs(net))["LoadBalancers"][0]
            net["vpc_id"] = probe.get("VpcId")
            cls.elb.delete_load_balancer(LoadBalancerArn=probe["LoadBalancerArn"])
        cls._network = net
        return net

    @classmethod
    def _subnet_kwargs(cls, net=None):
        net = net if net is not None else cls.network()
        return {"Subnets": list(net["subnets"])} if net["subnets"] else {}

    @classmethod
    def vpc_kwargs(cls):
        vpc = cls.network()["vpc_id"]
        return {"VpcId": vpc} if vpc else {}

    # -- resources ---------------------------------------------------------------------

    @classmethod
    def create_lb(cls, name=None, client=None, **kwargs):
        """CreateLoadBalancer (application unless Type is given); returns the LoadBalancer."""
        client = client or cls.elb
        name = name or unique("lb")
        if "Subnets" not in kwargs and "SubnetMappings" not in kwargs:
            kwargs.update(cls._subnet_kwargs())
        res = client.create_load_balancer(Name=name, **kwargs)
        return res["LoadBalancers"][0]

    @classmethod
    def create_tg(cls, name=None, client=None, protocol="HTTP", port=80, **kwargs):
        """CreateTargetGroup in the load balancers' VPC; returns the TargetGroup."""
        client = client or cls.elb
        name = name or unique("tg")
        if kwargs.get("TargetType") != "lambda":
            kwargs.setdefault("Protocol", protocol)
            kwargs.setdefault("Port", port)
            for k, v in cls.vpc_kwargs().items():
                kwargs.setdefault(k, v)
        res = client.create_target_group(Name=name, **kwargs)
        return res["TargetGroups"][0]

    @classmethod
    def create_listener(cls, lb_arn, actions, port=None, protocol="HTTP", client=None, **kwargs):
        """CreateListener on a free local port (Stratus really listens there); returns
        the Listener."""
        client = client or cls.elb
        port = port or free_port()
        res = client.create_listener(LoadBalancerArn=lb_arn, Protocol=protocol, Port=port,
                                     DefaultActions=actions, **kwargs)
        return res["Listeners"][0]

    @classmethod
    def create_rule(cls, listener_arn, priority, conditions, actions, client=None, **kwargs):
        client = client or cls.elb
        res = client.create_rule(ListenerArn=listener_arn, Priority=priority,
                                 Conditions=conditions, Actions=actions, **kwargs)
        return res["Rules"][0]

    def lb_attributes(self, lb_arn):
        return attributes_dict(self.elb.describe_load_balancer_attributes(
            LoadBalancerArn=lb_arn)["Attributes"])

    def tg_attributes(self, tg_arn):
        return attributes_dict(self.elb.describe_target_group_attributes(
            TargetGroupArn=tg_arn)["Attributes"])

    def set_tg_attributes(self, tg_arn, **attributes):
        """ModifyTargetGroupAttributes with keys given as keyword arguments
        (dots spelled as double underscores: stickiness__enabled="true")."""
        attrs = [{"Key": k.replace("__", "."), "Value": str(v)} for k, v in attributes.items()]
        return attributes_dict(self.elb.modify_target_group_attributes(
            TargetGroupArn=tg_arn, Attributes=attrs)["Attributes"])

    def describe_lb(self, arn):
        return self.elb.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"][0]

    def describe_tg(self, arn):
        return self.elb.describe_target_groups(TargetGroupArns=[arn])["TargetGroups"][0]

    def describe_rules(self, listener_arn):
        return self.elb.describe_rules(ListenerArn=listener_arn)["Rules"]

    def wait_until(self, predicate, timeout=10.0, interval=0.1, message="condition"):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                self.fail("timed out after %.1f s waiting for %s" % (timeout, message))
            time.sleep(interval)

    def assertConditionValues(self, condition, expected):
        forms = condition_values(condition)
        self.assertTrue(forms, "condition without values: %r" % (condition,))
        for values in forms:
            self.assertEqual(sorted(values), sorted(expected), condition)

    def assertRecentTime(self, value, slack=300):
        """A botocore timestamp (datetime) within `slack` seconds of now."""
        self.assertLess(abs(value.timestamp() - time.time()), slack, value)
