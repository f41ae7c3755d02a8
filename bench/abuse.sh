#!/usr/bin/env bash
# The hostile-clients run of issue 13 (RELIABILITY.md "Hostile clients"): every row of the
# issue's table in one run, against this build and, when given, an earlier one.
#
# usage: bench/abuse.sh [BEFORE_BIN]      e.g. a release build of the commit before the change
# env:   ABUSE_DURATION (s per load cell, default 8), ABUSE_ROWS ("1 2 3 4 5 6 7 8"),
#        BENCH_BIN (the "after" build; default: target/release/billing-compat, built here)
# Loopback only. Row 1 against a build without the throttle can take several GB of memory.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${BENCH_BIN:-}" ]; then
  echo "== building release" >&2
  cargo build --release --quiet
fi
command -v wrk >/dev/null || { echo "== installing wrk" >&2; apt-get install -y wrk >/dev/null; }
command -v ss >/dev/null || { echo "== installing iproute2" >&2; apt-get install -y iproute2 >/dev/null; }
exec python3 bench/abuse.py "${BENCH_BIN:-$PWD/target/release/billing-compat}" "$@"
