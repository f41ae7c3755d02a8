"""Shared by the Debitsuccess client scripts: the demo data's cases (one per error code
reachable with the demo data), and validation of every raw reply against the contract's XSD
with both xmlschema (schemas loaded from the service's ?xsd= URLs) and lxml (the repository's
xsd/ files)."""
import datetime
import os
import sys

import xmlschema
from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BASE_URL = os.environ["BASE_URL"].rstrip("/")
SERVICE = BASE_URL + "/DSWebService/DSServices.svc"
WCF = "Debitsuccess.WebServices.WCF"
SOAP = {"http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope"}
USER = {"Username": "ds-gym", "Password": "Gym-Pass-2024"}


def today_auckland():
    from zoneinfo import ZoneInfo
    return datetime.datetime.now(ZoneInfo("Pacific/Auckland")).date()


def cases(skip):
    """(name, request fields, expected note codes). `skip` marks an omitted element."""
    past = (today_auckland() - datetime.timedelta(days=1)).isoformat()
    ok = ("00",)
    return [
        ("00 success", {"User": USER, "AccountReferenceNo": "DS1000001", "TerminationDate": "2031-12-31"}, ok),
        ("02 wrong password", {"User": {"Username": "ds-gym", "Password": "nope"}, "AccountReferenceNo": "DS1000001",
                               "TerminationDate": "2031-12-31"}, ("02",)),
        ("02 user without the API", {"User": {"Username": "ds-readonly", "Password": "NoSoap-2024"},
                                     "AccountReferenceNo": "DS1000001", "TerminationDate": "2031-12-31"}, ("02",)),
        ("100 no TerminationDate", {"User": USER, "AccountReferenceNo": "DS1000001", "TerminationDate": skip}, ("100",)),
        ("13203 reference too long", {"User": USER, "AccountReferenceNo": "DS1000001-TOO-LONG",
                                      "TerminationDate": "2031-12-31"}, ("13203",)),
        ("12016 no reference", {"User": USER, "TerminationDate": "2031-12-31"}, ("12016",)),
        ("14020 time part", {"User": USER, "AccountReferenceNo": "DS1000001",
                             "TerminationDate": datetime.datetime(2031, 12, 31, 10, 30)}, ("14020", "00")),
        ("14091 in the past", {"User": USER, "AccountReferenceNo": "DS1000001", "TerminationDate": past}, ("14091",)),
        ("08 no record", {"User": USER, "AccountReferenceNo": "DS9999999", "TerminationDate": "2031-12-31"}, ("08",)),
        ("07 multiple accounts", {"User": USER, "ExternalAccountReferenceNo": "EXT-SHARED",
                                  "TerminationDate": "2031-12-31"}, ("07",)),
        ("10 not active", {"User": USER, "AccountReferenceNo": "DS1000002", "TerminationDate": "2031-12-31"}, ("10",)),
        ("14079 already billed", {"User": USER, "AccountReferenceNo": "DS1000007", "TerminationDate": "2030-01-01"},
         ("14079",)),
    ]


def reuse_cases(tag):
    """A request Id used twice with the same body (replayed), then with another body (09)."""
    message_id = f"ci-{tag}-{datetime.datetime.now().timestamp()}"
    first = {"User": USER, "Id": message_id, "AccountReferenceNo": "DS1000001", "TerminationDate": "2031-12-31"}
    other = dict(first, TerminationDate="2031-12-30")
    return first, other


class Validator:
    def __init__(self):
        # The service's own schemas: ?xsd=xsd0 imports ?xsd=xsd1.
        self.served = xmlschema.XMLSchema(SERVICE + "?xsd=xsd0")
        # The repository's sources, compiled by libxml2.
        core = os.path.join(ROOT, "xsd", "Core.xsd")
        with open(os.path.join(ROOT, "xsd", "DSServices.xsd"), "rb") as f:
            text = f.read().replace(b"{{XSD_CORE}}", core.encode())
        self.local = etree.XMLSchema(etree.fromstring(text, base_url=os.path.join(ROOT, "xsd", "DSServices.xsd")))
        self.count = 0

    def reply(self, raw):
        """Validates a raw SOAP reply's Body element; returns the Result element."""
        envelope = etree.fromstring(raw)
        assert etree.QName(envelope).namespace in SOAP, raw
        body = [c for c in envelope if etree.QName(c).localname == "Body"][0]
        response = body[0]
        assert etree.QName(response).namespace == WCF, raw
        self.served.validate(etree.tostring(response))
        self.local.assertValid(response)
        self.count += 1
        return response[0]


def codes_of(result):
    return tuple(n.text for n in result.iter("{*}Code"))


def check(name, got, expected):
    if tuple(got) != tuple(expected):
        print(f"FAIL {name}: got {got}, expected {expected}", file=sys.stderr)
        sys.exit(1)
    print(f"ok   {name}: {', '.join(got)}")
