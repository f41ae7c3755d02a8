#!/usr/bin/env python3
"""The hostile-clients run of issue 13: each row of its table against one build, or two
builds (before/after) in one run. Loopback only; every loop is bounded in count and time.

usage: bench/abuse.py AFTER_BIN [BEFORE_BIN]      (bench/abuse.sh builds and calls this)
env:   ABUSE_DURATION (s per wrk cell, default 8), ABUSE_ROWS ("1 2 3 4 5 6 7 8")

Prints one table: row, what is measured, before, after, target. Standard library + wrk.
"""

import http.client
import json
import os
import re
import resource
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

DUR = int(os.environ.get("ABUSE_DURATION", "8"))
ROWS = os.environ.get("ABUSE_ROWS", "1 2 3 4 5 6 7 8").split()
HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")

SOAP_PATH = "/DSWebService/DSServices.svc"
SOAP_HEAD = (
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    '<{op} xmlns="Debitsuccess.WebServices.WCF">'
    '<request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">'
)


def log(*args):
    print("==", *args, file=sys.stderr, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """One `serve --demo` on a fresh SQLite file."""

    def __init__(self, binary, *flags, env=None):
        self.dir = tempfile.mkdtemp(prefix="bc_abuse.")
        self.db = os.path.join(self.dir, "abuse.db")
        self.port = free_port()
        self.log_path = os.path.join(self.dir, "server.log")
        environment = dict(os.environ, RUST_LOG="warn")
        environment.update(env or {})
        self.log_file = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [binary, "serve", "--demo", "--database", f"sqlite://{self.db}",
             "--bind", f"127.0.0.1:{self.port}", *flags],
            stdout=self.log_file, stderr=subprocess.STDOUT, env=environment)
        for _ in range(300):
            try:
                if self.get("/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not come up: {open(self.log_path).read()[-2000:]}")

    def url(self, path=""):
        return f"http://127.0.0.1:{self.port}{path}"

    def request(self, method, path, body=None, headers=None, timeout=60):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data, response

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def cpu_seconds(self):
        fields = open(f"/proc/{self.proc.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def peak_mb(self):
        for line in open(f"/proc/{self.proc.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def wrk(server, connections, seconds, script, env=None, path=""):
    threads = 2 if connections >= 2 else 1
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "-s",
         os.path.join(HERE, script), server.url(path)],
        capture_output=True, text=True, env=dict(os.environ, **(env or {}))).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    return (float(rps.group(1)) if rps else 0.0, int(total.group(1)) if total else 0)


# --- rows -------------------------------------------------------------------------------

def row1_guessing(binary):
    """64 connections guessing passwords vs the real integration (right password, 8 conns)."""
    server = Server(binary)
    try:
        undisturbed, _ = wrk(server, 8, DUR, "soap.lua", path=SOAP_PATH)
        guess = threading.Thread(target=wrk, args=(server, 64, DUR + 4, "abuse_guess.lua"),
                                 kwargs={"path": SOAP_PATH})
        guess.start()
        time.sleep(2)
        disturbed, _ = wrk(server, 8, DUR, "soap.lua", path=SOAP_PATH)
        peak = server.peak_mb()
        guess.join()
        return {
            "1 peak memory, 64 guessing conns (MB)": (peak, "< 150"),
            "1 right password, 8 conns, alone (req/s)": (undisturbed, ""),
            "1 right password, 8 conns, under attack (req/s)": (disturbed, ""),
            "1 right password kept (share)": (disturbed / undisturbed if undisturbed else 0, ">= 0.80"),
        }
    finally:
        server.stop()
        server.cleanup()


def cpu_of(server, method, path, body, headers):
    before = server.cpu_seconds()
    started = time.monotonic()
    status, _, _ = server.request(method, path, body=body, headers=headers, timeout=120)
    wall = time.monotonic() - started
    time.sleep(0.2)  # let the worker's accounting settle
    return status, (server.cpu_seconds() - before) * 1000, wall * 1000


