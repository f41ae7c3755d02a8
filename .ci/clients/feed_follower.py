#!/usr/bin/env python3
"""An independent client of the event feed (issue 18; docs/events.md), standard library only.

Makes CHANGES Debitsuccess adjustments (each a distinct termination date of DS1000001) from
8 threads while a follower pages through GET /admin/v1/events with a bearer operator token,
then checks the follower saw each change exactly once, that every event is a CloudEvents 1.0
structured-mode object, and that a long poll is answered as soon as a change commits.

usage: feed_follower.py BASE_URL [CHANGES]
"""

import base64
import datetime
import json
import sys
import threading
import time
import urllib.request

BASE = sys.argv[1].rstrip("/")
CHANGES = int(sys.argv[2]) if len(sys.argv) > 2 else 80
TYPE = "com.billing-compat.account.termination_date_changed"
BASIC = "Basic " + base64.b64encode(b"operator:Operator-Pass-2024").decode()
SOAP = """<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">
<a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>
<a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>{date}</a:TerminationDate>
</request></AdjustAccountTerminationDate></s:Body></s:Envelope>"""


def call(method, path, headers=None, body=None, timeout=60):
    request = urllib.request.Request(BASE + path, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return reply.status, reply.read().decode()


def adjust(date):
    status, body = call("POST", "/DSWebService/DSServices.svc", {
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": '"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate"',
    }, SOAP.format(date=date).encode())
    assert status == 200 and "Succeed" in body, (status, body)


def page(token, after, extra=""):
    status, body = call("GET", f"/admin/v1/events?after={after}&limit=7&type={TYPE}{extra}",
                        {"Authorization": f"Bearer {token}"})
    assert status == 200, (status, body)
    return json.loads(body)


def check_envelope(event):
    assert event["specversion"] == "1.0", event
    assert event["type"] == TYPE, event
    assert event["source"] == "/billing-compat/tenants/acme", event
    assert event["datacontenttype"] == "application/json", event
    assert event["subject"] == event["data"]["entityId"], event
    datetime.datetime.fromisoformat(event["time"].replace("Z", "+00:00"))


def main():
    status, body = call("POST", "/admin/v1/tokens", {"Authorization": BASIC})
    assert status == 200, (status, body)
    token = json.loads(body)["access_token"]
    # Start after whatever the server already holds.
    after = "0-0"
    while True:
        current = page(token, after)
        if not current["events"]:
            break
        after = current["next"]

    start = datetime.date(2040, 1, 1)
    dates = [(start + datetime.timedelta(days=i)).isoformat() for i in range(CHANGES)]
    done = threading.Event()

    def writer(part):
        for date in part:
            adjust(date)

    threads = [threading.Thread(target=writer, args=(dates[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    seen, ids, quiet = [], set(), 0
    deadline = time.time() + 120
    while quiet < 5 and time.time() < deadline:
        if not done.is_set() and not any(t.is_alive() for t in threads):
            done.set()
        current = page(token, after)
        for event in current["events"]:
            check_envelope(event)
            assert event["id"] not in ids, f"event {event['id']} seen twice"
            ids.add(event["id"])
            seen.append(event["data"]["after"]["termination_date"])
        if not current["events"]:
            assert current["next"] == after, "an empty page keeps its cursor"
            quiet = quiet + 1 if done.is_set() and len(seen) >= CHANGES else 0
            time.sleep(0.05)
        after = current["next"]
    assert sorted(seen) == dates, f"missing {sorted(set(dates) - set(seen))}, extra {len(seen) - len(dates)}"
    print(f"feed follower: {len(seen)} changes from 8 writers, each seen once")

    # A long poll is answered when a change commits, not when its wait ends.
    started = time.time()
    poller = threading.Thread(target=lambda: seen.append(page(token, after, "&wait=20")))
    poller.start()
    time.sleep(0.5)
    adjust("2041-06-30")
    poller.join()
    took = time.time() - started
    assert seen[-1]["events"], seen[-1]
    assert took < 10, f"the long poll took {took:.1f} s"
    print(f"long poll answered {took:.1f} s after it started")


if __name__ == "__main__":
    main()
