#!/usr/bin/env python3
"""Loader for `scripts/bench --memory` (stdlib only, awsJson1.0, keep-alive).

  memory_load.py send  --port P --queue-url U --count N   SendMessageBatch, 10 a batch
  memory_load.py drain --port P --queue-url U --count N   ReceiveMessage (10) +
                                                          DeleteMessageBatch until N
                                                          are deleted or the queue
                                                          stays empty
  memory_load.py flow  --port P --queue-url U --count N   both at once: half the threads
                                                          send N, half receive+delete
                                                          them as they come, senders
                                                          at most --window ahead
Prints one JSON line: {"phase", "messages", "seconds", "requests", "errors"}.
"""
import argparse
import http.client
import json
import sys
import threading
import time

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/sqs/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")


class Client:
    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, operation, body):
        headers = {"Content-Type": "application/x-amz-json-1.0",
                   "X-Amz-Target": "AmazonSQS." + operation,
                   "X-Amz-Date": "20261127T120000Z", "Authorization": AUTH}
        for attempt in range(3):
            try:
                self.conn.request("POST", "/", body=body, headers=headers)
                resp = self.conn.getresponse()
                return resp.status, resp.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise


class Shared:
    def __init__(self):
        self.lock = threading.Lock()
        self.messages = 0  # deleted (drain, flow) or sent (send)
        self.sent = 0
        self.requests = 0
        self.errors = 0
        self.batches_left = 0
        self.senders_running = 0  # drainers give up on an empty queue only after these
        self.failure = None


def send_worker(args, sh):
    try:
        send_batches(args, sh)
    finally:
        with sh.lock:
            sh.senders_running -= 1


def send_batches(args, sh):
    client = Client(args.port)
    payload = "m" * args.size
    body = json.dumps({"QueueUrl": args.queue_url, "Entries": [
        {"Id": str(i), "MessageBody": payload} for i in range(10)]}).encode()
    while True:
        with sh.lock:
            if sh.batches_left <= 0 or sh.failure:
                return
            ahead = sh.sent - sh.messages
        if args.window and ahead >= args.window:
            time.sleep(0.005)  # consumers are behind: a steady flow, not a backlog
            continue
        with sh.lock:
            sh.batches_left -= 1
        try:
            status, data = client.call("SendMessageBatch", body)
        except Exception as e:  # noqa: BLE001 - reported to the driver
            sh.failure = repr(e)
            return
        ok = 0
        if status == 200:
            ok = len(json.loads(data).get("Successful", []))
        with sh.lock:
            sh.requests += 1
            sh.sent += ok
            sh.errors += 10 - ok


def drain_worker(args, sh):
    client = Client(args.port)
    recv = json.dumps({"QueueUrl": args.queue_url, "MaxNumberOfMessages": 10,
                       "WaitTimeSeconds": 0, "VisibilityTimeout": 600}).encode()
    empty_in_a_row = 0
    while True:
        with sh.lock:
            if sh.messages >= args.count or sh.failure:
                return
        try:
            status, data = client.call("ReceiveMessage", recv)
            if status != 200:
                with sh.lock:
                    sh.requests += 1
                    sh.errors += 1
                continue
            msgs = json.loads(data).get("Messages", [])
            if not msgs:
                with sh.lock:
                    sh.requests += 1
                    sending = sh.senders_running > 0
                empty_in_a_row = 0 if sending else empty_in_a_row + 1
                if empty_in_a_row >= 20:
                    return
                time.sleep(0.05)
                continue
            empty_in_a_row = 0
            body = json.dumps({"QueueUrl": args.queue_url, "Entries": [
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                for i, m in enumerate(msgs)]}).encode()
            status, data = client.call("DeleteMessageBatch", body)
            ok = len(json.loads(data).get("Successful", [])) if status == 200 else 0
        except Exception as e:  # noqa: BLE001
            sh.failure = repr(e)
            return
        with sh.lock:
            sh.requests += 2
            sh.messages += ok
            sh.errors += len(msgs) - ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("phase", choices=["send", "drain", "flow"])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--queue-url", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--size", type=int, default=100)
    ap.add_argument("--window", type=int, default=0,
                    help="flow: senders stay at most this many messages ahead of deletes")
    args = ap.parse_args()

    sh = Shared()
    sh.batches_left = (args.count + 9) // 10
    if args.phase == "flow":
        senders = max(1, args.threads // 2)
        workers = [send_worker] * senders + [drain_worker] * max(1, args.threads - senders)
    else:
        workers = [send_worker if args.phase == "send" else drain_worker] * args.threads
    sh.senders_running = workers.count(send_worker)
    threads = [threading.Thread(target=w, args=(args, sh), daemon=True) for w in workers]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    if args.phase == "send":
        sh.messages = sh.sent
    print(json.dumps({"phase": args.phase, "messages": sh.messages, "seconds": round(seconds, 3),
                      "requests": sh.requests, "errors": sh.errors}))
    if sh.failure:
        print(f"loader failure: {sh.failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
