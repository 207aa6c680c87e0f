#!/usr/bin/env bash
# A throwaway PostgreSQL on 127.0.0.1 for the tests and benchmarks: installed from Debian when
# missing, its data in a fresh folder under /tmp, stopped and deleted afterwards.
#
#   source scripts/pg.sh; pg_start && …"$PG_URL"…; pg_stop     (test.sh, bench.sh)
#   bash scripts/pg.sh cargo test -p qunlian-store               (by hand: runs the command with
#                                                                 TEST_DATABASE_URL set, then stops)
#
# pg_start sets PG_URL=postgres://postgres@127.0.0.1:PORT/qunlian_test. Tests run with
# durability off for speed; PG_EXTRA_OPTS (later -c settings win) turns it back on where
# behaviour must be a production server's, as in the benchmarks. The server listens on
# 127.0.0.1 only, its unix socket is in the temporary folder, and it trusts local connections:
# nothing about it outlives the run.

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Runs a command as root: directly, through sudo, or says what to do.
pg_as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "需要 root 权限执行：$*" >&2; return 1
  fi
}

pg_install() {
  local bin
  bin=$(pg_bindir)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] && return 0
  echo "未找到 PostgreSQL 服务端，安装中（apt-get install postgresql）…"
  pg_as_root apt-get update -qq || return 1
  pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
  bin=$(pg_bindir)
  [ -n "$bin" ] && [ -x "$bin/initdb" ]
}

# A port nobody listens on; node is always there (npm is a prerequisite), python may not be.
pg_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

pg_start() {
  pg_install || { echo "PostgreSQL 安装失败" >&2; return 1; }
  PG_BIN=$(pg_bindir)
  PG_DIR=$(mktemp -d /tmp/qunlian-pg.XXXXXX) || return 1
  # The server refuses to run as root: as root, it runs as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /var/lib/postgresql postgres || return 1
    chown postgres: "$PG_DIR" || return 1
    PG_AS=(runuser -u postgres --)
  else
    PG_AS=()
  fi
  if ! "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    echo "initdb 失败" >&2
    return 1
  fi
  # A free port can be taken between the look and the start: try a few.
  local try
  for try in 1 2 3; do
    PG_PORT=$(pg_free_port) || return 1
    if "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start -o \
      "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${PG_EXTRA_OPTS:-}" >/dev/null; then
      break
    fi
    if [ "$try" = 3 ]; then
      cat "$PG_DIR/server.log" >&2
      echo "PostgreSQL 未能启动" >&2
      return 1
    fi
  done
  if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE qunlian_test" >/dev/null; then
    echo "创建数据库 qunlian_test 失败" >&2
    return 1
  fi
  PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/qunlian_test"
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') 已在 127.0.0.1:$PG_PORT 启动（临时，数据在 $PG_DIR）"
}

# Stops the server and deletes its folder; safe to call twice, or after a failed start.
pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
      "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
  fi
  PG_DIR=
}

# Run directly: start, run the command with TEST_DATABASE_URL, stop.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  trap pg_stop EXIT
  trap 'exit 130' INT TERM
  pg_start
  if [ $# -eq 0 ]; then
    echo "用法：bash scripts/pg.sh 命令 [参数…]（命令运行时 TEST_DATABASE_URL=$PG_URL）" >&2
    exit 2
  fi
  TEST_DATABASE_URL="$PG_URL" PG_URL="$PG_URL" "$@"
fi
