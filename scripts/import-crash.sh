#!/usr/bin/env bash
# Issue #11 (crash): `kill -9` at three places, start again, and check that nothing is lost
# or doubled:
#   1. a running `qunlian import enterprises`: the register holds every row of the file once,
#      or none of it;
#   2. a server building its search index (the first start over listings), and one catching
#      up with new listings: after a restart the index holds exactly the open listings,
#      applied up to the last change;
#   3. a server rebuilding the derived coverage tables for its first reader: after a restart
#      the next reader gets the same cells as an undisturbed rebuild.
#   scripts/import-crash.sh [ROWS]            SQLite in a temporary folder
#   QUNLIAN_DATABASE=postgres://… scripts/import-crash.sh [ROWS]   PostgreSQL (an empty database)
# QUNLIAN_BIN defaults to target/debug/qunlian. Every wait is bounded; nothing is timed.
set -euo pipefail
rows=${1:-30000}
bin=${QUNLIAN_BIN:-target/debug/qunlian}
dir=$(mktemp -d)
server=
trap '[[ -n "$server" ]] && kill -9 "$server" 2>/dev/null; rm -rf "$dir"' EXIT
export QUNLIAN_DATA_DIR="$dir" QUNLIAN_INDEX_DIR="$dir/index" QUNLIAN_LOG=error
fail() { echo "FAIL: $*"; exit 1; }
"$bin" gen --enterprises "$rows" --out "$dir/e.csv" >/dev/null
query() {
  if [[ -n "${QUNLIAN_DATABASE:-}" ]]; then psql -qtA "$QUNLIAN_DATABASE" -c "$1"; else sqlite3 "$dir/qunlian.sqlite" "$1"; fi
}

# 1. The import.
"$bin" import enterprises "$dir/e.csv" >/dev/null 2>&1 &
pid=$!
# Kill it once it is applying (some rows written, not all), or at the end of reading. The
# command line's import writes in one transaction (state writing, decisions/0006): kill it
# half a second into that, while its rows are written and not committed.
for _ in $(seq 1 6000); do
  state=$(query "SELECT state || ':' || applied_rows FROM import_jobs ORDER BY id DESC LIMIT 1" 2>/dev/null || true)
  [[ "$state" == applying:* && "$state" != "applying:0" ]] && break
  [[ "$state" == writing:* ]] && { sleep 0.5; break; }
  [[ "$state" == done:* ]] && break
  sleep 0.01
done
alive=$(kill -0 "$pid" 2>/dev/null && echo "running" || echo "already finished")
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
echo "killed at: ${state:-before the job row} (the import ${alive})"
# The restart: any command that opens the store finishes an interrupted apply.
"$bin" export enterprises "$dir/out.xlsx" >/dev/null
count=$(query "SELECT COUNT(*) FROM units")
distinct=$(query "SELECT COUNT(DISTINCT uscc) FROM units")
echo "after restart: $count units ($distinct distinct USCCs) of $rows"
[[ "$count" == "$distinct" ]] || fail "doubled rows"
[[ "$count" == "$rows" || "$count" == "0" ]] || fail "part of the file"
# The same file again completes it and adds nothing twice.
"$bin" import enterprises "$dir/e.csv" >/dev/null 2>&1
count=$(query "SELECT COUNT(*) FROM units")
[[ "$count" == "$rows" ]] || fail "$count after re-import"
echo "OK: all or nothing, then all once (${SECONDS} s)"
SECONDS=0

