#!/usr/bin/env bash
# What SQLite alone needs to put a register into `units` (docs/benchmarks.md, “The floor, in
# SQLite alone”): the rows of a finished `qunlian import` are copied to a plain table and
# written back by the sqlite3 shell — no Rust, no parsing, no encryption — in one statement,
# with the wide list index dropped, with the secondary indexes built afterwards, and in the
# 10,000-row transactions the staged import applies in. Prints one line per way.
#
#   bash scripts/import-floor.sh                 226,000 enterprises from `qunlian gen`
#   FLOOR_ENTERPRISES=50000 bash scripts/import-floor.sh
#
# Needs a release build (built when missing) and the sqlite3 shell (Debian's sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${FLOOR_ENTERPRISES:-226000}
BIN=${QUNLIAN_BIN:-$PWD/target/release/qunlian}
[ -x "$BIN" ] || cargo build --release -p qunlian
command -v sqlite3 >/dev/null || { echo "需要 sqlite3（apt-get install sqlite3）" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BIN" --data-dir "$WORK/gen" gen --enterprises "$N" --out "$WORK/e.csv" >/dev/null
"$BIN" --data-dir "$WORK/d" import enterprises "$WORK/e.csv" | tail -1

COLS="kind, name, uscc, town_code, park_id, industry_code, employees, high_tech, above_scale, srdi, listed, key_project, founded_on, address, contact_name, contact_phone_enc, contact_phone_bidx, row_hash, is_demo"
PRAGMAS="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-262144; PRAGMA wal_autocheckpoint=16384;"
INSERT="INSERT INTO units ($COLS, created_at, updated_at) SELECT $COLS, 'x', 'x'"
UPSERT="ON CONFLICT (uscc) DO UPDATE SET name = excluded.name"

# A copy of the imported database whose enterprises sit in `src` (numbered 0..N-1) and in
# `import_staging` (job 99), with `units` emptied of them.
prepare() {
  rm -f "$WORK"/x.sqlite*
  sqlite3 "$WORK/d/qunlian.sqlite" ".backup $WORK/x.sqlite"
  sqlite3 "$WORK/x.sqlite" >/dev/null <<EOF
$PRAGMAS
CREATE TABLE src (seq INTEGER PRIMARY KEY, $COLS);
INSERT INTO src SELECT row_number() OVER () - 1, $COLS FROM units WHERE kind = 'enterprise';
INSERT INTO import_staging (job_id, seq, line, unit_id, $COLS, changes) SELECT 99, seq, 0, NULL, $COLS, NULL FROM src;
DROP TRIGGER units_coverage_delete; DROP TRIGGER units_service_report_town_cells_deleted;
DROP TRIGGER units_sums_delete; DROP TRIGGER units_dirty_delete;
DELETE FROM units WHERE kind = 'enterprise';
EOF
}

# Runs the statements on stdin against the prepared copy; prints the seconds they took.
timed() {
  local start end
  start=$(date +%s.%N)
  { echo "$PRAGMAS"; cat; } | sqlite3 "$WORK/x.sqlite" >/dev/null
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f} s')"
}

prepare
printf '%-62s %s\n' "one statement into units (all indexes, trigger)" "$(echo "$INSERT FROM src WHERE true $UPSERT;" | timed)"

prepare
printf '%-62s %s\n' "one statement, without the list index idx_units_list" \
  "$(echo "DROP INDEX idx_units_list; $INSERT FROM src WHERE true $UPSERT;" | timed)"

prepare
INDEXES=$(sqlite3 "$WORK/x.sqlite" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'units' AND sql IS NOT NULL AND name <> 'sqlite_autoindex_units_1'")
DROPS=$(sqlite3 "$WORK/x.sqlite" "SELECT 'DROP INDEX \"' || name || '\";' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'units' AND sql IS NOT NULL")
printf '%-62s %s\n' "one transaction, secondary indexes built afterwards" \
  "$(printf '%s\nBEGIN; %s FROM src WHERE true %s;\n%s\nCOMMIT;\n' "$DROPS" "$INSERT" "$UPSERT" "$INDEXES" | timed)"

prepare
printf '%-62s %s\n' "10,000-row transactions from import_staging (as shipped)" "$(
  for ((lo = 0; lo < N; lo += 10000)); do
    echo "BEGIN; $INSERT FROM import_staging WHERE job_id = 99 AND seq >= $lo AND seq < $((lo + 10000)) $UPSERT;"
    echo "DELETE FROM import_staging WHERE job_id = 99 AND seq >= $lo AND seq < $((lo + 10000)); COMMIT;"
  done | timed
)"
