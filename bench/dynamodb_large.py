#!/usr/bin/env python3
"""A DynamoDB table larger than memory: loads BENCH_LARGE_ITEMS items of about 1 KB
into a durable Stratus (BatchWriteItem from several processes), then measures GetItem
and Query (Limit 10) latency one request at a time (and, as the floor, DescribeLimits,
which reads nothing), and the server's RSS throughout.

    python3 bench/dynamodb_large.py [stratus binary]

Environment: BENCH_LARGE_ITEMS (5000000), BENCH_LARGE_LOADERS (4 processes),
BENCH_LARGE_SAMPLES (2000 requests per operation), BENCH_LARGE_DIR (data directory;
a temporary one by default, removed afterwards).
Writes bench-results/dynamodb_large.json."""

import http.client
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ITEMS = int(os.environ.get("BENCH_LARGE_ITEMS", "5000000"))
LOADERS = int(os.environ.get("BENCH_LARGE_LOADERS", "4"))
SAMPLES = int(os.environ.get("BENCH_LARGE_SAMPLES", "2000"))
PER_PARTITION = 100
TABLE = "large"
DATA = "x" * 960  # with the keys and names, about 1 KB an item


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(conn, operation, body):
    conn.request("POST", "/", body=json.dumps(body) if not isinstance(body, str) else body, headers={
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810." + operation,
        "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/dynamodb/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    response = conn.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError("%s: %d %s" % (operation, response.status, data[:300]))
    return json.loads(data)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def item_json(n):
    return '{"PutRequest":{"Item":{"pk":{"S":"p%d"},"sk":{"N":"%d"},"data":{"S":"%s"}}}}' % (
        n // PER_PARTITION, n % PER_PARTITION, DATA)


def load(args):
    port, first, last = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for start in range(first, last, 25):
        requests = ",".join(item_json(n) for n in range(start, min(start + 25, last)))
        body = '{"RequestItems":{"%s":[%s]}}' % (TABLE, requests)
        for attempt in range(5):
            try:
                if call(conn, "BatchWriteItem", body)["UnprocessedItems"]:
                    raise RuntimeError("unprocessed items")
                break
            except (ConnectionError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port)
                time.sleep(0.1 * (attempt + 1))
    return last - first


def latencies(conn, operation, make_body):
    times = []
    for _ in range(SAMPLES):
        body = make_body()
        start = time.perf_counter()
        answer = call(conn, operation, body)
        times.append((time.perf_counter() - start) * 1000)
        if operation == "GetItem" and "Item" not in answer:
            raise RuntimeError("GetItem found no item")
        if operation == "Query" and answer["Count"] != 10:
            raise RuntimeError("Query returned %d items" % answer["Count"])
    times.sort()
    return {"p50_ms": round(statistics.median(times), 3), "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
            "max_ms": round(times[-1], 3)}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "stratus")
    data_dir = os.environ.get("BENCH_LARGE_DIR") or tempfile.mkdtemp(prefix="stratus-large-")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--data-dir", data_dir],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port)
                call(conn, "ListTables", {})
                break
            except OSError:
                time.sleep(0.05)
        call(conn, "CreateTable", {
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "N"}]})
        idle_rss = rss_kib(server.pid)
        chunk = 100000
        jobs = [(port, first, min(first + chunk, ITEMS)) for first in range(0, ITEMS, chunk)]
        peak_rss = idle_rss
        started = time.time()
        loaded = 0
        with multiprocessing.Pool(LOADERS) as pool:
            for done in pool.imap_unordered(load, jobs):
                loaded += done
                peak_rss = max(peak_rss, rss_kib(server.pid))
                print("  loaded %d items, %.0f items/s, RSS %.1f MiB" % (
                    loaded, loaded / (time.time() - started), rss_kib(server.pid) / 1024), flush=True)
        load_seconds = time.time() - started
        conn = http.client.HTTPConnection("127.0.0.1", port)  # the first one sat idle through the load
        count = call(conn, "DescribeTable", {"TableName": TABLE})["Table"]["ItemCount"]
        partitions = ITEMS // PER_PARTITION
        get = latencies(conn, "GetItem", lambda: {"TableName": TABLE, "Key": {
            "pk": {"S": "p%d" % random.randrange(partitions)}, "sk": {"N": str(random.randrange(PER_PARTITION))}}})
        query = latencies(conn, "Query", lambda: {
            "TableName": TABLE, "KeyConditionExpression": "pk = :p AND sk >= :s", "Limit": 10,
            "ExpressionAttributeValues": {":p": {"S": "p%d" % random.randrange(partitions)},
                                          ":s": {"N": str(random.randrange(PER_PARTITION - 10))}}})
        # The floor: a call that reads nothing, for the client's and HTTP's own share.
        floor = latencies(conn, "DescribeLimits", lambda: {})
        peak_rss = max(peak_rss, rss_kib(server.pid))
        result = {"items": ITEMS, "item_count_reported": count, "load_seconds": round(load_seconds, 1),
                  "load_items_per_s": round(ITEMS / load_seconds), "idle_rss_mib": round(idle_rss / 1024, 1),
                  "peak_rss_mib": round(peak_rss / 1024, 1), "final_rss_mib": round(rss_kib(server.pid) / 1024, 1),
                  "get_item": get, "query_limit_10": query, "describe_limits_floor": floor,
                  "database_mib": round(sum(os.path.getsize(os.path.join(data_dir, f)) for f in os.listdir(data_dir)
                                            if os.path.isfile(os.path.join(data_dir, f))) / 2**20)}
        print(json.dumps(result, indent=2))
        os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
        with open(os.path.join(ROOT, "bench-results", "dynamodb_large.json"), "w") as f:
            json.dump(result, f, indent=2)
    finally:
        server.terminate()
        server.wait(timeout=60)
        if not os.environ.get("BENCH_LARGE_DIR"):
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
