#!/usr/bin/env python3
"""An independent webhook receiver (issue 18; docs/events.md "Webhooks"): registers a webhook
with a server-generated secret, makes a vendor change, and verifies the delivered request with
the `standardwebhooks` package — `Webhook(secret).verify(body, headers)` — then checks the
delivered event is the one the feed shows. Exits non-zero on any mismatch.

usage: webhook_receiver.py BASE_URL
"""
import base64
import http.server
import json
import queue
import sys
import threading
import urllib.request

from standardwebhooks.webhooks import Webhook

BASE = sys.argv[1].rstrip("/")
AUTH = "Basic " + base64.b64encode(b"operator:Operator-Pass-2024").decode()
TYPE = "com.billing-compat.account.termination_date_changed"
ADJUST = """<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">
<a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>
<a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>2034-06-30</a:TerminationDate>
</request></AdjustAccountTerminationDate></s:Body></s:Envelope>"""

received = queue.Queue()


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        received.put((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def call(method, path, body=None, headers=None):
    request = urllib.request.Request(BASE + path, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.status, answer.read()


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    # No secret given: the server generates one and shows it in this reply only.
    status, reply = call("POST", "/admin/v1/webhooks",
                         json.dumps({"url": url, "event_types": [TYPE]}).encode(),
                         {"Authorization": AUTH, "Content-Type": "application/json"})
    hook = json.loads(reply)
    assert status == 201 and hook["secret"].startswith("whsec_"), reply
    _, shown = call("GET", f"/admin/v1/webhooks/{hook['id']}", headers={"Authorization": AUTH})
    assert "secret" not in json.loads(shown), shown
    try:
        call("POST", "/DSWebService/DSServices.svc", ADJUST.encode(), {
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": '"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate"'})
        headers, body = received.get(timeout=30)
        # Raises WebhookVerificationError on a bad signature or a stale timestamp.
        Webhook(hook["secret"]).verify(body, {k.lower(): v for k, v in headers.items()})
        event = json.loads(body)
        assert event["type"] == TYPE and event["id"] == headers.get("webhook-id"), (headers, event)
        # A wrong secret must fail the same check (the check can fail).
        try:
            Webhook("whsec_" + base64.b64encode(b"x" * 24).decode()).verify(body, {
                k.lower(): v for k, v in headers.items()})
            sys.exit("a wrong secret verified")
        except Exception as refused:  # standardwebhooks raises WebhookVerificationError
            if "verif" not in type(refused).__name__.lower():
                raise
        print(event["id"])
    finally:
        call("DELETE", f"/admin/v1/webhooks/{hook['id']}", headers={"Authorization": AUTH})


if __name__ == "__main__":
    main()
