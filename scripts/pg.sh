# Sourced by test.sh and bench.sh: installs PostgreSQL when missing and starts a throwaway
# server on 127.0.0.1, in a temporary folder, stopped and deleted on exit.
# Sets PG_URL (postgres://postgres@127.0.0.1:PORT/qunlian_test).

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  echo "安装 PostgreSQL（apt-get install postgresql）…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(pg_bin)
PG_DIR=$(mktemp -d /tmp/qunlian-pg.XXXXXX)
PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$PG_DIR" postgres
  chown postgres "$PG_DIR"
  AS_PG="runuser -u postgres --"
else
  AS_PG=""
fi
$AS_PG "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
$AS_PG "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c max_connections=300" start >/dev/null

pg_stop() {
  $AS_PG "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap pg_stop EXIT

"$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE qunlian_test" >/dev/null
PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/qunlian_test"
echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') 已在 127.0.0.1:$PG_PORT 启动（临时）"
