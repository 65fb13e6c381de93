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
# RULES=10000 loads that many auto-reply rules first (through the import, as an admin
# would), and CONTENT sets what every message says (default 帮助, a fixed command; e.g.
# CONTENT=问题5001号 is answered by one of the rules): the auto-reply benchmark compares
# RULES=0 and RULES=10000 with the same CONTENT (docs/benchmarks.md).
# Also printed: the server's CPU time per request (from /proc), steadier than rates.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 1; }
DURATION=${DURATION:-5s}
COUNT=${COUNT:-450000}
PACED=${PACED:-60000}
PORT=${PORT:-18097}
RULES=${RULES:-0}
CONTENT=${CONTENT:-帮助}

cargo build --release -q -p api --bin banji
WORK=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
cargo bench -q -p api --bench webhook_requests -- "$WORK" "$COUNT" "$PACED" "$CONTENT" 2>&1 | tail -1
# compatible: the plain-text rows need the webhook to take messages in clear too.
DATABASE_URL="sqlite://$WORK/banji.db" BANJI_LISTEN=127.0.0.1:$PORT BANJI_WEB_DIST="$WORK" WECHAT_MESSAGE_MODE=compatible \
  target/release/banji serve >"$WORK/server.log" 2>&1 & PID=$!
for _ in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.1; done

if (( RULES > 0 )); then
  # The rules go in as an admin would put them: imported as CSV, 2 000 a file. The mix:
  # 60 % contains, 20 % exact, 15 % prefix, 4 % regex, 1 % menu clicks (问题N号 is rule N's).
  echo benchpass1 | DATABASE_URL="sqlite://$WORK/banji.db" target/release/banji admin create bench --password-stdin >/dev/null
  TOKEN=$(curl -sf -H 'content-type: application/json' -d '{"username":"bench","password":"benchpass1"}' \
    http://127.0.0.1:$PORT/api/v1/auth/login | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
  for ((first = 0; first < RULES; first += 2000)); do
    awk -v first=$first -v n=2000 -v total=$RULES 'BEGIN {
      print "名称,匹配方式,关键词,回复,回复方式,启用,时段,对象"
      for (i = first; i < first + n && i < total; i++) {
        m = i % 100
        if (m < 60) { k = "包含"; w = "问题" i "号" } else if (m < 80) { k = "精确"; w = "精确" i }
        else if (m < 95) { k = "开头"; w = "开头" i } else if (m < 99) { k = "正则"; w = "^规则" i "\\s*\\d+$" }
        else { k = "菜单点击"; w = "KEY_" i }
        print "规则" i "," k "," w ",这是第 " i " 条规则的回复,依次,是,,"
      } }' >"$WORK/rules.csv"
    curl -sf -H "authorization: Bearer $TOKEN" -H 'content-type: application/octet-stream' --data-binary @"$WORK/rules.csv" \
      "http://127.0.0.1:$PORT/api/v1/auto-replies/import?scope=account" >/dev/null
  done
  echo "loaded $RULES auto-reply rules; every message says: $CONTENT"
fi

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
