#!/usr/bin/env bash
# make load: the server under concurrent clients, on SQLite and on a throwaway PostgreSQL:
# requests/s, p50/p99, errors and the server's RSS before and after (docs/benchmarks.md).
#
#   bash scripts/load.sh                  226,000 enterprises, 64 connections, 60 s per target
#   LOAD_ENTERPRISES=20000 LOAD_SECONDS=10 bash scripts/load.sh      a quick look
#   LOAD_DATABASES=sqlite bash scripts/load.sh                       SQLite only
#   LOAD_WARMUP_SECONDS=10 (default) the warm-up pass of every target before RSS is read
#
# Targets: the enterprise list (API, API with town + 高新 filter, page), the coverage page
# and API, a listing's matches (API), and login (form post after the login page). Every
# request goes to 127.0.0.1; each run stops by itself after LOAD_SECONDS. Needs a release
# build (built when missing), wrk (installed from Debian when missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${LOAD_ENTERPRISES:-226000}
SECONDS_PER=${LOAD_SECONDS:-60}
WARMUP_SECONDS=${LOAD_WARMUP_SECONDS:-10}
CONNECTIONS=${LOAD_CONNECTIONS:-64}
DATABASES=${LOAD_DATABASES:-sqlite postgres}
BIN=${QUNLIAN_BIN:-$PWD/target/release/qunlian}

source scripts/pg.sh

[ -x "$BIN" ] || cargo build --release -p qunlian
if ! command -v wrk >/dev/null 2>&1; then
  echo "未找到 wrk，安装中（apt-get install wrk）…"
  pg_as_root apt-get update -qq && pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

