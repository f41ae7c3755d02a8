#!/usr/bin/env bash
# Verizon Digital Connect (docs/design.md §6.5): the Postman collection (newman) answers orders 9001 and
# 9002 of the demo data and checks every MEF error, then schemathesis checks the OpenAPI
# contract of POST /proquest/disconnectCustomerConfirmation. $BASE_URL is a fresh demo server.
set -euo pipefail
cd "$(dirname "$0")/../.."
newman run fixtures/postman/verizon.postman_collection.json --env-var "baseUrl=$BASE_URL" --bail --color off
schemathesis run "$BASE_URL/openapi.json" --checks all --include-tag verizon \
  -H "Authorization: Bearer acme-verizon-key" --max-examples 30 --no-color