def row2_bodies(binary):
    """One anonymous 1 MiB Billing Care body of distinct keys (JSON), 9 999 siblings (XML)."""
    server = Server(binary)
    try:
        keys = []
        size = 2
        i = 0
        while True:
            item = f'"k{i}":0'
            if size + len(item) + 1 > 1024 * 1024 - 16:
                break
            keys.append(item)
            size += len(item) + 1
            i += 1
        body = ("{" + ",".join(keys) + "}").encode()
        path = "/bcws/webresources/v1.0/subscriptions/cancel/bundle"
        status, cpu, wall = cpu_of(server, "POST", path, body, {"Content-Type": "application/json"})
        xml = ("<r>" + "".join(f"<e{i}/>" for i in range(9_999)) + "</r>").encode()
        xstatus, xcpu, xwall = cpu_of(server, "POST", path, xml, {"Content-Type": "application/xml"})
        return {
            f"2 BC JSON, {len(keys)} keys, anonymous: CPU (ms) [HTTP {status}]": (cpu, "< 50"),
            f"2 BC XML, 9 999 sibling names, anonymous: CPU (ms) [HTTP {xstatus}]": (xcpu, "< 50"),
            "2 BC JSON wall time (ms)": (wall, ""),
            "2 BC XML wall time (ms)": (xwall, ""),
        }
    finally:
        server.stop()
        server.cleanup()


def basic(user, password):
    import base64
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def row3_enumeration(binary):
    """Answer time of a wrong password: a known vs an unknown username, first try and repeats."""
    server = Server(binary)
    try:
        def times(user, n):
            out = []
            for _ in range(n):
                started = time.monotonic()
                server.get("/api/v2/request/00000000-0000-4000-8000-000000000000",
                           {"Authorization": basic(user, "wrong-guess")})
                out.append((time.monotonic() - started) * 1000)
            return out
        known, unknown = times("flo-parent", 10), times("no-such-user", 10)
        return {
            "3 known user, first wrong try (ms)": (known[0], ""),
            "3 unknown user, first wrong try (ms)": (unknown[0], ""),
            "3 known user, repeated wrong try, median (ms)": (statistics.median(known[1:]), ""),
            "3 unknown user, repeated wrong try, median (ms)": (statistics.median(unknown[1:]), ""),
            "3 repeated: unknown/known (ratio)": (
                statistics.median(unknown[1:]) / max(statistics.median(known[1:]), 1e-9), "~1"),
        }
    finally:
        server.stop()
        server.cleanup()


def row4_logs(binary):
    """Log bytes per refused request with a 7 KB path, the server at RUST_LOG=info."""
    server = Server(binary, env={"RUST_LOG": "info"})
    try:
        time.sleep(0.5)
        start = os.path.getsize(server.log_path)
        _, total = wrk(server, 64, DUR, "abuse_longpath.lua")
        time.sleep(0.5)
        grown = os.path.getsize(server.log_path) - start
        with open(server.log_path, "rb") as f:
            colour = b"\x1b[" in f.read()
        return {
            "4 log bytes per refused 7 KB-path request": (grown / max(total, 1), ""),
            "4 log bytes per second": (grown / DUR, ""),
            "4 colour codes in a log file (1 = yes)": (1.0 if colour else 0.0, "0"),
        }
    finally:
        server.stop()
        server.cleanup()


def row5_slow_readers(binary):
    """1 000 connections that ask for /openapi.json and never read."""
    server = Server(binary)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 4096), max(hard, 4096)))
    sockets = []
    try:
        for _ in range(1000):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.connect(("127.0.0.1", server.port))
            s.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: abuse\r\n\r\n")
            sockets.append(s)
        started = time.monotonic()
        held = {}
        for mark in (12, 20, 40):
            time.sleep(max(0, started + mark - time.monotonic()))
            held[mark] = established(server.port)
        return {
            "5 server sockets of 1000 non-reading clients, after 12 s": (held[12], ""),
            "5 … after 20 s": (held[20], "0"),
            "5 … after 40 s": (held[40], "0"),
            "5 server peak memory (MB)": (server.peak_mb(), ""),
        }
    finally:
        for s in sockets:
            s.close()
        server.stop()
        server.cleanup()


def established(port):
    """The server's connections on `port` in any state but LISTEN: once it gives up on a
    reply it may close its side, but the kernel keeps the orphaned socket, and the unsent
    reply in it, until the peer's zero window is abandoned."""
    out = subprocess.run(["ss", "-Htn", "state", "all", f"( sport = :{port} )"],
                         capture_output=True, text=True).stdout
    return len([line for line in out.splitlines() if line.strip() and "LISTEN" not in line])


