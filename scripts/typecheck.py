"""Run mypy over luxcheck as it is installed: with drivers/ as the subpackage luxcheck.drivers.

setuptools installs the top-level drivers/ folder as ``luxcheck.drivers`` (package-dir in
pyproject.toml); mypy cannot follow package-dir. This script builds a staging tree of symlinks,
``build/typecheck/luxcheck/``, with one link per entry of luxcheck/ plus
``drivers -> drivers/``, runs mypy on it (the [tool.mypy] settings of pyproject.toml apply) and
prints mypy's report with the paths of the real files. Extra arguments go to mypy.

Usage: .venv/bin/python scripts/typecheck.py [mypy arguments]
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGE = Path("build", "typecheck", "luxcheck")  # relative to ROOT; [tool.mypy] files names it


def stage() -> None:
    """Rebuild the staging tree (entries added to luxcheck/ since the last run included)."""
    target = ROOT / STAGE
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    links = {entry.name: entry for entry in (ROOT / "luxcheck").iterdir()}
    links.pop("__pycache__", None)
    links["drivers"] = ROOT / "drivers"
    for name, real in sorted(links.items()):
        (target / name).symlink_to(os.path.relpath(real, target))


def real_path(line: str) -> str:
    """Get a mypy report line with the staged path replaced by the file's path in the repo."""
    prefix = STAGE.as_posix() + "/"
    if not line.startswith(prefix):
        return line
    rest = line[len(prefix) :]
    return rest if rest.startswith("drivers/") else "luxcheck/" + rest


def main(argv: list[str]) -> int:
    """Stage, type-check, report; return mypy's exit status."""
    from mypy import api

    os.chdir(ROOT)
    stage()
    report, errors, status = api.run(argv)
    for line in report.splitlines():
        print(real_path(line))
    sys.stderr.write(errors)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