# 2. The search index, over listings of the file's first enterprises in two lots.
listings() { # FIRST COUNT WORD → a listings CSV on stdout
  awk -F, -v first="$1" -v n="$2" -v word="$3" '
    NR == 1 { print "uscc,kind,category,title,description,industry_code,quantity,unit,urgency,reach,valid_until"; next }
    NR - 1 > first && NR - 1 <= first + n {
      i = NR - 1; kind = (i % 2) ? "需求" : "供给"
      printf "%s,%s,产品,%s%d,%s，长期合作,3421,%d,件,一般,区内,2030-12-31\n", $2, kind, word, i, word, 100 + i
    }' "$dir/e.csv"
}
lot=$((rows < 8000 ? rows / 2 : 4000))
listings 0 "$lot" 数控机床加工 >"$dir/l1.csv"
listings "$lot" "$lot" 注塑模具 >"$dir/l2.csv"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
up() { curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; }
start() {
  "$bin" --listen "127.0.0.1:$port" serve >>"$dir/serve.log" 2>&1 &
  server=$!
}
ready() { # the server prepares its index before it answers
  for _ in $(seq 1 1200); do up && return 0; sleep 0.05; done
  fail "the server did not start: $(tail -n 3 "$dir/serve.log")"
}
crash() {
  kill -9 "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  server=
}
# "DOCUMENTS APPLIED_UP_TO" of the index, from tantivy's meta.json.
index_state() {
  python3 - "$dir/index/meta.json" 2>/dev/null <<'PY' || echo "0 0"
import json, sys
m = json.load(open(sys.argv[1]))
docs = sum(s["max_doc"] - ((s.get("deletes") or {}).get("num_deleted_docs") or 0) for s in m["segments"])
print(docs, json.loads(m.get("payload") or "{}").get("up_to", 0))
PY
}
check_index() {
  local open max state
  open=$(query "SELECT COUNT(*) FROM listings WHERE status = 'open'")
  max=$(query "SELECT COALESCE(MAX(seq), 0) FROM listing_changes")
  state=$(index_state)
  echo "index after restart: ${state% *} documents, applied up to ${state#* }; $open open listings, last change $max"
  [[ "$state" == "$open $max" ]] || fail "the index did not catch up, or holds a listing twice"
}
# The change the index has applied up to, read cheaply enough to poll; -1 while its first
# rebuild is under way (documents written, no progress recorded), empty before anything.
applied_up_to() {
  local meta
  meta=$(cat "$dir/index/meta.json" 2>/dev/null) || return 0
  [[ "$meta" == *max_doc* ]] || return 0
  [[ "$meta" =~ up_to..:([0-9]+) ]] || return 0
  if [[ ${BASH_REMATCH[1]} == 0 ]]; then echo -1; else echo "${BASH_REMATCH[1]}"; fi
}
# Starts the server, kills it as soon as the index has committed past AFTER (a batch of
# changes, or of the rebuild), restarts it and checks.
crash_when() { # AFTER WHAT
  local a
  start
  for _ in $(seq 1 5000); do
    a=$(applied_up_to)
    [[ -n "$a" ]] && ((a > $1)) && break
    sleep 0.005
  done
  crash
  echo "killed during $2 at: $(index_state) (documents, applied up to)"
  start
  ready
  check_index
  crash
}
"$bin" import listings "$dir/l1.csv" >/dev/null
# The first start over listings builds the index in batches that record no progress.
crash_when -2 "the index rebuild"
"$bin" import listings "$dir/l2.csv" >/dev/null
# The next start applies the new listings' changes in batches, each recording its last change.
crash_when "$(applied_up_to)" "the index catching up"

echo "OK: the index caught up after both kills (${SECONDS} s)"
SECONDS=0

# 3. The derived coverage tables: categories as a district has them, one reader, kill.
for rule in 高新技术企业 规上企业 '从业人数>=100' 专精特新 上市企业 重点项目企业 '从业人数>=10' '行业=C34'; do
  query "INSERT INTO coverage_categories (name, rule, target_pct, deadline, position, is_demo, created_at, updated_at)
         SELECT '$rule', '$rule', 80, NULL, 1, false, created_at, created_at FROM units LIMIT 1" >/dev/null
done
"$bin" user create crash --role district_admin --scope region:310117 >/dev/null
query "UPDATE users SET must_change_password = false WHERE username = 'crash'" >/dev/null
token=$("$bin" token create crash 2>/dev/null | head -n 1)
read_coverage() { curl -fsS -o /dev/null -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/coverage"; }
cells() { query "SELECT category_id || ':' || town_code || ':' || status || ':' || n FROM coverage_cells ORDER BY 1" | md5sum; }
built() { query "SELECT CASE WHEN version = built_version THEN 'built' ELSE 'stale' END FROM derived_state WHERE name = 'coverage'"; }
# Whether a write transaction is open: on PostgreSQL one holding coverage_cells (the rebuild
# has emptied them and not yet committed), on SQLite any writer (the write lock is taken).
writing() {
  if [[ -n "${QUNLIAN_DATABASE:-}" ]]; then
    [[ $(query "SELECT COUNT(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                WHERE c.relname = 'coverage_cells' AND l.mode = 'RowExclusiveLock'") != 0 ]]
  else
    ! sqlite3 -cmd ".timeout 0" "$dir/qunlian.sqlite" "BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1
  fi
}
start
ready
read_coverage || fail "the coverage API did not answer"
crash
reference=$(cells)
[[ $(built) == built && $(query "SELECT COUNT(*) FROM coverage_cells") -gt 0 ]] || fail "no cells after a rebuild"
for attempt in 1 2 3; do
  start
  ready
  read_coverage || fail "the coverage API did not answer" # fresh: no rebuild, the token's use recorded
  query "UPDATE derived_state SET version = version + 1 WHERE name = 'coverage'" >/dev/null
  read_coverage >/dev/null 2>&1 &
  reader=$!
  # Kill while the rebuild writes, or after it if the poll never saw it.
  for _ in $(seq 1 2000); do
    writing && break
    kill -0 "$reader" 2>/dev/null || break
  done
  crash
  wait "$reader" 2>/dev/null || true
  at=$(built)
  start
  ready
  read_coverage || fail "the coverage API did not answer after the restart"
  [[ $(built) == built ]] || fail "the derived tables stayed stale after a reader"
  [[ $(cells) == "$reference" ]] || fail "the cells differ from an undisturbed rebuild after a kill"
  crash
  echo "coverage rebuild: kill ${attempt} landed with the tables ${at}; after restart the same cells"
  [[ $at == stale ]] && break
done
echo "OK: the derived tables were rebuilt the same after every kill (${SECONDS} s)"
