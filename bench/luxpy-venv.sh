#!/usr/bin/env bash
# A second interpreter for the luxpy comparison of bench/bench_colorimetry.py: luxpy 1.12.5
# does not import with numpy 2.4 (a TypeError at import), so this virtual environment holds a
# numpy it imports with, luxpy and matplotlib (which luxpy imports), and this checkout's
# luxcheck (its kernels need numpy alone). luxpy and luxcheck's kernels are then timed in one
# process of it. Safe to run twice. Usage: bash bench/luxpy-venv.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-luxpy/bin/python ]; then
  python3 -m venv .venv-luxpy
fi
.venv-luxpy/bin/python -m pip install -q --disable-pip-version-check "numpy<2.4" "luxpy==1.12.5" matplotlib
.venv-luxpy/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
.venv-luxpy/bin/python -W ignore -c "import luxpy, numpy; print('luxpy', luxpy.__version__, 'with numpy', numpy.__version__)"
