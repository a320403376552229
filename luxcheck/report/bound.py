"""The bound report of a school (``schools/<school>/index.pdf``): the volume's own pages (a
cover with the contents, the school summary), then every classroom report of the school exactly
as it was issued, with a bookmark per classroom.

The volume's own pages are laid out once (again when their page count was guessed wrong); each
classroom report is its issued PDF, its pages copied as they are, so it keeps its own "page x of
y" (ISO/IEC 17025:2017 §7.8.2.1: a report identifies each of its pages and its end) and says
exactly what the single report says. The contents gives each report's number and the volume
pages it occupies. The classroom reports' own electronic signatures cannot survive the binding
(a signature covers the bytes of its own file), so the contents page says so, and the volume is
signed as a whole. A single watermark on the volume's own pages marks it a draft when any of its
reports is not issued (a draft report carries its own).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from luxcheck.errors import InputError
from luxcheck.i18n import authored
from luxcheck.report.files import write_atomic
from luxcheck.report.model import ClassroomReportData, SchoolSummaryData
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.pdf import engine, footer_css

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_DROP = re.compile(r'<script\b[^>]*>.*?</script>|<div class="watermark"[^>]*>.*?</div>', re.S)


_ID = re.compile(r' (id|href)="#?([^"]+)"')
#: How many laying-outs of the volume's own pages may be needed before their page count (and
#: so the contents' volume pages) settles: the first is laid out with a guess of its own page
#: count; only digits change in the next, which do not move a page break in the fixed-layout
#: contents table.
_LAYOUTS = 3
#: The volume's own page count last found in this process for a school of as many classrooms
#: in the language: the first guess for the next (:func:`_own_pages_guess`; a volume's own
#: pages are laid out once when it is right, twice when not).
_OWN_PAGES_SEEN: dict[tuple[str, int], int] = {}


def _own_pages_guess(lang: str, classrooms: int) -> int:
    """The first guess of the own page count of a volume of ``classrooms`` reports in
    ``lang``: the count last found in this process for as many classrooms, else for the
    nearest number (the fewer on a tie), else 2 (the cover, the school summary). Schools of
    20 to 30 classrooms mostly have the same count, and a guess from another size saves the
    second laying-out of each first-seen size (in the 1000-classroom campaign most of its
    40 volumes)."""
    seen = [
        (abs(size - classrooms), size, pages)
        for (language, size), pages in _OWN_PAGES_SEEN.items()
        if language == lang
    ]
    return min(seen)[2] if seen else 2


def _body(html_text: str, prefix: str) -> str:
    """The body of a rendered page without its scripts and watermark, its element ids (and
    in-page links) prefixed so that the parts of one document do not share an anchor."""
    match = _BODY.search(html_text)
    body = _DROP.sub("", match.group(1) if match else html_text)

    def rename(m: re.Match[str]) -> str:
        attr, value = m.group(1), m.group(2)
        if attr == "href" and not m.group(0).startswith(' href="#'):
            return m.group(0)
        return f' {attr}="{"#" if attr == "href" else ""}{prefix}-{value}"'

    return _ID.sub(rename, body)


def _label(report: ClassroomReportData, not_numbered: str) -> str:
    """A classroom's name in the contents and its bookmark: name (id) · report number."""
    room = report.classroom
    return (
        f"{room.name} ({room.classroom_id}) · {report.document.issue.report_number or not_numbered}"
    )


