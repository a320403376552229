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
import hashlib
import json
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from luxcheck.errors import InputError, LuxcheckError
from luxcheck.report.bound import write_bound_pdf
from luxcheck.report.export import export_rows, write_csv, write_xlsx
from luxcheck.report.figures import CHROMATICITY_LAYOUT, FLICKER_LAYOUT, AxesGeometry
from luxcheck.report.files import (
    content_key,
    inside,
    record_key,
    safe_component,
    write_atomic,
)
from luxcheck.report.gather import frozen_for_fork, worker_context
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    ClassroomSummary,
    FigureInputs,
    SchoolSummaryData,
)
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.pdf import page_css, write_pdf
from luxcheck.report.signing import SigningSetup
from luxcheck.report.templates import environment, templates_fingerprint
from luxcheck.report.verification import PDF_ATTACHMENT
from luxcheck.report.visible import SUMMARY
from luxcheck.resources import reports_dir

MANIFEST_NAME = ".luxcheck-manifest.json"


def _report_key(
    report: ClassroomReportData, lang: str, pdf: bool, fmt: str, signing: SigningSetup | None
) -> str:
    keyed = dataclasses.replace(report, issued_on=dt.date(1970, 1, 1))
    sealed = signing.key(report.classroom.classroom_id) if signing else "unsigned"
    return record_key(keyed, lang, str(pdf), fmt, sealed, templates_fingerprint())


