#!/usr/bin/env bash
# The operator console (issue 19; docs/console.md) end to end in headless Debian chromium,
# driven by playwright-core (.ci/clients/console_e2e.js): sign in, retry a failed job, open
# the webhooks and one's deliveries, CSRF-less POSTs refused, a journaled request found and
# opened (redacted), traffic, an account and its history, sign out; nothing fetched from
# anywhere but the server. $BASE_URL is a fresh demo server; $BC_CI_DATABASE_URL its database.
# Screenshots go to target/ci-console/<backend>/; UPDATE_SCREENSHOTS=1 copies the SQLite
# run's into docs/console/.
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
  else
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
  fi
fi

# A failed job: one no handler takes, which the worker gives up at once.
JOB=$(python3 .ci/clients/failing_job.py "$BC_CI_DATABASE_URL")
for _ in $(seq 1 100); do
  status=$(curl -fsS -u operator:Operator-Pass-2024 "$BASE_URL/admin/v1/jobs/$JOB" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')
  [ "$status" = failed ] && break
  sleep 0.1
done
test "$status" = failed

# A webhook to a closed port: its deliveries page shows failed attempts.
closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
HOOK=$(curl -fsS -u operator:Operator-Pass-2024 -H 'Content-Type: application/json' \
  -d "{\"url\": \"http://127.0.0.1:$closed_port/hook\"}" "$BASE_URL/admin/v1/webhooks" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
# A change (README's Debitsuccess example) makes an event for it to fail to deliver.
curl -fsS -o /dev/null "$BASE_URL/DSWebService/DSServices.svc" -H 'Content-Type: text/xml; charset=utf-8' \
  -H 'SOAPAction: "Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate"' \
  --data-binary '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF"><request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">
<a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>
<a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>2034-06-30</a:TerminationDate>
</request></AdjustAccountTerminationDate></s:Body></s:Envelope>'
for _ in $(seq 1 100); do
  attempts=$(curl -fsS -u operator:Operator-Pass-2024 "$BASE_URL/admin/v1/webhooks/$HOOK/deliveries" |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["deliveries"]))')
  [ "$attempts" -gt 0 ] && break
  sleep 0.1
done
test "$attempts" -gt 0

job_field() {
  curl -fsS -u operator:Operator-Pass-2024 "$BASE_URL/admin/v1/jobs/$JOB" |
    python3 -c "import json, sys; print(json.load(sys.stdin)['$1'])"
}
failed_at=$(job_field updated_at)

out="target/ci-console/${BC_CI_BACKEND:-sqlite}"
node .ci/clients/console_e2e.js "$BASE_URL" "$JOB" "$HOOK" "$out"

# The retried job ran again (and, no handler still, failed again, later than the first time).
for _ in $(seq 1 100); do
  [ "$(job_field status)" = failed ] && [[ "$(job_field updated_at)" > "$failed_at" ]] && break
  sleep 0.1
done
if ! { [ "$(job_field status)" = failed ] && [[ "$(job_field updated_at)" > "$failed_at" ]]; }; then
  echo "the retried job $JOB did not run again" >&2
  exit 1
fi

if [ "${UPDATE_SCREENSHOTS:-0}" = 1 ] && [ "${BC_CI_BACKEND:-sqlite}" = sqlite ]; then
  mkdir -p docs/console && cp "$out"/*.png docs/console/
fi
