"""The server itself: its own endpoints, HTTP limits and timeouts, many connections,
malformed requests, and graceful shutdown. Raw HTTP where the SDKs would hide it."""
import http.client
import json
import os
import socket
import threading
import time
import unittest
import uuid
import zlib

try:
    from . import harness as h
except ImportError:
    import harness as h


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def request(server, method, path, body=None, headers=None):
    host, port = server.endpoint.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def json_call(server, target, body):
    return request(server, "POST", "/", body=body, headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": target,
    })


class EndpointsTest(h.ServerTestCase):
    ephemeral = True

    def setUp(self):
        h.require_restartable()

    def test_health_reports_version_uptime_and_services(self):
        for path in ("/_stratus/health", "/_localstack/health"):
            status, headers, body = request(self.server, "GET", path)
            self.assertEqual(status, 200)
            health = json.loads(body)
            self.assertRegex(health["version"], r"^\d+\.\d+\.\d+$")
            self.assertIsInstance(health["uptime"], int)
            self.assertEqual(health["services"]["sqs"], "running")
            self.assertEqual(health["storage"], "ephemeral")

    def test_unsigned_root_answers_200(self):
        status, _, _ = request(self.server, "GET", "/")
        self.assertEqual(status, 200)

    def test_reset_empties_all_state(self):
        sqs = self.server.client()
        url = sqs.create_queue(QueueName=unique("reset"))["QueueUrl"]
        for path in ("/_stratus/reset", "/moto-api/reset"):
            status, _, _ = request(self.server, "POST", path)
            self.assertEqual(status, 200)
            self.assertNotIn(url, sqs.list_queues().get("QueueUrls", []))
            url = sqs.create_queue(QueueName=unique("reset"))["QueueUrl"]


class MalformedRequestsTest(h.ServerTestCase):
    ephemeral = True

    def setUp(self):
        h.require_restartable()

    def test_malformed_json_is_a_serialization_error(self):
        status, headers, body = json_call(self.server, "AmazonSQS.ListQueues", b"{not json")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "com.amazonaws.sqs#SerializationException")
        self.assertIn("x-amzn-RequestId", headers)

    def test_wrong_member_type_is_a_serialization_error(self):
        status, _, body = json_call(self.server, "AmazonSQS.ListQueues", b'{"MaxResults": "ten"}')
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["__type"], "com.amazonaws.sqs#SerializationException")

    def test_unknown_json_operation(self):
        status, _, body = json_call(self.server, "AmazonSQS.Explode", b"{}")
        self.assertEqual(status, 400)
        self.assertTrue(json.loads(body)["__type"].endswith("UnknownOperationException"))

    def test_unknown_query_action_is_invalid_action_in_xml(self):
        status, headers, body = request(self.server, "POST", "/", body=b"Action=Explode&Version=2012-11-05",
                                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 400)
        self.assertIn(b"<Code>InvalidAction</Code>", body)
        self.assertTrue(headers["Content-Type"].startswith("text/xml"))

    def test_query_action_in_the_url_of_a_get(self):
        status, _, body = request(self.server, "GET", "/?Action=ListQueues&Version=2012-11-05")
        self.assertEqual(status, 200)
        self.assertIn(b"<ListQueuesResponse", body)

    def test_garbage_instead_of_http_gets_400_and_the_server_lives_on(self):
        host, port = self.server.endpoint.split("//")[1].split(":")
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"\x00\x01 NOT HTTP AT ALL\r\n\r\n")
            self.assertIn(b"400", s.recv(1024))
        status, _, _ = request(self.server, "GET", "/_stratus/health")
        self.assertEqual(status, 200)


class LimitsTest(h.ServerTestCase):
    ephemeral = True
    server_args = ("--max-body-bytes", "4096", "--idle-timeout", "1")

    def setUp(self):
        h.require_restartable()

    def test_body_over_the_limit_gets_413(self):
        status, _, _ = json_call(self.server, "AmazonSQS.ListQueues", b" " * 10000)
        self.assertEqual(status, 413)

    def test_silent_connection_is_closed_after_the_idle_timeout(self):
        host, port = self.server.endpoint.split("//")[1].split(":")
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"GET /_stratus/health HTTP/1.1\r\nHost: x\r\n")  # headers never finish
            started = time.monotonic()
            self.assertEqual(s.recv(1024), b"")  # the server closes it
            self.assertLess(time.monotonic() - started, 4)

    def test_many_concurrent_connections(self):
        host, port = self.server.endpoint.split("//")[1].split(":")
        sockets = [socket.create_connection((host, int(port)), timeout=10) for _ in range(2000)]
        try:
            for s in sockets:
                s.sendall(b"GET /_stratus/health HTTP/1.1\r\nHost: x\r\n\r\n")
            answered = sum(1 for s in sockets if s.recv(64).startswith(b"HTTP/1.1 200"))
            self.assertEqual(answered, len(sockets))
        finally:
            for s in sockets:
                s.close()


def read_answer(stream):
    """(status, body) of the next HTTP answer on a socket's file (answers with a
    Content-Length, as the server's all are)."""
    status = int(stream.readline().split()[1])
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, stream.read(length)


