#!/usr/bin/env bash
# Installs what building Banji needs and a fresh machine lacks, skipping whatever is
# already there at the right version:
#   - the wasm32-unknown-unknown Rust target
#   - trunk 0.21.14 (0.22 needs a newer rustc)
#   - wasm-bindgen-cli at exactly the version in Cargo.lock
#   - wasm-opt (binaryen 132) from the npm registry into ~/.binaryen: about 40 % off the
#     bundles; Debian's binaryen breaks Leptos builds (TOOLCHAIN.md)
#   - Debian's ffmpeg, which converts the voice notes followers send (AMR) for browsers
#     (optional for running: without it the console offers the AMR as a download)
# With --test, also what the test suite needs: Debian's chromium, a Chinese font for its
# screenshots, the e2e npm packages,
# and schemathesis (the API fuzzer of scripts/fuzz-api.sh) in its own virtualenv.
set -euo pipefail
cd "$(dirname "$0")/.."

TRUNK_VERSION=0.21.14
log() { printf '\033[1;32m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "$(trunk --version 2>/dev/null || true)" != "trunk $TRUNK_VERSION" ]]; then
  log "installing trunk $TRUNK_VERSION (about 10 minutes, once per machine)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# The CLI must match the wasm-bindgen crate exactly, or the generated glue breaks.
WBG_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ -z "$WBG_VERSION" ]]; then
  echo "setup: cannot find wasm-bindgen in Cargo.lock" >&2
  exit 1
fi
if ! grep -q "wasm_bindgen = \"$WBG_VERSION\"" Trunk.toml; then
  echo "setup: Trunk.toml pins a wasm_bindgen other than $WBG_VERSION (Cargo.lock); update [tools] in Trunk.toml" >&2
  exit 1
fi
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WBG_VERSION" ]]; then
  log "installing wasm-bindgen-cli $WBG_VERSION (a few minutes, once per machine)"
  # Not --locked: its lockfile pins a webpki-roots release this registry does not carry.
  cargo install wasm-bindgen-cli --version "$WBG_VERSION"
fi

BINARYEN_VERSION=132.0.0
if [[ "$("$HOME/.binaryen/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)" != *"version ${BINARYEN_VERSION%%.*}"* ]]; then
  log "installing wasm-opt (binaryen $BINARYEN_VERSION from the npm registry)"
  npm install --prefix "$HOME/.binaryen" --no-audit --no-fund --loglevel=error "binaryen@$BINARYEN_VERSION"
fi

if ! command -v ffmpeg >/dev/null; then
  log "installing Debian's ffmpeg (converts voice notes for the console's player)"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get install -y -q ffmpeg >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q ffmpeg >/dev/null; }; }; then
    if [[ "${1:-}" == "--test" ]]; then
      echo "setup: the tests need ffmpeg (voice notes are converted with it)" >&2
      exit 1
    fi
    log "no ffmpeg: voice notes will be offered as AMR downloads (see BANJI_FFMPEG in the README)"
  fi
fi

if [[ "${1:-}" == "--test" ]]; then
  if ! command -v chromium >/dev/null; then
    log "installing Debian's chromium for the browser test"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q chromium >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
  fi
  # Screenshots must show the console's Chinese, not boxes: Debian's chromium brings no CJK font.
  if ! fc-list 2>/dev/null | grep -qi "wqy"; then
    log "installing a Chinese font for the browser tests' screenshots"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q fonts-wqy-zenhei >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q fonts-wqy-zenhei >/dev/null; }
  fi
  if [[ ! -d e2e/node_modules/playwright-core ]]; then
    log "installing the e2e test's npm packages (playwright-core only; it drives the system chromium)"
    npm ci --prefix e2e --no-audit --no-fund --loglevel=error
  fi
  # The version is pinned once, in the script that runs it.
  ST_VERSION=$(sed -n 's/^SCHEMATHESIS_VERSION=//p' scripts/fuzz-api.sh)
  ST_VENV=${XDG_CACHE_HOME:-$HOME/.cache}/banji/schemathesis-$ST_VERSION
  if [[ "$("$ST_VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $ST_VERSION" ]]; then
    log "installing schemathesis $ST_VERSION for the API fuzz run (its own virtualenv)"
    rm -rf "$ST_VENV"
    if ! python3 -m venv "$ST_VENV" 2>/dev/null; then
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -q python3-venv >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q python3-venv >/dev/null; }
      python3 -m venv "$ST_VENV"
    fi
    "$ST_VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$ST_VERSION"
  fi
fi
log "tools ready"