WORK=$(mktemp -d /tmp/qunlian-load.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export QUNLIAN_MASTER_KEY
QUNLIAN_MASTER_KEY=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
export QUNLIAN_LOG=error

echo "生成 $N 家合成企业…"
"$BIN" --data-dir "$WORK" gen --enterprises "$N" --out "$WORK/enterprises.csv" >/dev/null
# 400 offers and needs of the first 400 enterprises, for the matches target.
python3 - "$WORK/enterprises.csv" "$WORK/listings.csv" <<'PY'
import csv, sys
words = [("数控机床加工", "3421"), ("注塑模具", "3525"), ("锂电池电芯", "3841"), ("工业机器人", "3491"),
         ("钢材原材料", "3130"), ("PCB 线路板", "3982"), ("仓储场地", "5960"), ("检测认证服务", "7452")]
cats = ["capacity", "product", "product", "equipment", "material", "product", "space", "service"]
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    r = csv.reader(f); next(r)
    w = csv.writer(out)
    w.writerow(["uscc", "kind", "category", "title", "description", "industry_code", "quantity", "unit",
                "urgency", "reach", "valid_until"])
    for i, row in zip(range(400), r):
        word, code = words[i % len(words)]
        kind = "offer" if i % 2 == 0 else "need"
        w.writerow([row[1], kind, cats[i % len(cats)], f"{word}{'供应' if kind == 'offer' else '需求'}{i}",
                    f"{word}，长期合作，松江区内优先", code, str(100 + i), "件", "normal", "district", "2030-12-31"])
PY

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# wrk's summary → "requests/s p50 p99 errors" (latencies in ms).
wrk_run() {
  local url=$1; shift
  wrk -t2 -c"$CONNECTIONS" -d"${RUN_SECONDS}s" --latency --timeout 10s "$@" "$url" >"$WORK/wrk.txt" 2>&1 || true
  python3 - "$WORK/wrk.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m:
        return float("nan")
    n, u = m.groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
# At a line's start: "Req/Sec … 73.50%" must not be read as the median.
p50 = re.search(r"^\s*50%\s+(\S+)", t, re.M); p99 = re.search(r"^\s*99%\s+(\S+)", t, re.M)
errs = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
errs += int(non2xx.group(1)) if non2xx else 0
if not rps:
    print("wrk 失败：" + t.replace("\n", " ")[:200], end=""); sys.exit(0)
print(f"{float(rps.group(1)):9.0f} {ms(p50.group(1)) if p50 else 0:9.1f} {ms(p99.group(1)) if p99 else 0:9.1f} {errs:7d}" + ("" if p50 and p99 and ms(p99.group(1)) == ms(p99.group(1)) else f"  (wrk: {p50.group(1) if p50 else None} {p99.group(1) if p99 else None})"), end="")
PY
  # The server's RSS after the target, to tell which target grows it.
  printf ' %8s\n' "$(rss_mb "$SERVER_PID")"
}

run_database() {
  local name=$1 url=$2 data="$WORK/$1"
  mkdir -p "$data"
  local q=("$BIN" --data-dir "$data" --database "$url")
  echo
  echo "== $name：导入 $N 家企业 =="
  local t0=$SECONDS
  "${q[@]}" import enterprises "$WORK/enterprises.csv" | tail -n 1
  echo "（导入用时 $((SECONDS - t0)) 秒）"
  "${q[@]}" import listings "$WORK/listings.csv" | tail -n 1
  local pw
  pw=$("${q[@]}" user create loadadmin --role district_admin --scope region:310117 | sed -n 's/.*初始密码：\([^（]*\)（.*/\1/p')
  local port
  port=$(free_port)
  # Trusting 127.0.0.1 as a proxy lets the login target's clients each give their own address
  # (X-Forwarded-For), as 64 users behind a reverse proxy; without a header nothing changes.
  QUNLIAN_TRUSTED_PROXY=127.0.0.1 "${q[@]}" --listen "127.0.0.1:$port" serve >"$data/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 120); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 1
  done
  local base="http://127.0.0.1:$port"
  local newpw="Load@${RANDOM}x${RANDOM}"
  local cookie token
  cookie=$(python3 scripts/load_login.py session "$base" loadadmin "$pw" "$newpw")
  token=$("${q[@]}" token create loadadmin)
  local listing
  listing=$(curl -fsS -H "Authorization: Bearer $token" "$base/api/v1/listings" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  local auth=(-H "Authorization: Bearer $token") page=(-H "Cookie: $cookie")
  # Each request a page of the first 100 at random: the kept pages of crates/store/src/counts.rs
  # then serve a hundred different pages rather than one.
  printf '%s\n' 'request = function() return wrk.format("GET", "/api/v1/enterprises?page=" .. math.random(1, 100)) end' >"$WORK/pages.lua"
  # Every target for RUN_SECONDS each, a row of figures a target.
  targets() {
    printf '%-40s ' "GET /api/v1/enterprises";                     wrk_run "$base/api/v1/enterprises" "${auth[@]}"
    printf '%-40s ' "GET /api/v1/enterprises?page=1…100（随机）"; wrk_run "$base/api/v1/enterprises" "${auth[@]}" -s "$WORK/pages.lua"
    printf '%-40s ' "GET /api/v1/enterprises?town=…&high_tech=1";  wrk_run "$base/api/v1/enterprises?town=310117105&high_tech=1" "${auth[@]}"
    printf '%-40s ' "GET /enterprises（页面）";                    wrk_run "$base/enterprises" "${page[@]}"
    printf '%-40s ' "GET /coverage（页面）";                       wrk_run "$base/coverage" "${page[@]}"
    printf '%-40s ' "GET /api/v1/coverage";                        wrk_run "$base/api/v1/coverage" "${auth[@]}"
    printf '%-40s ' "GET /api/v1/listings/$listing/matches";       wrk_run "$base/api/v1/listings/$listing/matches" "${auth[@]}"
    # Logins of 64 users, each from its own address; then the same 64 from one address, which
    # the per-address throttle holds to 30 attempts at a time (the rest are answered 429).
    printf '%-40s ' "POST /login（各自地址）"
    python3 scripts/load_login.py load "$base" loadadmin "$newpw" "$CONNECTIONS" "$RUN_SECONDS" forwarded
    printf '%-40s ' "POST /login（同一地址）"
    python3 scripts/load_login.py load "$base" loadadmin "$newpw" "$CONNECTIONS" "$RUN_SECONDS"
  }
  # A warm-up pass of every target (figures not kept), so that "before" is the server at work —
  # its caches filled (SQLite's page cache, kept counts and pages, the allocator's arenas) —
  # not the server just started, and the RSS after the run tells growth from a leak.
  local rss_cold
  rss_cold=$(rss_mb "$SERVER_PID")
  RUN_SECONDS=$WARMUP_SECONDS
  targets >/dev/null
  local rss_before
  rss_before=$(rss_mb "$SERVER_PID")
  echo "== $name：$CONNECTIONS 个连接，每项 ${SECONDS_PER} 秒（服务端 RSS 刚启动 ${rss_cold} MB，预热 ${WARMUP_SECONDS} 秒/项后 ${rss_before} MB）=="
  printf '%-44s %9s %9s %9s %7s %8s\n' "目标" "请求/秒" "p50 ms" "p99 ms" "错误" "RSS MB"
  RUN_SECONDS=$SECONDS_PER
  targets
  local rss_after
  rss_after=$(rss_mb "$SERVER_PID")
  echo "服务端 RSS：预热后 ${rss_before} MB，结束 ${rss_after} MB（$(python3 -c "print(f'{($rss_after - $rss_before) / $rss_before * 100:+.1f} %')")）"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

echo "机器：$(nproc) 核，负载 $(cut -d' ' -f1-3 /proc/loadavg)；wrk -t2 -c$CONNECTIONS"
for db in $DATABASES; do
  case $db in
    sqlite) run_database SQLite "sqlite://$WORK/SQLite/qunlian.sqlite" ;;
    postgres)
      export PG_EXTRA_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
      if pg_start >/dev/null; then
        run_database PostgreSQL "$PG_URL"
        pg_stop
      else
        echo "警告：PostgreSQL 未能启动，跳过" >&2
      fi
      ;;
    *) echo "未知数据库 $db（sqlite 或 postgres）" >&2; exit 2 ;;
  esac
done
