#!/usr/bin/env bash
# Set everything up and run every check: lint, format, types, the test suite, and the wheel test
# (build the wheel, install it into a fresh venv, run it from outside the checkout).
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser

echo "== ruff (lint, format)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/python scripts/typecheck.py
echo "== postgresql (a throw-away cluster for the central-store tests, stopped on exit)"
eval "$(bash scripts/postgres.sh start)"
trap 'bash scripts/postgres.sh stop "$LUXCHECK_TEST_PG_DIR"' EXIT
echo "== pytest"
# every tool is installed above, so a test may not skip for a missing one (tests/conftest.py)
LUXCHECK_REQUIRE_ALL=1 MPLBACKEND=Agg .venv/bin/python -m pytest "$@"
echo "== wheel"
bash scripts/wheel-check.sh
echo "== all checks passed"
