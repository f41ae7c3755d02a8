#!/usr/bin/env python3
"""zeep's WS-Security UsernameToken (docs/debitsuccess.md "WS-Security") against the served WSDL,
both bindings: PasswordText with a wsu:Timestamp (ds-gym, the request's User left out), PasswordDigest
with nonce and Created (ds-digest), the read operation, and the refusals a client must be able to tell
apart: a wrong password (wsse:FailedAuthentication), a replayed nonce, a stale Created
(wsu:MessageExpired). Each success's raw reply is validated against the XSD."""
import datetime
import os

import zeep
from lxml import etree
from zeep.exceptions import Fault
from zeep.plugins import HistoryPlugin
from zeep.wsse.username import UsernameToken
from zeep.wsse.utils import WSU

from common import SERVICE, Validator, check, codes_of

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PLAIN = ("ds-gym", "Gym-Pass-2024")
DIGEST = ("ds-digest", "Digest-Pass-2024")
ADJUST = {"AccountReferenceNo": "DS1000001", "TerminationDate": "2031-12-31"}

validator = Validator()


def utc(offset_seconds=0):
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(seconds=offset_seconds)


def timestamp():
    """A wsu:Timestamp as WCF sends it: Created now, Expires five minutes on."""
    token = WSU.Timestamp()
    token.extend([
        WSU.Created(utc().strftime("%Y-%m-%dT%H:%M:%SZ")),
        WSU.Expires(utc(300).strftime("%Y-%m-%dT%H:%M:%SZ")),
    ])
    return token


def service_for(port, wsse):
    history = HistoryPlugin()
    client = zeep.Client(SERVICE + "?wsdl", wsse=wsse, plugins=[history])
    return client.bind("DSServices", port), history


def succeeds(tag, port, wsse, operation="AdjustAccountTerminationDate", request=ADJUST):
    service, history = service_for(port, wsse)
    result = getattr(service, operation)(request=request)
    sent = etree.tostring(history.last_sent["envelope"]).decode()
    assert "UsernameToken" in sent, f"{tag}: zeep sent no UsernameToken: {sent}"
    codes = codes_of(validator.reply(etree.tostring(history.last_received["envelope"])))
    check(tag, codes, ("00",))
    return sent


def refused(tag, port, wsse, expected_code, request=ADJUST):
    service, _ = service_for(port, wsse)
    try:
        service.AdjustAccountTerminationDate(request=request)
    except Fault as fault:
        # SOAP 1.1 carries the WSS code in faultcode, SOAP 1.2 in the Subcode (zeep gives the
        # resolved QNames): look for the code's local part either way.
        subcodes = [q.text for q in fault.subcodes or []]
        seen = " ".join([str(fault.code), *subcodes, str(fault.message)])
        assert expected_code in seen, f"{tag}: expected {expected_code}, got {seen}"
        print(f"ok   {tag}: fault {expected_code}")
        return
    raise AssertionError(f"{tag}: expected a {expected_code} fault, got a reply")


for port in ("BasicHttpBinding_IDSServices", "BasicHttpBinding_IDSServices1"):
    tag = f"zeep-wsse {port}"
    sent = succeeds(f"{tag} PasswordText + Timestamp, no body User", port,
                    UsernameToken(*PLAIN, timestamp_token=timestamp()))
    assert "#PasswordText" in sent and "Timestamp" in sent, sent
    succeeds(f"{tag} PasswordText, read", port, UsernameToken(*PLAIN, timestamp_token=timestamp()),
             "GetCustomerAccountByAccountId", {"AccountReferenceNo": "DS1000001"})
    sent = succeeds(f"{tag} PasswordDigest + Timestamp", port,
                    UsernameToken(*DIGEST, use_digest=True, timestamp_token=timestamp()))
    assert "#PasswordDigest" in sent and "Nonce" in sent, sent
    refused(f"{tag} wrong password", port, UsernameToken(PLAIN[0], "not-the-password"), "FailedAuthentication")
    refused(f"{tag} wrong digest", port, UsernameToken(DIGEST[0], "not-the-password", use_digest=True),
            "FailedAuthentication")
    # The same nonce and Created twice: the second is a replay (stored server-side for the window).
    nonce, created = os.urandom(16).hex(), utc()  # zeep takes the nonce as text
    replayable = UsernameToken(*DIGEST, use_digest=True, nonce=nonce, created=created)
    succeeds(f"{tag} digest with a fixed nonce", port, replayable)
    refused(f"{tag} the same nonce again", port,
            UsernameToken(*DIGEST, use_digest=True, nonce=nonce, created=created), "FailedAuthentication")
    refused(f"{tag} Created an hour old", port,
            UsernameToken(*DIGEST, use_digest=True, nonce=os.urandom(16).hex(), created=utc(-3600)), "MessageExpired")
print(f"zeep-wsse: {validator.count} replies valid against the XSD")
