#!/usr/bin/env python3
"""Webhook delivery throughput to a local receiver (issue 18, "Figures"; BENCHMARKS.md).

usage: bench/webhook_delivery.py BIN [EVENTS] [sqlite|postgres]

Starts BIN `serve --demo` on a fresh database, a standard-library receiver on loopback that
answers 204 at once, registers one webhook for every event, then makes EVENTS changes
(Debitsuccess adjustments over the JSON form, from 8 threads) and measures:
  - production: changes committed per second (the API calls' wall time);
  - delivery: events received per second, from the first change to the last event received,
    and the delivery lag after the last change committed.
Each event is checked once by id (duplicates counted). One endpoint delivers in feed order, one
event at a time, so this is the per-endpoint rate.
"""
import datetime
import http.server
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

BIN = sys.argv[1]
EVENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
BACKEND = sys.argv[3] if len(sys.argv) > 3 else "sqlite"
OPERATOR = ("operator", "Operator-Pass-2024")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


received, lock, last_at = {}, threading.Lock(), [0.0]


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        with lock:
            key = self.headers["webhook-id"]
            received[key] = received.get(key, 0) + 1
            last_at[0] = time.monotonic()
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def request(method, url, body=None, auth=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    if auth:
        import base64
        req.add_header("Authorization", "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
    with urllib.request.urlopen(req, timeout=30) as answer:
        return json.loads(answer.read() or b"null")


def main():
    receiver_port, port = free_port(), free_port()
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    name = f"bench_hooks_{os.getpid()}"
    if BACKEND == "postgres":
        subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                        "-c", f"CREATE DATABASE {name}"], check=True)
        database = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        database = f"sqlite://{tempfile.mkdtemp()}/bench.db"
    server = subprocess.Popen([BIN, "serve", "--demo", "--database", database, "--bind", f"127.0.0.1:{port}"],
                              env={**os.environ, "RUST_LOG": "warn"})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/readyz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        request("POST", base + "/admin/v1/webhooks", {"url": f"http://127.0.0.1:{receiver_port}/hook"}, OPERATOR)
        start = datetime.date(2040, 1, 1)
        url = base + "/DSWebService/DSServices.svc/json/AdjustAccountTerminationDate"
        user = {"Username": "ds-gym", "Password": "Gym-Pass-2024"}

        def writer(offset):
            for n in range(offset, EVENTS, 8):
                date = (start + datetime.timedelta(days=n)).isoformat()
                reply = request("POST", url, {"User": user, "AccountReferenceNo": "DS1000001", "TerminationDate": date})
                assert reply["Status"] == "Succeed", reply

        began = time.monotonic()
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        produced = time.monotonic()
        deadline = produced + 300
        while time.monotonic() < deadline:
            with lock:
                if len(received) >= EVENTS:
                    break
            time.sleep(0.05)
        with lock:
            got, dupes, finished = len(received), sum(c - 1 for c in received.values()), last_at[0]
        print(f"backend {BACKEND}: {EVENTS} changes in {produced - began:.2f} s "
              f"({EVENTS / (produced - began):.0f} changes/s, 8 writers)")
        print(f"delivered {got} events ({dupes} duplicates) in {finished - began:.2f} s from the first change: "
              f"{got / (finished - began):.0f} events/s; lag after the last commit {finished - produced:.2f} s")
        if got < EVENTS:
            sys.exit(f"only {got} of {EVENTS} events arrived")
    finally:
        server.terminate()
        server.wait()
        receiver.shutdown()
        if BACKEND == "postgres":
            subprocess.run(["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres",
                            "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)


main()
