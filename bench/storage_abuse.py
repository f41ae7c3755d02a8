#!/usr/bin/env python3
"""Issue 13 rows 6 and 7 against a running `serve --demo` (standard library only).

  fairness BASE [SECONDS] [THREADS]
      One tenant (acme) floods floLIVE attach for SECONDS from THREADS keep-alive
      connections; meanwhile another tenant (globex) attaches once every 2 s and polls
      GET /api/v2/request/{id} until it leaves IN_PROGRESS. Prints each globex completion
      latency, and the flood's accepted/refused counts. Run it once without a flood
      (THREADS 0) for the undisturbed latency.

  flood BASE [SECONDS] [THREADS]
      Only the acme attach flood (run a few beside `fairness` when one Python process
      cannot send faster than the worker completes).

  mint BASE DBFILE [SECONDS] [THREADS]
      CRM.COM login (crm-agent) from THREADS connections for SECONDS, then counts the
      token rows (all, and live) and audit rows in the SQLite file DBFILE.

Example: python3 bench/storage_abuse.py fairness http://127.0.0.1:18080 8 8
"""

import http.client
import json
import sqlite3
import sys
import threading
import time
from urllib.parse import urlsplit

ACME_KEY = "acme-flolive-key"
GLOBEX_KEY = "globex-all-key"
NORTH = "c0000000-0000-4000-8000-000000000002"
DATA_1GB = "b0000000-0000-4000-8000-000000000001"
GLOBEX_RETAIL = "c0000000-0000-4000-8000-000000000102"
GLOBEX_DATA_1GB = "b0000000-0000-4000-8000-000000000101"


def connect(base):
    url = urlsplit(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=30)


def call(conn, method, path, key=None, body=None):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def attach(conn, key, customer, product):
    return call(conn, "POST", f"/api/v2/customer/{customer}/attach-product", key,
                {"customerId": customer, "productId": product})


def flood(base, until, counts, lock):
    conn = connect(base)
    while time.monotonic() < until:
        status, _ = attach(conn, ACME_KEY, NORTH, DATA_1GB)
        with lock:
            counts[status] = counts.get(status, 0) + 1


def flood_only(base, seconds=8.0, threads=8):
    until = time.monotonic() + seconds
    counts, lock = {}, threading.Lock()
    workers = [threading.Thread(target=flood, args=(base, until, counts, lock)) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    print(json.dumps({"flood_replies_by_status": counts}))


def victim_latency(base):
    conn = connect(base)
    start = time.monotonic()
    status, body = attach(conn, GLOBEX_KEY, GLOBEX_RETAIL, GLOBEX_DATA_1GB)
    if status != 200:
        return f"attach refused {status}"
    request_id = json.loads(body)["content"][0]["requestId"]
    while True:
        _, body = call(conn, "GET", f"/api/v2/request/{request_id}", GLOBEX_KEY)
        state = json.loads(body)["content"][0]["status"]
        if state != "IN_PROGRESS":
            return round(time.monotonic() - start, 3)
        time.sleep(0.01)


def fairness(base, seconds=8.0, threads=8):
    until = time.monotonic() + seconds
    counts, lock = {}, threading.Lock()
    workers = [threading.Thread(target=flood, args=(base, until, counts, lock)) for _ in range(threads)]
    for w in workers:
        w.start()
    latencies = []
    time.sleep(1.0)
    while time.monotonic() < until:
        latencies.append(victim_latency(base))
        time.sleep(2.0)
    for w in workers:
        w.join()
    print(json.dumps({"flood_replies_by_status": counts, "other_tenant_completion_s": latencies}))


def login(base, until, counts, lock):
    conn = connect(base)
    body = {"username": "crm-agent", "password": "Crm-Pass-2024", "organisation": "acme"}
    while time.monotonic() < until:
        _, reply = call(conn, "POST", "/crmapi/rest/v2/authentication/token", body=body)
        code = json.loads(reply)["status"]["code"]
        with lock:
            counts[code] = counts.get(code, 0) + 1


def mint(base, db, seconds=10.0, threads=8):
    until = time.monotonic() + seconds
    counts, lock = {}, threading.Lock()
    workers = [threading.Thread(target=login, args=(base, until, counts, lock)) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    now = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT COUNT(*) FROM tokens WHERE kind = 'crmcom'").fetchone()[0]
        live = conn.execute(
            "SELECT COUNT(*) FROM tokens WHERE kind = 'crmcom' AND released_at IS NULL AND expires_at > ?",
            (now,),
        ).fetchone()[0]
        audit = conn.execute(
            "SELECT COUNT(*) FROM audit_events WHERE operation = 'crmcom.authentication.token'"
        ).fetchone()[0]
    print(json.dumps({"logins_by_code": counts, "token_rows": rows, "live_token_rows": live,
                      "login_audit_rows": audit}))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command, base = sys.argv[1], sys.argv[2]
    if command == "fairness":
        fairness(base, *(float(a) if i == 0 else int(a) for i, a in enumerate(sys.argv[3:5])))
    elif command == "flood":
        flood_only(base, *(float(a) if i == 0 else int(a) for i, a in enumerate(sys.argv[3:5])))
    elif command == "mint":
        mint(base, sys.argv[3], *(float(a) if i == 0 else int(a) for i, a in enumerate(sys.argv[4:6])))
    else:
        sys.exit(__doc__)
