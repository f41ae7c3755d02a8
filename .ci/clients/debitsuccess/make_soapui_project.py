#!/usr/bin/env python3
"""Writes fixtures/debitsuccess/soapui-project.xml: a SoapUI 5 project for the Debitsuccess
service with one test case per rule of docs/design.md §6.1. Run it against a demo server after the
WSDL changes (the Rust test `debitsuccess::soapui` fails until you do):

    python3 .ci/clients/debitsuccess/make_soapui_project.py http://127.0.0.1:PORT

The project's endpoint and cached WSDL always say http://127.0.0.1:8080 (`serve --demo`).
"""
import sys
import urllib.request
import uuid
from xml.sax.saxutils import escape, quoteattr

PUBLIC = "http://127.0.0.1:8080"
ENDPOINT = PUBLIC + "/DSWebService/DSServices.svc"
DEFINITION = ENDPOINT + "?singleWsdl"
WCF = "Debitsuccess.WebServices.WCF"
CORE = "http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core"
SOAP = {"1_1": "http://schemas.xmlsoap.org/soap/envelope/", "1_2": "http://www.w3.org/2003/05/soap-envelope"}
INTERFACES = {"1_1": "BasicHttpBinding_IDSServices", "1_2": "BasicHttpBinding_IDSServices1"}
OPERATIONS = ["AdjustAccountTerminationDate", "GetCustomerAccountByAccountId"]
NS = f"declare namespace a='{CORE}';\n"


def uid():
    return str(uuid.uuid4())


def action(op):
    return f"{WCF}/IDSServices/{op}"


def envelope(version, op, fields, user=("ds-gym", "Gym-Pass-2024")):
    lines = [f'<soapenv:Envelope xmlns:soapenv="{SOAP[version]}" xmlns:deb="{WCF}" xmlns:deb1="{CORE}">',
             "   <soapenv:Header/>", "   <soapenv:Body>", f"      <deb:{op}>", "         <!--Optional:-->",
             "         <deb:request>"]
    if user:
        lines += ["            <deb1:User>", f"               <deb1:Password>{escape(user[1])}</deb1:Password>",
                  f"               <deb1:Username>{escape(user[0])}</deb1:Username>", "            </deb1:User>"]
    for name, value in fields:
        lines += ["            <!--Optional:-->", f"            <deb1:{name}>{escape(value)}</deb1:{name}>"]
    lines += ["         </deb:request>", f"      </deb:{op}>", "   </soapenv:Body>", "</soapenv:Envelope>"]
    return "\n".join(lines)


def assertion(kind, name, config=None):
    if config is None:
        return f'<con:assertion type="{kind}" id="{uid()}" name="{name}"/>'
    return (f'<con:assertion type="{kind}" id="{uid()}" name="{name}"><con:configuration>{config}'
            "</con:configuration></con:assertion>")


def status_codes(codes):
    return assertion("Valid HTTP Status Codes", "Valid HTTP Status Codes", f"<codes>{codes}</codes>")


def contains(token):
    return assertion("Simple Contains", "Contains",
                     f"<token>{escape(token)}</token><ignoreCase>false</ignoreCase><useRegEx>false</useRegEx>")


def xpath(name, path, content):
    return assertion("XPath Match", name,
                     f"<path>{escape(NS + path)}</path><content>{escape(content)}</content>"
                     "<allowWildcards>false</allowWildcards><ignoreNamspaceDifferences>false</ignoreNamspaceDifferences>"
                     "<ignoreComments>false</ignoreComments>")


def reply_assertions(status, notes):
    out = [assertion("SOAP Response", "SOAP Response"), status_codes("200"),
           assertion("Schema Compliance", "Schema Compliance", ""),
           assertion("SOAP Fault Assertion", "Not SOAP Fault"),
           contains(notes[-1][1]),
           xpath("Status", "//a:Status", status),
           xpath("Number of notes", "count(//a:ResponseNotes/a:ResponseMessageNote)", str(len(notes)))]
    for i, (code, text, kind) in enumerate(notes, 1):
        out.append(xpath(f"Note {i} code", f"//a:ResponseMessageNote[{i}]/a:Code", code))
        out.append(xpath(f"Note {i} type", f"//a:ResponseMessageNote[{i}]/a:NoteType", kind))
    return out


