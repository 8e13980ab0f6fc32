#!/usr/bin/env bash
# Shared set-up for demo.sh and test.sh: Python venv with pinned packages and front-end assets.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if ! "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
  echo "需要 Python 3.11（当前：$("$PY" --version 2>&1)）" >&2; exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
REQ=${1:-requirements.txt}
stamp=".venv/.installed-$(cat requirements.txt "$REQ" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip==25.3
  .venv/bin/python -m pip install -q -r "$REQ"
  touch "$stamp"
fi
if [ ! -f static/vendor/bootstrap/css/bootstrap.min.css ] || [ package.json -nt static/vendor/bootstrap/css/bootstrap.min.css ]; then
  bash scripts/vendor_assets.sh
fi
