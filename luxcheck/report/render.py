"""Rendering a campaign: every classroom report (in a process pool, only what changed since
the last run), the school summaries, the dashboard, the static files and the verdict export.

Output file names come from ids through :func:`luxcheck.report.files.safe_component`, and every
write is checked to stay inside the output folder.
"""

from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import datetime as dt
import functools
import itertools
import json
import multiprocessing
import shutil
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from pathlib import Path

from luxcheck.errors import InputError
from luxcheck.model import School
from luxcheck.report.export import export_rows, write_csv, write_xlsx
from luxcheck.report.figures import AxesGeometry
from luxcheck.report.files import content_key, inside, record_key, write_atomic
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    ClassroomSummary,
    FigureInputs,
    SchoolSummaryData,
)
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.pdf import page_css, write_pdf
from luxcheck.report.templates import templates_fingerprint
from luxcheck.resources import reports_dir

MANIFEST_NAME = ".luxcheck-manifest.json"


def _report_key(report: ClassroomReportData, lang: str, pdf: bool, fmt: str) -> str:
    keyed = dataclasses.replace(report, issued_on=dt.date(1970, 1, 1))
    return record_key(keyed, lang, str(pdf), fmt, templates_fingerprint())


@dataclass(frozen=True)
class RenderSummary:
    """What :func:`render_campaign` did."""

    out_dir: Path
    classrooms: int
    rendered: int
    skipped: int
    pdf: bool
    dashboard: Path


_WORKER: ClassroomPages | None = None
_WORKER_PDF = False


def _init_worker(
    out_dir: str, lang: str, fmt: str, backgrounds: dict[str, tuple[str, AxesGeometry]], pdf: bool
) -> None:
    global _WORKER, _WORKER_PDF
    import matplotlib

    matplotlib.use("Agg")
    _WORKER = ClassroomPages(Path(out_dir), lang, figure_format=fmt, backgrounds=backgrounds)
    _WORKER_PDF = pdf


def _render_task(report: ClassroomReportData) -> str:
    assert _WORKER is not None
    return _render_classroom(_WORKER, report, _WORKER_PDF)


def _render_classroom(pages: ClassroomPages, report: ClassroomReportData, pdf: bool) -> str:
    school_id, room_id = report.school.school_id, report.classroom.classroom_id
    html_path = pages.classroom_path(school_id, room_id)
    text = pages.render_classroom(report)
    write_atomic(html_path, text.encode("utf-8"))
    if pdf:
        write_pdf(text, html_path, pages.classroom_path(school_id, room_id, ".pdf"))
    return room_id


def _copy_static(out_dir: Path, pages: ClassroomPages) -> None:
    root = reports_dir()
    for path in sorted((root / "static").iterdir()):
        if path.is_file() and path.suffix in (".css", ".js"):
            target = inside(out_dir, "static", path.name)
            data = path.read_bytes()
            if not target.exists() or target.read_bytes() != data:
                write_atomic(target, data)
    font = root / "fonts" / "LuxcheckSansSC-Regular.otf"
    for name in ("LuxcheckSansSC-Regular.otf", "OFL.txt"):
        source = font.parent / name
        target = inside(out_dir, "static", "fonts", name)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    write_atomic(
        inside(out_dir, "static", f"page-{pages.lang}.css"), page_css(pages._).encode("utf-8")
    )


def _flicker_background(pages: ClassroomPages, figures: FigureInputs) -> None:
    """Draw (or load) the flicker chart of these limit curves, once, before a worker needs it
    (workers load a background this process drew from the figures folder)."""
    if figures.flicker_limits:
        pages.background(
            "flicker-" + content_key(figures.flicker_limits)[:20],
            functools.partial(pages.figures.flicker_background, figures.flicker_limits),
        )


def _backgrounds(
    pages: ClassroomPages, figures: Iterable[FigureInputs]
) -> dict[str, tuple[str, AxesGeometry]]:
    """Draw (or load) the campaign-wide backgrounds of these figures at once."""
    pages.background("chromaticity", pages.figures.chromaticity_background)
    for figs in figures:
        _flicker_background(pages, figs)
    return dict(pages.backgrounds)


class _Workers:
    """Renders classrooms in this process (``jobs`` 1) or in a pool of worker processes fed
    as the reports arrive, at most a few reports ahead of the workers (so the caller's
    assembly overlaps the rendering and memory does not grow with the campaign)."""

    def __init__(
        self, pages: ClassroomPages, pdf: bool, jobs: int, progress: Callable[[int], None]
    ) -> None:
        self.pages, self.pdf, self.jobs, self.progress = pages, pdf, jobs, progress
        self.pending: collections.deque[concurrent.futures.Future[str]] = collections.deque()
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        return self

    def submit(self, report: ClassroomReportData) -> None:
        if self.jobs <= 1:
            _render_classroom(self.pages, report, self.pdf)
            self.progress(1)
            return
        if self.pool is None:
            pages = self.pages
            self.pool = concurrent.futures.ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(
                    str(pages.out_dir),
                    pages.lang,
                    pages.figure_format,
                    dict(pages.backgrounds),
                    self.pdf,
                ),
                max_tasks_per_child=200 if self.pdf else None,
            )
        self.pending.append(self.pool.submit(_render_task, report))
        while len(self.pending) > 4 * self.jobs or (self.pending and self.pending[0].done()):
            self.pending.popleft().result()
            self.progress(1)

    def __exit__(self, *exc: object) -> None:
        try:
            while self.pending and exc[0] is None:
                self.pending.popleft().result()
                self.progress(1)
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)