def attach(server, customer, product, key):
    body = json.dumps({"customerId": customer, "productId": product})
    status, data, _ = server.request(
        "POST", f"/api/v2/customer/{customer}/attach-product", body=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    return status, json.loads(data or b"{}")


def completion_latency(server):
    """Globex attaches a product; seconds until its request is no longer in progress."""
    started = time.monotonic()
    status, reply = attach(server, "c0000000-0000-4000-8000-000000000102",
                           "b0000000-0000-4000-8000-000000000101", "globex-all-key")
    if status >= 300:
        return float("nan"), f"attach answered {status}: {reply}"
    request_id = reply["content"][0]["requestId"]
    while time.monotonic() - started < 60:
        _, data, _ = server.get(f"/api/v2/request/{request_id}",
                                {"Authorization": "Bearer globex-all-key"})
        text = data.decode()
        if "IN_PROGRESS" not in text:
            return time.monotonic() - started, text[:200]
        time.sleep(0.02)
    return float("nan"), "not completed in 60 s"


def row6_fairness(binary):
    """Another tenant's attach completion, alone and during one tenant's attach flood."""
    server = Server(binary)
    try:
        alone, _ = completion_latency(server)
        flood = threading.Thread(target=wrk, args=(server, 16, DUR, "rest.lua"),
                                 kwargs={"env": {"BENCH_KIND": "flolive"}})
        flood.start()
        time.sleep(DUR / 2)
        during, detail = completion_latency(server)
        flood.join()
        log("row 6 during the flood:", detail)
        return {
            "6 other tenant's attach completion, alone (s)": (alone, ""),
            "6 … during a one-tenant attach flood (s)": (during, "< 2"),
        }
    finally:
        server.stop()
        server.cleanup()


def row7_storage(binary):
    """Rows and bytes one client leaves: DS no-effect requests with fresh Ids, token mints."""
    server = Server(binary)
    try:
        size0 = db_bytes(server)
        _, ds_total = wrk(server, 16, DUR, "abuse_fresh_id.lua", path=SOAP_PATH)
        time.sleep(0.5)
        size1 = db_bytes(server)
        _, mints = wrk(server, 16, DUR, "abuse_mint.lua")
        time.sleep(0.5)
        size2 = db_bytes(server)
        db = sqlite3.connect(server.db)
        now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
        live = db.execute(
            "SELECT COUNT(*) FROM tokens WHERE kind = 'crmcom' AND released_at IS NULL AND expires_at > ?",
            (now,)).fetchone()[0]
        stored = db.execute("SELECT COUNT(*) FROM idempotency_keys").fetchone()[0]
        db.close()
        return {
            "7 bytes per DS request with a fresh Id": ((size1 - size0) / max(ds_total, 1), ""),
            "7 stored replies after the DS run": (stored, ""),
            "7 CRM.COM token mints answered per second": (mints / DUR, ""),
            "7 bytes per mint": ((size2 - size1) / max(mints, 1), ""),
            "7 live CRM.COM tokens of one user afterwards": (live, "capped"),
        }
    finally:
        server.stop()
        server.cleanup()


def db_bytes(server):
    return sum(os.path.getsize(server.db + suffix)
               for suffix in ("", "-wal") if os.path.exists(server.db + suffix))


def row8_forwarded_host(binary):
    """With --trust-proxy, whose X-Forwarded-Host becomes the WSDL's soap:address."""
    server = Server(binary, "--trust-proxy")
    try:
        _, data, _ = server.get(f"{SOAP_PATH}?wsdl", {
            "X-Forwarded-Host": "attacker.example, billing.example.com",
            "X-Forwarded-For": "203.0.113.9, 198.51.100.1"})
        address = re.search(rb'soap:address location="([^"]+)"', data)
        attacker = 1.0 if address and b"attacker.example" in address.group(1) else 0.0
        return {"8 soap:address names the client's own host (1 = yes)": (attacker, "0")}
    finally:
        server.stop()
        server.cleanup()


ALL = {"1": row1_guessing, "2": row2_bodies, "3": row3_enumeration, "4": row4_logs,
       "5": row5_slow_readers, "6": row6_fairness, "7": row7_storage, "8": row8_forwarded_host}


def main():
    after = sys.argv[1]
    before = sys.argv[2] if len(sys.argv) > 2 else None
    builds = [("before", before)] if before else []
    builds.append(("after", after))
    table = {}
    for row in ROWS:
        for label, binary in builds:
            log(f"row {row}, {label}")
            try:
                figures = ALL[row](binary)
            except Exception as error:  # report and go on: one row must not hide the rest
                figures = {f"{row} failed: {error}": (float("nan"), "")}
            for metric, (value, target) in figures.items():
                table.setdefault(metric, {"target": target})[label] = value
    print(f"machine: {os.cpu_count()} cores; {DUR} s per load cell")
    print(f"{'measure':<62} {'before':>12} {'after':>12}  target")
    for metric, values in table.items():
        def fmt(v):
            return "-" if v is None else (f"{v:.2f}" if isinstance(v, float) else str(v))
        print(f"{metric:<62} {fmt(values.get('before')):>12} {fmt(values.get('after')):>12}  "
              f"{values['target']}")


if __name__ == "__main__":
    main()
