"""Whole-campaign benchmark: ingest, analysis, judgement, HTML and PDF reports (issue 9).

Each stage is timed on a campaign of N classrooms (default 1000) and, where a slower reference
implementation exists, compared with it in the same run:

- ingest: the demo's fast path (rooms measured in one worker process per core, journalled by
  this process in plan order, one transaction per chunk of rooms) vs one committed, fsynced
  transaction per reading (the field path, in this process), measured on a subset and scaled
  per classroom;
- analysis: ``analyse_campaign`` end to end (load, all metrics, store; chunks on all cores),
  and the kernels alone in one process batched over all rooms vs a plain per-classroom loop
  (on a subset, scaled per classroom);
- reports: HTML for every classroom (the reports' own naive reference is in bench_reports.py);
  PDF for ``--pdf-rooms`` classrooms of one school (default 50; a school has 25), scaled to N
  (the workers' start and the school's bound PDF included: an upper bound).

Peak memory is the largest resident set of this process and of its worker processes.
Targets (issue 9): analysis of 1000 classrooms ≤ 5 s; whole demo with HTML reports ≤ 120 s.

Usage: python bench/bench_campaign.py [--classrooms N] [--pdf-rooms K]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from luxcheck.analysis.campaign import analyse_campaign, analyse_rooms
from luxcheck.compliance.judge import judge_campaign
from luxcheck.demo.plan import plan_campaign
from luxcheck.demo.runner import fast_readings, measure_campaign, prepare_store, session_for
from luxcheck.journal.store import CampaignStore
from luxcheck.report.assemble import report_context
from luxcheck.report.gather import gather_reports
from luxcheck.report.render import render_campaign

START = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)


def peak_mib() -> tuple[float, float]:
    """Peak resident memory of this process and of its (finished) children [MiB]."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def cpu_s() -> float:
    """CPU seconds (user + system) of this process and its ended children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


_CPU_MARK = [0.0]


def row(stage: str, seconds: float, reference: float | None, note: str = "") -> str:
    """A table row; the CPU column is the CPU used (this process and its workers) since the
    previous row."""
    ratio = f"{reference / seconds:8.1f}×" if reference else "        —"
    ref = f"{reference:9.2f}" if reference else "        —"
    own, kids = peak_mib()
    now = cpu_s()
    cpu, _CPU_MARK[0] = now - _CPU_MARK[0], now
    return (
        f"| {stage:<34} | {seconds:8.2f} | {cpu:8.2f} | {ref} | {ratio} | {own:6.0f} / "
        f"{kids:6.0f} | {note} |"
    )


def _reference_ingest(work: Path, k: int, n: int) -> float:
    """One committed, fsynced transaction per reading (the field path) for ``k`` rooms,
    scaled to ``n`` [s]."""
    ref_plans = plan_campaign(k, seed=99)
    ref_store = prepare_store(work / "ref.lux", ref_plans, "ref")
    t = time.perf_counter()
    for index, plan in enumerate(ref_plans):
        session = session_for(plan, index, START)
        ref_store.add_session(session)
        for reading in fast_readings(plan, session):
            ref_store.add_reading(reading)  # one fsynced transaction per reading
    ref_store.close()
    return (time.perf_counter() - t) / k * n


def _kernels_in_one_process(store: CampaignStore, k: int, n: int) -> str:
    """The analysis kernels batched over every room in this process vs a per-room loop."""
    by_room = store.readings_by_classroom()
    pairs = [(room, by_room.get(room.classroom_id, [])) for room in store.classrooms()]
    t = time.perf_counter()
    analyse_rooms(pairs)
    kernels = time.perf_counter() - t
    t = time.perf_counter()
    for pair in pairs[:k]:
        analyse_rooms([pair])
    ref_kernels = (time.perf_counter() - t) / k * n
    return row(
        "analysis kernels, one process",
        kernels,
        ref_kernels,
        f"batched over rooms vs per-room loop (scaled from {k} rooms)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classrooms", type=int, default=1000)
    parser.add_argument("--pdf-rooms", type=int, default=50)
    parser.add_argument("--reference-rooms", type=int, default=40)
    parser.add_argument(
        "--no-reference",
        action="store_true",
        help="skip the references (per-reading ingest, the kernels in one process: the latter "
        "holds every room's readings at once) to measure how the stages scale",
    )
    args = parser.parse_args()
    n = args.classrooms
    work = Path(tempfile.mkdtemp(prefix="luxcheck-bench-"))
    lines = [
        f"Whole campaign: {n} classrooms, {os.cpu_count()} cores "
        f"(wall and CPU times in s, CPU of this process and its workers; memory = peak RSS "
        f"of this process / of worker processes, MiB)",
        "",
        "| stage | luxcheck | CPU | reference | ratio | peak MiB | note |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        plans = plan_campaign(n, seed=2026)
        store = prepare_store(work / "bench.lux", plans, "bench")
        # ingest --------------------------------------------------------------------
        # the reference first: the row's CPU column is then the fast path's alone
        k = min(args.reference_rooms, n)
        ref_ingest = None if args.no_reference else _reference_ingest(work, k, n)
        start_cpu = _CPU_MARK[0] = cpu_s()
        t = time.perf_counter()
        measured = measure_campaign(store, plans, start=START)
        ingest = time.perf_counter() - t
        lines.append(
            row(
                "ingest (readings journalled)",
                ingest,
                ref_ingest,
                f"{measured.readings} readings, {os.cpu_count()} measuring workers; "
                f"reference scaled from {k} rooms",
            )
        )
        # analysis ------------------------------------------------------------------
        t = time.perf_counter()
        summary = analyse_campaign(store, force=True)
        analysis = time.perf_counter() - t
        lines.append(
            row(
                "analysis: analyse_campaign",
                analysis,
                None,
                f"{summary.analysed} rooms: load, all metrics, store; all cores",
            )
        )
        if not args.no_reference:
            lines.append(_kernels_in_one_process(store, k, n))
        # judgement ----------------------------------------------------------------
        t = time.perf_counter()
        judged, rollup = judge_campaign(store)
        lines.append(
            row(
                "judgement (cn-classroom)",
                time.perf_counter() - t,
                None,
                f"{rollup.passed} pass / {rollup.failed} fail / {rollup.incomplete} incomplete",
            )
        )
        # reports -------------------------------------------------------------------
        jobs = min(4, os.cpu_count() or 1)
        t = time.perf_counter()
        gathered = gather_reports(
            store, judged, report_context(store.campaign.profile), None, jobs=jobs
        )
        reports = gathered.reports
        html = render_campaign(reports, work / "html", jobs=jobs)
        html_s = time.perf_counter() - t
        lines.append(
            row(
                "HTML reports + dashboard",
                html_s,
                None,
                f"{html.rendered} classroom reports, {jobs} workers",
            )
        )
        html_cpu = _CPU_MARK[0]
        # rooms of one school, as the campaign has them (one bound volume per school)
        first = reports[0].school.school_id
        sample = [r for r in reports if r.school.school_id == first][: args.pdf_rooms]
        if sample:
            t = time.perf_counter()
            render_campaign(sample, work / "pdf", jobs=jobs, pdf=True)
            pdf_s = (time.perf_counter() - t) / len(sample) * n
            lines.append(
                row(
                    "PDF reports (scaled to all rooms)",
                    pdf_s,
                    None,
                    f"measured on {len(sample)} rooms of one school, {jobs} workers; their "
                    "start and the school's bound PDF included (bench_reports.py: a further "
                    "room)",
                )
            )
        total = ingest + analysis + html_s
        _CPU_MARK[0] = start_cpu + (cpu_s() - html_cpu)  # the CPU column: up to the HTML
        lines.append(row("ingest + analysis + HTML", total, None, "target ≤ 120 s"))
        store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
