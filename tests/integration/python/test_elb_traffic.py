"""Elastic Load Balancing v2, the data plane: an Application Load Balancer's listener
really listens on 127.0.0.1:<Port> and forwards HTTP to the healthy targets of its
target groups, which are real HTTP servers in this process (elb_helpers.Backend).

What AWS does and these tests hold Stratus to (Application Load Balancer user guide):
- health checks every HealthCheckIntervalSeconds on HealthCheckPath with the user agent
  ELB-HealthChecker/2.0; a new target is `initial` until it passes, then `healthy`;
  UnhealthyThresholdCount failures make it `unhealthy` (Target.FailedHealthChecks when
  the connection fails, Target.ResponseCodeMismatch with "Health checks failed with these
  codes: [503]", Target.Timeout), HealthyThresholdCount successes make it healthy again;
- requests go round robin (per request, also on one keep-alive connection) to healthy
  targets only; when every target is unhealthy the load balancer fails open; with no
  registered target it answers 503; a target silent for the idle timeout gives 504;
- X-Forwarded-For (appended to), X-Forwarded-Proto, X-Forwarded-Port and X-Amzn-Trace-Id;
- rules by priority: path-pattern, host-header (case-insensitive), fixed-response,
  redirect; lb_cookie stickiness through the AWSALB cookie;
- a deregistered target drains: in-flight requests finish, new ones go elsewhere, and
  after deregistration_delay.timeout_seconds it is gone.

Target groups use the smallest intervals AWS allows (5 s interval, 2 s timeout,
thresholds of 2), so a state change takes about 10 s.
"""

import http.client
import threading
import time
import unittest
import uuid

try:
    from . import harness
    from . import elb_helpers as e
except ImportError:
    import harness
    import elb_helpers as e

FAST_HEALTH_CHECK = {
    "HealthCheckPath": "/health",
    "HealthCheckIntervalSeconds": 5,
    "HealthCheckTimeoutSeconds": 2,
    "HealthyThresholdCount": 2,
    "UnhealthyThresholdCount": 2,
}
HEALTH_TIMEOUT = 45.0  # a few intervals of 5 s, with slack for slow CI machines
USER_AGENT = "ELB-HealthChecker/2.0"


def instance_id(index):
    """i-0000000000000000a, i-0000000000000000b, ..."""
    return "i-%017x" % (10 + index)


def tag():
    return uuid.uuid4().hex[:10]


