#!/usr/bin/env bash
# The admin API (issue 18; docs/events.md): schemathesis over the operations tagged `admin` as
# the demo operator (Basic, then a bearer operator token), an independent follower of the feed
# in Python (8 writers, exactly-once, long polling), and the two refusals: a vendor API user at
# the admin API, the operator at a vendor API. $BASE_URL is a fresh demo server.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=.ci/suites/admin
BASIC="Basic $(printf '%s' 'operator:Operator-Pass-2024' | base64)"

python3 .ci/clients/feed_follower.py "$BASE_URL" 80

test "$(curl -s -o /dev/null -w '%{http_code}' -u ds-gym:Gym-Pass-2024 "$BASE_URL/admin/v1/events")" = 401
test "$(curl -s -o /dev/null -w '%{http_code}' -u operator:Operator-Pass-2024 \
  "$BASE_URL/bcws/webresources/v1.0/authentication/queryAccessToken")" = 401

TOKEN=$(curl -fsS -X POST -H "Authorization: $BASIC" "$BASE_URL/admin/v1/tokens" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
schemathesis --config-file "$here/schemathesis.toml" run "$BASE_URL/openapi.json" --checks all \
  --include-tag admin --exclude-path-regex '^/admin/v1/(webhooks|tenants|accounts|audit|jobs|requests|traffic|reset)' \
  -H "Authorization: $BASIC" --max-examples 30 --no-color
schemathesis --config-file "$here/schemathesis.toml" run "$BASE_URL/openapi.json" --checks all \
  --include-tag admin --exclude-operation-id adminIssueToken \
  --exclude-path-regex '^/admin/v1/(webhooks|tenants|accounts|audit|jobs|requests|traffic|reset)' \
  -H "Authorization: Bearer $TOKEN" --max-examples 30 --no-color
# The webhooks', tenants', users', accounts', audit, jobs, journal and reset operations on their own, without
# ignored_auth: its deliberate bad-credential requests, added to the runs above from the same
# address, pass the failed sign-in throttle, which then answers 429 (documented) where the
# check insists on 401/403. Their 401s are tested in tests/api/admin/webhooks.rs,
# tests/api/admin/tenants.rs and tests/api/admin/jobs.rs.
schemathesis --config-file "$here/schemathesis.toml" run "$BASE_URL/openapi.json" --checks all \
  --exclude-checks ignored_auth --include-tag admin \
  --include-path-regex '^/admin/v1/(webhooks|tenants|accounts|audit|jobs|requests|traffic|reset)' \
  -H "Authorization: $BASIC" --max-examples 30 --no-color
