#!/usr/bin/env bash
# make test: every test on SQLite and on a throwaway PostgreSQL, then the browser tests in
# Debian's Chromium. Installs what is missing; needs nothing started by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== 前端依赖 (npm ci) =="
npm ci --no-audit --no-fund --silent

echo "== SQLite =="
cargo test --workspace

echo "== PostgreSQL =="
source scripts/pg.sh
TEST_DATABASE_URL="$PG_URL" cargo test --workspace

echo "== 浏览器 (Chromium) =="
if [ ! -x /usr/bin/chromium ]; then
  echo "安装 Chromium（apt-get install chromium）…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# Screenshots need a Chinese font; office PCs have one, a fresh Debian does not.
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null
fi
npm ci --prefix e2e --no-audit --no-fund --silent
cargo build -p qunlian
QUNLIAN_BIN="$PWD/target/debug/qunlian" node --test --test-concurrency=1 e2e/
