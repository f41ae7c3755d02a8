#!/usr/bin/env bash
# Debitsuccess SOAP (docs/design.md §6.1) against a fresh demo server ($BASE_URL): the contract is
# served, the README's curl requests work, real clients (zeep and suds in Python, node-soap)
# load the served WSDL and call every operation for success and each error code reachable
# with the demo data — the Python ones validating each raw reply against the XSD —, zeep and
# node-soap sign in with a WS-Security UsernameToken (PasswordText and PasswordDigest, with a
# Timestamp), and schemathesis checks the JSON form's OpenAPI.
set -euo pipefail
cd "$(dirname "$0")/../.."
svc="$BASE_URL/DSWebService/DSServices.svc"
fixtures=fixtures/debitsuccess
action='Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate'

echo "-- contract"
has() { grep -qF -- "$2" <<< "$1" || { echo "expected '$2' in: $1"; exit 1; }; }
has "$(curl -fsS "$svc?wsdl")" "location=\"$svc\""
has "$(curl -fsS "$svc?singleWsdl")" 'targetNamespace="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core"'
has "$(curl -fsS "$svc?xsd=xsd0")" "schemaLocation=\"$svc?xsd=xsd1\""
has "$(curl -fsS "$svc?xsd=xsd1")" 'name="ResponseMessageNote"'

echo "-- README curl requests"
expect() { # expect HTTP-STATUS TEXT -- curl args…
  local status=$1 text=$2; shift 3
  local out; out=$(curl -sS -w '\n%{http_code}' "$@")
  [ "${out##*$'\n'}" = "$status" ] || { echo "expected HTTP $status: $out"; exit 1; }
  has "$out" "$text"
}
expect 200 '>Succeed<' -- "$svc" -H 'Content-Type: text/xml; charset=utf-8' \
  -H "SOAPAction: \"$action\"" --data-binary @"$fixtures/wcf-soap11.xml"
expect 200 '>Succeed<' -- "$svc" -H "Content-Type: application/soap+xml; charset=utf-8; action=\"$action\"" \
  --data-binary @"$fixtures/soap12-action-param.xml"
expect 200 '"Status":"Succeed"' -- "$svc/json/AdjustAccountTerminationDate" -H 'Content-Type: application/json' \
  -d '{"User":{"Username":"ds-gym","Password":"Gym-Pass-2024"},"AccountReferenceNo":"DS1000001","TerminationDate":"2031-12-31"}'
expect 200 '<TerminationDate>2031-12-31T00:00:00</TerminationDate>' -- "$svc/json/GetCustomerAccountByAccountId" \
  -H 'Content-Type: application/json' -H 'Accept: application/xml' \
  -d '{"User":{"Username":"ds-gym","Password":"Gym-Pass-2024"},"AccountReferenceNo":"DS1000001"}'
expect 401 '"Code":"02"' -- "$svc/json/AdjustAccountTerminationDate" -H 'Content-Type: application/json' \
  -d '{"User":{"Username":"ds-readonly","Password":"NoSoap-2024"},"AccountReferenceNo":"DS1000001","TerminationDate":"2031-12-31"}'
expect 500 'DOCTYPE' -- "$svc" -H 'Content-Type: text/xml' \
  --data-binary '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'

echo "-- zeep"
python .ci/clients/debitsuccess/zeep_client.py
echo "-- suds"
python .ci/clients/debitsuccess/suds_client.py
echo "-- node-soap"
node .ci/clients/debitsuccess/node_soap_client.js

echo "-- WS-Security UsernameToken (zeep plain/digest/timestamp, node-soap WSSecurity)"
python .ci/clients/debitsuccess/zeep_wss_client.py
node .ci/clients/debitsuccess/node_soap_wss_client.js

echo "-- schemathesis (JSON form)"
# Credentials travel in the body's User, so generated requests are refused with 02 (401):
# schemathesis checks the contract (statuses, content types, schemas), not the rules.
schemathesis run "$BASE_URL/openapi.json" --checks all --include-tag debitsuccess --max-examples 30 --no-color
