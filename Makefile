# Banji's commands. The README's quick start is `make run` and `make test`.
.PHONY: run test setup console lint openapi admin e2e bench bench-webhook bench-faults bench-pages fuzz

# Set up the tools, build the console, and run Banji on the embedded defaults
# (SQLite in ./data, in-process cache, mock WeChat) at http://127.0.0.1:8080.
run: setup console
	cargo run --release -p api --bin banji -- serve

# The whole test suite: Rust unit and integration tests, then the browser test.
# Uses SQLite and the in-process cache, or PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set.
# BROWSER_TESTS=0 leaves the browser tests out (CI runs them once, on PostgreSQL + Redis).
test: console
	scripts/setup.sh --test
	cargo test -p api -p shared
	@if [ "$(BROWSER_TESTS)" = "0" ]; then echo "browser tests skipped (BROWSER_TESTS=0)"; else \
	  node e2e/console.test.mjs && node e2e/people.test.mjs && node e2e/notices.test.mjs && \
	  node e2e/receipts.test.mjs && node e2e/checkin.test.mjs && node e2e/autoreply.test.mjs && \
	  node e2e/teacher.test.mjs && node e2e/qrcodes.test.mjs && node e2e/channels.test.mjs && node e2e/mass.test.mjs && \
	  node e2e/documents.test.mjs && node e2e/guides.test.mjs && node e2e/phone.test.mjs && node e2e/topics.test.mjs && \
	  node e2e/demo.test.mjs; fi

setup:
	scripts/setup.sh

# The API against its own spec: schemathesis, seeded, over every operation, on a fresh
# SQLite database (CI runs it after the SQLite tests; see scripts/fuzz-api.sh).
fuzz:
	scripts/setup.sh --test
	scripts/fuzz-api.sh

# Build the console and the students' and teachers' phone pages into web/dist (served by `banji serve`),
# precompressed and checked against their size budget (web/budget.json).
console: setup
	scripts/build-web.sh

lint:
	cargo fmt --all --check
	cargo clippy -p api -p shared --all-targets -- -D warnings
	cargo clippy -p web --target wasm32-unknown-unknown -- -D warnings
	cargo check -p shared --target wasm32-unknown-unknown

# Regenerate the committed OpenAPI spec after changing an endpoint.
openapi:
	cargo run -q -p api --bin banji -- openapi > openapi/openapi.json

# Create an admin: make admin name=wang
admin:
	cargo run -q --release -p api --bin banji -- admin create $(name)

# The measurements in docs/benchmarks.md (each prints a markdown table).
bench:
	scripts/bench.sh

bench-webhook:
	cargo bench -p api --bench webhook
	scripts/bench-webhook.sh

# The webhook while its Redis is paused, killed and restarted (needs redis-server and wrk).
bench-faults:
	scripts/bench-faults.sh

# How fast the pages open on a phone network (prints the table in docs/benchmarks.md).
bench-pages: console
	cargo build --release -p api --bin banji
	BANJI_BIN=target/release/banji node e2e/bench-pages.mjs