def render_campaign(
    reports: Iterable[ClassroomReportData],
    out_dir: str | Path,
    *,
    lang: str = "zh",
    pdf: bool = False,
    jobs: int = 1,
    figure_format: str = "png",
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    total: int | None = None,
) -> RenderSummary:
    """Write every report of a campaign into ``out_dir``.

    Output: ``index.html`` (dashboard), ``schools/<school>/index.html`` (school summaries),
    ``schools/<school>/<classroom>.html`` (+ ``.pdf`` with ``pdf=True``), ``figures/``,
    ``static/``, ``verdicts.csv``. A classroom whose content key (data, language, templates,
    format) is unchanged since the last run is not re-rendered unless ``force``.

    Parameters
    ----------
    reports
        The classroom reports (:func:`build_classroom_report`), all of one campaign; a
        generator is consumed as the workers render, so assembly and rendering overlap.
    jobs
        Worker processes; 1 renders in this process.
    progress
        Called as ``progress(done, total)`` after each classroom.
    total
        How many reports ``reports`` yields, for ``progress`` (default: its length if it has
        one, else the count so far).
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("not a folder", source=str(out))
    out.mkdir(parents=True, exist_ok=True)
    stream = iter(reports)
    first = next(stream, None)
    if first is None:
        raise InputError("the campaign has no classrooms to report on", source=str(out))
    if total is None and isinstance(reports, Sized):
        total = len(reports)
    campaign = first.campaign
    pages = ClassroomPages(out, lang, figure_format=figure_format)
    _copy_static(out, pages)
    pages.background("chromaticity", pages.figures.chromaticity_background)
    manifest_path = inside(out, MANIFEST_NAME)
    manifest: dict[str, str] = {}
    if manifest_path.exists() and not force:
        try:
            manifest = dict(json.loads(manifest_path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            manifest = {}
    keys: dict[str, str] = {}
    summaries: list[ClassroomSummary] = []
    schools: dict[str, School] = {}
    done = rendered = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, max(total or 0, len(summaries)))

    with _Workers(pages, pdf, jobs, advance) as workers:
        for report in itertools.chain([first], stream):
            if report.campaign.campaign_id != campaign.campaign_id:
                raise InputError("reports of different campaigns cannot share a dashboard")
            summaries.append(ClassroomSummary.from_report(report))
            schools.setdefault(report.school.school_id, report.school)
            rel = pages.classroom_path(report.school.school_id, report.classroom.classroom_id)
            rel_name = str(rel.relative_to(out.resolve()))
            key = _report_key(report, lang, pdf, figure_format)
            keys[rel_name] = key
            pdf_ok = not pdf or rel.with_suffix(".pdf").exists()
            if manifest.get(rel_name) == key and rel.exists() and pdf_ok:
                advance(1)
                continue
            _flicker_background(pages, report.figures)
            workers.submit(report)
            rendered += 1
    total = len(summaries)
    by_school: dict[str, list[ClassroomSummary]] = collections.defaultdict(list)
    for summary in summaries:
        by_school[summary.school_id].append(summary)
    for school_id, school in sorted(schools.items()):
        data = SchoolSummaryData(campaign, school, tuple(by_school[school_id]))
        text = pages.render_school(data)
        path = pages.school_path(school_id)
        write_atomic(path, text.encode("utf-8"))
        if pdf:
            write_pdf(text, path, pages.school_path(school_id, ".pdf"))
    dashboard = CampaignDashboardData(
        campaign,
        tuple(school for _sid, school in sorted(schools.items())),
        tuple(summaries),
        first.profile_id,  # one context for the campaign's reports
        first.packs,
    )
    text = pages.render_dashboard(dashboard)
    index = inside(out, "index.html")
    write_atomic(index, text.encode("utf-8"))
    if pdf:
        write_pdf(text, index, inside(out, "index.pdf"))
    rows = export_rows(
        campaign.campaign_id, {k: v.name for k, v in schools.items()}, summaries, lang
    )
    write_csv(inside(out, "verdicts.csv"), rows)
    write_xlsx(inside(out, "verdicts.xlsx"), rows)
    write_atomic(manifest_path, json.dumps(keys, indent=0, sort_keys=True).encode())
    return RenderSummary(out, total, rendered, total - rendered, pdf, index)
