"""The campaign's verdict table for spreadsheets: CSV (UTF-8 with BOM, injection-safe) and
XLSX, one row per verdict."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from luxcheck.journal.csv_safe import safe_row
from luxcheck.report.files import write_atomic
from luxcheck.report.format import Formatter
from luxcheck.report.model import ClassroomSummary

# --------------------------------------------------------------------------- export
EXPORT_COLUMNS = (
    "campaign_id",
    "school_id",
    "school_name",
    "classroom_id",
    "classroom_name",
    "overall",
    "requirement_id",
    "metric",
    "metric_name",
    "status",
    "measured",
    "limit",
    "comparator",
    "margin",
    "unit",
    "standard",
    "clause",
    "obligation",
    "confidence",
    "decision_rule",
    "reason",
    "reason_text",
)


def export_rows(
    campaign_id: str,
    schools: Mapping[str, str],
    classrooms: Iterable[ClassroomSummary],
    lang: str = "zh",
) -> list[list[str]]:
    """One row per verdict of every classroom: machine values (``reason`` in English, metric
    ids as ids), with the metric name and the reason (``reason_text``) in ``lang``."""
    fmt = Formatter(lang)
    rows = []
    for c in classrooms:
        for v in c.verdicts:
            limit = v.limit
            if isinstance(limit, tuple):
                limit_text = ";".join(str(x) for x in limit)
            else:
                limit_text = "" if limit is None else repr(float(limit))
            measured = v.measured
            measured_text = (
                ""
                if measured is None
                else measured
                if isinstance(measured, str)
                else repr(float(measured))
            )
            rows.append(
                [
                    campaign_id,
                    c.school_id,
                    schools.get(c.school_id, ""),
                    c.classroom_id,
                    c.name,
                    c.outcome.status,
                    v.requirement_id,
                    v.metric,
                    fmt.metric_name(v.metric),
                    v.status,
                    measured_text,
                    limit_text,
                    v.comparator,
                    "" if v.margin is None else repr(float(v.margin)),
                    v.unit,
                    v.standard,
                    v.clause,
                    v.obligation,
                    v.confidence,
                    v.decision_rule,
                    "" if v.reason is None else str(v.reason),
                    fmt.reason(v.reason),
                ]
            )
    return rows


def write_csv(path: Path, rows: Iterable[Sequence[str]]) -> None:
    """CSV in UTF-8 with a byte-order mark (so that Excel opens Chinese text correctly).

    A text cell starting with ``= + - @``, a tab or a carriage return is prefixed with ``'``
    so that a spreadsheet never runs it as a formula (CSV injection) — plain numbers stay
    numbers (:func:`luxcheck.journal.csv_safe.neutralise`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow(safe_row(row))
    write_atomic(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


#: Export columns holding numbers (written as numbers in the workbook, text in the CSV).
_NUMERIC_COLUMNS = frozenset({"measured", "limit", "margin"})


def write_xlsx(path: Path, rows: Iterable[Sequence[str]]) -> None:
    """The same table as :func:`write_csv` as an Excel workbook (one sheet, ``verdicts``).

    Numbers are written as numbers (a value that is not a number, such as a risk group or a
    range limit, stays text); text cells are never formulas. Uses openpyxl.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    numeric = [name in _NUMERIC_COLUMNS for name in EXPORT_COLUMNS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("verdicts")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        out: list[object] = []
        for cell, is_number in zip(row, numeric, strict=True):
            if is_number and cell:
                try:
                    out.append(float(cell))
                    continue
                except ValueError:
                    pass
            text = WriteOnlyCell(sheet, value=cell)
            text.data_type = "s"  # always a string: '=…' must never become a formula
            out.append(text)
        sheet.append(out)
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomic(path, buffer.getvalue())
