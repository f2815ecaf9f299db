#!/usr/bin/env bash
# Times the dashboard's trace API over one store: starts `headroom serve` on a free loopback
# port and GETs each endpoint RUNS times (default 3), printing curl's total time per request.
# usage: bash bench/trace-page-bench.sh STORE [RUNS]
set -euo pipefail
store=$1; runs=${2:-3}; port=$((20000 + RANDOM % 20000))
node bin/headroom.js serve --port "$port" --store "$store" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/api/runs" && break; sleep 0.2; done
for path in report findings impact rates 'report?client=10.0.0.1' 'report?since=2015-06-01T00:00:00Z'; do
  for i in $(seq "$runs"); do
    printf '%-45s %s\n' "/api/trace/$path" "$(curl -s -o /dev/null -w '%{http_code} %{time_total}s' --max-time 120 "http://127.0.0.1:$port/api/trace/$path")"
  done
done
