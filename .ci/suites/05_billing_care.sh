#!/usr/bin/env bash
# Oracle Billing Care (docs/design.md §6.4): the Postman collection with newman, then schemathesis over
# both operations — queryAccessToken with Basic client credentials, cancel bundle with the
# bearer token it hands out. $BASE_URL is a fresh demo server.
set -euo pipefail
cd "$(dirname "$0")/../.."
newman run fixtures/postman/billing_care.postman_collection.json --env-var "baseUrl=$BASE_URL" --bail --color off

BASIC="Basic $(printf '%s' 'bc-client:Bc-Secret-2024' | base64)"
TOKEN=$(curl -fsS -H "Authorization: $BASIC" "$BASE_URL/bcws/webresources/v1.0/authentication/queryAccessToken" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
test -n "$TOKEN"

# The seed's own curl, unchanged but for the token, against the demo data.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/cancelBun.json" <<'JSON'
{
"dealRef":{
"id":"0.0.0.1+-deal+41056",
"uri":null
},
"serviceRef":{
"id":"0.0.0.1+-service-email+175025",
"uri":null
},
"accountRef":{
"id":"0.0.0.1+-account+174257",
"uri":null
},
"description":"Charges monthly for 1 email account.",
"packageId":1
}
JSON
reply=$(curl -sS -X POST "$BASE_URL/bcws/webresources/v1.0/subscriptions/cancel/bundle" \
  -H 'content-type: application/json' -H "Authorization: Bearer $TOKEN" -d @"$tmp/cancelBun.json")
test "$reply" = "true" || { echo "seed curl answered: $reply"; exit 1; }

schemathesis run "$BASE_URL/openapi.json" --checks all --include-tag billing_care \
  --exclude-operation-id billingCareCancelBundle \
  -H "Authorization: $BASIC" --max-examples 30 --no-color
schemathesis run "$BASE_URL/openapi.json" --checks all --include-tag billing_care \
  --exclude-operation-id billingCareQueryAccessToken \
  -H "Authorization: Bearer $TOKEN" --max-examples 30 --no-color
