#!/usr/bin/env bash
# Builds the browser side into web/dist, which `banji serve` serves (BANJI_WEB_DIST):
#   web/dist/          the console's bundle (web/index.html, src/main.rs)
#   web/dist/student/  the students' pages (web/student.html, src/bin/student.rs), /s/…,
#                      and beside it student-notices, student-checkin, student-guides,
#                      each from a copy of web/student.html naming its bin
#   web/dist/teacher/  the teachers' phone pages (web/teacher.html, src/bin/teacher.rs), /t/…,
#                      and beside it teacher-tasks, from a copy of web/teacher.html
#                      (shared::Bundle::of says which path is whose)
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
# The phone bundles beyond the first of each shell: bin (= folder), the shell it copies.
copies=(student-notices:student student-checkin:student student-guides:student teacher-tasks:teacher)
built=1
for shell in index.html student/index.html teacher/index.html login/index.html "${copies[@]/%:*//index.html}"; do
  [[ -f "web/dist/$shell" ]] || built=0
done
if [[ $built == 1 && "$(cat "$stamp_file" 2>/dev/null)" == "$stamp" ]]; then
  echo "build-web: web/dist is up to date"
else
  trunk build --release
  trunk build web/student.html --release --dist web/dist/student --public-url /student/
  trunk build web/teacher.html --release --dist web/dist/teacher --public-url /teacher/
  for copy in "${copies[@]}"; do
    bin=${copy%%:*} shell=${copy##*:}
    # Trunk finds the shell's style sheets beside it, so the copy lives in web/ (ignored by git).
    sed -e "s/data-bin=\"$shell\"/data-bin=\"$bin\"/" "web/$shell.html" > "web/.$bin.html"
    trunk build "web/.$bin.html" --release --dist "web/dist/$bin" --public-url "/$bin/"
  done
  # The loader (web/boot.js) is named by its hash like Trunk's assets, so a repeat visit
  # takes it from the cache without asking: revalidating it cost a round trip (150 ms on
  # 3G) before anything else could start (docs/benchmarks.md, "Pages on a phone").
  boot="boot-$(sha256sum web/boot.js | cut -c1-16).js"
  for shell in web/dist/index.html web/dist/*/index.html; do
    folder=$(dirname "$shell")
    [[ -f "$folder/boot.js" ]] || continue
    mv "$folder/boot.js" "$folder/$boot"
    sed -i "s|/boot.js\"|/$boot\"|" "$shell"
  done
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
