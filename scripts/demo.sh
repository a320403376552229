#!/usr/bin/env bash
# Set everything up and run the demo campaign: 1000 synthetic classrooms in about 40 schools,
# measured by simulated inspectors through the emulated meters, analysed, judged and reported.
# No hardware needed. Usage: bash scripts/demo.sh [luxcheck demo options, e.g. --classrooms 50]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/luxcheck demo --out demo-out "$@"