def step(version, op, request, assertions):
    name = f"{op} Request"
    return f'''      <con:testStep type="request" id="{uid()}" name="{name}">
        <con:settings/>
        <con:config xsi:type="con:RequestStep" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <con:interface>{INTERFACES[version]}</con:interface>
          <con:operation>{op}</con:operation>
          <con:request name="{name}" id="{uid()}" outgoingWss="" incomingWss="" timeout="" sslKeystore="" useWsAddressing="false" useWsReliableMessaging="false" wssPasswordType="">
            <con:settings>
              <con:setting id="com.eviware.soapui.impl.wsdl.WsdlRequest@request-headers">&lt;xml-fragment/></con:setting>
            </con:settings>
            <con:encoding>UTF-8</con:encoding>
            <con:endpoint>{ENDPOINT}</con:endpoint>
            <con:request><![CDATA[{request}]]></con:request>
            {chr(10).join("            " + a for a in assertions).lstrip()}
            <con:credentials>
              <con:authType>No Authorization</con:authType>
            </con:credentials>
            <con:jmsConfig JMSDeliveryMode="PERSISTENT"/>
            <con:jmsPropertyConfig/>
            <con:wsaConfig mustUnderstand="NONE" version="200508" action="{action(op)}"/>
            <con:wsrmConfig version="1.2"/>
          </con:request>
        </con:config>
      </con:testStep>'''


def case(name, steps):
    return (f'    <con:testCase id="{uid()}" failOnError="true" failTestCaseOnErrors="true" keepSession="false" '
            f'maxResults="0" name={quoteattr(name)} searchProperties="true">\n      <con:settings/>\n'
            + "\n".join(steps) + "\n      <con:properties/>\n    </con:testCase>")


OK = ("00", "Success", "Info")
W14020 = ("14020", "DateTime field 'TerminationDate' contains time part, but the time is ignored by message", "Warning")
ADJ = "AdjustAccountTerminationDate"
GET = "GetCustomerAccountByAccountId"


def rule(name, fields, notes, version="1_1", user=("ds-gym", "Gym-Pass-2024"), op=ADJ):
    status = "Failed" if any(n[2] == "Error" for n in notes) else "Succeed"
    return case(name, [step(version, op, envelope(version, op, fields, user), reply_assertions(status, notes))])


def cases():
    out = [
        rule("02 Invalid user credentials", [("AccountReferenceNo", "DS1000001"), ("TerminationDate", "2031-12-31")],
             [("02", "Invalid user credentials", "Error")], user=("ds-gym", "not-the-password")),
        rule("100 SOAP message validation error", [("AccountReferenceNo", "DS1000001")],
             [("100", "SOAP message validation error: The element 'TerminationDate' is required.", "Error")]),
        rule("13203 Field too long", [("AccountReferenceNo", "DS1000001-TOO-LONG"), ("TerminationDate", "2031-12-31")],
             [("13203", "AccountReferenceNo field cannot be more than 15 characters", "Error")]),
        rule("12016 Missing reference number", [("AccountReferenceNo", ""), ("TerminationDate", "2031-12-31")],
             [("12016", "Missing required reference number. Must provide either ExternalAccountReferenceNo or "
               "AccountReferenceNo or both", "Error")]),
        rule("14020 Time part ignored (warning)", [("AccountReferenceNo", "DS1000001"), ("TerminationDate", "2031-12-31T10:30:00")],
             [W14020, OK]),
        rule("14091 Termination date in the past", [("AccountReferenceNo", "DS1000001"), ("TerminationDate", "2020-01-01")],
             [("14091", "Termination date cannot be in the past", "Error")]),
        rule("08 No record found", [("AccountReferenceNo", "DS9999999"), ("TerminationDate", "2031-12-31")],
             [("08", "There is no record found with this criteria", "Error")]),
        rule("07 Multiple accounts found", [("ExternalAccountReferenceNo", "EXT-SHARED"), ("TerminationDate", "2031-12-31")],
             [("07", "Multiple accounts found with this criteria", "Error")]),
        rule("10 Account is not active", [("AccountReferenceNo", "DS1000002"), ("TerminationDate", "2031-12-31")],
             [("10", "Account is not active", "Error")]),
        rule("14079 Termination date already billed", [("AccountReferenceNo", "DS1000007"), ("TerminationDate", "2030-01-01")],
             [("14079", "Termination date already billed", "Error")]),
        rule("00 Success (SOAP 1.1)", [("RequestInitiator", "SoapUI regression suite"), ("AccountReferenceNo", "DS1000001"),
             ("TerminationDate", "2031-12-31")], [OK]),
        rule("00 Success (SOAP 1.2)", [("AccountReferenceNo", "DS1000001"), ("ExternalAccountReferenceNo", "EXT-ALPHA-1"),
             ("TerminationDate", "2031-12-31")], [OK], version="1_2"),
    ]
    get = envelope("1_1", GET, [("AccountReferenceNo", "DS1000001")])
    out.append(case("GetCustomerAccountByAccountId shows the termination date", [step("1_1", GET, get, reply_assertions("Succeed", [OK]) + [
        xpath("Account", "//a:Account/a:AccountReferenceNo", "DS1000001"),
        xpath("Termination date", "//a:Account/a:TerminationDate", "2031-12-31T00:00:00"),
        xpath("Contract value unchanged", "//a:Account/a:TotalContractValue", "1200.00"),
    ])]))
    fault = envelope("1_1", ADJ, [("AccountReferenceNo", "DS1000001")]).replace(f"deb:{ADJ}", "deb:CancelAccount")
    out.append(case("Fault: a body element that is no operation", [step("1_1", ADJ, fault, [
        assertion("SOAP Response", "SOAP Response"), status_codes("500"),
        assertion("Not SOAP Fault Assertion", "SOAP Fault"), contains("s:Client")])]))
    return out


