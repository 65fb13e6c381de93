#!/usr/bin/env bash
# Measures what docs/benchmarks.md records, against the release build:
#   - console wasm size, raw and gzip (goal: at most 400 KB gzip)
#   - `banji serve` idle memory (RSS) on the embedded defaults
#   - GET /api/v1/me throughput with a valid token (wrk, 2 threads, 32 connections),
#     next to GET /healthz of the same server in the same run
# Needs wrk (apt-get install wrk). Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }

cargo build --release -q -p api --bin banji
[[ -f web/dist/student/index.html ]] || scripts/build-web.sh
BIN=target/release/banji
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

wasm=$(ls web/dist/*_bg.wasm)
raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)

export DATABASE_URL="sqlite://$WORK/banji.db" BANJI_LISTEN=127.0.0.1:18099 RUST_LOG=warn
echo "bench-password" | $BIN admin create bench --password-stdin >/dev/null
$BIN serve & PID=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18099/healthz >/dev/null && break; sleep 0.1; done
sleep 2
rss_idle=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

TOKEN=$(curl -s http://127.0.0.1:18099/api/v1/auth/login -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench-password"}' | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
[[ $(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $TOKEN" http://127.0.0.1:18099/api/v1/me) == 200 ]]

run_wrk() { wrk -t2 -c32 -d10s --latency "$@" 2>&1; }
me=$(run_wrk -H "authorization: Bearer $TOKEN" http://127.0.0.1:18099/api/v1/me)
health=$(run_wrk http://127.0.0.1:18099/healthz)
rss_loaded=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)

rps() { echo "$1" | awk '/Requests\/sec/ {printf "%.0f", $2}'; }
pct() { echo "$1" | awk -v p="$2" '$1 == p {print $2}'; }

cat <<MD
| measure | value |
|---|---|
| console wasm (raw) | $(( raw / 1024 )) KB |
| console wasm (gzip -9) | $(( gz / 1024 )) KB |
| \`banji serve\` idle RSS | $(( rss_idle / 1024 )) MB |
| RSS after the load runs | $(( rss_loaded / 1024 )) MB |
| GET /api/v1/me (valid JWT) | $(rps "$me") req/s, p50 $(pct "$me" 50%), p99 $(pct "$me" 99%) |
| GET /healthz (same server) | $(rps "$health") req/s, p50 $(pct "$health" 50%), p99 $(pct "$health" 99%) |
MD
