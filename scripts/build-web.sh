#!/usr/bin/env bash
# Builds the browser side into web/dist, which `banji serve` serves (BANJI_WEB_DIST):
#   web/dist/          the console's bundle (web/index.html, src/main.rs)
#   web/dist/student/  the students' pages (web/student.html, src/bin/student.rs), whose
#                      shell the server answers /s/… with
#   web/dist/teacher/  the teachers' phone pages (web/teacher.html, src/bin/teacher.rs), /t/…
#   web/dist/login/    the console's sign-in page (web/login.html, web/login.js), /login:
#                      plain HTML and a small script, no WebAssembly
# then precompresses every hashed asset and checks the bundles against their budget
# (web/budget.json). Trunk empties its own dist folder first, so the console goes first.
# Skipped when nothing it builds from changed since the last build (CI's two test passes
# share one build).
set -euo pipefail
cd "$(dirname "$0")/.."
# wasm-opt 132 from the npm registry (scripts/setup.sh), never Debian's.
export PATH="$HOME/.binaryen/node_modules/.bin:$PATH"
# One Trunk at a time: parallel builds share target/ and Trunk's staging folders.
exec 9>/tmp/banji-trunk.lock
flock 9

stamp_file=target/web-build.stamp
stamp=$({ cat Trunk.toml .cargo/config.toml Cargo.lock web/Cargo.toml shared/Cargo.toml web/*.html web/*.css web/*.js \
  scripts/build-web.sh scripts/precompress.mjs; find web/src shared/src -type f | sort | xargs cat; } | sha256sum | cut -c1-32)
if [[ -f web/dist/index.html && -f web/dist/student/index.html && -f web/dist/teacher/index.html && -f web/dist/login/index.html && "$(cat "$stamp_file" 2>/dev/null)" == "$stamp" ]]; then
  echo "build-web: web/dist is up to date"
else
  trunk build --release
  trunk build web/student.html --release --dist web/dist/student --public-url /student/
  trunk build web/teacher.html --release --dist web/dist/teacher --public-url /teacher/
  # The sign-in page has no Rust: copied, its CSS and script named by their hash as
  # Trunk names assets (so they are cached for good and precompressed).
  mkdir -p web/dist/login
  css="style-$(sha256sum web/style.css | cut -c1-16).css"
  js="login-$(sha256sum web/login.js | cut -c1-16).js"
  cp web/style.css "web/dist/login/$css"
  cp web/login.js "web/dist/login/$js"
  sed -e "s|/login/style.css|/login/$css|" -e "s|/login/login.js|/login/$js|" web/login.html > web/dist/login/index.html
  node scripts/precompress.mjs web/dist
  mkdir -p target && echo "$stamp" > "$stamp_file"
fi
node scripts/bundle-budget.mjs web/dist
