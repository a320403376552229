#!/usr/bin/env bash
# Set up luxcheck on a Debian machine (run as root): system packages that are missing, a venv in
# .venv, and the package with its extras. Safe to run again: it installs only what is missing.
# Usage: bash scripts/setup.sh [--with-browser]
set -euo pipefail
cd "$(dirname "$0")/.."

system_packages=(
  libharfbuzz-subset0   # WeasyPrint font subsetting, ~10x faster than the fontTools fallback
  libpango-1.0-0 libpangoft2-1.0-0 # WeasyPrint text layout
  fonts-noto-cjk        # CJK glyphs for the Chinese reports (HTML fallback; PDF embeds reports/fonts)
  poppler-utils         # pdftotext / pdffonts, to check the PDF reports
  python3-venv
)
if [[ "${1:-}" == "--with-browser" ]]; then
  system_packages+=(chromium)  # headless browser test of the HTML reports
fi

missing=()
for pkg in "${system_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: these Debian packages are missing and need root: ${missing[*]}" >&2
    exit 2
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv"
  "$python" -m venv .venv
fi
# Reinstall only when the package metadata changed (editable install: code changes need nothing).
stamp=.venv/.luxcheck-installed
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "setup: installing luxcheck and its dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[pdf,dev]'
  echo "$want" > "$stamp"
fi
echo "setup: ready (.venv/bin/luxcheck $(.venv/bin/luxcheck --version | cut -d' ' -f2))"
