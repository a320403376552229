"""Benchmark: a province's campaign — time and memory of ``analyse`` and ``report`` as the
campaign grows from 1000 to 10 000 classrooms (issue 21: they must grow linearly).

For each size the demo builds and measures a campaign (``luxcheck demo --no-reports``, not
timed here), then, each in a fresh process, as an inspector would run them:

- ``luxcheck analyse CAMPAIGN --force`` (every classroom analysed again);
- ``luxcheck report CAMPAIGN --out DIR --force`` (the HTML reports, school summaries,
  dashboard and exports in one language, as drafts: no laboratory profile).

Printed for each step and size: wall and CPU time (the process and its workers), time per
classroom, and the peak resident memory of the largest process (the main process or a worker).
The reference is the same step at the smaller size: the ratio of the per-classroom times
(larger / smaller) is 1.0 for linear growth, and the memory ratio says how the peak grows with a
campaign ten times as large.

Usage: ``.venv/bin/python bench/bench_scale.py [--sizes 1000 10000] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Run a command and print its wall time, CPU time (children) and peak RSS (largest child).
_MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
if done.returncode:
    sys.stderr.write(done.stderr[-2000:])
    sys.exit(done.returncode)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def measured(command: list[str]) -> tuple[float, float, float]:
    """Wall s, CPU s and peak RSS (MiB, largest process) of ``command`` in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed: {done.stderr.strip()[-1000:]}")
    wall, cpu, rss_kib = done.stdout.split()
    return float(wall), float(cpu), float(rss_kib) / 1024.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--keep", type=Path, default=None, help="keep the campaigns here")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="luxcheck-bench-scale-"))
    luxcheck = [sys.executable, "-m", "luxcheck"]
    rows: dict[str, list[tuple[int, float, float, float]]] = {"analyse": [], "report": []}
    try:
        for size in args.sizes:
            folder = work / f"campaign-{size}"
            shutil.rmtree(folder, ignore_errors=True)
            demo = [*luxcheck, "demo", "--classrooms", str(size), "--no-reports", "--no-pty"]
            measured([*demo, "--out", str(folder)])
            campaign = str(folder / "demo.lux")
            steps = {
                "analyse": [*luxcheck, "analyse", campaign, "--force"],
                "report": [*luxcheck, "report", campaign, "--out", str(folder / "reports")],
            }
            for step, command in steps.items():
                wall, cpu, rss = measured(command)
                rows[step].append((size, wall, cpu, rss))
                print(
                    f"{step:<8} {size:6d} classrooms: {wall:7.1f} s wall, {cpu:7.1f} s CPU, "
                    f"{1000 * wall / size:6.1f} ms/classroom, peak RSS {rss:6.0f} MiB",
                    flush=True,
                )
            shutil.rmtree(folder / "reports", ignore_errors=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for step, results in rows.items():
        (small, wall0, cpu0, rss0), *larger = results
        for size, wall, cpu, rss in larger:
            print(
                f"{step:<8} {size} vs {small}: per classroom {wall / size / (wall0 / small):4.2f}x "
                f"wall, {cpu / size / (cpu0 / small):4.2f}x CPU (1.00 = linear); peak RSS "
                f"{rss / rss0:4.1f}x for {size / small:.0f}x the classrooms"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
