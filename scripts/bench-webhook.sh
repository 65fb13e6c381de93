#!/usr/bin/env bash
# Load benchmark of the webhook (docs/benchmarks.md). The release server on the embedded
# defaults (SQLite, in-process cache, mock mode), and in one run, with wrk on the same
# 2-core machine:
#   1. full speed (-t2 -c32): GET /healthz, then signed plain-mode text messages, then
#      safe-mode (encrypted) text messages to POST /wechat. Every message is unique (its
#      own MsgId), so each is verified, parsed, routed, answered and stored in the
#      message log; none is answered from the retry cache.
#   2. paced: the same kinds of messages at a steady ~9 000/s (each of 32 connections
#      waits 3 ms between requests), for the latency a busy account would see.
# Goal: the webhook reaches at least half the /healthz rate, with p99 under 5 ms.
# Also printed: the server's CPU time per request (from /proc), steadier than rates.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
DURATION=${DURATION:-5s}
COUNT=${COUNT:-450000}
PACED=${PACED:-60000}
PORT=${PORT:-18097}

cargo build --release -q -p api --bin banji
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
cargo bench -q -p api --bench webhook_requests -- "$WORK" "$COUNT" "$PACED" 2>&1 | tail -1
# compatible: the plain-text rows need the webhook to take messages in clear too.
DATABASE_URL="sqlite://$WORK/banji.db" BANJI_LISTEN=127.0.0.1:$PORT BANJI_WEB_DIST="$WORK" WECHAT_MESSAGE_MODE=compatible \
  target/release/banji serve >"$WORK/server.log" 2>&1 & PID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done

ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
HZ=$(getconf CLK_TCK)
row() { # label, then wrk's arguments
  local label=$1; shift
  local t0 out t1
  t0=$(ticks)
  out=$(wrk -t2 -c32 -d"$DURATION" --latency "$@" 2>&1)
  t1=$(ticks)
  local n rps p50 p99 errors ran_out cpu
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  ran_out=$(echo "$out" | awk '/ran out of unique/ {print $6}')
  cpu=$(awk -v t="$((t1 - t0))" -v n="$n" -v hz="$HZ" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')
  echo "| $label | $rps | $p50 | $p99 | $cpu µs | ${errors:-0} | ${ran_out:-n/a} |"
}
echo "| request | req/s | p50 | p99 | server CPU / request | non-2xx | ran out of unique messages |"
echo "|---|---|---|---|---|---|---|"
row "GET /healthz, full speed" http://127.0.0.1:$PORT/healthz
row "POST /wechat plain text, full speed" -s scripts/wrk-webhook.lua http://127.0.0.1:$PORT -- "$WORK/plain.txt" 2
row "POST /wechat safe mode, full speed" -s scripts/wrk-webhook.lua http://127.0.0.1:$PORT -- "$WORK/safe.txt" 2
row "POST /wechat plain text, paced" -s scripts/wrk-webhook.lua http://127.0.0.1:$PORT -- "$WORK/plain-paced.txt" 2 3
row "POST /wechat safe mode, paced" -s scripts/wrk-webhook.lua http://127.0.0.1:$PORT -- "$WORK/safe-paced.txt" 2 3
echo
sleep 1
stored=$(sqlite3 "$WORK/banji.db" "SELECT COUNT(*) FROM wechat_messages" 2>/dev/null || echo "?")
echo "server RSS after: $(( $(awk '/VmRSS/ {print $2}' /proc/$PID/status) / 1024 )) MB; messages in the log: $stored"
echo "server errors logged: $(grep -c ERROR "$WORK/server.log" || true)"