class TrafficTestCase(e.ElbTestCase):
    """A server per class, Backends started by the class, helpers to build target
    groups and to send traffic through the listener."""

    backend_names = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.backends = {}
        cls.target_ids = {}
        try:
            for i, name in enumerate(cls.backend_names):
                cls.backends[name] = e.Backend(name).start()
                cls.target_ids[name] = instance_id(i)
            cls.build()
        except BaseException:
            cls._stop_backends()
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls._stop_backends()
        finally:
            super().tearDownClass()

    @classmethod
    def _stop_backends(cls):
        for backend in getattr(cls, "backends", {}).values():
            backend.stop()

    @classmethod
    def build(cls):
        """Create the load balancer, target groups, listener and rules."""

    # -- building blocks ----------------------------------------------------------------

    @classmethod
    def target(cls, name, target_type="instance"):
        backend = cls.backends[name]
        if target_type == "ip":
            return {"Id": "127.0.0.1", "Port": backend.port}
        return {"Id": cls.target_ids[name], "Port": backend.port}

    @classmethod
    def make_tg(cls, names, target_type="instance", attributes=None, **settings):
        """A target group with the fast health check and these backends registered."""
        kwargs = dict(FAST_HEALTH_CHECK)
        kwargs.update(settings)
        tg = cls.create_tg(TargetType=target_type, port=80, **kwargs)
        arn = tg["TargetGroupArn"]
        if attributes:
            cls.elb.modify_target_group_attributes(TargetGroupArn=arn, Attributes=[
                {"Key": k, "Value": str(v)} for k, v in attributes.items()])
        if names:
            cls.elb.register_targets(TargetGroupArn=arn,
                                     Targets=[cls.target(n, target_type) for n in names])
        return arn

    @classmethod
    def wait_lb_active(cls, lb_arn):
        cls.elb.get_waiter("load_balancer_available").wait(
            LoadBalancerArns=[lb_arn], WaiterConfig={"Delay": 1, "MaxAttempts": 60})

    @classmethod
    def wait_listening(cls, port, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not e.port_accepts(port):
            if time.monotonic() > deadline:
                raise AssertionError("nothing listens on listener port %d after %.0f s" % (port, timeout))
            time.sleep(0.1)

    @classmethod
    def wait_healthy(cls, tg_arn, names, target_type="instance", timeout=HEALTH_TIMEOUT):
        if target_type == "ip":
            expected = {"127.0.0.1": e.HEALTHY}
        else:
            expected = {cls.target_ids[n]: e.HEALTHY for n in names}
        return e.wait_for_states(cls.elb, tg_arn, expected, timeout=timeout)

    # -- traffic ---------------------------------------------------------------------------

    def get(self, path, headers=None, method="GET", body=None, timeout=10.0, conn=None):
        return e.http_request(self.port, path, method=method, headers=headers, body=body,
                              timeout=timeout, conn=conn)

    def send(self, prefix, count, headers=None, expect_status=200):
        """`count` GETs to <prefix>/<i> on new connections; returns the responses."""
        responses = []
        for i in range(count):
            resp = self.get("%s/%d" % (prefix, i), headers=headers)
            if expect_status is not None:
                self.assertEqual(resp.status, expect_status, resp)
            responses.append(resp)
        return responses

    def spread(self, prefix):
        """{backend name: requests it received under prefix} (names with none left out)."""
        counts = {name: b.count(prefix) for name, b in self.backends.items()}
        return {name: n for name, n in counts.items() if n}

    def wait_for_response(self, path, predicate, timeout=10.0, headers=None, message="response"):
        deadline = time.monotonic() + timeout
        while True:
            resp = self.get(path, headers=headers)
            if predicate(resp):
                return resp
            if time.monotonic() > deadline:
                self.fail("timed out waiting for %s on %s; last: %r" % (message, path, resp))
            time.sleep(0.2)


# -- routing -------------------------------------------------------------------------------

class RoutingTest(TrafficTestCase):
    """One ALB, five backends: a, b, c behind the default action; `api` (an ip target)
    behind /api/*; `admin` behind the host admin.example.com; a sticky target group of
    a, b, c behind /sticky/*; an empty target group behind /empty."""

    backend_names = ("a", "b", "c", "api", "admin")

    @classmethod
    def build(cls):
        lb = cls.create_lb()
        cls.lb_arn = lb["LoadBalancerArn"]
        cls.main_tg = cls.make_tg(["a", "b", "c"])
        cls.api_tg = cls.make_tg(["api"], target_type="ip")
        cls.admin_tg = cls.make_tg(["admin"])
        cls.sticky_tg = cls.make_tg(["a", "b", "c"], attributes={
            "stickiness.enabled": "true", "stickiness.type": "lb_cookie",
            "stickiness.lb_cookie.duration_seconds": "300"})
        cls.empty_tg = cls.make_tg([])
        cls.port = e.free_port()
        listener = cls.create_listener(cls.lb_arn, e.forward(cls.main_tg), port=cls.port)
        cls.listener_arn = listener["ListenerArn"]

        def rule(priority, conditions, actions):
            return cls.create_rule(cls.listener_arn, priority, conditions, actions)["RuleArn"]

        cls.special_rule = rule(5, [{"Field": "path-pattern", "Values": ["/api/special"]}],
                                e.fixed_response(200, "special"))
        cls.api_rule = rule(10, [{"Field": "path-pattern", "Values": ["/api/*"]}], e.forward(cls.api_tg))
        rule(20, [{"Field": "host-header", "HostHeaderConfig": {"Values": ["admin.example.com"]}}],
             e.forward(cls.admin_tg))
        rule(30, [{"Field": "path-pattern", "Values": ["/teapot"]}],
             e.fixed_response(418, "I'm a teapot", "text/plain"))
        rule(40, [{"Field": "path-pattern", "Values": ["/old/*"]}],
             [{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443",
                                                      "StatusCode": "HTTP_301"}}])
        rule(50, [{"Field": "path-pattern", "Values": ["/sticky/*"]}], e.forward(cls.sticky_tg))
        rule(60, [{"Field": "path-pattern", "Values": ["/empty"]}], e.forward(cls.empty_tg))

        cls.wait_lb_active(cls.lb_arn)
        cls.wait_listening(cls.port)
        cls.wait_healthy(cls.main_tg, ["a", "b", "c"])
        cls.wait_healthy(cls.api_tg, ["api"], target_type="ip")
        cls.wait_healthy(cls.admin_tg, ["admin"])
        cls.wait_healthy(cls.sticky_tg, ["a", "b", "c"])

    def test_round_robin_reaches_every_target(self):
        prefix = "/rr/%s" % tag()
        responses = self.send(prefix, 30)
        spread = self.spread(prefix)
        self.assertEqual(set(spread), {"a", "b", "c"}, spread)
        for name, count in spread.items():
            self.assertGreaterEqual(count, 5, spread)
        self.assertEqual(sum(spread.values()), 30, spread)
        # each response came from the backend that recorded it
        self.assertEqual(sorted(r.backend for r in responses),
                         sorted(n for n, c in spread.items() for _ in range(c)))

    def test_requests_on_one_connection_are_balanced_one_by_one(self):
        prefix = "/keepalive/%s" % tag()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            for i in range(9):
                resp = self.get("%s/%d" % (prefix, i), conn=conn)
                self.assertEqual(resp.status, 200, resp)
        finally:
            conn.close()
        self.assertEqual(set(self.spread(prefix)), {"a", "b", "c"}, self.spread(prefix))

    def test_forwarded_headers(self):
        trace_ids = set()
        for i in range(3):
            resp = self.get("/hdr/%s" % tag())
            self.assertEqual(resp.status, 200, resp)
            headers = resp.json()["headers"]
            self.assertEqual(headers.get("x-forwarded-for"), "127.0.0.1", headers)
            self.assertEqual(headers.get("x-forwarded-proto"), "http", headers)
            self.assertEqual(headers.get("x-forwarded-port"), str(self.port), headers)
            trace = headers.get("x-amzn-trace-id", "")
            match = e.TRACE_ROOT_RE.fullmatch(trace)
            self.assertIsNotNone(match, "X-Amzn-Trace-Id %r" % trace)
            # the first part of the root is the epoch time in seconds, in hex
            self.assertLess(abs(int(match.group(1), 16) - time.time()), 300, trace)
            trace_ids.add(trace)
        self.assertEqual(len(trace_ids), 3, trace_ids)

    def test_client_forwarded_for_and_trace_id_are_kept(self):
        client_trace = "Root=1-5759e988-bd862e3fe1be46a994272793;CalledFrom=app"
        resp = self.get("/hdr/%s" % tag(), headers={"X-Forwarded-For": "203.0.113.7",
                                                    "X-Amzn-Trace-Id": client_trace})
        headers = resp.json()["headers"]
        # routing.http.xff_header_processing.mode "append" (the default)
        self.assertEqual(headers.get("x-forwarded-for"), "203.0.113.7, 127.0.0.1", headers)
        # the client's Root and its own fields are kept, and the load balancer inserts
        # a Self field (ALB guide, "Request tracing")
        trace = headers.get("x-amzn-trace-id", "")
        fields = dict(part.split("=", 1) for part in trace.split(";") if "=" in part)
        self.assertEqual(fields.get("Root"), "1-5759e988-bd862e3fe1be46a994272793", trace)
        self.assertEqual(fields.get("CalledFrom"), "app", trace)
        self.assertRegex(fields.get("Self", ""), r"^1-[0-9a-f]{8}-[0-9a-f]{24}$", trace)

    def test_request_and_response_pass_through(self):
        body = '{"order": 42, "note": "caf\u00e9"}'
        resp = self.get("/echo/%s?x=1&y=two" % tag(), method="POST", body=body,
                        headers={"Content-Type": "application/json", "X-Custom": "kept"})
        self.assertEqual(resp.status, 200, resp)
        doc = resp.json()
        self.assertEqual(doc["method"], "POST")
        self.assertEqual(doc["body"], body)
        self.assertEqual(doc["query"], "x=1&y=two")
        self.assertEqual(doc["headers"].get("x-custom"), "kept")
        self.assertEqual(doc["headers"].get("content-type"), "application/json")
        self.assertEqual(resp.headers.get("X-Backend"), doc["backend"])
        # a target's own error statuses reach the client unchanged
        resp = self.get("/status/404")
        self.assertEqual(resp.status, 404, resp)
        self.assertIn(resp.backend, ("a", "b", "c"))

    def test_health_checks(self):
        for name in ("a", "b", "c", "admin", "api"):
            checks = self.backends[name].health_checks()
            self.assertTrue(checks, "no health check reached %s" % name)
            for check in checks:
                self.assertEqual(check.method, "GET")
                self.assertEqual(check.path, "/health")
                self.assertEqual(check.headers.get("user-agent"), USER_AGENT, check.headers)
        for d in e.describe_health(self.elb, self.main_tg):
            self.assertEqual(d["TargetHealth"]["State"], "healthy", d)
            self.assertNotIn("Reason", d["TargetHealth"], d)
            self.assertEqual(d["HealthCheckPort"], str(d["Target"]["Port"]), d)
        # a target that does not exist in the group is reported as such
        [d] = e.describe_health(self.elb, self.main_tg, targets=[{"Id": instance_id(9), "Port": 1}])
        self.assertEqual((d["TargetHealth"]["State"], d["TargetHealth"]["Reason"]),
                         ("unused", "Target.NotRegistered"))

    def test_path_pattern_rule(self):
        prefix = "/api/%s" % tag()
        for resp in self.send(prefix, 3):
            self.assertEqual(resp.backend, "api", resp)
        self.assertEqual(self.spread(prefix), {"api": 3})
        # /apix is not under /api/
        resp = self.get("/apix")
        self.assertIn(resp.backend, ("a", "b", "c"), resp)

    def test_host_header_rule(self):
        for host in ("admin.example.com", "ADMIN.Example.com"):
            resp = self.get("/host/%s" % tag(), headers={"Host": host})
            self.assertEqual(resp.status, 200, resp)
            self.assertEqual(resp.backend, "admin", (host, resp))
        resp = self.get("/host/%s" % tag(), headers={"Host": "www.example.com"})
        self.assertIn(resp.backend, ("a", "b", "c"), resp)

    def test_fixed_response_rule(self):
        resp = self.get("/teapot")
        self.assertEqual(resp.status, 418, resp)
        self.assertEqual(resp.text, "I'm a teapot")
        self.assertTrue(resp.headers.get("Content-Type", "").startswith("text/plain"), resp)
        self.assertIsNone(resp.headers.get("X-Backend"), resp)

    def test_redirect_rule(self):
        resp = self.get("/old/page?x=1&y=2", headers={"Host": "www.example.com"})
        self.assertEqual(resp.status, 301, resp)
        self.assertEqual(resp.headers.get("Location"), "https://www.example.com:443/old/page?x=1&y=2")

    def test_rule_priority_order(self):
        resp = self.get("/api/special")
        self.assertEqual((resp.status, resp.text), (200, "special"))
        self.assertEqual(self.get("/api/other").backend, "api")
        # behind /api/* (priority 10) the fixed response is never reached
        self.elb.set_rule_priorities(RulePriorities=[{"RuleArn": self.special_rule, "Priority": 15}])
        try:
            self.wait_for_response("/api/special", lambda r: r.backend == "api",
                                   message="the /api/* rule to come first")
        finally:
            self.elb.set_rule_priorities(RulePriorities=[{"RuleArn": self.special_rule, "Priority": 5}])
        self.wait_for_response("/api/special", lambda r: r.text == "special",
                               message="the fixed response to come first again")

    def test_target_group_without_targets_gives_503(self):
        resp = self.get("/empty")
        self.assertEqual(resp.status, 503, resp)

    def test_stickiness(self):
        prefix = "/sticky/%s" % tag()
        first = self.get(prefix + "/0")
        self.assertEqual(first.status, 200, first)
        cookies = first.headers.get_all("Set-Cookie") or []
        awsalb = [c for c in cookies if c.startswith("AWSALB=")]
        self.assertEqual(len(awsalb), 1, cookies)
        self.assertTrue([c for c in cookies if c.startswith("AWSALBCORS=")], cookies)
        cookie = awsalb[0].split(";", 1)[0]
        for i in range(1, 10):
            resp = self.get("%s/%d" % (prefix, i), headers={"Cookie": cookie})
            self.assertEqual(resp.backend, first.backend, resp)
        self.assertEqual(self.spread(prefix), {first.backend: 10})
        # without the cookie requests are balanced again
        fresh = "/sticky/%s" % tag()
        self.send(fresh, 6)
        self.assertGreaterEqual(len(self.spread(fresh)), 2, self.spread(fresh))

    def test_modify_listener_default_action(self):
        self.elb.modify_listener(ListenerArn=self.listener_arn,
                                 DefaultActions=e.fixed_response(200, "maintenance"))
        try:
            self.wait_for_response("/", lambda r: r.text == "maintenance", message="the new default action")
            # rules still apply
            self.assertEqual(self.get("/api/x").backend, "api")
        finally:
            self.elb.modify_listener(ListenerArn=self.listener_arn, DefaultActions=e.forward(self.main_tg))
        self.wait_for_response("/", lambda r: r.backend in ("a", "b", "c"), message="forwarding again")

    def test_idle_timeout_gives_504(self):
        self.elb.modify_load_balancer_attributes(LoadBalancerArn=self.lb_arn, Attributes=[
            {"Key": "idle_timeout.timeout_seconds", "Value": "1"}])
        try:
            start = time.monotonic()
            resp = self.get("/slow?seconds=4", timeout=15)
            self.assertEqual(resp.status, 504, resp)
            self.assertLess(time.monotonic() - start, 3.9)
        finally:
            self.elb.modify_load_balancer_attributes(LoadBalancerArn=self.lb_arn, Attributes=[
                {"Key": "idle_timeout.timeout_seconds", "Value": "60"}])
        resp = self.get("/slow?seconds=2", timeout=15)
        self.assertEqual(resp.status, 200, resp)


