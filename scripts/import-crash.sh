#!/usr/bin/env bash
# Issue #11 (crash): `kill -9` a running `qunlian import enterprises`, start again, and check
# that the register holds every row of the file once, or none of it.
#   scripts/import-crash.sh [ROWS]            SQLite in a temporary folder
#   QUNLIAN_DATABASE=postgres://… scripts/import-crash.sh [ROWS]   PostgreSQL (an empty database)
# QUNLIAN_BIN defaults to target/debug/qunlian.
set -euo pipefail
rows=${1:-30000}
bin=${QUNLIAN_BIN:-target/debug/qunlian}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export QUNLIAN_DATA_DIR="$dir"
"$bin" gen --enterprises "$rows" --out "$dir/e.csv" >/dev/null
query() {
  if [[ -n "${QUNLIAN_DATABASE:-}" ]]; then psql -qtA "$QUNLIAN_DATABASE" -c "$1"; else sqlite3 "$dir/qunlian.sqlite" "$1"; fi
}
"$bin" import enterprises "$dir/e.csv" >/dev/null 2>&1 &
pid=$!
# Kill it once it is applying (some rows written, not all), or at the end of reading.
for _ in $(seq 1 6000); do
  state=$(query "SELECT state || ':' || applied_rows FROM import_jobs ORDER BY id DESC LIMIT 1" 2>/dev/null || true)
  [[ "$state" == applying:* && "$state" != "applying:0" ]] && break
  [[ "$state" == done:* ]] && break
  sleep 0.01
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "killed at: ${state:-before the job row}"
# The restart: any command that opens the store finishes an interrupted apply.
"$bin" export enterprises "$dir/out.xlsx" >/dev/null
count=$(query "SELECT COUNT(*) FROM units")
distinct=$(query "SELECT COUNT(DISTINCT uscc) FROM units")
echo "after restart: $count units ($distinct distinct USCCs) of $rows"
if [[ "$count" != "$distinct" ]]; then echo "FAIL: doubled rows"; exit 1; fi
if [[ "$count" != "$rows" && "$count" != "0" ]]; then echo "FAIL: part of the file"; exit 1; fi
# The same file again completes it and adds nothing twice.
"$bin" import enterprises "$dir/e.csv" >/dev/null 2>&1
count=$(query "SELECT COUNT(*) FROM units")
[[ "$count" == "$rows" ]] || { echo "FAIL: $count after re-import"; exit 1; }
echo "OK: all or nothing, then all once"
