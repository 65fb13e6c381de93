#!/usr/bin/env bash
# Holds the API to its spec: starts the real `banji` binary on a fresh SQLite database,
# gives an admin a read+write API token (and a bound student a student page's token),
# and lets schemathesis (a property-based fuzzer)
# call every operation of /api/openapi.json with generated valid and invalid input, a
# fixed seed and a bounded number of cases. It fails when an answer is a 5xx, has a
# status, content type, headers or body the spec does not document for that operation.
#
#   scripts/fuzz-api.sh                 # the CI run (seeded, a few minutes on 2 cores)
#   FUZZ_EXAMPLES=50 FUZZ_SEED=7 scripts/fuzz-api.sh   # a longer or different run
#
# Needs schemathesis (scripts/setup.sh --test installs it) and the debug `banji`
# binary (built here if missing). Reports land in target/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
ST=${SCHEMATHESIS:-${XDG_CACHE_HOME:-$HOME/.cache}/banji/schemathesis-$SCHEMATHESIS_VERSION/bin/schemathesis}
BIN=${BANJI_BIN:-target/debug/banji}
SEED=${FUZZ_SEED:-20261202}
EXAMPLES=${FUZZ_EXAMPLES:-8}
REPORTS=$PWD/target/fuzz
log() { printf '\033[1;34m[fuzz]\033[0m %s\n' "$*"; }

if [[ ! -x "$ST" ]]; then
  echo "fuzz: schemathesis $SCHEMATHESIS_VERSION is missing; run scripts/setup.sh --test" >&2
  exit 1
fi
if [[ -z "${BANJI_BIN:-}" ]]; then
  cargo build -q -p api --bin banji
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/banji-fuzz-XXXXXX")
server=
cleanup() {
  [[ -n "$server" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# One SQLite file and the in-process cache, whatever the caller's environment says:
# the fuzzer's confidence in the spec does not depend on the backend.
export DATABASE_URL="sqlite://$work/banji.db" BANJI_DATA_DIR="$work/data" BANJI_WEB_DIST="$work/no-console"
export BANJI_LISTEN=127.0.0.1:0 BANJI_LOG_FORMAT=json RUST_LOG=info,sqlx=warn,poem=warn
unset REDIS_URL BANJI_DB_SCHEMA WECHAT_APPID

PASSWORD=fuzz-password-1
printf '%s\n' "$PASSWORD" | "$BIN" admin create fuzz.admin --password-stdin --display-name 模糊测试 >/dev/null
"$BIN" serve >"$work/server.log" 2>&1 &
server=$!
port=
for _ in $(seq 100); do
  port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -1 | cut -d: -f2 || true)
  [[ -n "$port" ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.3
done
[[ -n "$port" ]] || { echo "fuzz: banji did not start" >&2; cat "$work/server.log" >&2; exit 1; }
base="http://127.0.0.1:$port"
log "banji on $base"

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
call() { # method path token [body]
  curl -sf -X "$1" "$base/api/v1$2" -H "authorization: Bearer $3" -H 'content-type: application/json' \
    ${4:+--data "$4"}
}
access=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'content-type: application/json' \
  --data "{\"username\":\"fuzz.admin\",\"password\":\"$PASSWORD\"}" | json "['access_token']")
token=$(call POST /api-tokens "$access" '{"name":"fuzz","scopes":["read","write"]}' | json "['secret']")

# A little of everything, so small generated ids (1, 2 …) find real rows.
class=$(call POST /classes "$token" '{"name":"软件2301"}' | json "['id']")
lilei=$(call POST /students "$token" "{\"student_no\":\"2023000001\",\"name\":\"李雷\",\"class_id\":$class,\"phone\":\"13900000001\"}" | json "['id']")
code=$(call GET "/students/$lilei" "$token" | json "['bind_code']")
call POST /groups "$token" '{"name":"学生会"}' >/dev/null

# The student pages' operations take a student token (StudentAuth): a follower of the
# mock account binds to the student above and opens a page through WeChat authorisation.
sim() { curl -sf -X POST "$base/mock-wechat/sim$1" -H 'content-type: application/json' --data "$2"; }
openid=$(sim /users '{"nickname":"李雷的微信"}' | json "['openid']")
sim "/users/$openid/messages" "{\"type\":\"text\",\"content\":\"绑定 2023000001 李雷 $code\"}" | grep -q 绑定成功
# The authorisation is tied to the browser that started it (a nonce cookie): one jar.
redirect() { curl -s -c "$work/jar" -b "$work/jar" -o /dev/null -w '%{redirect_url}' "$1"; }
authorize=$(redirect "$base/api/v1/portal/oauth?next=/s/")
callback=$(redirect "${authorize%%#*}&openid=$openid")
page=$(redirect "$callback")
notice=$(call POST /notices "$token" "{\"title\":\"开学通知\",\"body\":\"九月一日报到\",\"audience\":{\"classes\":[$class]}}" | json "['id']")
call POST "/notices/$notice/send" "$token" "{}" >/dev/null
student=$(python3 -c "import sys, urllib.parse; print(urllib.parse.unquote(sys.argv[1].split('#token=')[1].split('&')[0]))" "$page")
[[ -n "$student" ]] || { echo "fuzz: no student token from $page" >&2; exit 1; }

# Each operation gets the token its security scheme names.
cat >"$work/schemathesis.toml" <<TOML
[auth.openapi.BearerAuth]
bearer = "$token"
[auth.openapi.StudentAuth]
bearer = "$student"
TOML

mkdir -p "$REPORTS"
log "schemathesis $SCHEMATHESIS_VERSION, seed $SEED, at most $EXAMPLES cases per operation and phase"
set +e
# From the throwaway folder: schemathesis keeps a crash cache (.schemathesis/) in the
# working directory and replays it first, and each run must stand on its seed alone.
(cd "$work" && "$ST" --config-file "$work/schemathesis.toml" run "$base/api/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --seed "$SEED" --max-examples "$EXAMPLES" \
  --phases examples,coverage,fuzzing \
  --workers 2 --max-redirects 0 --request-timeout 20 \
  --suppress-health-check all \
  --report junit --report-dir "$REPORTS" \
  `# The fuzzer's own token is id 1: revoking it would turn the rest of the run into 401s.` \
  --exclude-name-regex '^DELETE .*/v1/api-tokens/\{id\}$' \
  "$@")
status=$?
set -e
if (( status != 0 )); then
  log "server log: $REPORTS/server.log"
  cp "$work/server.log" "$REPORTS/server.log"
fi
exit "$status"
