#!/usr/bin/env bash
# Webhooks (issue 18; docs/events.md "Webhooks"): a Python receiver verifies a delivered event
# with the `standardwebhooks` package, and the same event is found by following the feed with
# curl. $BASE_URL is a fresh demo server (SQLite and PostgreSQL in turn).
set -euo pipefail
cd "$(dirname "$0")/../.."

ID=$(python3 .ci/clients/webhook_receiver.py "$BASE_URL")
test -n "$ID"

# Follow the feed from the start with curl until the delivered event shows.
after=0-0
for _ in $(seq 1 100); do
  page=$(curl -fsS -u operator:Operator-Pass-2024 "$BASE_URL/admin/v1/events?after=$after&limit=1000")
  if printf '%s' "$page" | grep -q "\"id\":\"$ID\""; then
    exit 0
  fi
  next=$(printf '%s' "$page" | python3 -c 'import json, sys; print(json.load(sys.stdin)["next"])')
  if [ "$next" = "$after" ]; then sleep 0.2; fi
  after=$next
done
echo "the delivered event $ID is not in the feed" >&2
exit 1
