#!/usr/bin/env bash
# make bench: release build, a throwaway PostgreSQL, then the figures of docs/benchmarks.md.
# Arguments go to the benchmark (`make bench BENCH_ARGS=--quick`: 1/20 scale).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p qunlian -p qunlian-bench
source scripts/pg.sh
# Measured as a production server runs: durable commits. (With synchronous_commit=off the
# VACUUM after a bulk import cannot set hint bits yet, so it cannot mark pages all-visible
# and the list's index-only scan falls back to reading the table.)
export PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
trap pg_stop EXIT
trap 'exit 130' INT TERM
if pg_start; then
  export BENCH_DATABASE_URL="$PG_URL"
else
  echo "警告：PostgreSQL 未能启动，只测 SQLite" >&2
fi
QUNLIAN_BIN="$PWD/target/release/qunlian" ./target/release/qunlian-bench "$@"
