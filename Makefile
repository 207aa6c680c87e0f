# 群链 qunlian — the two commands of the README, and a few conveniences.
.PHONY: demo test bench assets build fmt lint

assets:
	npm ci --no-audit --no-fund

build: assets
	cargo build --release -p qunlian

# Builds everything and starts the demo district on http://127.0.0.1:8080 (SQLite under ./data).
demo: build
	./target/release/qunlian demo

# Installs what the tests need (PostgreSQL, Chromium, npm packages) and runs every test:
# SQLite, PostgreSQL, then the browser tests in Chromium.
test:
	bash scripts/test.sh

# Benchmarks at district and corridor scale (release build); figures in docs/benchmarks.md.
bench: build
	bash scripts/bench.sh

fmt:
	cargo fmt --all -- --check

lint:
	cargo clippy --workspace --all-targets -- -D warnings
