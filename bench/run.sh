#!/usr/bin/env bash
# The benchmark run of issue 9 (see BENCHMARKS.md). One run, loopback only:
#   (a) floor GET /healthz; (b) Debitsuccess AdjustAccountTerminationDate over SOAP 1.1 on SQLite
#   and on PostgreSQL; (c) one write of each REST API (SQLite and PostgreSQL); (d) the node-soap
#   peer (bench/node-soap-peer.js) on the same operation from our ?singleWsdl; (e) in the
#   PostgreSQL part, PostgreSQL's own write floor `pgbench -N` (scale 10, on a fresh database of
#   the same server, -j min(C, 2)), at the same connection counts.
# Each at 1, 16 and 64 connections with `wrk --latency` (pgbench: p50/p99 from its --log);
# prints a table, the ratios b/a, b/d, and each PostgreSQL write (b, c) over e.
#
# usage: bench/run.sh            (whole run: sqlite, postgres, peer)
#        bench/run.sh sqlite|postgres|peer   (one part; the table and ratios of that part)
#        bench/run.sh scale      (item 3: 10 000 and 1 000 000 accounts, import time, VmHWM)
#        bench/run.sh syscalls   (system calls per SOAP request, under strace)
#        bench/run.sh instructions (item 2 counted by callgrind: decode + render vs raw scan)
#        bench/run.sh compare BIN_A BIN_B  ((b) on SQLite, two builds alternately)
#        bench/run.sh compare-pg BIN_A BIN_B  ((b) on PostgreSQL, two builds alternately)
# env:   BENCH_DURATION (s, default 5), BENCH_CONNS ("1 16 64"), BENCH_TARGETS (fresh bundles and
#        orders per backend, default 40000), BENCH_PG (postgres://postgres@127.0.0.1:5432),
#        BENCH_RUST_LOG (server log filter, default warn), BENCH_SCALE ("10000 1000000"),
#        BENCH_SQLITE_SYNCHRONOUS (full|normal; unset: the server's default and no flag, so an
#        older BENCH_BIN still starts): SQLite servers get `--sqlite-synchronous VALUE`. The
#        report's header says the mode the SQLite server reports in /readyz.
#        BENCH_DB_CONNECTIONS (the servers' --db-connections: PostgreSQL pool size / SQLite readers).
# pgbench: PostgreSQL's own (/usr/lib/postgresql/*/bin, else PATH, else apt postgresql-contrib).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DUR=${BENCH_DURATION:-5}
CONNS=${BENCH_CONNS:-"1 16 64"}
TARGETS=${BENCH_TARGETS:-40000}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
export RUST_LOG=${BENCH_RUST_LOG:-warn}
MODE=${1:-all}
BIN=${BENCH_BIN:-$ROOT/target/release/billing-compat} # BENCH_BIN: measure another build
SQLITE_SYNC=${BENCH_SQLITE_SYNCHRONOUS:-}
case $SQLITE_SYNC in
  '' | full | normal) ;;
  *) echo "BENCH_SQLITE_SYNCHRONOUS must be full or normal, not '$SQLITE_SYNC'" >&2; exit 2 ;;
esac
WORK=$(mktemp -d /tmp/bc_bench.XXXXXX)
RESULTS=$WORK/results.tsv
PIDS=()
PGDBS=()

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for db in "${PGDBS[@]}"; do psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "== $*" >&2; }

# --- prerequisites ------------------------------------------------------------------------
if [ -z "${BENCH_BIN:-}" ]; then
  log "building release"
  cargo build --release --quiet
fi
command -v wrk >/dev/null || { log "installing wrk"; apt-get install -y wrk >/dev/null; }
if [ -d "$ROOT/.ci/node_modules/soap" ]; then
  export NODE_PATH=$ROOT/.ci/node_modules
elif [ ! -d "$ROOT/bench/node_modules/soap" ]; then
  log "installing node-soap into bench/node_modules"
  (cd "$ROOT/bench" && npm install --no-audit --no-fund --silent >/dev/null)
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -h | awk '/Mem:/{print $2}') RAM" >&2

# --- helpers ------------------------------------------------------------------------------
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_up() { # url
  for _ in $(seq 1 300); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "server at $1 did not come up" >&2; return 1
}

