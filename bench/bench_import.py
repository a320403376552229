"""Benchmark: campaign import of an exported campaign folder (issue 21).

The folder is a demo campaign of N classrooms (default 1000: about 150 000 readings, 2000
waveforms, some 100 million sample rows, 4 GB of CSV), measured with the demo's fast path and
exported with ``luxcheck campaign export``; or an existing export given with ``--folder``.

Measured in this run, each in a fresh child process (so its peak resident memory, from
``resource.getrusage``, is its own):

- ``luxcheck campaign import FOLDER --into NEW`` end to end (read, check every cell with the
  strict number grammar of issue 19, write in one transaction);
- the reference: Python's ``csv`` module reading every file of the same folder, row by row,
  with no conversion and no check (the floor of any reader built on the standard library).

Prints wall and CPU time, the ratio of the two and the peak RSS of each. Targets (issue 21):
≤ 60 s and ≤ 500 MB peak for the 1000-classroom export.

Usage: python bench/bench_import.py [--classrooms N] [--folder EXPORT]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

START = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)

#: Run in a child: the command, then its own CPU time and peak RSS as one JSON line.
_CHILD = """
import json, resource, sys, time
t = time.perf_counter()
{body}
wall = time.perf_counter() - t
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"wall": wall, "cpu": r.ru_utime + r.ru_stime, "rss_mib": r.ru_maxrss / 1024,
                  "rc": rc}}))
"""

_IMPORT = """
from luxcheck.cli import main
rc = main(["campaign", "import", sys.argv[1], "--into", sys.argv[2]])
"""

_CSV_MODULE = """
import csv
from pathlib import Path
rows = 0
for path in sorted(Path(sys.argv[1]).glob("*.csv")):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for _ in csv.reader(handle):
            rows += 1
rc = 0 if rows else 1
"""


def _child(body: str, *args: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD.format(body=body), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise SystemExit(f"child failed (exit {proc.returncode}):\n{proc.stderr}") from None
    if result["rc"] != 0:
        raise SystemExit(f"child exit {result['rc']}:\n{proc.stdout}\n{proc.stderr}")
    return result


def _export(rooms: int, work: Path) -> Path:
    """A demo campaign of ``rooms`` classrooms (the demo's fast measuring path), exported."""
    from luxcheck.demo.plan import plan_campaign
    from luxcheck.demo.runner import measure_campaign, prepare_store
    from luxcheck.journal.exchange import export_folder

    plans = plan_campaign(rooms, seed=2026)
    with prepare_store(work / "demo.lux", plans, "bench") as store:
        measure_campaign(store, plans, start=START)
        export_folder(store, work / "export")
    return work / "export"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classrooms", type=int, default=1000)
    parser.add_argument("--folder", type=Path, help="an existing export (skips building one)")
    parser.add_argument("--build-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_into:
        _export(args.classrooms, args.build_into)
        return
    work = Path(tempfile.mkdtemp(prefix="luxcheck-bench-import-"))
    try:
        folder = args.folder
        if folder is None:
            # built in a child of its own: a child started from a large process counts that
            # process's pages in its peak RSS (measured: the csv-module read, which holds a
            # row at a time, at 475 MiB after this process had built the export itself)
            build = [sys.executable, __file__, "--classrooms", str(args.classrooms)]
            subprocess.run([*build, "--build-into", str(work)], check=True)
            folder = work / "export"
        size_mb = sum(p.stat().st_size for p in folder.glob("*.csv")) / 1e6
        what = f"export of {args.classrooms} classrooms" if not args.folder else str(folder)
        imported = _child(_IMPORT, str(folder), str(work / "imported.lux"))
        reference = _child(_CSV_MODULE, str(folder))
        print(f"campaign folder: {what}, {size_mb:,.0f} MB of CSV")
        for name, r, note in (
            ("luxcheck campaign import", imported, "(target <= 60 s, <= 500 MB)"),
            ("csv module, read only (reference)", reference, ""),
        ):
            print(
                f"{name:<34} {r['wall']:7.1f} s wall, {r['cpu']:7.1f} s CPU, "
                f"peak RSS {r['rss_mib']:6.0f} MiB {note}"
            )
        print(
            f"import / csv-module read: {imported['wall'] / reference['wall']:.2f}x wall, "
            f"{imported['cpu'] / reference['cpu']:.2f}x CPU (the import also checks every cell "
            "and writes the campaign file)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