# -- target health -------------------------------------------------------------------------

class HealthTest(TrafficTestCase):
    """One ALB forwarding to four backends whose health the tests break and repair;
    each test leaves all four registered and healthy."""

    backend_names = ("a", "b", "c", "d")

    @classmethod
    def build(cls):
        lb = cls.create_lb()
        cls.lb_arn = lb["LoadBalancerArn"]
        cls.tg = cls.make_tg(list(cls.backend_names),
                             attributes={"deregistration_delay.timeout_seconds": "5"})
        cls.port = e.free_port()
        # health checks start with the listener; answering them slowly (within the 2 s
        # timeout) keeps the first one in flight while the new targets are described
        for backend in cls.backends.values():
            backend.set_health_delay(1.0)
        cls.listener_arn = cls.create_listener(cls.lb_arn, e.forward(cls.tg), port=cls.port)["ListenerArn"]
        cls.initial_health = e.describe_health(cls.elb, cls.tg)
        for backend in cls.backends.values():
            backend.reset_health()
        cls.wait_lb_active(cls.lb_arn)
        cls.wait_listening(cls.port)
        cls.wait_healthy(cls.tg, cls.backend_names)

    def tearDown(self):
        self.repair()

    def repair(self):
        """Every backend up and answering 200, registered, and healthy."""
        for backend in self.backends.values():
            backend.reset_health()
            backend.start()
        registered = {d["Target"]["Id"] for d in e.describe_health(self.elb, self.tg)
                      if d["TargetHealth"]["State"] != e.DRAINING}
        missing = [n for n in self.backend_names if self.target_ids[n] not in registered]
        if missing:
            for n in missing:  # a draining target must be gone before it can come back
                e.wait_for_health(self.elb, self.tg, self.target_ids[n], None, timeout=30)
            self.elb.register_targets(TargetGroupArn=self.tg, Targets=[self.target(n) for n in missing])
        self.wait_healthy(self.tg, self.backend_names)

    def health(self):
        return e.health_by_id(self.elb, self.tg)

    def test_new_targets_start_initial(self):
        self.assertEqual(len(self.initial_health), 4, self.initial_health)
        for d in self.initial_health:
            self.assertEqual(d["TargetHealth"]["State"], "initial", d)
            self.assertIn(d["TargetHealth"]["Reason"],
                          ("Elb.RegistrationInProgress", "Elb.InitialHealthChecking"), d)
        # and are healthy once they pass: no reason, no description
        for target_id, health in self.health().items():
            self.assertEqual(health, {"State": "healthy"}, target_id)

    def test_unhealthy_targets_are_taken_out_of_rotation(self):
        ids = self.target_ids
        self.backends["a"].stop()                   # connection refused
        self.backends["b"].set_health_status(503)   # wrong status code
        self.backends["c"].set_health_delay(4)      # slower than the 2 s timeout
        health = e.wait_for_states(self.elb, self.tg, {
            ids["a"]: e.UNHEALTHY, ids["b"]: e.UNHEALTHY, ids["c"]: e.UNHEALTHY, ids["d"]: e.HEALTHY,
        }, timeout=HEALTH_TIMEOUT)
        self.assertEqual(health[ids["a"]]["Reason"], "Target.FailedHealthChecks", health)
        self.assertEqual(health[ids["b"]]["Reason"], "Target.ResponseCodeMismatch", health)
        self.assertEqual(health[ids["b"]]["Description"], "Health checks failed with these codes: [503]", health)
        self.assertEqual(health[ids["c"]]["Reason"], "Target.Timeout", health)

        prefix = "/only-d/%s" % tag()
        self.send(prefix, 12)
        self.assertEqual(self.spread(prefix), {"d": 12})

        # repaired, they come back (HealthyThresholdCount successes)
        self.backends["a"].start()
        self.backends["b"].reset_health()
        self.backends["c"].reset_health()
        self.wait_healthy(self.tg, self.backend_names)
        prefix = "/all-again/%s" % tag()
        self.send(prefix, 12)
        self.assertEqual(set(self.spread(prefix)), {"a", "b", "c", "d"}, self.spread(prefix))

    def test_fail_open_when_every_target_is_unhealthy(self):
        for backend in self.backends.values():
            backend.set_health_status(503)
        e.wait_for_states(self.elb, self.tg, {
            self.target_ids[n]: (e.UNHEALTHY, "Target.ResponseCodeMismatch") for n in self.backend_names
        }, timeout=HEALTH_TIMEOUT)
        prefix = "/fail-open/%s" % tag()
        self.send(prefix, 16)
        self.assertEqual(set(self.spread(prefix)), {"a", "b", "c", "d"}, self.spread(prefix))

    def test_deregistration_drains_in_flight_requests(self):
        marker = tag()
        result = {}

        def slow():
            try:
                result["response"] = self.get("/slow?seconds=3&marker=%s" % marker, timeout=20)
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                result["error"] = exc

        thread = threading.Thread(target=slow, daemon=True)
        thread.start()

        def serving():
            for name, backend in self.backends.items():
                if any(marker in r.query for r in backend.requests("/slow")):
                    return name
            return None

        victim = self.wait_until(serving, timeout=5, message="the slow request to reach a backend")
        victim_id = self.target_ids[victim]
        self.elb.deregister_targets(TargetGroupArn=self.tg, Targets=[self.target(victim)])
        [d] = [d for d in e.describe_health(self.elb, self.tg) if d["Target"]["Id"] == victim_id]
        self.assertEqual(d["TargetHealth"]["State"], "draining", d)
        self.assertEqual(d["TargetHealth"]["Reason"], "Target.DeregistrationInProgress", d)

        prefix = "/while-draining/%s" % tag()
        self.send(prefix, 9)
        spread = self.spread(prefix)
        self.assertNotIn(victim, spread, spread)
        self.assertEqual(len(spread), 3, spread)

        thread.join(15)
        self.assertFalse(thread.is_alive(), "the in-flight request did not finish")
        self.assertNotIn("error", result, result)
        self.assertEqual(result["response"].status, 200, result["response"])
        self.assertEqual(result["response"].backend, victim)

        # deregistration_delay.timeout_seconds is 5: then the target is gone
        e.wait_for_health(self.elb, self.tg, victim_id, None, timeout=20)

    def test_configuration_survives_restart(self):
        harness.require_restartable()
        listeners = self.elb.describe_listeners(LoadBalancerArn=self.lb_arn)["Listeners"]
        self.server.stop()
        self.assertFalse(e.port_accepts(self.port), "the listener port is still open while Stratus is down")
        self.server.start()
        type(self).refresh_clients()
        self.wait_listening(self.port)
        self.assertEqual(self.elb.describe_listeners(LoadBalancerArn=self.lb_arn)["Listeners"], listeners)
        self.assertEqual(self.tg_attributes(self.tg)["deregistration_delay.timeout_seconds"], "5")
        self.assertEqual(set(self.health()), {self.target_ids[n] for n in self.backend_names})
        self.wait_healthy(self.tg, self.backend_names)
        prefix = "/after-restart/%s" % tag()
        self.send(prefix, 12)
        self.assertEqual(set(self.spread(prefix)), {"a", "b", "c", "d"}, self.spread(prefix))