PG_URL=
new_pg_db() { # sets PG_URL to a fresh database (not in a subshell: cleanup must see PGDBS)
  local db="bc_bench_$$_${#PGDBS[@]}"
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
  psql "$PG/postgres" -qc "CREATE DATABASE $db" >/dev/null
  PGDBS+=("$db")
  PG_URL="$PG/$db"
}

# prepare_db URL FIXTURE... : demo data, then the given fixtures, with `import`.
prepare_db() {
  local url=$1; shift
  "$BIN" import "$ROOT/fixtures/demo.yaml" --database "$url" >/dev/null
  for f in "$@"; do "$BIN" import "$f" --database "$url" >/dev/null; done
}

SERVER_PID=
start_server() { # URL -> sets PORT, SERVER_PID
  PORT=$(free_port)
  local sync= # --sqlite-synchronous only when asked for, and only for SQLite
  case $1 in sqlite://*) sync=$SQLITE_SYNC ;; esac
  local pool=${BENCH_DB_CONNECTIONS:-} # the pool size (PostgreSQL) / SQLite readers, when asked for
  "$BIN" serve --database "$1" --bind "127.0.0.1:$PORT" ${sync:+--sqlite-synchronous "$sync"} \
    ${pool:+--db-connections "$pool"} >"$WORK/server.$PORT.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  wait_up "http://127.0.0.1:$PORT/healthz"
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

# note_synchronous : remembers SQLite's `synchronous` mode as the server on $PORT reports it in
# /readyz ({"synchronous":"full"|"normal"}; absent on older builds), for report()'s header.
note_synchronous() {
  local s
  s=$(curl -s "http://127.0.0.1:$PORT/readyz" | python3 -c '
import json, sys
try:
    r = json.load(sys.stdin)
except ValueError:
    r = None
print(r.get("synchronous") or "" if isinstance(r, dict) else "")' || true)
  echo "${s:-not reported}" >"$WORK/synchronous"
}

to_ms() { # wrk latency "812.00us" / "1.20ms" / "1.01s" -> ms
  awk -v v="$1" 'BEGIN{ n=v+0; if (v ~ /us$/) n/=1000; else if (v ~ /ms$/) n=n; else if (v ~ /s$/) n*=1000; printf "%.2f", n }'
}

# measure LABEL URL CONNS [SCRIPT] : runs wrk, appends a row to $RESULTS
measure() {
  local label=$1 url=$2 c=$3 script=${4:-}
  local t=2; [ "$c" -lt 2 ] && t=1
  local out cpu0 cpu1
  cpu0=$(head -1 /proc/stat)
  out=$(wrk -t"$t" -c"$c" -d"${DUR}s" --latency ${script:+-s "$script"} "$url" 2>"$WORK/wrk.err")
  local rps p50 p99 non2xx load
  rps=$(awk '/^Requests\/sec/{print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")
  non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out"); non2xx=${non2xx:-0}
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu1=$(head -1 /proc/stat)
  # The share of the cell's CPU time the hypervisor gave to other guests (vmstat's `st`).
  local steal
  steal=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{ split(a, x); split(b, y); t = 0
    for (i = 2; i <= 9; i++) t += y[i] - x[i]; printf "%.0f", t ? 100 * (y[9] - x[9]) / t : 0 }')
  local bad=$non2xx
  [ -s "$WORK/wrk.err" ] && bad="$non2xx*" # the Lua script saw a non-success reply
  # ok/s: the replies that were a success (a refusal — the queue cap, a used-up target — is
  # cheap and would flatter req/s).
  local ok
  ok=$(awk -v r="$rps" -v n="${non2xx:-0}" -v d="$DUR" 'BEGIN{ v = r - n / d; printf "%.0f", v < 0 ? 0 : v }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$c" "$rps" "$p50" "$p99" "$bad" "$load" "$steal" "$ok" | tee -a "$RESULTS" >&2
  [ -s "$WORK/wrk.err" ] && head -c 400 "$WORK/wrk.err" >&2 && echo >&2
  return 0
}

PGBENCH=
find_pgbench() { # sets PGBENCH: PostgreSQL's own, else one on PATH that runs, else installs it
  local own
  own=$(printf '%s\n' /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
  if [ -x "$own" ]; then
    PGBENCH=$own
  elif pgbench --version >/dev/null 2>&1; then
    PGBENCH=$(command -v pgbench)
  else
    log "installing pgbench (postgresql-contrib)"
    apt-get install -y postgresql-contrib >/dev/null
    own=$(printf '%s\n' /usr/lib/postgresql/*/bin/pgbench | sort -V | tail -1)
    if [ -x "$own" ]; then PGBENCH=$own; else PGBENCH=$(command -v pgbench); fi
  fi
}

# measure_pgbench URL CONNS : (e) `pgbench -N` for $DUR s, -j min(C, 2) like wrk's threads;
# appends a row as measure() does: tps as req/s, p50/p99 from the per-transaction log,
# failed transactions as non2xx ("-" where this pgbench does not count them).
measure_pgbench() {
  local url=$1 c=$2 j=2 out rc=0 cpu0 cpu1
  [ "$c" -lt 2 ] && j=$c
  rm -f "$WORK"/pgbench_log.*
  cpu0=$(head -1 /proc/stat)
  out=$("$PGBENCH" -N -c "$c" -j "$j" -T "$DUR" --log --log-prefix="$WORK/pgbench_log" "$url" 2>"$WORK/pgbench.err") || rc=$?
  cpu1=$(head -1 /proc/stat)
  local tps pcts p50=- p99=- failed load steal
  tps=$(awk '/^tps = /{t = $3} END{print t}' <<<"$out") # the last: without connection time
  if [ -z "$tps" ]; then
    log "pgbench -N -c $c failed (exit $rc):"; head -c 400 "$WORK/pgbench.err" >&2; echo >&2
    return 0
  fi
  # The log's third field is the transaction's latency in µs ("failed" etc. for a failed one).
  pcts=$(cat "$WORK"/pgbench_log.* 2>/dev/null | awk '$3 ~ /^[0-9]+$/ {print $3}' | sort -n |
    awk '{v[NR] = $1} END{ if (!NR) exit
      for (k = 1; k <= 2; k++) { p = k == 1 ? 0.5 : 0.99; i = int(p * NR); if (i < p * NR) i++; if (i < 1) i = 1
        printf "%s%.2f", k == 1 ? "" : " ", v[i] / 1000 } }' || true)
  [ -n "$pcts" ] && read -r p50 p99 <<<"$pcts"
  failed=$(awk '/^number of failed transactions:/{print $5}' <<<"$out"); failed=${failed:--}
  [ "$rc" -ne 0 ] && failed="$failed*" # pgbench reported an error (a client aborted)
  load=$(cut -d' ' -f1 /proc/loadavg)
  steal=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{ split(a, x); split(b, y); t = 0
    for (i = 2; i <= 9; i++) t += y[i] - x[i]; printf "%.0f", t ? 100 * (y[9] - x[9]) / t : 0 }')
  printf '%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%s\n' "e pgbench -N" "$c" "$tps" "$p50" "$p99" "$failed" "$load" "$steal" | tee -a "$RESULTS" >&2
  [ "$rc" -ne 0 ] && head -c 400 "$WORK/pgbench.err" >&2 && echo >&2
  rm -f "$WORK"/pgbench_log.*
  return 0
}

# run_pgbench : (e) on a fresh database of $PG (cleanup drops it), at scale 10 (10 branches,
# 1 000 000 accounts), so that 64 clients are not all contending for the rows of scale 1.
run_pgbench() {
  find_pgbench
  new_pg_db
  local db=$PG_URL
  log "pgbench $("$PGBENCH" --version | awk '{print $3}'): -i -s 10 in ${db##*/}"
  "$PGBENCH" -i -q -s 10 "$db" >"$WORK/pgbench.init" 2>&1 || { cat "$WORK/pgbench.init" >&2; return 1; }
  for c in $CONNS; do measure_pgbench "$db" "$c"; done
}

soap_url() { echo "http://127.0.0.1:$1/DSWebService/DSServices.svc"; }

# drain_jobs URL : waits until the durable queue is empty, so the completions a REST cell
# enqueued (floLIVE, Verizon) are not still being written during the next cell.
drain_jobs() {
  local sql="SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')" n
  command -v sqlite3 >/dev/null || apt-get install -y sqlite3 >/dev/null
  for _ in $(seq 1 600); do
    case $1 in
      sqlite://*) n=$(sqlite3 "${1#sqlite://}" "$sql") ;;
      *) n=$(psql "$1" -Atc "$sql") ;;
    esac
    [ "${n:-1}" = 0 ] && return 0
    sleep 0.5
  done
  log "jobs still pending after 300 s: $n"
}

rest_runs() { # BACKEND PORT TARGETS DB_URL : (c) on one server
  local backend=$1 port=$2 base="http://127.0.0.1:$2"
  for c in $CONNS; do
    BENCH_KIND=flolive measure "c flolive attach ($backend)" "$base" "$c" bench/rest.lua
    drain_jobs "$4"
  done
  local crm
  crm=$(curl -sf "$base/crmapi/rest/v2/authentication/token" -H 'Content-Type: application/json' \
    -d '{"username":"crm-agent","password":"Crm-Pass-2024","organisation":"acme"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["token"])')
  for c in $CONNS; do BENCH_KIND=crmcom BENCH_TOKEN=$crm measure "c crmcom add_subscriptions ($backend)" "$base" "$c" bench/rest.lua; done
  # Fresh targets per request: each cell gets 2 blocks (one per wrk thread) of the
  # backend's targets ($3), disjoint from every other cell's.
  local block=$(($3 / (2 * $(wc -w <<<"$CONNS"))))
  export BENCH_BLOCK=$block
  local bc first=1
  bc=$(curl -sf -u bc-client:Bc-Secret-2024 "$base/bcws/webresources/v1.0/authentication/queryAccessToken" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  for c in $CONNS; do
    BENCH_KIND=billing_care BENCH_TOKEN=$bc BENCH_FIRST=$first measure "c billing_care cancel ($backend)" "$base" "$c" bench/rest.lua
    first=$((first + 2 * block))
  done
  first=1
  for c in $CONNS; do
    BENCH_KIND=verizon BENCH_FIRST=$first measure "c verizon ack ($backend)" "$base" "$c" bench/rest.lua
    drain_jobs "$4"
    first=$((first + 2 * block))
  done
}

vmhwm() { awk '/VmHWM/{print $2" "$3}' "/proc/$1/status"; }

# --- the comparison run -------------------------------------------------------------------
run_sqlite() {
  log "fixture: $TARGETS bench bundles and disconnect orders"
  python3 bench/gen_fixture.py --bundles "$TARGETS" --orders "$TARGETS" >"$WORK/targets.yaml"
  log "SQLite: importing demo + targets"
  local sqlite="sqlite://$WORK/bench.db"
  prepare_db "$sqlite" "$WORK/targets.yaml"
  start_server "$sqlite"
  note_synchronous
  curl -sf "$(soap_url "$PORT")?singleWsdl" >"$WORK/single.wsdl"
  for c in $CONNS; do measure "a floor /healthz" "http://127.0.0.1:$PORT/healthz" "$c"; done
  for c in $CONNS; do measure "b soap adjust (sqlite)" "$(soap_url "$PORT")" "$c" bench/soap.lua; done
  rest_runs sqlite "$PORT" "$TARGETS" "$sqlite"
  echo "server VmHWM (sqlite, after the run): $(vmhwm "$SERVER_PID")" | tee -a "$WORK/hwm" >&2
  stop_server
}

# PostgreSQL import of many bundles/orders is slow (see BENCHMARKS.md), so its own, smaller
# target count: BENCH_PG_TARGETS (default 24000).
run_postgres() {
  local n=${BENCH_PG_TARGETS:-24000}
  log "PostgreSQL: importing demo + $n targets"
  python3 bench/gen_fixture.py --bundles "$n" --orders "$n" >"$WORK/pg_targets.yaml"
  new_pg_db
  local pg=$PG_URL
  prepare_db "$pg" "$WORK/pg_targets.yaml"
  start_server "$pg"
  for c in $CONNS; do measure "b soap adjust (postgres)" "$(soap_url "$PORT")" "$c" bench/soap.lua; done
  rest_runs postgres "$PORT" "$n" "$pg"
  echo "server VmHWM (postgres, after the run): $(vmhwm "$SERVER_PID")" | tee -a "$WORK/hwm" >&2
  stop_server
  run_pgbench
}

run_peer() {
  if [ ! -s "$WORK/single.wsdl" ]; then # fetch the WSDL from a demo server
    start_server "sqlite://$WORK/wsdl.db"
    curl -sf "$(soap_url "$PORT")?singleWsdl" >"$WORK/single.wsdl"
    stop_server
  fi
  log "node-soap peer"
  local pport; pport=$(free_port)
  NODE_PATH=${NODE_PATH:-$ROOT/bench/node_modules} node bench/node-soap-peer.js "$pport" "$WORK/single.wsdl" >"$WORK/peer.log" 2>&1 &
  local peer=$!; PIDS+=("$peer")
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$pport/DSWebService/DSServices.svc?wsdl" && break; sleep 0.1; done
  for c in $CONNS; do measure "d node-soap peer adjust" "$(soap_url "$pport")" "$c" bench/soap.lua; done
  echo "node-soap VmHWM: $(vmhwm "$peer")" | tee -a "$WORK/hwm" >&2
  kill "$peer" 2>/dev/null || true
}

report() {
  local sync
  sync=$(cat "$WORK/synchronous" 2>/dev/null || echo "not reported")
  echo
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -h | awk '/Mem:/{print $2}') RAM; ${DUR}s per cell; RUST_LOG=$RUST_LOG; SQLite synchronous=$sync"
  printf '%-36s %5s %10s %9s %9s %7s %6s %6s %8s\n' scenario conns req/s p50_ms p99_ms non2xx load1 steal% ok/s
  awk -F'\t' '{printf "%-36s %5s %10s %9s %9s %7s %6s %6s %8s\n", $1,$2,$3,$4,$5,$6,$7,$8,($9 == "" ? "-" : $9)}' "$RESULTS"
  echo
  echo "ratios by connection count (req/s):"
  awk -F'\t' '
    $1=="a floor /healthz" {a[$2]=$3}
    $1=="b soap adjust (sqlite)" {b[$2]=$3}
    $1=="b soap adjust (postgres)" {bp[$2]=$3}
    $1=="d node-soap peer adjust" {d[$2]=$3}
    END { for (c in a) printf "  c=%-3s b/a sqlite %.2f  postgres %.2f   b/d sqlite %.2f  postgres %.2f\n", c,
            (a[c]?b[c]/a[c]:0), (a[c]?bp[c]/a[c]:0), (d[c]?b[c]/d[c]:0), (d[c]?bp[c]/d[c]:0) }' "$RESULTS" | sort -t= -k2 -n
  # Each PostgreSQL write (b, c) over (e), PostgreSQL's own floor, at each connection count.
  awk -F'\t' '
    $1=="e pgbench -N" { if (!($2 in e)) cs[++nc] = $2; e[$2] = $3 }
    $1=="b soap adjust (postgres)" || $1 ~ /^c .* \(postgres\)$/ { if (!($1 in seen)) { seen[$1] = 1; lab[++nl] = $1 }; r[$1, $2] = $3 }
    END { if (!nc || !nl) exit
      printf "\nPostgreSQL writes / pgbench -N (req/s over tps):\n  %-38s", "conns"
      for (i = 1; i <= nc; i++) printf " %8s", cs[i]
      printf "\n  %-38s", "pgbench -N tps"
      for (i = 1; i <= nc; i++) printf " %8.0f", e[cs[i]]
      for (k = 1; k <= nl; k++) { printf "\n  %-38s", lab[k]
        for (i = 1; i <= nc; i++) { c = cs[i]
          if ((lab[k], c) in r && e[c] > 0) printf " %8.2f", r[lab[k], c] / e[c]; else printf " %8s", "-" } }
      printf "\n" }' "$RESULTS"
}

# --- item 3: scale ------------------------------------------------------------------------
run_scale() {
  for n in ${BENCH_SCALE:-10000 1000000}; do
    log "scale: $n accounts"
    python3 bench/gen_fixture.py --accounts "$n" >"$WORK/accounts.yaml"
    local db="sqlite://$WORK/scale_$n.db"
    "$BIN" import "$ROOT/fixtures/demo.yaml" --database "$db" >/dev/null
    local t0 t1
    t0=$(date +%s.%N)
    "$BIN" import "$WORK/accounts.yaml" --database "$db" >/dev/null
    t1=$(date +%s.%N)
    echo "import of $n accounts (sqlite): $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f s, %.0f accounts/s", b-a, '"$n"'/(b-a)}') load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$WORK/scale.txt" >&2
    start_server "$db"
    for c in $CONNS; do BENCH_ACCOUNTS=$n measure "b soap adjust, $n accounts (sqlite)" "$(soap_url "$PORT")" "$c" bench/soap.lua; done
    echo "server VmHWM with $n accounts after load: $(vmhwm "$SERVER_PID")" | tee -a "$WORK/scale.txt" >&2
    stop_server
    rm -f "$WORK/accounts.yaml" "$WORK"/scale_"$n".db*
  done
  report
  cat "$WORK/scale.txt"
}

# --- figures that steal time does not move ---------------------------------------------------
# (b) at one connection under `strace -c -f`: system calls per request, by kind. The futex and
# epoll/eventfd counts are the thread hand-offs between the HTTP workers and the database.
run_syscalls() {
  command -v strace >/dev/null || { log "installing strace"; apt-get install -y strace >/dev/null; }
  local db="sqlite://$WORK/syscalls.db" url
  prepare_db "$db"
  start_server "$db"
  url=$(soap_url "$PORT")
  wrk -t1 -c1 -d2s -s bench/soap.lua "$url" >/dev/null # warm: credential cache, page cache
  strace -f -c -p "$SERVER_PID" -o "$WORK/strace.txt" 2>/dev/null &
  local tracer=$!
  sleep 1
  local out; out=$(wrk -t1 -c1 -d"${DUR}s" -s bench/soap.lua "$url")
  kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true
  echo "b soap adjust (sqlite), 1 connection, under strace: $(python3 bench/per_call.py strace "$WORK/strace.txt" "$(awk '/requests in/{print $1}' <<<"$out")")"
  stop_server
}

# criterion's soap bench under callgrind: instructions per call of the raw scan, the decoder
# and the renderer (item 2's ratio, counted instead of timed).
run_instructions() {
  command -v valgrind >/dev/null || { log "installing valgrind"; apt-get install -y valgrind >/dev/null; }
  cargo bench --bench soap --no-run --quiet 2>/dev/null
  local bench; bench=$(ls -t "$ROOT"/target/release/deps/soap-* | grep -v '\.d$' | head -1)
  local f ir raw=0 total=0
  for f in raw_scan decode_adjust_soap11 render_adjust_success_soap11; do
    valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.$f" --collect-atstart=no \
      "--toggle-collect=*$f*" "$bench" --bench --profile-time 1 \
      'debitsuccess_soap11/(raw_quick_xml_scan|decode_and_render)' >/dev/null 2>&1
    ir=$(python3 bench/per_call.py callgrind "$WORK/cg.$f" "$f")
    echo "$f: $ir instructions per call"
    if [ "$f" = raw_scan ]; then raw=$ir; else total=$((total + ir)); fi
  done
  awk -v t="$total" -v r="$raw" 'BEGIN{printf "decode + render = %d instructions = %.2f x the raw scan\n", t, t/r}'
}

# (b) on SQLite with two builds, alternately, BENCH_ROUNDS times (default 2): before/after
# figures for a change, on a machine whose speed drifts. usage: run.sh compare BIN_A BIN_B
run_compare() {
  local a=$1 b=$2 round bin
  for round in $(seq 1 "${BENCH_ROUNDS:-2}"); do
    for bin in "$a" "$b"; do
      BIN=$bin
      local db="sqlite://$WORK/compare_${round}_$(basename "$bin").db"
      prepare_db "$db"
      start_server "$db"
      for c in $CONNS; do measure "b soap adjust, $(basename "$bin"), round $round" "$(soap_url "$PORT")" "$c" bench/soap.lua; done
      stop_server
    done
  done
  report
}

# (b) on PostgreSQL with two builds alternately, each on a fresh database (issue 18: the
# event feed's cost on the write path, where `seq` and `xid` come from column defaults).
run_compare_pg() {
  local a=$1 b=$2 round bin
  for round in $(seq 1 "${BENCH_ROUNDS:-2}"); do
    for bin in "$a" "$b"; do
      BIN=$bin
      new_pg_db
      prepare_db "$PG_URL"
      start_server "$PG_URL"
      for c in $CONNS; do measure "b soap adjust (postgres), $(basename "$bin"), round $round" "$(soap_url "$PORT")" "$c" bench/soap.lua; done
      stop_server
    done
  done
  report
}

touch "$WORK/hwm"
case $MODE in
  all) run_sqlite; run_postgres; run_peer ;;
  sqlite) run_sqlite ;;
  postgres) run_postgres ;;
  peer) run_peer ;;
  scale) run_scale; exit 0 ;;
  syscalls) run_syscalls; exit 0 ;;
  instructions) run_instructions; exit 0 ;;
  compare) run_compare "$2" "$3"; exit 0 ;;
  compare-pg) run_compare_pg "$2" "$3"; exit 0 ;;
  *) echo "usage: $0 [all|sqlite|postgres|peer|scale|syscalls|instructions|compare A B|compare-pg A B]" >&2; exit 2 ;;
esac
report
cat "$WORK/hwm"