def io_uring_allowed():
    """Whether this kernel lets this process (and so the server it starts) use io_uring."""
    try:
        with open("/proc/sys/kernel/io_uring_disabled") as f:
            if f.read().strip() != "0":
                return False
    except FileNotFoundError:
        pass  # kernels before 6.6 have no such switch
    with open("/proc/self/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return fields.get("Seccomp", "0").strip() == "0"  # no system call filter


def io_uring_descriptors(pid):
    fd_dir = "/proc/%d/fd" % pid
    return sum(1 for fd in os.listdir(fd_dir) if os.readlink(os.path.join(fd_dir, fd)) == "anon_inode:[io_uring]")


class SocketIoTest(h.ServerTestCase):
    """Requests are received and answers sent batched through io_uring where the kernel
    allows it, and with system calls of their own otherwise (--no-io-uring). Either way
    requests arrive whole however the client splits them, and an answer larger than the
    socket's buffers reaches a client that reads it late, and the connection goes on."""
    ephemeral = True
    uses_io_uring = True

    def setUp(self):
        h.require_restartable()

    def test_the_send_path_in_use(self):
        if self.uses_io_uring and not io_uring_allowed():
            self.skipTest("this kernel or sandbox refuses io_uring")
        self.assertEqual(io_uring_descriptors(self.server.proc.pid) > 0, self.uses_io_uring)

    def test_answer_larger_than_the_socket_buffers_reaches_a_late_reader(self):
        # About 15 MB: more than the kernel lets a socket's send buffer hold (4 MB here),
        # so the server must send it in parts as the client makes room.
        ddb, table = self.table("big")
        items = {"item%02d" % i: chr(ord("a") + i % 26) * 390000 for i in range(40)}
        for key, data in items.items():
            ddb.put_item(TableName=table, Item={"pk": {"S": key}, "data": {"S": data}})
        keys = [{"pk": {"S": key}} for key in items]
        host, port = self.server.endpoint.split("//")[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.sock = socket.socket()
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 * 1024)  # fixed, not grown by the kernel
        conn.sock.settimeout(10)
        try:
            conn.sock.connect((host, int(port)))
            conn.request("POST", "/", body=json.dumps({"RequestItems": {table: {"Keys": keys}}}), headers={
                "Content-Type": "application/x-amz-json-1.0",
                "X-Amz-Target": "DynamoDB_20120810.BatchGetItem",
            })
            time.sleep(0.5)  # the server fills its send buffer and waits for room
            response = conn.getresponse()
            answer = response.read()  # http.client insists on the whole Content-Length
            self.assertEqual(response.status, 200)
            self.assertEqual(int(response.getheader("x-amz-crc32")), zlib.crc32(answer))
            got = json.loads(answer)
            self.assertEqual(got["UnprocessedKeys"], {})
            self.assertEqual({i["pk"]["S"]: i["data"]["S"] for i in got["Responses"][table]}, items)
            conn.request("GET", "/_stratus/health")  # the same connection goes on
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 200)
        finally:
            conn.close()


    def test_request_arriving_in_small_pieces(self):
        body = json.dumps({"Limit": 5}).encode()
        request = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                   b"X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: %d\r\n\r\n" % len(body)) + body
        with socket.create_connection(self.address(), timeout=10) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for at in range(0, len(request), 7):
                s.sendall(request[at:at + 7])
                time.sleep(0.002)
            status, body = read_answer(s.makefile("rb"))
        self.assertEqual(status, 200)
        self.assertIn("TableNames", json.loads(body))

    def test_pipelined_requests_are_answered_in_order(self):
        with socket.create_connection(self.address(), timeout=10) as s:
            s.sendall(b"GET /_stratus/health HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /nowhere-at-all HTTP/1.1\r\nHost: x\r\n\r\n"
                      b"GET /_stratus/health HTTP/1.1\r\nHost: x\r\n\r\n")
            answers = s.makefile("rb")
            statuses = [read_answer(answers)[0] for _ in range(3)]
        self.assertEqual(statuses[0], 200)
        self.assertNotEqual(statuses[1], 200)
        self.assertEqual(statuses[2], 200)

    def test_request_body_of_many_reads(self):
        # A 390 KB item: many times what one read takes in.
        ddb, table = self.table("wide")
        data = "".join(chr(ord("a") + i % 26) for i in range(390000))
        ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "data": {"S": data}})
        self.assertEqual(ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})["Item"]["data"]["S"], data)

    def test_client_gone_mid_request_leaves_the_server_serving(self):
        for _ in range(20):
            with socket.create_connection(self.address(), timeout=10) as s:
                s.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npart")
        status, _, _ = request(self.server, "GET", "/_stratus/health")
        self.assertEqual(status, 200)

    def table(self, prefix):
        """A DynamoDB client and a new table keyed by the string "pk"."""
        ddb = self.server.client("dynamodb")
        table = unique(prefix)
        ddb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        return ddb, table

    def address(self):
        host, port = self.server.endpoint.split("//")[1].split(":")
        return host, int(port)


class SocketIoWithoutIoUringTest(SocketIoTest):
    server_args = ("--no-io-uring",)
    uses_io_uring = False


class ShutdownTest(unittest.TestCase):
    def setUp(self):
        h.require_restartable()
        self.server = h.StratusServer(ephemeral=True)
        self.server.start()

    def tearDown(self):
        self.server.close()

    def test_sigterm_answers_a_pending_long_poll_and_exits_zero(self):
        sqs = self.server.client()
        url = sqs.create_queue(QueueName=unique("shutdown"))["QueueUrl"]
        result = {}

        def poll():
            started = time.monotonic()
            result["messages"] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=20).get("Messages", [])
            result["elapsed"] = time.monotonic() - started

        poller = threading.Thread(target=poll)
        poller.start()
        time.sleep(0.5)
        started = time.monotonic()
        self.server.stop()  # asserts exit code 0
        self.assertLess(time.monotonic() - started, 5)
        poller.join(10)
        self.assertEqual(result.get("messages"), [])
        self.assertLess(result["elapsed"], 10)


if __name__ == "__main__":
    unittest.main()
