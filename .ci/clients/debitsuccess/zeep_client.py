#!/usr/bin/env python3
"""zeep (python-zeep) against the served WSDL (?wsdl and ?singleWsdl), both bindings: every
error code reachable with the demo data, a replayed request Id and 09, and the account read;
each raw reply validated against the XSD."""
import zeep
from zeep import xsd
from zeep.plugins import HistoryPlugin
from lxml import etree

from common import SERVICE, USER, Validator, cases, check, codes_of, reuse_cases

validator = Validator()
for document in ("?wsdl", "?singleWsdl"):
    history = HistoryPlugin()
    client = zeep.Client(SERVICE + document, plugins=[history])
    for port in ("BasicHttpBinding_IDSServices", "BasicHttpBinding_IDSServices1"):
        service = client.bind("DSServices", port)
        tag = f"zeep{document} {port}"

        def adjust(fields):
            result = service.AdjustAccountTerminationDate(request=fields)
            raw = etree.tostring(history.last_received["envelope"])
            codes = codes_of(validator.reply(raw))
            assert tuple(n.Code for n in result.ResponseNotes.ResponseMessageNote) == codes
            return result, codes

        for name, fields, expected in cases(xsd.SkipValue):
            check(f"{tag} {name}", adjust(fields)[1], expected)
        first, other = reuse_cases(port + document)
        a, _ = adjust(first)
        b, codes = adjust(first)
        check(f"{tag} repeated Id replays", codes, ("00",))
        assert (a.Id, a.DateCreated) == (b.Id, b.DateCreated), "not the stored reply"
        check(f"{tag} repeated Id, other body", adjust(other)[1], ("09",))
        account = service.GetCustomerAccountByAccountId(request={"User": USER, "AccountReferenceNo": "DS1000001"})
        validator.reply(etree.tostring(history.last_received["envelope"]))
        check(f"{tag} GetCustomerAccountByAccountId", [n.Code for n in account.ResponseNotes.ResponseMessageNote], ("00",))
        assert account.Account.AccountReferenceNo == "DS1000001"
        assert str(account.Account.TerminationDate).startswith("2031-12-31"), account.Account.TerminationDate
        assert len(account.Account.Products.AccountProduct) >= 1
print(f"zeep: {validator.count} replies valid against the XSD")