def _sha256(path: Path) -> str | None:
    """The SHA-256 of a file, or None when there is none."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


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
_WORKER_SIGNING: SigningSetup | None = None
#: The classrooms to render, as the render pool's workers find them when forked.
_FORKED_REPORTS: Sequence[ClassroomReportData] = []


def _init_worker(
    out_dir: str, lang: str, fmt: str, pdf: bool, signing: SigningSetup | None
) -> None:
    global _WORKER, _WORKER_PDF, _WORKER_SIGNING
    import matplotlib

    matplotlib.use("Agg")
    _WORKER = ClassroomPages(Path(out_dir), lang, figure_format=fmt)
    # HTML only: the main process draws the shared backgrounds while this worker starts
    # (render_campaign); a PDF embeds their images, so a PDF worker waits for them
    _WORKER.layouts_drawn_elsewhere = not pdf
    _WORKER_PDF = pdf
    _WORKER_SIGNING = signing


def preload(languages: Iterable[str], signing: SigningSetup | None, pdf: bool) -> None:
    """Load in this process, before workers fork, what each of them needs and would otherwise
    import, compile or read again (this process needs most of it anyway): matplotlib's figure
    and Agg canvas, the compiled page templates of ``languages``, the laboratory's signer and,
    with ``pdf``, WeasyPrint."""
    import matplotlib.backends.backend_agg
    import matplotlib.figure  # noqa: F401

    for lang in languages:
        for name in ("classroom.html.j2", "school.html.j2", "dashboard.html.j2"):
            environment(lang).get_template(name)
    if signing is not None:
        signing.signer()
    if pdf:
        import weasyprint  # noqa: F401


def _render_task(report: ClassroomReportData | int) -> tuple[str, dict[str, str]]:
    """Render a classroom in a worker: the report, or its position in the reports the worker
    was forked with."""
    assert _WORKER is not None
    if isinstance(report, int):
        report = _FORKED_REPORTS[report]
    return _render_or_reason(_WORKER, report, _WORKER_PDF, _WORKER_SIGNING)


def _render_or_reason(
    pages: ClassroomPages,
    report: ClassroomReportData,
    pdf: bool,
    signing: SigningSetup | None,
) -> tuple[str, dict[str, str]]:
    """Render one classroom: ("", the files written) when done, else why it could not be
    (the campaign goes on)."""
    try:
        return "", _render_classroom(pages, report, pdf, signing)
    except LuxcheckError as exc:
        return str(exc), {}


def _render_classroom(
    pages: ClassroomPages,
    report: ClassroomReportData,
    pdf: bool,
    signing: SigningSetup | None = None,
) -> dict[str, str]:
    """Render (and sign) one classroom's files; their SHA-256s by path (relative to the output
    folder), for the manifest."""
    school_id, room_id = report.school.school_id, report.classroom.classroom_id
    hints = {
        "issued_on": report.issued_on.isoformat(),
        "lang": pages.lang,
        "profile": report.profile_id,
    }
    return _write_page(
        pages.render_classroom(report),
        pages.classroom_path(school_id, room_id),
        pages.classroom_path(school_id, room_id, ".pdf") if pdf else None,
        pages.out_dir,
        signing,
        signing.number(room_id) if signing is not None else None,
        hints,
    )


def _write_page(
    text: str,
    html_path: Path,
    pdf_path: Path | None,
    out_dir: Path,
    signing: SigningSetup | None,
    report_number: str | None,
    hints: dict[str, str],
) -> dict[str, str]:
    """Write a page as HTML (and PDF), signed by the laboratory when ``signing`` is given (the
    PDF embeds the HTML's signed statement); the SHA-256s of the files by relative path."""
    attachments: dict[str, bytes] = {}
    if signing is not None:
        text, block = signing.sign_html(text, html_path, report_number, hints)
        attachments[PDF_ATTACHMENT] = block.to_json_text().encode("utf-8")
    data = text.encode("utf-8")
    write_atomic(html_path, data)
    root = out_dir.resolve()
    written = {str(html_path.relative_to(root)): hashlib.sha256(data).hexdigest()}
    if pdf_path is not None:
        pdf_data = write_pdf(
            text,
            html_path,
            pdf_path,
            attachments=attachments,
            finish=signing.sign_pdf if signing is not None else None,
        )
        written[str(pdf_path.relative_to(root))] = hashlib.sha256(pdf_data).hexdigest()
    return written


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
    """Draw (or load) the campaign-wide backgrounds once (the workers read them)."""
    pages.background("chromaticity", pages.figures.chromaticity_background, CHROMATICITY_LAYOUT)
    for figs in figures:
        if figs.flicker_limits:
            pages.background(
                "flicker-" + content_key(figs.flicker_limits)[:20],
                functools.partial(pages.figures.flicker_background, figs.flicker_limits),
                FLICKER_LAYOUT,
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
    signing: SigningSetup | None = None,
    dashboard_pdf: bool = True,
) -> RenderSummary:
    """Write every report of a campaign into ``out_dir``.

    Output: ``index.html`` (dashboard), ``schools/<school>/index.html`` (school summaries),
    ``schools/<school>/<classroom>.html`` (+ ``.pdf`` with ``pdf=True``), ``figures/``,
    ``static/``, ``verdicts.csv``. A classroom whose content key (data, language, templates,
    format, signing key and report number) is unchanged since the last run, and whose files are
    byte for byte those the last run wrote (their SHA-256s are in the manifest: a truncated or
    edited file is rendered again), is not re-rendered unless ``force``.

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
    signing
        Sign every classroom report (HTML: its visible content; PDF: PAdES) with the
        laboratory's key, and put a QR code on it (:class:`SigningSetup`); None: unsigned.
    dashboard_pdf
        With ``pdf``, the dashboard as PDF too (False for a sample of classrooms, whose
        dashboard is no campaign's: an ``index.pdf`` of an earlier run is then removed).
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
    manifest_path = inside(out, MANIFEST_NAME)
    old_keys, old_files = ({}, {}) if force else _read_manifest(manifest_path)

    def content_keys() -> dict[str, str]:
        """Each classroom's content key by its page's path."""
        root = out.resolve()
        found: dict[str, str] = {}
        for r in items:
            page = pages.classroom_path(r.school.school_id, r.classroom.classroom_id)
            found[str(page.relative_to(root))] = _report_key(r, lang, pdf, figure_format, signing)
        return found

    keys: dict[str, str] = {}
    files: dict[str, str] = {}
    todo: list[ClassroomReportData] = items
    if old_keys:
        keys, todo = content_keys(), []
        root = out.resolve()
        for report in items:
            rel = pages.classroom_path(report.school.school_id, report.classroom.classroom_id)
            outputs = [rel, rel.with_suffix(".pdf")] if pdf else [rel]
            names = [str(p.relative_to(root)) for p in outputs]
            # trust no existing file: each must be byte for byte what the last run wrote
            if old_keys.get(names[0]) == keys[names[0]] and all(
                old_files.get(n) is not None and _sha256(p) == old_files[n]
                for n, p in zip(names, outputs, strict=True)
            ):
                files.update((n, old_files[n]) for n in names)
                continue
            todo.append(report)
    # else every classroom is rendered, and the keys (for the manifest) are taken while the
    # workers render
    total, done = len(items), len(items) - len(todo)
    if progress:
        progress(done, total)
    failed: list[tuple[str, str]] = list(unreported)
    labs = laboratories or {}
    reasons: list[str] = []
    if jobs <= 1 or len(todo) <= 1:
        keys = keys or content_keys()
        _backgrounds(pages, (r.figures for r in todo))
        for report in todo:
            reason, written = _render_or_reason(pages, report, pdf, signing)
            reasons.append(reason)
            files.update(written)
            done += 1
            if progress:
                progress(done, total)
        failed += _failures(pages, out, todo, reasons, keys)
        site = _campaign_pages(pages, items, failed, labs, signing, pdf, dashboard_pdf)
        bound = [_bound_task_in(pages, signing, task) for task in site.bound_tasks(items, files)]
    else:
        # workers are forked and kept for the whole campaign: a PDF worker's memory stays
        # flat (one process, 400 of the demo's issued reports: RSS 145 -> 162 MiB)
        preload([lang], signing, pdf)
        context = worker_context()
        global _FORKED_REPORTS
        # forked workers find the reports in the memory they share with this process and are
        # sent their positions; spawned ones are sent the reports
        forked = context.get_start_method() == "fork"
        _FORKED_REPORTS = todo if forked else []
        tasks: Sequence[ClassroomReportData | int] = range(len(todo)) if forked else todo
        try:
            with (
                frozen_for_fork(),
                concurrent.futures.ProcessPoolExecutor(
                    max_workers=jobs,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(str(out), lang, figure_format, pdf, signing),
                ) as pool,
            ):
                results = pool.map(_render_task, tasks, chunksize=4)  # every chunk submitted
                # the shared backgrounds while the workers start (HTML workers lay their pages
                # out from the backgrounds' fixed layouts, PDF workers wait for the images)
                _backgrounds(pages, (r.figures for r in todo))
                # the campaign's own pages (school summaries, dashboard, exports) while the workers
                # render the classrooms: none of them reads a classroom's files
                site = _campaign_pages(pages, items, failed, labs, signing, pdf, dashboard_pdf)
                keys = keys or content_keys()
                for reason, written in results:
                    reasons.append(reason)
                    files.update(written)
                    done += 1
                    if progress:
                        progress(done, total)
                more = _failures(pages, out, todo, reasons, keys)
                if more:  # a classroom that failed to render is listed as incomplete: again
                    failed += more
                    site = _campaign_pages(pages, items, failed, labs, signing, pdf, dashboard_pdf)
                # the bound school PDFs bind the classrooms' PDFs: after them, in the workers
                bound = list(pool.map(_bound_task, site.bound_tasks(items, files)))
        finally:  # the pool's reports are not kept after it
            _FORKED_REPORTS = []
    files.update(site.files)
    for written in bound:
        files.update(written)
    manifest = {"keys": keys, "files": files}
    write_atomic(manifest_path, json.dumps(manifest, indent=0, sort_keys=True).encode())
    return RenderSummary(
        out, total, len(todo), total - len(todo), pdf, site.dashboard, tuple(failed)
    )


def _failures(
    pages: ClassroomPages,
    out: Path,
    todo: Sequence[ClassroomReportData],
    reasons: Sequence[str],
    keys: dict[str, str],
) -> list[tuple[str, str]]:
    """The classrooms that could not be rendered (id, reason); their content keys are
    dropped from ``keys`` so that they are rendered again next run."""
    failed = []
    for report, reason in zip(todo, reasons, strict=True):
        if reason:
            failed.append((report.classroom.classroom_id, reason))
            rel = pages.classroom_path(report.school.school_id, report.classroom.classroom_id)
            keys.pop(str(rel.relative_to(out.resolve())), None)
    return failed


#: A bound school PDF to write: the school's summary, its signed page, its classrooms and the
#: SHA-256s of their PDFs as this run rendered (or kept) them, by path relative to the output.
_BoundTask = tuple[SchoolSummaryData, str, list[ClassroomReportData], dict[str, str]]


@dataclass(frozen=True)
class _CampaignPages:
    """What :func:`_campaign_pages` wrote: file SHA-256s by relative path, the dashboard, and
    each school's summary and signed page (for its bound PDF)."""

    files: dict[str, str]
    dashboard: Path
    schools: tuple[tuple[SchoolSummaryData, str], ...]
    pdf: bool

    def bound_tasks(
        self, items: Sequence[ClassroomReportData], files: Mapping[str, str]
    ) -> list[_BoundTask]:
        """The bound school PDFs to write (none without ``pdf``): cover, school summary,
        every classroom report of the school that was rendered, bound from its PDF (``files``:
        the SHA-256s of the classroom PDFs this run rendered or kept)."""
        if not self.pdf:
            return []
        listed = {s.classroom_id for data, _text in self.schools for s in data.classrooms}
        rooms: dict[str, list[ClassroomReportData]] = {}
        for r in items:
            if r.classroom.classroom_id in listed:
                rooms.setdefault(r.school.school_id, []).append(r)
        # the PDFs under each school's folder ("schools/<school>/...")
        pdfs: dict[str, dict[str, str]] = {}
        for name, sha in files.items():
            parts = name.split("/", 2)
            if len(parts) == 3 and parts[0] == "schools" and name.endswith(".pdf"):
                pdfs.setdefault(parts[1], {})[name] = sha
        return [
            (
                data,
                text,
                rooms.get(data.school.school_id, []),
                pdfs.get(safe_component(data.school.school_id), {}),
            )
            for data, text in self.schools
        ]


def _campaign_pages(
    pages: ClassroomPages,
    reports: Sequence[ClassroomReportData],
    failed: Sequence[tuple[str, str]],
    labs: Mapping[str, tuple[str, ...]],
    signing: SigningSetup | None,
    pdf: bool,
    dashboard_pdf: bool = True,
) -> _CampaignPages:
    """Write the school summaries, the dashboard (HTML, and PDF with ``pdf``) and the verdict
    export of the classrooms not in ``failed`` (listed on the dashboard as incomplete)."""
    out = pages.out_dir
    campaign = reports[0].campaign
    bad = {room for room, _ in failed}
    items = [r for r in reports if r.classroom.classroom_id not in bad]
    summaries = [
        ClassroomSummary.from_report(r, labs.get(r.classroom.classroom_id, ())) for r in items
    ]
    schools = {r.school.school_id: r.school for r in items}
    of_school: dict[str, list[ClassroomSummary]] = {}
    for summary in summaries:
        of_school.setdefault(summary.school_id, []).append(summary)
    files: dict[str, str] = {}
    written: list[tuple[SchoolSummaryData, str]] = []
    for school_id, school in sorted(schools.items()):
        data = SchoolSummaryData(campaign, school, tuple(of_school[school_id]))
        text = pages.render_school(data)
        files.update(
            _write_page(
                text,
                pages.school_path(school_id),
                None,
                out,
                signing,
                SUMMARY,
                {"lang": pages.lang},
            )
        )
        written.append((data, text))
    dashboard = CampaignDashboardData(
        campaign,
        tuple(school for _sid, school in sorted(schools.items())),
        tuple(summaries),
        items[0].profile_id if items else "",
        items[0].packs if items else (),
        tuple(failed),
    )
    index = inside(out, "index.html")
    if not dashboard_pdf:
        inside(out, "index.pdf").unlink(missing_ok=True)
    _write_page(
        pages.render_dashboard(dashboard),
        index,
        inside(out, "index.pdf") if pdf and dashboard_pdf else None,
        out,
        signing,
        SUMMARY,
        {"lang": pages.lang},
    )
    rows = export_rows(
        campaign.campaign_id, {k: v.name for k, v in schools.items()}, summaries, pages.lang
    )
    write_csv(inside(out, "verdicts.csv"), rows)
    write_xlsx(inside(out, "verdicts.xlsx"), rows)
    return _CampaignPages(files, index, tuple(written), pdf)


def _bound_task(task: _BoundTask) -> dict[str, str]:
    assert _WORKER is not None
    return _bound_task_in(_WORKER, _WORKER_SIGNING, task)


def _bound_task_in(
    pages: ClassroomPages, signing: SigningSetup | None, task: _BoundTask
) -> dict[str, str]:
    """Write one school's bound PDF (signed with ``signing``) from its classrooms' PDFs; the
    SHA-256s of the files written by relative path. A classroom PDF that is not byte for byte
    the one this run rendered or kept (gone, or changed meanwhile) is rendered again first."""
    data, text, rooms, expected = task
    root = pages.out_dir.resolve()
    written: dict[str, str] = {}
    for report in rooms:
        path = pages.classroom_path(report.school.school_id, report.classroom.classroom_id, ".pdf")
        rel = str(path.relative_to(root))
        if expected.get(rel) is None or _sha256(path) != expected[rel]:
            written.update(_render_classroom(pages, report, True, signing))
    path = write_bound_pdf(
        pages, data, text, rooms, finish=signing.sign_pdf if signing is not None else None
    )
    written[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return written


def _read_manifest(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The content keys and file SHA-256s of the last run (empty when unreadable or of an
    older form, so that everything is rendered again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        keys, files = data["keys"], data["files"]
        return {str(k): str(v) for k, v in keys.items()}, {str(k): str(v) for k, v in files.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}, {}
