#!/usr/bin/env bash
# The webhook while Redis falters (docs/benchmarks.md). The release server on SQLite with
# its own Redis (a private redis-server on another port, so nothing else on the machine is
# disturbed), and a paced client (`api/benches/webhook_paced.rs`: 8 keep-alive
# connections, each sending unique signed 帮助 messages with 3 ms between them, every
# answer time kept) on the same 2 cores. Phases of DURATION seconds each:
#   healthy      — Redis answers
#   stalled      — the Redis process is paused (SIGSTOP): the first calls wait out the
#                  Kv timeout (BANJI_KV_TIMEOUT_MS), then the circuit opens
#   stalled, open — still paused, the circuit already open from the phase before
#   stopped      — Redis resumed, then killed (SIGKILL): connections refused
#   back         — Redis restarted; the circuit closes after its cool-down
# Goal: p99 under 1 s in every phase, under 50 ms once the circuit is open; every answer
# the normal reply (non-2xx 0); the server logs the outage once and the return once.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "bench: redis-server is missing" >&2; exit 1; }
DURATION=${DURATION:-5}
PORT=${PORT:-18098}
REDIS_PORT=${REDIS_PORT:-16390}

cargo build --release -q -p api --bin banji
cargo bench -q -p api --bench webhook_paced --no-run
WORK=$(mktemp -d)
start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
    >"$WORK/redis.log" 2>&1 & RPID=$!
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
}
trap 'kill $PID 2>/dev/null || true; kill -CONT $RPID 2>/dev/null || true; kill $RPID 2>/dev/null || true; rm -rf "$WORK"' EXIT
start_redis
DATABASE_URL="sqlite://$WORK/banji.db" BANJI_LISTEN=127.0.0.1:$PORT BANJI_WEB_DIST="$WORK" \
  WECHAT_MESSAGE_MODE=compatible REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  target/release/banji serve >"$WORK/server.log" 2>&1 & PID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done

PHASE=0
row() { # label
  PHASE=$((PHASE + 1))
  cargo bench -q -p api --bench webhook_paced -- "http://127.0.0.1:$PORT" "$DURATION" 8 3 "$((PHASE * 100000000))" "$1"
}
echo "| Redis | req/s | p50 | p99 | max | not the normal reply |"
echo "|---|---|---|---|---|---|"
row "healthy"
kill -STOP "$RPID"
row "stalled (process paused)"
row "stalled, circuit already open"
kill -CONT "$RPID"; sleep 3; kill -9 "$RPID"; wait "$RPID" 2>/dev/null || true
row "stopped (killed)"
start_redis; sleep 3
row "back (restarted)"
echo
echo "server warnings about the cache: $(grep -c 'shared cache' "$WORK/server.log" || true) (expected: down, back, down, back = 4)"
echo "server errors logged: $(grep -c ERROR "$WORK/server.log" || true)"
