"""Run every benchmark and write bench/RESULTS.md (machine description + every table).

Usage: python bench/run_all.py [--quick] [--import-folder EXPORT] [--no-luxpy-venv]
(--quick: smaller campaign, for a smoke run; --import-folder: an existing export of the
1000-classroom demo for the import bench; first it makes or updates ``.venv-luxpy``, the
second interpreter bench_colorimetry.py times luxpy in, unless --no-luxpy-venv)
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
    ("start-up (issue 21)", "bench_startup.py", []),
    ("colorimetry (issues 4, 21)", "bench_colorimetry.py", []),
    ("flicker (issue 5)", "bench_flicker.py", []),
    ("grids and glare (issue 6)", "bench_grids.py", []),
    ("drivers (issue 7)", "bench_drivers.py", []),
    ("compliance (issue 3)", "bench_compliance.py", []),
    # the PDF samples are whole schools (25 and 75 classrooms), as the campaign has them
    ("reports (issues 8, 21)", "bench_reports.py", ["--pdf-sample", "75"]),
    ("whole campaign (issue 9)", "bench_campaign.py", ["--pdf-rooms", "25"]),
    ("campaign import (issue 21)", "bench_import.py", []),
    # the demo, then every classroom of its campaign as PDF (the PDF target as stated)
    ("whole demo (issue 21)", "bench_demo.py", ["--campaign-pdf"]),
    ("a province's campaign: 1000 and 10 000 classrooms (issue 21)", "bench_scale.py", []),
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
    parser.add_argument(
        "--import-folder",
        type=Path,
        help="an existing 1000-classroom export for bench_import.py (skips building one)",
    )
    parser.add_argument(
        "--no-luxpy-venv",
        action="store_true",
        help="do not make or update .venv-luxpy (the second interpreter luxpy imports in)",
    )
    args = parser.parse_args()
    if not args.no_luxpy_venv:  # luxpy does not import with numpy 2.4: bench/luxpy-venv.sh
        made = subprocess.run(
            ["bash", str(HERE / "luxpy-venv.sh")], capture_output=True, text=True, check=False
        )
        said = (made.stdout.strip() or made.stderr.strip()).splitlines()
        print(f"bench/luxpy-venv.sh: {said[-1] if said else f'exit {made.returncode}'}", flush=True)
    load_before = os.getloadavg()
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
        if args.quick and script == "bench_demo.py":
            extra = ["--classrooms", "60", "--campaign-pdf"]
        if args.quick and script == "bench_scale.py":
            extra = ["--sizes", "30", "60"]
        if args.quick and script == "bench_import.py":
            extra = ["--classrooms", "40"]
        elif args.import_folder and script == "bench_import.py":
            extra = ["--folder", str(args.import_folder)]
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
    load_after = os.getloadavg()
    parts.insert(
        4,
        f"Load average (1, 5, 15 min) at the start {', '.join(f'{x:.1f}' for x in load_before)} "
        f"and at the end {', '.join(f'{x:.1f}' for x in load_after)} on the 2 cores: other "
        "sessions ran on the machine, so wall times are noisy; CPU times and the ratios "
        "measured in one process are the comparable figures.",
    )
    parts.insert(4, "")
    args.out.write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
