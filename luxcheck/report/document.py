"""The laboratory's document around a classroom report's results, as the template prints it:
cover page, statements page, test method and judgement basis, instruments with their
calibration, environmental conditions, conclusion with the end mark (以下空白) and the signature
block (编制 / 审核 / 批准), the draft marks and the report number of the page header.

Every value reaches the template formatted; nothing is invented: a condition not recorded
reads "not recorded", a signature not given is left blank.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from luxcheck.i18n import authored
from luxcheck.model import ENVIRONMENT_FIELDS, Instrument
from luxcheck.report.format import Formatter
from luxcheck.report.model import ClassroomReportData

#: The test method of every classroom report: the measuring rules luxcheck's point plans and
#: grid statistics follow (GB/T 5700-2008 照明测量方法, the edition known; docs/standards.md).
TEST_METHOD_ID = "GB/T 5700-2008"


def _data_uri(path: Path | None) -> str | None:
    """An image of the lab profile inlined (reports are self-contained: no file links)."""
    if path is None:
        return None
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


class DocumentView:
    """Builds the document parts of one classroom report in one language."""

    def __init__(self, fmt: Formatter, gettext: Callable[[str], str]) -> None:
        self.f = fmt
        self._ = gettext

    def instrument_row(self, i: Instrument, expired: bool) -> dict[str, Any]:
        f, _ = self.f, self._
        return {
            "id": i.instrument_id,
            "name": i.name or "—",
            "model": i.model,
            "serial": i.serial_number,
            "kind": i.kind,
            "certificate": i.calibration_certificate or "—",
            "calibrated": f.date(i.calibration_date),
            "due": f.date(i.calibration_due) if i.calibration_due else _("not recorded"),
            "expired": expired,
            "uncertainty": f"{f.with_unit(f.number(i.expanded_uncertainty_percent, 1), '%')} "
            f"(k = {f.number(i.coverage_factor, 0)})",
        }

    def view(self, report: ClassroomReportData, outcome_word: str, headline: str) -> dict[str, Any]:
        """The document parts of ``report`` (see the module docstring)."""
        f, _ = self.f, self._
        doc = report.document
        lab, issue = doc.lab, doc.issue
        room, school = report.classroom, report.school
        number = issue.report_number or _("(not numbered)")
        if issue.status == "no-lab":
            mark = _("DRAFT — not a test report (no laboratory profile)")
        elif issue.status == "draft":
            mark = _("DRAFT — not approved; not to be issued as a test report")
        else:
            mark = ""
        lab_name = authored(f.lang, lab.name, lab.name_en) if lab else "—"
        cover = [
            (_("Client"), report.campaign.client or "—"),
            (_("Object tested"), f"{school.name} {room.name} ({room.classroom_id})"),
            (_("Address"), school.address or "—"),
            (_("Test type"), _("Acceptance test of classroom lighting")),
            (_("Testing laboratory"), lab_name),
            (
                _("Date of issue") if issue.status == "issued" else _("Date"),
                f.date(report.issued_on),
            ),
        ]
        if issue.replaces:
            cover.append((_("Replaces report"), issue.replaces))
        statements = [
            _("The results in this report relate only to the items tested."),
            _(
                "This report shall not be reproduced except in full without the written approval "
                "of the laboratory."
            ),
            _(
                "This report is invalid without the laboratory's seal for inspection and testing "
                "and the signatures of the persons who prepared, reviewed and approved it."
            ),
            _("This report is invalid if altered."),
        ]
        if lab is not None:
            statements.append(
                _(
                    "Any objection to this report shall be raised in writing with the laboratory "
                    "within {days} days of its receipt."
                ).format(days=lab.objection_days)
            )
        if issue.replaces:
            statements.append(
                _(
                    "This report (revision {revision}) replaces report {number}, which is "
                    "withdrawn."
                ).format(revision=issue.revision, number=issue.replaces)
            )
        contact = []
        if lab is not None:
            contact = [
                (_("Laboratory"), lab_name),
                (_("Address"), lab.address),
                (_("Telephone"), lab.phone or "—"),
                (_("E-mail"), lab.email or "—"),
                (_("CMA certificate number"), lab.cma_number),
            ]
            if lab.cnas_number:
                contact.append((_("CNAS accreditation number"), lab.cnas_number))
        basis = [
            _("{standard} {title}").format(
                standard=s.standard_id, title=authored(f.lang, s.title_zh, s.title_en)
            )
            for s in doc.basis
        ]
        sessions = {s.session_id: s for s in report.sessions}
        env_rows = []
        for record in doc.environment:
            session = sessions.get(record.session_id)
            cells = [
                record.session_id,
                f.timestamp(record.recorded_at),
            ]
            for name, unit, _low, _high in ENVIRONMENT_FIELDS:
                value = getattr(record, name)
                cells.append(
                    _("not recorded") if value is None else f.with_unit(f.number(value, 1), unit)
                )
            env_rows.append({"cells": cells, "inspector": session.inspector if session else "—"})
        expired = set(issue.expired)
        calibration_notes = [
            _(
                "Calibration of {instrument} had expired on the test date: the report cannot be "
                "issued."
            ).format(instrument=iid)
            for iid in issue.expired
        ] + [
            _(
                "No calibration due date is recorded for {instrument}: the report cannot be issued."
            ).format(instrument=iid)
            for iid in issue.undated
        ]
        names = {s.role: s for s in issue.signatures}
        signatures = [
            {
                "role": word,
                "name": names[role].name if role in names else "",
                "title": names[role].title if role in names else "",
                "date": f.date(names[role].signed_on) if role in names else "",
            }
            for role, word in (
                ("prepare", _("Prepared by")),
                ("review", _("Reviewed by")),
                ("approve", _("Approved by")),
            )
        ]
        method_title = _("Measurement methods for lighting")  # GB/T 5700's title
        number_word = _("Report number")
        return {
            "status": issue.status,
            "mark": mark,
            "watermark": _("DRAFT") if mark else "",
            "title": _("Test report"),
            "lab_name": lab_name,
            "number": number,
            "header": _("{lab} · {word}: {number}").format(
                lab=lab_name if lab else _("DRAFT"), word=number_word, number=number
            ),
            "cover": cover,
            "logo": _data_uri(lab.logo) if lab else None,
            "seal": _data_uri(lab.seal) if lab else None,
            "cma": lab.cma_number if lab else "",
            "statements": statements,
            "contact": contact,
            "method": TEST_METHOD_ID + " " + method_title,
            "basis": basis or ["—"],
            "environment": {
                "headers": [
                    _("Session"),
                    _("Recorded"),
                    _("Temperature"),
                    _("Relative humidity"),
                    _("Supply voltage"),
                    _("Stray light (lights off)"),
                    _("Lamp warm-up time"),
                ],
                "rows": env_rows,
            },
            "instruments": [
                self.instrument_row(i, i.instrument_id in expired) for i in report.instruments
            ],
            "calibration_notes": calibration_notes,
            "conclusion": _("{outcome}. {headline}").format(
                outcome=outcome_word, headline=headline
            ),
            "signatures": signatures,
        }
