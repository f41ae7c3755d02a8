#!/usr/bin/env python3
"""suds (suds-community) against the served WSDL (?wsdl and ?singleWsdl), SOAP 1.1 — suds
speaks no SOAP 1.2: every error code reachable with the demo data, a replayed request Id and
09, and the account read; each raw reply validated against the XSD."""
import datetime

from suds.client import Client
from suds.plugin import MessagePlugin

from common import SERVICE, USER, Validator, cases, check, codes_of, reuse_cases

CORE = "{http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core}"
SKIP = object()


class Received(MessagePlugin):
    def received(self, context):
        self.raw = context.reply


validator = Validator()
for document in ("?wsdl", "?singleWsdl"):
    received = Received()
    client = Client(SERVICE + document, plugins=[received], cache=None)

    def request(kind, fields):
        req = client.factory.create(CORE + kind)
        for name, value in fields.items():
            if value is SKIP:
                continue
            if name == "User":
                req.User.Username, req.User.Password = value["Username"], value["Password"]
            elif isinstance(value, datetime.datetime):
                setattr(req, name, value.isoformat())
            else:
                setattr(req, name, value)
        return req

    def adjust(fields):
        result = client.service.AdjustAccountTerminationDate(request("AdjustAccountTerminationDateRequest", fields))
        codes = codes_of(validator.reply(received.raw))
        assert tuple(n.Code for n in result.ResponseNotes.ResponseMessageNote) == codes
        return result, codes

    for name, fields, expected in cases(SKIP):
        check(f"suds{document} {name}", adjust(fields)[1], expected)
    first, other = reuse_cases("suds" + document)
    a, _ = adjust(first)
    b, codes = adjust(first)
    assert (a.Id, a.DateCreated) == (b.Id, b.DateCreated), "not the stored reply"
    check(f"suds{document} repeated Id, other body", adjust(other)[1], ("09",))
    got = client.service.GetCustomerAccountByAccountId(
        request("GetCustomerAccountByAccountIdRequest", {"User": USER, "AccountReferenceNo": "DS1000001"}))
    validator.reply(received.raw)
    check(f"suds{document} GetCustomerAccountByAccountId", [n.Code for n in got.ResponseNotes.ResponseMessageNote], ("00",))
    assert got.Account.AccountReferenceNo == "DS1000001"
print(f"suds: {validator.count} replies valid against the XSD")
