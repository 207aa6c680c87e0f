#!/usr/bin/env bash
# make bench: release build, a throwaway PostgreSQL, then the figures of docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p qunlian -p qunlian-bench
source scripts/pg.sh
BENCH_DATABASE_URL="$PG_URL" QUNLIAN_BIN="$PWD/target/release/qunlian" ./target/release/qunlian-bench "$@"