def bound_html(
    pages: ClassroomPages,
    school: SchoolSummaryData,
    school_html: str,
    reports: Sequence[ClassroomReportData],
    page_counts: Sequence[int],
    own_pages: int,
) -> str:
    """The volume's own pages (cover, contents, school summary) as one HTML document, the
    contents stating the volume pages of each classroom report (``page_counts``: each report's
    pages) as if the volume's own pages were ``own_pages``."""
    f, _ = pages.fmt, pages._
    parts = [{"label": _("School summary"), "html": _body(school_html, "school")}]
    contents = []
    status_words = {
        "issued": _("issued"),
        "draft": _("DRAFT"),
        "no-lab": _("DRAFT"),
    }
    first = own_pages + 1
    for report, count in zip(reports, page_counts, strict=True):
        room = report.classroom
        issue = report.document.issue
        contents.append(
            {
                "classroom": f"{room.name} ({room.classroom_id})",
                "number": issue.report_number or _("(not numbered)"),
                "result": f.status(report.outcome.status),
                "status": status_words[issue.status],
                "pages": _("{first}–{last} ({count} pages)").format(
                    first=first, last=first + count - 1, count=count
                ),
            }
        )
        first += count
    drafts = [r for r in reports if r.document.issue.status != "issued"]
    labs = {r.document.lab.lab_id: r.document.lab for r in reports if r.document.lab}
    lab = next(iter(labs.values()), None)
    lab_name = authored(pages.lang, lab.name, lab.name_en) if lab else "—"
    facts = [
        (_("School"), school.school.name),
        (_("Address"), school.school.address or "—"),
        (_("Client"), school.campaign.client or "—"),
        (_("Campaign"), school.campaign.name),
        (_("Classrooms"), str(len(reports))),
        (_("Testing laboratory"), lab_name),
    ]
    doc = pages._doc(
        title=school.school.name,
        heading=_("Test reports of the school"),
        rel="../../",
        provenance="",
        running=f"{lab_name} · {school.school.name}",
    )
    volume = own_pages + sum(page_counts)
    return pages.env.get_template("bound.html.j2").render(
        doc=doc,
        facts=facts,
        contents=contents,
        parts=parts,
        lab_name=lab_name,
        page_rule="@page { " + footer_css(_("Volume page {page} of {pages}"), volume) + " }",
        binding=[
            _(
                "Each classroom report is bound exactly as it was issued: its pages keep "
                "their own numbers (page x of y of that report); the column above gives the "
                "pages of this volume it occupies."
            ),
            _(
                "The laboratory's electronic signature of each classroom report cannot be "
                "kept when reports are bound together: this volume carries one electronic "
                "signature of the laboratory over the whole volume instead. To check a single "
                "report's own signature, use the PDF file of that report."
            ),
        ],
        watermark=_("DRAFT") if drafts else "",
        mark=_("DRAFT — contains reports that are not issued") if drafts else "",
    )


def _issued_pdf(path: Path) -> Any:
    """The classroom report's PDF, read, without its signature field: the signature covers
    the bytes of that file only and would be a broken second signature in the volume."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, NameObject

    try:
        reader = PdfReader(path)
        for page in reader.pages:
            annots = page.get("/Annots")
            if annots is None:
                continue
            kept = [a for a in annots.get_object() if not _is_signature(a.get_object())]
            page[NameObject("/Annots")] = ArrayObject(kept)
        root = reader.root_object
        if "/AcroForm" in root:
            del root["/AcroForm"]
    except (OSError, PdfReadError) as exc:
        raise InputError(f"cannot bind this classroom report: {exc}", source=str(path)) from exc
    return reader


def _is_signature(annotation: Any) -> bool:
    """A signature field's widget (the field type on the widget or on its parent field)."""
    parent = annotation.get("/Parent")
    kind = annotation.get("/FT") or (parent.get_object().get("/FT") if parent else None)
    return kind == "/Sig"


def write_bound_pdf(
    pages: ClassroomPages,
    school: SchoolSummaryData,
    school_html: str,
    reports: Sequence[ClassroomReportData],
    *,
    finish: Callable[[bytes], bytes] | None = None,
) -> Path:
    """Write ``schools/<school>/index.pdf``, the school's bound report; return its path.

    The classroom reports are bound from their PDFs as issued (each classroom's ``.pdf``
    beside the school page, which must be current). ``finish``: the laboratory's PDF signature
    (``SigningSetup.sign_pdf``)."""
    from pypdf import PdfReader, PdfWriter

    school_id = school.school.school_id
    html_path = pages.school_path(school_id)
    pdf_path = pages.school_path(school_id, ".pdf")
    issued = [
        _issued_pdf(pages.classroom_path(school_id, r.classroom.classroom_id, ".pdf"))
        for r in reports
    ]
    counts = [len(reader.pages) for reader in issued]
    pdf = engine()
    seen = (pages.lang, len(reports))
    own = _own_pages_guess(*seen)
    for _attempt in range(_LAYOUTS):
        document = pdf.document(
            bound_html(pages, school, school_html, reports, counts, own), html_path
        )
        if len(document.pages) == own:
            break
        own = len(document.pages)
    else:  # pragma: no cover - digits that move a page break three times over
        raise InputError("the contents of the bound report do not settle", source=str(pdf_path))
    _OWN_PAGES_SEEN[seen] = own
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf.pdf(document))))
    not_numbered = pages._("(not numbered)")
    for report, reader in zip(reports, issued, strict=True):
        writer.append(reader, outline_item=_label(report, not_numbered))
    writer.add_metadata(
        {"/Title": f"{pages._('Test reports of the school')} · {school.school.name}"}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    if finish is not None:
        data = finish(data)
    write_atomic(pdf_path, data)
    return pdf_path
