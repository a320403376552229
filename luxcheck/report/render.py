"""Rendering a campaign: every classroom report (in a process pool, only what changed since
the last run), the school summaries, the dashboard, the static files and the verdict export.

Output file names come from ids through :func:`luxcheck.report.files.safe_component`, and every
write is checked to stay inside the output folder.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import functools
import json
import multiprocessing
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from luxcheck.errors import InputError, LuxcheckError
from luxcheck.report.bound import write_bound_pdf
from luxcheck.report.export import export_rows, write_csv, write_xlsx
from luxcheck.report.figures import AxesGeometry
from luxcheck.report.files import content_key, inside, write_atomic
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
    return content_key(keyed, lang, str(pdf), fmt, templates_fingerprint())


@dataclass(frozen=True)
class RenderSummary:
    """What :func:`render_campaign` did."""

    out_dir: Path
    classrooms: int
    rendered: int
    skipped: int
    pdf: bool
    dashboard: Path
    #: Classrooms that could not be reported (id, reason); the others were rendered.
    unreported: tuple[tuple[str, str], ...] = ()


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
    return _render_or_reason(_WORKER, report, _WORKER_PDF)


def _render_or_reason(pages: ClassroomPages, report: ClassroomReportData, pdf: bool) -> str:
    """Render one classroom; "" when done, else why it could not be (the campaign goes on)."""
    try:
        _render_classroom(pages, report, pdf)
    except LuxcheckError as exc:
        return str(exc)
    return ""


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


def _backgrounds(
    pages: ClassroomPages, figures: Iterable[FigureInputs]
) -> dict[str, tuple[str, AxesGeometry]]:
    """Draw (or load) the campaign-wide backgrounds once, before the workers start."""
    pages.background("chromaticity", pages.figures.chromaticity_background)
    for figs in figures:
        if figs.flicker_limits:
            pages.background(
                "flicker-" + content_key(figs.flicker_limits)[:20],
                functools.partial(pages.figures.flicker_background, figs.flicker_limits),
            )
    return dict(pages.backgrounds)


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
    unreported: Sequence[tuple[str, str]] = (),
    laboratories: Mapping[str, tuple[str, ...]] | None = None,
) -> RenderSummary:
    """Write every report of a campaign into ``out_dir``.

    Output: ``index.html`` (dashboard), ``schools/<school>/index.html`` (school summaries),
    ``schools/<school>/<classroom>.html`` (+ ``.pdf`` with ``pdf=True``), ``figures/``,
    ``static/``, ``verdicts.csv``. A classroom whose content key (data, language, templates,
    format) is unchanged since the last run is not re-rendered unless ``force``.

    Parameters
    ----------
    reports
        The classroom reports (:func:`build_classroom_report`), all of one campaign.
    jobs
        Worker processes; 1 renders in this process.
    progress
        Called as ``progress(done, total)`` after each classroom.
    unreported
        Classrooms the caller could not assemble (id, reason): listed on the dashboard as
        incomplete, as is a classroom whose report fails to render; the others are written.
    laboratories
        The laboratories that measured each classroom (by id), for the dashboard's laboratory
        column and filter (a campaign of many laboratories).
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("not a folder", source=str(out))
    out.mkdir(parents=True, exist_ok=True)
    items = list(reports)
    if not items:
        raise InputError("the campaign has no classrooms to report on", source=str(out))
    campaign = items[0].campaign
    for item in items:
        if item.campaign.campaign_id != campaign.campaign_id:
            raise InputError("reports of different campaigns cannot share a dashboard")
    pages = ClassroomPages(out, lang, figure_format=figure_format)
    _copy_static(out, pages)
    backgrounds = _backgrounds(pages, (r.figures for r in items))
    manifest_path = inside(out, MANIFEST_NAME)
    manifest: dict[str, str] = {}
    if manifest_path.exists() and not force:
        try:
            manifest = dict(json.loads(manifest_path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            manifest = {}
    todo: list[ClassroomReportData] = []
    keys: dict[str, str] = {}
    for report in items:
        rel = pages.classroom_path(report.school.school_id, report.classroom.classroom_id)
        rel_name = str(rel.relative_to(out.resolve()))
        key = _report_key(report, lang, pdf, figure_format)
        keys[rel_name] = key
        pdf_ok = not pdf or rel.with_suffix(".pdf").exists()
        if manifest.get(rel_name) == key and rel.exists() and pdf_ok:
            continue
        todo.append(report)
    total, done = len(items), len(items) - len(todo)
    if progress:
        progress(done, total)
    failed: list[tuple[str, str]] = list(unreported)
    if jobs <= 1 or len(todo) <= 1:
        reasons = []
        for report in todo:
            reasons.append(_render_or_reason(pages, report, pdf))
            done += 1
            if progress:
                progress(done, total)
    else:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(str(out), lang, figure_format, backgrounds, pdf),
            max_tasks_per_child=200 if pdf else None,
        ) as pool:
            reasons = []
            for reason in pool.map(_render_task, todo, chunksize=4):
                reasons.append(reason)
                done += 1
                if progress:
                    progress(done, total)
    for report, reason in zip(todo, reasons, strict=True):
        if reason:
            failed.append((report.classroom.classroom_id, reason))
            rel = pages.classroom_path(report.school.school_id, report.classroom.classroom_id)
            keys.pop(str(rel.relative_to(out.resolve())), None)  # rendered again next run
    bad = {room for room, _ in failed}
    items = [r for r in items if r.classroom.classroom_id not in bad]
    labs = laboratories or {}
    summaries = [
        ClassroomSummary.from_report(r, labs.get(r.classroom.classroom_id, ())) for r in items
    ]
    schools = {r.school.school_id: r.school for r in items}
    for school_id, school in sorted(schools.items()):
        data = SchoolSummaryData(
            campaign, school, tuple(s for s in summaries if s.school_id == school_id)
        )
        text = pages.render_school(data)
        path = pages.school_path(school_id)
        write_atomic(path, text.encode("utf-8"))
        if pdf:  # the bound report: cover, school summary, every classroom report
            rooms = [r for r in items if r.school.school_id == school_id]
            write_bound_pdf(pages, data, text, rooms)
    dashboard = CampaignDashboardData(
        campaign,
        tuple(school for _sid, school in sorted(schools.items())),
        tuple(summaries),
        items[0].profile_id if items else "",
        items[0].packs if items else (),
        tuple(failed),
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
    return RenderSummary(out, total, len(todo), total - len(todo), pdf, index, tuple(failed))
