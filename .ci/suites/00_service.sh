#!/usr/bin/env bash
# Operational endpoints and the OpenAPI document, checked by schemathesis, and the Postman
# collections run by newman. $BASE_URL is a fresh demo server.
set -euo pipefail
cd "$(dirname "$0")/../.."
curl -fsS "$BASE_URL/healthz" | grep -q '"ok"'
curl -fsS "$BASE_URL/readyz" | grep -q '"ready"'
for collection in fixtures/postman/*.postman_collection.json; do
  newman run "$collection" --env-var "baseUrl=$BASE_URL" --bail --color off
done
schemathesis run "$BASE_URL/openapi.json" --checks all --include-tag service --max-examples 20 --no-color