# -- network load balancer ---------------------------------------------------------------

class NetworkTest(TrafficTestCase):
    """A network load balancer: a TCP listener relays each connection to one of two
    backends, chosen among those that pass TCP health checks."""

    backend_names = ("a", "b")

    @classmethod
    def build(cls):
        lb = cls.create_lb(Type="network")
        cls.lb_arn = lb["LoadBalancerArn"]
        tg = cls.create_tg(protocol="TCP", port=80, HealthCheckProtocol="TCP",
                           HealthCheckIntervalSeconds=5, HealthCheckTimeoutSeconds=2,
                           HealthyThresholdCount=2, UnhealthyThresholdCount=2)
        cls.tg = tg["TargetGroupArn"]
        cls.elb.register_targets(TargetGroupArn=cls.tg, Targets=[cls.target(n) for n in cls.backend_names])
        cls.port = e.free_port()
        cls.create_listener(cls.lb_arn, e.forward(cls.tg), port=cls.port, protocol="TCP")
        cls.wait_listening(cls.port)
        cls.wait_healthy(cls.tg, cls.backend_names)

    def test_target_group_defaults_for_tcp(self):
        [tg] = self.elb.describe_target_groups(TargetGroupArns=[self.tg])["TargetGroups"]
        self.assertEqual(tg["Protocol"], "TCP")
        self.assertEqual(tg["HealthCheckProtocol"], "TCP")
        self.assertNotIn("HealthCheckPath", tg)
        self.assertNotIn("Matcher", tg)
        self.assertEqual(tg["LoadBalancerArns"], [self.lb_arn])

    def test_connections_are_relayed_to_healthy_targets(self):
        prefix = "/tcp/%s" % tag()
        self.send(prefix, 8)
        self.assertEqual(set(self.spread(prefix)), {"a", "b"}, self.spread(prefix))
        # bytes are relayed untouched: no X-Forwarded-* headers are added
        resp = self.get("/tcp-headers/%s?echo=headers" % tag())
        self.assertEqual(resp.status, 200, resp)
        [request] = [r for b in self.backends.values() for r in b.requests("/tcp-headers/")]
        self.assertNotIn("x-forwarded-for", {k.lower() for k in request.headers})

    def test_a_target_that_refuses_connections_fails_its_tcp_check(self):
        self.backends["b"].stop()
        try:
            e.wait_for_health(self.elb, self.tg, self.target_ids["b"], e.UNHEALTHY,
                              reason="Target.FailedHealthChecks", timeout=HEALTH_TIMEOUT)
            prefix = "/tcp-one/%s" % tag()
            self.send(prefix, 6)
            self.assertEqual(self.spread(prefix), {"a": 6})
        finally:
            self.backends["b"].start()
            self.wait_healthy(self.tg, self.backend_names)


