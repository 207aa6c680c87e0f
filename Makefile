# 群链 qunlian — the two commands of the README, and a few conveniences.
.PHONY: demo test bench e2e assets build fmt lint fuzz load apitest

# Front-end libraries under node_modules/: the binary embeds them, so they come before cargo.
assets:
	npm ci --no-audit --no-fund --loglevel=error

build: assets
	cargo build --release -p qunlian

# Builds everything and starts the demo district on http://127.0.0.1:8080 (SQLite under ./data);
# the binary prints the URL and the demo logins.
demo: build
	./target/release/qunlian demo

# Installs what the tests need (PostgreSQL, Chromium, npm packages) and runs every test:
# SQLite, PostgreSQL, then the browser tests in Chromium. See scripts/test.sh.
test:
	bash scripts/test.sh

# Only the browser tests, against the debug build the tests use (Chromium and e2e/node_modules must be there;
# `make test` installs them).
e2e: assets
	npm ci --prefix e2e --no-audit --no-fund --loglevel=error
	cargo test --workspace --no-run -q
	QUNLIAN_BIN="$(CURDIR)/target/debug/qunlian" node --test --test-reporter=spec --test-concurrency=1 e2e/

# Benchmarks at district and corridor scale (release build), on SQLite and a throwaway
# PostgreSQL; `make bench BENCH_ARGS=--quick` runs them at 1/20 scale.
BENCH_ARGS ?=
bench: build
	bash scripts/bench.sh $(BENCH_ARGS)

# Fuzzes every parser user input reaches (rules, codes, the enterprise, listing and figures
# readers, search text, the activity, development, village-head and talent forms, periods and
# scopes) from the seed corpus in fuzz/corpus/, FUZZ_SECONDS each (stable toolchain; see
# fuzz/src/main.rs). A crash saves its input under fuzz/artifacts/ and fails the run.
FUZZ_SECONDS ?= 30
fuzz:
	cargo run -p qunlian-fuzz -- all --seconds $(FUZZ_SECONDS)

# The server under 64 concurrent clients for 60 s per target, at 226,000 enterprises, on SQLite
# and a throwaway PostgreSQL (release build): the load figures of docs/benchmarks.md.
# LOAD_ENTERPRISES, LOAD_SECONDS, LOAD_WARMUP_SECONDS, LOAD_CONNECTIONS and LOAD_DATABASES change the run.
load: build
	bash scripts/load.sh

# schemathesis against the API of a running demo (debug build): fails on any contract failure.
apitest: assets
	bash scripts/apitest.sh

fmt:
	cargo fmt --all -- --check

lint:
	cargo clippy --workspace --all-targets -- -D warnings
