"""The verdict workbook (luxcheck.report.export.write_xlsx) read back by openpyxl, the oracle:
every cell comes back as written — numbers as numbers, text as text (never a formula), and text
XML 1.0 cannot hold as the OOXML escape ``_xHHHH_`` (ECMA-376 Part 1, 22.9.2.19 ST_Xstring),
which Excel decodes in cells and openpyxl's ``utils.escape.unescape`` decodes to the original
character (openpyxl's own writer refused such text with IllegalCharacterError)."""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.escape import unescape

from luxcheck.report.export import EXPORT_COLUMNS, write_xlsx


def _row(**cells: str) -> list[str]:
    return [cells.get(name, f"{name}-1") for name in EXPORT_COLUMNS]


def test_cells_round_trip_through_openpyxl(tmp_path: Path) -> None:
    """Oracle: openpyxl reads the file with no warning and gets back each value."""
    hostile = [
        '=HYPERLINK("x")',
        "<b>&amp;</b>",
        "  two spaces  ",
        "bell\x07 and tab\tand vt\x0b",
        "literal _x0041_ stays",
        "教室 R101 ‘照度’",
    ]
    rows = [
        _row(school_name=text, measured="0.698", limit="500.0", margin="-1e-3") for text in hostile
    ]
    rows.append(_row(measured="RG1", limit="0.6;0.8", margin="", reason=""))
    rows.append(_row(measured="nan", limit="inf", margin="-inf"))
    path = tmp_path / "verdicts.xlsx"
    write_xlsx(path, rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sheet = load_workbook(path)["verdicts"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0] == EXPORT_COLUMNS
    names = [dict(zip(EXPORT_COLUMNS, row, strict=True)) for row in table[1:]]
    assert [unescape(r["school_name"]) for r in names[: len(hostile)]] == hostile
    first = names[0]
    assert (first["measured"], first["limit"], first["margin"]) == (0.698, 500.0, -0.001)
    assert (names[-2]["measured"], names[-2]["limit"], names[-2]["margin"]) == (
        "RG1",
        "0.6;0.8",
        None,
    )
    # not finite: kept as the text it is, never a number a spreadsheet would compute with
    assert (names[-1]["measured"], names[-1]["limit"], names[-1]["margin"]) == (
        "nan",
        "inf",
        "-inf",
    )
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert all(c.data_type in ("s", "n") for c in cells)
    assert next(c for c in cells if c.value == hostile[0]).data_type == "s"


def test_the_package_holds_the_parts_a_spreadsheet_needs(tmp_path: Path) -> None:
    """ECMA-376 Part 2 (OPC): content types and the package relationship at the root, the
    workbook with its relationships, one worksheet, a style sheet; the same table gives the
    same bytes (no time stamp of the run), so an unchanged export is an unchanged file."""
    path = tmp_path / "v.xlsx"
    write_xlsx(path, [_row()])
    write_xlsx(tmp_path / "again.xlsx", [_row()])
    assert path.read_bytes() == (tmp_path / "again.xlsx").read_bytes()
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        assert set(book.namelist()) == {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        }