# -- lambda targets ------------------------------------------------------------------------

LAMBDA_TARGET_CODE = """
import base64, json
def handler(event, context):
    body = base64.b64decode(event["body"]).decode() if event["isBase64Encoded"] else event["body"]
    return {"statusCode": 201, "statusDescription": "201 Created",
            "headers": {"Content-Type": "application/json", "X-Handled-By": "lambda"},
            "body": json.dumps({"method": event["httpMethod"], "path": event["path"],
                                "query": event["queryStringParameters"], "body": body,
                                "targetGroupArn": event["requestContext"]["elb"]["targetGroupArn"],
                                "forwardedFor": event["headers"].get("x-forwarded-for")}),
            "isBase64Encoded": False}
"""


class LambdaTargetTest(TrafficTestCase):
    """An ALB whose target group's one target is a Lambda function: requests become
    ALB events, the function's answer becomes the response."""

    backend_names = ()

    @classmethod
    def build(cls):
        import io
        import zipfile
        package = io.BytesIO()
        with zipfile.ZipFile(package, "w") as z:
            z.writestr("app.py", LAMBDA_TARGET_CODE)
        lam = cls.server.client("lambda")
        cls.function_arn = lam.create_function(
            FunctionName=e.unique("albfn"), Runtime="python3.12", Role="arn:aws:iam::000000000000:role/alb",
            Handler="app.handler", Code={"ZipFile": package.getvalue()})["FunctionArn"]
        lb = cls.create_lb()
        cls.tg = cls.create_tg(TargetType="lambda")["TargetGroupArn"]
        cls.elb.register_targets(TargetGroupArn=cls.tg, Targets=[{"Id": cls.function_arn}])
        cls.port = e.free_port()
        cls.create_listener(lb["LoadBalancerArn"], e.forward(cls.tg), port=cls.port)
        cls.wait_listening(cls.port)

    def test_lambda_target_health_is_unavailable_without_health_checks(self):
        [d] = e.describe_health(self.elb, self.tg)
        self.assertEqual(d["Target"], {"Id": self.function_arn})
        self.assertEqual(d["TargetHealth"]["State"], "unavailable")
        self.assertEqual(d["TargetHealth"]["Reason"], "Target.HealthCheckDisabled")

    def test_request_becomes_an_alb_event_and_the_answer_a_response(self):
        resp = self.get("/orders?id=7", method="POST", body=b'{"x": 1}', timeout=30)
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(resp.headers["X-Handled-By"], "lambda")
        doc = resp.json()
        self.assertEqual(doc["method"], "POST")
        self.assertEqual(doc["path"], "/orders")
        self.assertEqual(doc["query"], {"id": "7"})
        self.assertEqual(doc["body"], '{"x": 1}')
        self.assertEqual(doc["targetGroupArn"], self.tg)
        self.assertEqual(doc["forwardedFor"], "127.0.0.1")


if __name__ == "__main__":
    unittest.main()