def interface(version, wsdl):
    binding = INTERFACES[version]
    ops = []
    for op in OPERATIONS:
        sample = envelope(version, op, [("AccountReferenceNo", "DS1000001")] + ([("TerminationDate", "2031-12-31")] if op == ADJ else []))
        ops.append(f'''    <con:operation id="{uid()}" isOneWay="false" action="{action(op)}" name="{op}" bindingOperationName="{op}" type="Request-Response" inputName="" receivesAttachments="false" sendsAttachments="false" anonymous="optional">
      <con:settings/>
      <con:call id="{uid()}" name="Request 1">
        <con:settings/>
        <con:encoding>UTF-8</con:encoding>
        <con:endpoint>{ENDPOINT}</con:endpoint>
        <con:request><![CDATA[{sample}]]></con:request>
        <con:credentials>
          <con:authType>No Authorization</con:authType>
        </con:credentials>
        <con:jmsConfig JMSDeliveryMode="PERSISTENT"/>
        <con:jmsPropertyConfig/>
        <con:wsaConfig mustUnderstand="NONE" version="200508" action="{action(op)}"/>
        <con:wsrmConfig version="1.2"/>
      </con:call>
    </con:operation>''')
    return f'''  <con:interface xsi:type="con:WsdlInterface" id="{uid()}" wsaVersion="NONE" name="{binding}" type="wsdl" bindingName="{{{WCF}}}{binding}" soapVersion="{version}" anonymous="optional" definition="{DEFINITION}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <con:settings/>
    <con:definitionCache type="TEXT" rootPart="{DEFINITION}">
      <con:part>
        <con:url>{DEFINITION}</con:url>
        <con:content><![CDATA[{wsdl}]]></con:content>
        <con:type>http://schemas.xmlsoap.org/wsdl/</con:type>
      </con:part>
    </con:definitionCache>
    <con:endpoints>
      <con:endpoint>{ENDPOINT}</con:endpoint>
    </con:endpoints>
{chr(10).join(ops)}
  </con:interface>'''


def main():
    base = sys.argv[1].rstrip("/")
    request = urllib.request.Request(base + "/DSWebService/DSServices.svc?singleWsdl", headers={"Host": "127.0.0.1:8080"})
    wsdl = urllib.request.urlopen(request).read().decode("utf-8")
    project = f'''<?xml version="1.0" encoding="UTF-8"?>
<con:soapui-project id="{uid()}" activeEnvironment="Default" name="billing-compat Debitsuccess" resourceRoot="" soapui-version="5.7.2" abortOnError="false" runType="SEQUENTIAL" xmlns:con="http://eviware.com/soapui/config">
  <con:settings/>
{interface("1_1", wsdl)}
{interface("1_2", wsdl)}
  <con:testSuite id="{uid()}" name="DESIGN 6.1 rules">
    <con:settings/>
    <con:runType>SEQUENTIAL</con:runType>
{chr(10).join(cases())}
    <con:properties/>
  </con:testSuite>
  <con:properties/>
  <con:wssContainer/>
  <con:oAuth2ProfileContainer/>
  <con:oAuth1ProfileContainer/>
  <con:sensitiveInformation/>
</con:soapui-project>
'''
    with open("fixtures/debitsuccess/soapui-project.xml", "w", encoding="utf-8") as f:
        f.write(project)


if __name__ == "__main__":
    main()
