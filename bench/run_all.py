"""Run every benchmark and write bench/RESULTS.md (machine description + every table).

Usage: python bench/run_all.py [--quick]   (--quick: smaller campaign, for a smoke run)
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = [
    ("colorimetry (issue 4)", "bench_colorimetry.py", []),
    ("flicker (issue 5)", "bench_flicker.py", []),
    ("grids and glare (issue 6)", "bench_grids.py", []),
    ("drivers (issue 7)", "bench_drivers.py", []),
    ("compliance (issue 3)", "bench_compliance.py", []),
    ("reports (issue 8)", "bench_reports.py", []),
    ("whole campaign (issue 9)", "bench_campaign.py", []),
]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import numpy

    return (
        f"{platform.platform()}; {cpu}; {os.cpu_count()} cores{mem}; "
        f"Python {platform.python_version()}; numpy {numpy.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    parts = [
        "# Benchmark results",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `python bench/run_all.py`"
        f"{' --quick' if args.quick else ''} on: {machine()}.",
        "Every ratio is against a reference measured in the same run (see each script's "
        "docstring for what the reference is). Timings on a shared 2-core VM vary by ±30 %.",
    ]
    for title, script, extra in SCRIPTS:
        if args.quick and script == "bench_campaign.py":
            extra = ["--classrooms", "100", "--pdf-rooms", "5", "--reference-rooms", "10"]
        if args.quick and script == "bench_reports.py":
            extra = ["--rooms", "100"]
        print(f"== {title}: {script} {' '.join(extra)}", flush=True)
        proc = subprocess.run(
            [sys.executable, str(HERE / script), *extra], capture_output=True, text=True
        )
        out = proc.stdout.strip() or proc.stderr.strip()
        print(out, flush=True)
        command = " ".join(["python", f"bench/{script}", *extra])
        parts += ["", f"## {title}", "", f"`{command}`", ""]
        if proc.returncode != 0:
            parts.append(f"**failed** (exit {proc.returncode}):")
        # the campaign table is markdown already; the others are plain text
        parts += [out] if script == "bench_campaign.py" else ["```", out, "```"]
    args.out.write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
