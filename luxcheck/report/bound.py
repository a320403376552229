"""The bound report of a school (``schools/<school>/index.pdf``): a cover with the contents,
the school summary and every classroom report, in one PDF with continuous page numbers and a
bookmark per classroom.

The parts are the pages already rendered (the school summary's HTML, each classroom's HTML
file), their bodies placed one after another in one document, so the bound report says exactly
what the single reports say. A single watermark marks the whole document a draft when any of
its reports is not issued.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from luxcheck.i18n import authored
from luxcheck.report.model import ClassroomReportData, SchoolSummaryData
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.pdf import write_pdf

_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_DROP = re.compile(r'<script\b[^>]*>.*?</script>|<div class="watermark"[^>]*>.*?</div>', re.S)


_ID = re.compile(r' (id|href)="#?([^"]+)"')


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


def bound_html(
    pages: ClassroomPages,
    school: SchoolSummaryData,
    school_html: str,
    reports: Sequence[ClassroomReportData],
) -> str:
    """The bound report of a school as one HTML document (to be saved beside the school page)."""
    f, _ = pages.fmt, pages._
    parts = [{"label": _("School summary"), "html": _body(school_html, "school")}]
    contents = []
    status_words = {
        "issued": _("issued"),
        "draft": _("DRAFT"),
        "no-lab": _("DRAFT"),
    }
    for report in reports:
        room = report.classroom
        issue = report.document.issue
        number = issue.report_number or _("(not numbered)")
        path = pages.classroom_path(school.school.school_id, room.classroom_id)
        label = f"{room.name} ({room.classroom_id}) · {number}"
        html_text = Path(path).read_text(encoding="utf-8")
        parts.append({"label": label, "html": _body(html_text, f"room-{len(parts)}")})
        contents.append(
            {
                "classroom": f"{room.name} ({room.classroom_id})",
                "number": number,
                "result": f.status(report.outcome.status),
                "status": status_words[issue.status],
            }
        )
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
    return pages.env.get_template("bound.html.j2").render(
        doc=doc,
        facts=facts,
        contents=contents,
        parts=parts,
        lab_name=lab_name,
        watermark=_("DRAFT") if drafts else "",
        mark=_("DRAFT — contains reports that are not issued") if drafts else "",
    )


def write_bound_pdf(
    pages: ClassroomPages,
    school: SchoolSummaryData,
    school_html: str,
    reports: Sequence[ClassroomReportData],
    *,
    finish: Callable[[bytes], bytes] | None = None,
) -> Path:
    """Write ``schools/<school>/index.pdf``, the school's bound report; return its path.
    ``finish``: the laboratory's PDF signature (``SigningSetup.sign_pdf``)."""
    html_path = pages.school_path(school.school.school_id)
    pdf_path = pages.school_path(school.school.school_id, ".pdf")
    write_pdf(bound_html(pages, school, school_html, reports), html_path, pdf_path, finish=finish)
    return pdf_path
