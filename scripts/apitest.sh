#!/usr/bin/env bash
# make apitest: schemathesis (PyPI) against the OpenAPI document of a running demo, with a
# district administrator's token: every operation, 50 examples each, every check. Fails on
# any failure (a 5xx, an answer outside its schema, a valid request refused, an invalid one
# accepted). schemathesis goes into a venv under target/; the demo runs on a free port in a
# temporary folder and is stopped afterwards. Takes about 1.5 minutes after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${SCHEMATHESIS_VERSION:-4.32.5}
VENV=target/apitest-venv
BIN=${QUNLIAN_BIN:-$PWD/target/debug/qunlian}

# The debug build the tests use (make test builds the same one; no second tree).
[ -n "${QUNLIAN_BIN:-}" ] || cargo test --workspace --no-run -q
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

WORK=$(mktemp -d /tmp/qunlian-apitest.XXXXXX)
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export QUNLIAN_LOG=error
"$BIN" --data-dir "$WORK" --listen "127.0.0.1:$PORT" demo --enterprises 300 >"$WORK/demo.log" 2>&1 &
PID=$!
for _ in $(seq 180); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/demo.log" >&2; exit 1; }
  sleep 1
done
TOKEN=$("$BIN" --data-dir "$WORK" --database "sqlite://$WORK/demo.sqlite" token create admin)
"$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" --url "http://127.0.0.1:$PORT" \
  --checks all --max-examples 50 --no-color -H "Authorization: Bearer $TOKEN"
