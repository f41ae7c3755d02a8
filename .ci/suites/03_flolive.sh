#!/usr/bin/env bash
# floLIVE customer products (docs/design.md §6.2): a curl smoke test, the Postman collection by
# newman, then schemathesis over the operations tagged `flolive`. $BASE_URL is a fresh demo
# server; the collection and schemathesis touch only what they create or cannot find.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The seed's ACK envelope, from a real attach (it creates its own instance to keep the demo intact).
ack=$(curl -fsS -X POST "$BASE_URL/api/v2/customer/c0000000-0000-4000-8000-000000000003/attach-product" \
  -H "Authorization: Bearer acme-flolive-key" -H "Content-Type: application/json" \
  -d '{"productId":"b0000000-0000-4000-8000-000000000001"}')
echo "$ack" | grep -q '"errorCode":"","errorMessage":"","content":\[{"requestId":"'
echo "$ack" | grep -q '"pageable":{"page":0,"size":10,"totalPages":1,"totalElements":1}}$'

newman run fixtures/postman/flolive.postman_collection.json --env-var "baseUrl=$BASE_URL" --bail --color off

schemathesis run "$BASE_URL/openapi.json" --checks all --include-tag flolive \
  -H "Authorization: Bearer acme-flolive-key" --max-examples 30 --no-color
