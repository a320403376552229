"""Benchmark: the whole demo, as the README's first command runs it (issue 21: ≤ 60 s).

Runs ``luxcheck demo`` (1000 classrooms by default: measuring through the emulators,
analysis, judgement, issuing with sign-offs, signed HTML reports in both languages, the PDF
sample with bound school PDFs) in a fresh process into a temporary folder, and prints:

- each stage's wall time as the demo itself reports it (its own progress lines);
- the whole run's wall time and CPU time (the demo process and every worker and emulator it
  waited for: ``RUSAGE_CHILDREN``);
- the CPU of a PDF of the demo's own issued classroom reports (its PDF sample's pages laid
  out and written again in this process, three rounds: each printed, the median projected to
  1000 classrooms on the cores);
- with ``--campaign-pdf``, the target as the issue states it: every classroom of the demo's
  campaign as an issued, signed PDF (``luxcheck report CAMPAIGN --pdf --jobs <cores> --lab``:
  HTML, PDF and signature of each classroom, the bound school volumes, the dashboard), its
  wall time, CPU (every process) and the largest process's peak memory;
- the reference: the same CPU spread over the machine's cores, the shortest wall time any
  scheduling of that work could reach here; wall / that bound says how much of the run is
  serial or waiting.

Usage: ``.venv/bin/python bench/bench_demo.py [--classrooms 1000] [--campaign-pdf] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: The campaign the PDF CPU is projected to (issue 21: every classroom of 1000 as PDF).
CAMPAIGN = 1000
#: Rounds of the PDF sample laid out in this process (the median is projected).
ROUNDS = 3
#: The demo's progress lines that carry a stage time, and how to name each.
STAGES = [
    (
        re.compile(r"readings journalled"),
        re.compile(r"journalled \((\d+\.\d+) s\)"),
        "plan + measure",
    ),
    (re.compile(r"^2/4 analysed"), re.compile(r"in (\d+\.\d+) s"), "analyse"),
    (re.compile(r"^3/4 judged"), re.compile(r"in (\d+\.\d+) s"), "judge"),
    (re.compile(r"reports prepared, reviewed"), re.compile(r"in (\d+\.\d+) s"), "issue"),
    (re.compile(r"^4/4 reports rendered"), re.compile(r"in (\d+\.\d+) s"), "issue + HTML zh, en"),
    (re.compile(r"PDF sample:"), re.compile(r"in (\d+\.\d+) s"), "PDF sample"),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classrooms", type=int, default=1000)
    parser.add_argument("--keep", type=Path, default=None, help="keep the demo output here")
    parser.add_argument(
        "--campaign-pdf",
        action="store_true",
        help="also write every classroom of the campaign as PDF (luxcheck report --pdf)",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="luxcheck-bench-demo-"))
    out = args.keep or work / "demo-out"
    campaign: str | None = None
    try:
        count = ["--classrooms", str(args.classrooms)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "luxcheck", "demo", "--out", str(out), *count],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "MPLBACKEND": "Agg"},
        )
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        pdf_cpu = _demo_pdf_cpu(out) if done.returncode == 0 else None
        if done.returncode == 0 and args.campaign_pdf:
            campaign = _campaign_pdf(out, work / "campaign-pdf")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
        print(f"luxcheck demo failed (exit {done.returncode})")
        return 1
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cores = os.cpu_count() or 1
    print(
        f"luxcheck demo --classrooms {args.classrooms} (every stage, HTML in zh and en, PDF sample)"
    )
    lines = done.stdout.splitlines()
    for line_re, value_re, name in STAGES:
        line = next((x for x in lines if line_re.search(x)), None)
        value = value_re.search(line) if line else None
        shown = f"{float(value.group(1)):7.1f} s" if value else "      —"
        print(f"  {name:<22} {shown}")
    outcome = next((x for x in lines if x.startswith("classrooms:")), "")
    print(f"  outcome: {outcome.strip()}")
    print(
        f"whole demo {wall:7.1f} s wall, {cpu:7.1f} s CPU (all processes); CPU over {cores} cores "
        f"{cpu / cores:6.1f} s -> wall / bound {wall / (cpu / cores):4.2f}x (target <= 60 s wall)"
    )
    if pdf_cpu is not None:
        count, rounds, pages = pdf_cpu
        per_pdf = statistics.median(rounds)
        print(
            f"PDF of the demo's issued classroom reports (the sample's {count} pages, zh and en, "
            f"laid out and written again in this process, {len(rounds)} rounds: "
            f"{', '.join(f'{r * 1000:.1f}' for r in rounds)} ms): median {per_pdf * 1000:6.1f} ms "
            f"CPU each, {pages:4.1f} pages on average -> {per_pdf * CAMPAIGN / cores / 60:5.1f} "
            f"min of CPU-bound time for {CAMPAIGN} on {cores} cores (target <= 5 min: about 0.5 s "
            "of CPU a report)"
        )
    if campaign is not None:
        print(campaign)
    return 0


#: Runs a command and prints, last, the peak memory of the largest process among it and its
#: workers (kB): this process's own ``RUSAGE_CHILDREN`` also holds the demo's.
_PEAK = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(done.returncode)"
)


def _campaign_pdf(out: Path, target: Path) -> str:
    """Every classroom of the demo's campaign (in ``out``) written as an issued, signed PDF
    by ``luxcheck report --pdf --jobs <cores>`` into ``target``: what it took."""
    cores = os.cpu_count() or 1
    command = [
        sys.executable,
        "-c",
        _PEAK,
        sys.executable,
        "-m",
        "luxcheck",
        "report",
        str(out / "demo.lux"),
        "--out",
        str(target),
        "--pdf",
        "--jobs",
        str(cores),
        "--lab",
        str(out / "lab" / "lab.toml"),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        said = done.stderr[-500:]
        return f"the campaign as PDF: luxcheck report failed (exit {done.returncode}): {said}"
    peak_kib = int(done.stdout.split()[-1])
    pdfs = [p for p in target.glob("schools/*/*.pdf") if p.name != "index.pdf"]
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (
        f"the campaign as PDF (luxcheck report --pdf --jobs {cores} --lab: {len(pdfs)} issued, "
        f"signed classroom PDFs with their HTML, the bound school volumes, the dashboard): "
        f"{wall / 60:5.2f} min wall ({wall:.0f} s; target for {CAMPAIGN}: <= 5 min), "
        f"{cpu:.0f} s CPU ({cpu / max(len(pdfs), 1) * 1000:.0f} ms a classroom), largest process "
        f"{peak_kib / 1024:.0f} MiB peak"
    )


def _demo_pdf_cpu(out: Path) -> tuple[int, list[float], float] | None:
    """The CPU of a PDF of the demo's own issued classroom reports: its PDF sample's classroom
    pages (both languages) laid out and written again in this process by the reports' PDF
    engine, after one warm-up page (the engine's fonts and stylesheets are set up once a
    process), :data:`ROUNDS` times over; their number, the CPU per PDF of each round (a shared VM's
    load moves one round by 10-15 %) and the mean page count. The PAdES signature of
    each PDF is not in it (bench_reports.py times it)."""
    pages = sorted(p for p in out.glob("pdf-sample-*/schools/*/*.html") if p.name != "index.html")
    if not pages:
        return None
    from luxcheck.report.pdf import engine

    pdf = engine()
    pdf.pdf(pdf.document(pages[0].read_text("utf-8"), pages[0]))
    rounds, laid_out = [], 0
    for _round in range(ROUNDS):
        t, laid_out = time.process_time(), 0
        for page in pages:
            document = pdf.document(page.read_text("utf-8"), page)
            laid_out += len(document.pages)
            pdf.pdf(document)
        rounds.append((time.process_time() - t) / len(pages))
    return len(pages), rounds, laid_out / len(pages)


if __name__ == "__main__":
    sys.exit(main())
