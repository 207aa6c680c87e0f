#!/usr/bin/env bash
# The matching evaluation through the binary (issue #16), as outside evaluators run it:
# the evaluation sets (QUNLIAN_EVAL_SETS, default tuning,independent) written out as
# enterprise and listing files, `qunlian import enterprises`, `qunlian import listings`, then
# `qunlian match ID --top 10 --json` per need;
# prints recall@10 and MRR per set, semantic stage on and off (QUNLIAN_SEMANTIC=off).
# Not part of `make test`. QUNLIAN_BIN names another binary (default: a debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${QUNLIAN_BIN:-}" ]; then
    CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build -q -p qunlian
fi
exec python3 scripts/eval_binary.py
