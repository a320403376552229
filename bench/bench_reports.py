"""Benchmark: acceptance reports for a 1000-classroom campaign (issue 8 targets).

Measures, in one run:

1. building the report data from the store (``build_classroom_report``) for every classroom;
2. HTML for every classroom with its figures, the school summaries, the dashboard and the
   CSV (``render_campaign`` with a process pool) — target ≤ 60 s on the 2-core machine —
   and the same with 1 job, both after a warm-up render of 20 classrooms in this process,
   in ``--pairs`` pairs of runs (2 jobs, then 1): the speed-up is the median of the pairs'
   ratios, as the speed of a shared VM drifts between runs;
3. an incremental re-run (nothing changed);
4. PDF throughput on two samples of whole schools (WeasyPrint, process pool; classroom PDFs,
   each school's bound PDF, the dashboard PDF): the first school, and the first schools of
   ``--pdf-sample`` classrooms or more; a further classroom's wall time (their difference
   per classroom) and the set-up apart from it (workers starting, fonts), projected to the
   campaign; and,
   in this process on the same classroom pages, the CPU per report of the HTML page alone, of
   the PDF as a plain WeasyPrint call per report (the reference: the set-up before issue 21,
   a font configuration, stylesheets and images made anew for every report, and the
   automatic table layout of its print CSS), of the PDF now
   (``write_pdf``: that set-up kept per process with the figures' raster image objects, the
   figures' SVG overlays linked as images, fixed table layout) and of the laboratory's
   PAdES signature of the PDF (the demo laboratory's self-signed key);
5. the naive reference on a sample, in this process: a fresh Jinja2 environment, a fresh
   figure renderer (no reused figures) and the chromaticity diagram and flicker chart redrawn
   for every report (no static background, no figure cache); compared with the optimised
   path on the same sample, also in one process;
6. the CPU per classroom page signed as an issued report (the laboratory's signature over
   what the page shows, and its QR code), and the reading of what a signed page shows (the
   signature's input) against html.parser, the reference that reading must equal;
7. peak memory (this process and the largest worker).

Usage::

    .venv/bin/python bench/bench_reports.py [--rooms 1000] [--jobs 2] [--pairs 5]
        [--pdf-sample 75] [--naive-sample 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np

from luxcheck.compliance.verdict import Verdict
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import not_measured
from luxcheck.model import (
    Campaign,
    Classroom,
    IlluminanceReading,
    Instrument,
    MeasurementSession,
    School,
    SpectrumReading,
    WaveformReading,
)
from luxcheck.report import render
from luxcheck.report.assemble import build_classroom_report, report_context
from luxcheck.report.model import (
    ChromaticityPoint,
    ClassroomReportData,
    FigureInputs,
    UgrObserver,
)
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.signing import SigningSetup
from luxcheck.report.templates import environment

#: What the reports of the demo profile print about the rules (the real profile, as `report` uses).
CONTEXT = report_context("cn-classroom")

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
GEOMETRIES = ((9.0, 7.2), (9.6, 7.5), (10.2, 7.8))


def build_campaign(path: Path, rooms: int) -> CampaignStore:
    """A synthetic campaign: ``rooms`` classrooms in ~40 schools, each with a 5×4 desk grid,
    3 board points, a spectrum (1 nm) and a 0.2 s waveform at 10 kHz, and stored metrics."""
    rng = np.random.default_rng(2026)
    store = CampaignStore.create(path, Campaign("BENCH", "基准测试活动", client="某市教育局"))
    wl = np.arange(380.0, 781.0)
    t = np.arange(2000) / 10_000.0
    with store.transaction():
        store.add_instrument(
            Instrument("T10A-1", "Konica Minolta T-10A", "20311045", dt.date(2026, 3, 1), 4.0)
        )
        schools = max(1, rooms // 25)
        for s in range(schools):
            store.add_school(School(f"S{s:03d}", f"第{s + 1}中学", "玄武区"))
        for r in range(rooms):
            length, width = GEOMETRIES[r % len(GEOMETRIES)]
            room_id = f"R{r:04d}"
            store.add_classroom(
                Classroom(
                    room_id,
                    f"S{r % schools:03d}",
                    f"教室 {r}",
                    "ordinary",
                    length,
                    width,
                    3.4,
                    7,
                    2.2,
                    length - 0.6,
                    luminaire_mounting_height_m=2.85,
                    installed_power_w=330.0,
                    building="教学楼 A",
                    floor=str(1 + r % 5),
                )
            )
            session = f"SE{r:04d}"
            store.add_session(MeasurementSession(session, room_id, "张工", T0, ("T10A-1",)))
            readings: list[object] = []
            level = 320 + 180 * rng.random()
            for i, y in enumerate(np.linspace(2.6, length - 1.0, 5)):
                for j, x in enumerate(np.linspace(0.7, width - 0.7, 4)):
                    readings.append(
                        IlluminanceReading(
                            f"{room_id}-d{i}{j}",
                            session,
                            T0,
                            "T10A-1",
                            x_m=float(x),
                            y_m=float(y),
                            illuminance_lx=float(level * (0.75 + 0.4 * rng.random())),
                        )
                    )
            for k, x in enumerate((0.5, 2.0, 3.5)):
                readings.append(
                    IlluminanceReading(
                        f"{room_id}-b{k}",
                        session,
                        T0,
                        "T10A-1",
                        surface="board",
                        x_m=x,
                        y_m=0.6,
                        illuminance_lx=float(450 + 150 * rng.random()),
                    )
                )
            peak = 445 + 15 * rng.random()
            spd = np.exp(-(((wl - peak) / 12) ** 2)) + (0.6 + 0.4 * rng.random()) * np.exp(
                -(((wl - 560) / 50) ** 2)
            )
            readings.append(
                SpectrumReading(f"{room_id}-sp", session, T0, None, wavelength_nm=wl, values=spd)
            )
            depth = 0.2 * rng.random()
            readings.append(
                WaveformReading(
                    f"{room_id}-wf",
                    session,
                    T0,
                    None,
                    samples=1 + depth * np.sin(2 * np.pi * 100 * t + 0.3),
                    sample_rate_hz=10_000.0,
                )
            )
            store.add_readings(readings)  # type: ignore[arg-type]
            metrics: dict[str, float | str | None] = {
                "desk_illuminance_mean_lx": level,
                "desk_uniformity": 0.6 + 0.3 * rng.random(),
                "ugr": 14 + 7 * rng.random(),
                "flicker_percent": 100 * depth,
                "flicker_frequency_hz": 100.0,
                "cct_K": 3500 + 2500 * rng.random(),
                "cri_ra": 75 + 20 * rng.random(),
                **{f"cri_r{i}": 60 + 40 * rng.random() for i in range(1, 15)},
            }
            store.put_metrics(room_id, metrics, input_hash="bench")
    return store


def verdicts_for(metrics: dict[str, float | str | None]) -> list[Verdict]:
    """Verdicts in the shape the compliance engine gives (bench data, example limits)."""

    def judge(
        req: str,
        metric: str,
        limit: float,
        comparator: str,
        unit: str,
        clause: str,
        obligation: str = "shall",
    ) -> Verdict:
        value = float(metrics[metric])  # type: ignore[arg-type]
        margin = value - limit if comparator == ">=" else limit - value
        status = "pass" if margin >= 0 else "fail"
        return Verdict(
            req,
            metric,
            status,
            value,
            limit,
            comparator,
            margin,
            unit,  # type: ignore[arg-type]
            "GB 7793-2010",
            clause,
            obligation,
            "verified",
        )  # type: ignore[arg-type]

    return [
        judge("desk-mean", "desk_illuminance_mean_lx", 300.0, ">=", "lx", "5.1"),
        judge("desk-u0", "desk_uniformity", 0.7, ">=", "1", "5.1"),
        judge("ugr", "ugr", 19.0, "<=", "1", "5.2", "should"),
        judge("ra", "cri_ra", 80.0, ">=", "1", "5.3"),
        judge("flicker", "flicker_percent", 3.2, "<=", "%", "Table 2"),
        Verdict(
            "svm",
            "flicker_svm",
            "not-measured",
            None,
            1.3,
            "<=",
            None,
            "1",
            "GB/T 50034-2024",
            "4.4.2",
            "shall",
            "verified",
            reason=not_measured("no SVM record"),
        ),
    ]


def build_reports(store: CampaignStore) -> list[ClassroomReportData]:
    reports = []
    rng = np.random.default_rng(7)
    for room in store.classrooms():
        metrics, _reasons = store.metrics(room.classroom_id)
        verdicts = verdicts_for(metrics)
        status = (
            "fail"
            if any(v.status == "fail" and v.obligation == "shall" for v in verdicts)
            else "incomplete"
        )
        x, y = 0.33 + 0.06 * rng.random(), 0.33 + 0.06 * rng.random()
        extras = FigureInputs(
            chromaticity=ChromaticityPoint(x, y, float(metrics["cct_K"]), 0.001),  # type: ignore[arg-type]
            flicker_limits=CONTEXT.flicker_limits["ordinary"],
            ugr_observers=(
                UgrObserver("A", room.width_m / 2, room.length_m, float(metrics["ugr"])),  # type: ignore[arg-type]
                UgrObserver("B", 0.0, room.length_m / 2, float("nan")),
            ),
            luminaires_m=tuple(
                (xx, yy)
                for xx in (1.2, room.width_m / 2, room.width_m - 1.2)
                for yy in (2.5, 5.0, 7.5)
            ),
        )
        reports.append(
            build_classroom_report(
                store,
                room.classroom_id,
                verdicts,
                status,
                CONTEXT.policy,
                profile_id="cn-classroom",
                packs=CONTEXT.packs,
                figures=extras,
                issued_on=dt.date(2026, 11, 3),
            )
        )
    return reports


def naive_render(report: ClassroomReportData, out: Path) -> None:
    """Reference: everything re-created per report (environment, figures, backgrounds)."""
    environment.cache_clear()
    pages = ClassroomPages(out, "zh")
    pages.backgrounds = render._backgrounds(pages, [report.figures])
    render._render_classroom(pages, report, False)


def optimised_in_process(
    reports: list[ClassroomReportData], out: Path, signing: SigningSetup | None = None
) -> None:
    pages = ClassroomPages(out, "zh")
    pages.backgrounds = render._backgrounds(pages, [r.figures for r in reports])
    for report in reports:
        render._render_classroom(pages, report, False, signing)


def page_reading(pages: list[str]) -> tuple[float, float]:
    """CPU seconds a page for reading what a signed page shows (the signature's input): the
    strict-form reader luxcheck uses, and html.parser (the reference it must equal)."""
    from luxcheck.report.visible import page_content, parsed_content

    out = []
    for read in (page_content, parsed_content):
        cpu = time.process_time()
        for text in pages:
            read(text)
        out.append((time.process_time() - cpu) / len(pages))
    return out[0], out[1]


def pdf_in_process(
    reports: list[ClassroomReportData], work: Path, rounds: int = 2
) -> dict[str, float]:
    """CPU seconds per report, in this process, on the classroom pages of ``reports`` (see the
    module notes, item 4): the minimum of ``rounds`` rounds, the reference and the optimised
    path taking turns so that the load of the machine falls on both alike."""
    import weasyprint

    from luxcheck.demo.lab_keys import demo_lab_profile
    from luxcheck.report.pdf import write_pdf
    from luxcheck.report.signing import SigningSetup

    out = work / "pdf-cpu"
    render.render_campaign(reports, out, jobs=1)
    pages = ClassroomPages(out, "zh")
    pages.backgrounds = render._backgrounds(pages, [r.figures for r in reports])
    paths = [pages.classroom_path(r.school.school_id, r.classroom.classroom_id) for r in reports]
    texts = [path.read_text("utf-8") for path in paths]
    signing = SigningSetup.from_lab(demo_lab_profile(work / "lab"))
    assert signing is not None

    def html_only() -> None:
        for report in reports:
            pages.render_classroom(report)

    # the print CSS before issue 21 laid out every table but the results automatically
    auto_tables = weasyprint.CSS(
        string="@media print { table:not(.results) { table-layout: auto !important; } }"
    )

    def reference() -> None:
        for text, path in zip(texts, paths, strict=True):
            document = weasyprint.HTML(string=text, base_url=str(path))
            document.write_pdf(io.BytesIO(), stylesheets=[auto_tables])

    pdfs: list[bytes] = []

    def now() -> None:
        pdfs[:] = [
            write_pdf(text, path, path.with_suffix(".pdf"))
            for text, path in zip(texts, paths, strict=True)
        ]

    def sign() -> None:
        for data in pdfs:
            signing.sign_pdf(data)

    steps = {"html": html_only, "reference": reference, "pdf": now, "sign": sign}
    # warm-up on one page: Pango and the fonts loaded, the process's PDF set-up made
    weasyprint.HTML(string=texts[0], base_url=str(paths[0])).write_pdf(io.BytesIO())
    write_pdf(texts[0], paths[0], out / "warm-up.pdf")
    html_only()
    now()
    sign()
    best = dict.fromkeys(steps, float("inf"))
    for _round in range(rounds):
        for name, step in steps.items():
            cpu = time.process_time()
            step()
            best[name] = min(best[name], (time.process_time() - cpu) / len(reports))
    return best


def cpu_s(who: str) -> float:
    """User + system CPU seconds of this process (``self``) or its ended children."""
    usage = resource.getrusage(resource.RUSAGE_SELF if who == "self" else resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def peak_mib() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return me, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--pdf-sample", type=int, default=75)
    parser.add_argument("--naive-sample", type=int, default=30)
    parser.add_argument(
        "--pdf-cpu-sample", type=int, default=8, help="classroom PDFs timed in this process"
    )
    parser.add_argument(
        "--pairs", type=int, default=5, help="timed pairs of HTML runs (2 jobs, then 1)"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the output here")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="luxcheck-bench-reports-"))
    try:
        t = time.perf_counter()
        store = build_campaign(work / "bench.lux", args.rooms)
        t_store = time.perf_counter() - t
        t = time.perf_counter()
        reports = build_reports(store)
        t_build = time.perf_counter() - t
        marks: list[float] = []  # main-process CPU at the first and the last progress call

        def mark(done: int, total: int) -> None:
            if not marks or done == total:
                marks[1:] = [cpu_s("self")]
                if len(marks) == 1:
                    marks.append(marks[0])

        # a warm-up on a few classrooms: the timed runs with 2 jobs and with 1 both find the
        # templates compiled and the modules loaded (else the first run pays for the second)
        render.render_campaign(reports[:20], work / "warm-up", jobs=1)
        # pairs of runs, 2 jobs then 1, each into a new folder: the machine's speed drifts
        # (a shared VM), so the speed-up is the median of the pairs' own ratios
        walls: list[tuple[float, float]] = []  # (2 jobs, 1 job) per pair
        main_cpu = kids_cpu = overlapped = one_job_cpu = 0.0
        for pair in range(args.pairs):
            marks.clear()
            t, cpu_main, cpu_kids = time.perf_counter(), cpu_s("self"), cpu_s("children")
            summary = render.render_campaign(
                reports, work / f"html-{pair}", jobs=args.jobs, progress=mark
            )
            t_html = time.perf_counter() - t
            main_cpu += cpu_s("self") - cpu_main
            kids_cpu += cpu_s("children") - cpu_kids
            # what the main process does while the workers render (the campaign's own pages)
            # overlaps them; the rest of its CPU is serial
            overlapped += marks[1] - marks[0]
            t, cpu_main = time.perf_counter(), cpu_s("self")
            render.render_campaign(reports, work / f"html-1job-{pair}", jobs=1)
            walls.append((t_html, time.perf_counter() - t))
            one_job_cpu += cpu_s("self") - cpu_main
        t_html = statistics.median(w for w, _ in walls)
        t_one_job = statistics.median(w for _, w in walls)
        speed_up = statistics.median(one / two for two, one in walls)
        if args.keep is not None:
            shutil.copytree(work / "html-0", args.keep, dirs_exist_ok=True)
        t = time.perf_counter()
        again = render.render_campaign(reports, work / "html-0", jobs=args.jobs)
        t_again = time.perf_counter() - t
        sample = reports[: args.naive_sample]
        t = time.perf_counter()
        for i, report in enumerate(sample):
            naive_render(report, work / f"naive{i}")
        t_naive = (time.perf_counter() - t) / len(sample)
        # warm-up on other classrooms of the same size classes: backgrounds drawn, Jinja2
        # environment built; the measured sample still draws its own figures
        optimised_in_process(reports[-len(sample) :], work / "optimised")
        t, cpu = time.perf_counter(), time.process_time()
        optimised_in_process(sample, work / "optimised")
        t_opt = (time.perf_counter() - t) / len(sample)
        cpu_page = (time.process_time() - cpu) / len(sample)
        # issued reports are signed (visible-content signature and QR code, as the demo does)
        from luxcheck.demo.lab_keys import demo_lab_profile

        signing = SigningSetup.from_lab(
            demo_lab_profile(work / "lab"),
            {r.classroom.classroom_id: f"BENCH-{i:05d}" for i, r in enumerate(sample)},
        )
        optimised_in_process(reports[-len(sample) :], work / "signed", signing)
        cpu = time.process_time()
        optimised_in_process(sample, work / "signed", signing)
        cpu_signed = (time.process_time() - cpu) / len(sample)
        signed_pages = [
            p.read_text("utf-8")
            for p in sorted((work / "signed" / "schools").rglob("*.html"))
            if p.name != "index.html"
        ]
        cpu_read, cpu_read_reference = page_reading(signed_pages)
        t_pdf = float("nan")
        pdf_cpu: dict[str, float] = {}
        # the samples are whole schools, as the campaign has them (each school's bound PDF
        # binds its classrooms): the first school, and the first schools of --pdf-sample
        # classrooms or more; a further classroom's wall time is their difference per
        # classroom, the rest set-up (workers starting, WeasyPrint's fonts)
        schools: dict[str, list[ClassroomReportData]] = {}
        for report in reports:
            schools.setdefault(report.school.school_id, []).append(report)
        samples: list[list[ClassroomReportData]] = [[], []]
        for group in schools.values():
            samples[0] = samples[0] or group
            if len(samples[1]) < args.pdf_sample:
                samples[1] = samples[1] + group
        pdf_small, pdf_n = len(samples[0]), len(samples[1])
        t_pdfs: list[float] = []
        if pdf_n > pdf_small:
            try:
                import weasyprint  # noqa: F401
            except ImportError:
                print("PDF: WeasyPrint not installed; skipped")
            else:
                for sample_reports in samples:
                    t = time.perf_counter()
                    render.render_campaign(
                        sample_reports,
                        work / f"pdf-{len(sample_reports)}",
                        jobs=args.jobs,
                        pdf=True,
                    )
                    t_pdfs.append(time.perf_counter() - t)
                t_pdf = (t_pdfs[1] - t_pdfs[0]) / (pdf_n - pdf_small)
                pdf_cpu = pdf_in_process(reports[: min(args.pdf_cpu_sample, len(reports))], work)
        me, child = peak_mib()
        store.close()
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    n = len(reports)
    print(
        f"campaign: {n} classrooms in {len({r.school.school_id for r in reports})} schools; "
        f"jobs={args.jobs}"
    )
    print(f"store built (bench set-up)                 {t_store:8.2f} s")
    print(
        f"report data from the store                 {t_build:8.2f} s  "
        f"({t_build / n * 1000:.1f} ms/classroom)"
    )
    print(
        f"HTML: {summary.rendered} classroom reports + schools + dashboard + CSV "
        f"{t_html:8.2f} s  (target ≤ 60 s)"
    )
    print(f"incremental re-run ({again.skipped} unchanged)           {t_again:8.2f} s")
    print(
        f"HTML with 1 job {t_one_job:8.2f} s, with {args.jobs} jobs {t_html:8.2f} s wall "
        f"(medians of {len(walls)} pairs) -> speed-up {speed_up:4.2f}x, the median of the pairs' "
        f"({', '.join(f'{one / two:4.2f}x' for two, one in walls)}) "
        f"(target >= 1.8x with 2 jobs; needs idle cores)"
    )
    serial_cpu = main_cpu - overlapped
    serial = serial_cpu / one_job_cpu
    # on as many idle cores as jobs: the serial part, then the workers' and the overlapped
    # main-process work shared by the cores
    bound = one_job_cpu / (serial_cpu + (kids_cpu + overlapped) / args.jobs)
    print(
        f"CPU of the {len(walls)} pairs: 1 job {one_job_cpu:7.2f} s; {args.jobs} jobs: main "
        f"process {main_cpu:7.2f} s ({overlapped:5.2f} s of it while the workers render) + "
        f"workers {kids_cpu:7.2f} s -> serial share {serial:5.1%}, speed-up bound on "
        f"{args.jobs} idle cores {bound:4.2f}x"
    )
    print(
        f"CPU per classroom page, one warm process: {cpu_page * 1000:6.1f} ms incl. figures "
        f"(target <= 15 ms)"
    )
    print(
        f"CPU per signed classroom page (issued: signature + QR code): "
        f"{cpu_signed * 1000:6.1f} ms; reading what it shows {cpu_read * 1000:5.1f} ms, "
        f"html.parser {cpu_read_reference * 1000:5.1f} ms -> "
        f"{cpu_read_reference / cpu_read:4.1f}x ({len(signed_pages)} pages)"
    )
    print(
        f"one process, per classroom report: optimised {t_opt * 1000:7.1f} ms, "
        f"naive reference {t_naive * 1000:7.1f} ms  -> ratio {t_naive / t_opt:5.1f}x "
        f"(sample {len(sample)})"
    )
    print(f"projected naive for {n} classrooms, one process: {t_naive * n:8.1f} s")
    if t_pdf == t_pdf:
        set_up = t_pdfs[0] - pdf_small * t_pdf
        print(
            f"PDF (HTML+PDF per report, school and dashboard PDFs, {args.jobs} workers): "
            f"{pdf_small} reports (1 school) {t_pdfs[0]:5.1f} s, {pdf_n} reports "
            f"({len(set(r.school.school_id for r in samples[1]))} schools) {t_pdfs[1]:5.1f} s "
            f"wall -> "
            f"{t_pdf * 1000:6.1f} ms a further report, {set_up:4.1f} s set-up -> "
            f"{(set_up + t_pdf * n) / 60:5.1f} min for {n} (target ≤ 5 min)"
        )
        html_ms, pdf_ms = pdf_cpu["html"] * 1000, pdf_cpu["pdf"] * 1000
        print(
            f"PDF CPU per report, one process (sample {min(args.pdf_cpu_sample, n)}): HTML page "
            f"{html_ms:6.1f} ms; PDF as a plain WeasyPrint call {pdf_cpu['reference'] * 1000:7.1f}"
            f" ms, PDF now {pdf_ms:7.1f} ms -> ratio {pdf_cpu['reference'] / pdf_cpu['pdf']:4.2f}x"
            f" (target about 500 ms); PDF / HTML page {pdf_cpu['pdf'] / pdf_cpu['html']:5.1f}x; "
            f"PAdES signature {pdf_cpu['sign'] * 1000:6.1f} ms"
        )
        cores = min(args.jobs, 2)
        print(
            f"projected CPU-bound PDF time for {n} on {cores} cores: "
            f"{(pdf_cpu['html'] + pdf_cpu['pdf'] + pdf_cpu['sign']) * n / cores / 60:5.1f} min "
            f"(HTML + PDF + signature; target ≤ 5 min)"
        )
    print(f"peak memory: main {me:7.1f} MiB, largest worker {child:7.1f} MiB (target ≤ 2 GiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
