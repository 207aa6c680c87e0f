#!/usr/bin/env bash
# make test: every test on SQLite and on a throwaway PostgreSQL, then the browser tests in
# Debian's Chromium. Installs what is missing (a Chinese font, PostgreSQL, Chromium, the npm
# packages) and starts what it needs; a fresh Debian 12 with Rust, Node 20 and npm is enough.
#
# Every phase runs even when an earlier one failed, so one run shows everything that is
# wrong; the script exits non-zero if anything failed, and ends with a summary.
set -uo pipefail
cd "$(dirname "$0")/.."

LOGS=$(mktemp -d /tmp/qunlian-test.XXXXXX)
source scripts/pg.sh
cleanup() { pg_stop; rm -rf "$LOGS"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

section() { printf '\n== %s ==\n' "$1"; }

declare -a SUMMARY=()
PASSED=0
FAILED=0
STATUS=0

# Runs one phase's command with its output kept for counting: cargo's "test result: …
# N passed; M failed" lines and node's "ℹ pass N" / "ℹ fail M". A phase that failed without
# a failing test (a build error, a server that did not start) counts as one failure, so the
# closing line never says "0 failed" about a failed run.
run_phase() {
  local name=$1
  shift
  local log="$LOGS/phase.log"
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  read -r p f < <(awk '
    /test result: / {
      if (match($0, /[0-9]+ passed/)) p += substr($0, RSTART, RLENGTH) + 0
      if (match($0, /[0-9]+ failed/)) f += substr($0, RSTART, RLENGTH) + 0
    }
    /^(ℹ|#) pass [0-9]+$/ { p += $3 }
    /^(ℹ|#) fail [0-9]+$/ { f += $3 }
    END { print p + 0, f + 0 }' "$log")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  if [ "$rc" -eq 0 ]; then
    SUMMARY+=("$name：通过（$p 项）")
  else
    SUMMARY+=("$name：失败（通过 $p 项，失败 $f 项，退出码 $rc）")
    STATUS=1
  fi
}

fail_phase() {
  SUMMARY+=("$1：失败（$2）")
  FAILED=$((FAILED + 1))
  STATUS=1
}

APT_UPDATED=
apt_install() {
  if [ -z "$APT_UPDATED" ]; then
    pg_as_root apt-get update -qq || return 1
    APT_UPDATED=1
  fi
  pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

section "准备：前端依赖 (npm ci)"
for tool in cargo node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "缺少 $tool：请先安装 Rust 与 Node.js 20（含 npm）" >&2; exit 1; }
done
# The binary embeds files from node_modules, so nothing builds without this.
if ! npm ci --no-audit --no-fund --loglevel=error; then
  echo "npm ci 失败：无法构建（前端资源嵌入在二进制中）" >&2
  exit 1
fi

# The 工作简报's PDF and charts (crates/io/src/briefing) and the browser screenshots need a
# Chinese font, and the title a second, bold one: office PCs have them, a fresh Debian has
# none. Noto CJK brings a serif regular and bold face. Installed before the first cargo test,
# since the briefing tests read the fonts from the system.
if ! fc-list ':lang=zh:weight=200' 2>/dev/null | grep -q .; then
  echo "安装中文字体（fonts-noto-cjk：正文宋体与标题粗体）…"
  apt_install fontconfig fonts-noto-cjk || echo "警告：中文字体安装失败：简报测试会失败，截图中的汉字会显示为方框" >&2
fi

# The tree is built once, for the tests, and every phase runs that build. Incremental caches
# serve an edit-and-compile loop, not one full run (they were 5.7 GB of a fresh run's 18 GB).
# The binary the import-crash and browser phases start is the one the cli's own tests start
# (cargo test builds target/debug/qunlian for them): a separate `cargo build -p qunlian`
# resolves a few dependencies' features differently (regex, serde, digest) and built the
# whole tree a second time, which is what filled CI's disk.
export CARGO_INCREMENTAL=0
binary_built() { cargo test --workspace --no-run -q 2>/dev/null && [ -x target/debug/qunlian ]; }

section "SQLite"
run_phase "SQLite" env -u TEST_DATABASE_URL cargo test --workspace
# kill -9 during an import, restart: all of the file or none, nothing doubled (issue #11).
if binary_built; then
  run_phase "导入中断 (SQLite)" bash scripts/import-crash.sh 30000
else
  fail_phase "导入中断 (SQLite)" "构建失败（见 SQLite 一节的编译输出）"
fi

section "PostgreSQL"
if pg_start; then
  run_phase "PostgreSQL" env TEST_DATABASE_URL="$PG_URL" cargo test --workspace
  if psql "$PG_URL" -qc "CREATE DATABASE import_crash" && binary_built; then
    run_phase "导入中断 (PostgreSQL)" env QUNLIAN_DATABASE="${PG_URL%/*}/import_crash" \
      bash scripts/import-crash.sh 30000
  else
    fail_phase "导入中断 (PostgreSQL)" "无法准备数据库或构建"
  fi
  pg_stop
else
  fail_phase "PostgreSQL" "临时数据库未能启动"
fi

section "浏览器 (Chromium)"
browser_ready=1
if [ ! -x /usr/bin/chromium ]; then
  echo "未找到 /usr/bin/chromium，安装中（apt-get install chromium）…"
  apt_install chromium || { fail_phase "浏览器 (Chromium)" "无法安装 chromium"; browser_ready=; }
fi
if [ -n "$browser_ready" ] && ! npm ci --prefix e2e --no-audit --no-fund --loglevel=error; then
  fail_phase "浏览器 (Chromium)" "npm ci --prefix e2e 失败"
  browser_ready=
fi
if [ -n "$browser_ready" ] && ! binary_built; then
  fail_phase "浏览器 (Chromium)" "构建失败（见 SQLite 一节的编译输出）"
  browser_ready=
fi
if [ -n "$browser_ready" ]; then
  run_phase "浏览器 (Chromium)" env QUNLIAN_BIN="$PWD/target/debug/qunlian" \
    node --test --test-reporter=spec --test-concurrency=1 e2e/
fi

section "结果"
printf '%s\n' "${SUMMARY[@]}"
echo "截图：e2e/screenshots/"
echo "$PASSED passed, $FAILED failed"
exit "$STATUS"
