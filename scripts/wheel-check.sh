#!/usr/bin/env bash
# Build the wheel, install it into a fresh venv and run luxcheck from a folder outside the
# checkout: proof that drivers/, standards/ and reports/ ship inside the package.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/luxcheck-wheel.XXXXXX)
trap 'rm -rf "$work"' EXIT
.venv/bin/python -m build --wheel --outdir "$work/dist" . >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
wheel=$(ls "$work"/dist/luxcheck-*.whl)
.venv/bin/python - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
assert tops == {"luxcheck"}, f"the wheel installs top-level names other than luxcheck: {tops}"
for must in ("luxcheck/drivers/__init__.py", "luxcheck/_packs/README.md", "luxcheck/_reports/README.md"):
    assert must in names, f"{must} is missing from the wheel"
print(f"wheel: {len(names)} files, top level {sorted(tops)}")
PY
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install -q "$wheel[pdf]"
cd "$work"
"$work/venv/bin/luxcheck" --version
"$work/venv/bin/luxcheck" standards list >/dev/null && echo "wheel: 'luxcheck standards list' ok"
"$work/venv/bin/luxcheck" demo --classrooms 3 --seed 1 --out "$work/demo" >"$work/demo.log"
test -f "$work/demo/reports/index.html" || { cat "$work/demo.log"; exit 1; }
# a classroom PDF and its school's bound volume (the CJK font ships)
compgen -G "$work/demo/pdf-sample-zh/schools/*/S*.pdf" >/dev/null || { cat "$work/demo.log"; exit 1; }
compgen -G "$work/demo/pdf-sample-zh/schools/*/index.pdf" >/dev/null || { cat "$work/demo.log"; exit 1; }
echo "wheel: tiny demo ok (drivers, emulators, standards and templates ship)"; tail -4 "$work/demo.log"
echo "wheel: installed and ran from $work"
