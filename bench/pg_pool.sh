#!/usr/bin/env bash
# The PostgreSQL pool size, measured (issue 15, BENCHMARKS.md): SOAP adjust on a fresh database
# per cell, for each pool size in $POOLS (default "8 32") and each build given, alternating.
# usage: bench/pg_pool.sh BIN [BIN...]   env: POOLS, CONNS ("16 64"), DUR (s, 4), BENCH_PG
set -u
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
cd "$(dirname "$0")/.."
for pool in ${POOLS:-8 32}; do
  for bin in "$@"; do
    db=bc_pool_$$
    psql $PG/postgres -qc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; psql $PG/postgres -qc "CREATE DATABASE $db" >/dev/null
    $bin import fixtures/demo.yaml --database $PG/$db >/dev/null
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    RUST_LOG=warn $bin serve --database $PG/$db --bind 127.0.0.1:$port --db-connections $pool >/dev/null 2>&1 &
    pid=$!
    for i in $(seq 50); do curl -sf localhost:$port/healthz >/dev/null && break; sleep 0.1; done
    for c in ${CONNS:-16 64}; do
      out=$(wrk -t2 -c$c -d${DUR:-4}s --latency -s bench/soap.lua http://127.0.0.1:$port/DSWebService/DSServices.svc)
      echo "$(basename $bin) pool=$pool c=$c $(awk '/Requests\/sec/{print $2}' <<<"$out") p50=$(awk '$1=="50%"{print $2}' <<<"$out") p99=$(awk '$1=="99%"{print $2}' <<<"$out") non2xx=$(awk '/Non-2xx/{print $5}' <<<"$out")"
    done
    kill $pid; wait $pid 2>/dev/null
    psql $PG/postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  done
done
