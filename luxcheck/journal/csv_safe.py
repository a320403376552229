"""CSV cells that a spreadsheet program never runs as a formula (CSV injection, OWASP).

Every CSV the project writes passes its cells through :func:`neutralise`: a text cell beginning
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which
spreadsheet programs show as text and never evaluate. Plain numbers (``-0.5``, ``+3e-2``) stay
as they are, so numeric columns keep reading as numbers. A cell that already begins with
apostrophes followed by one of those characters gets one more, so that :func:`restore` (which
the campaign importer applies to text cells) gives back exactly the text that was written.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: Characters a spreadsheet may take as the start of a formula (or a hidden one).
DANGEROUS = "=+-@\t\r"
PREFIX = "'"
_NUMBER_RE = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PREFIXED_RE = re.compile(r"'+[=+\-@\t\r]")


@functools.lru_cache(maxsize=1 << 16)  # an export repeats the same texts in every classroom
def neutralise(cell: str) -> str:
    """``cell`` as written to a CSV file: text that could start a formula gets ``'`` in front."""
    if not cell:
        return cell
    if cell[0] in DANGEROUS and not _NUMBER_RE.fullmatch(cell):
        return PREFIX + cell
    if _PREFIXED_RE.match(cell):
        return PREFIX + cell
    return cell


def restore(cell: str) -> str:
    """The text :func:`neutralise` was given (the importer's side); other cells unchanged."""
    return cell[1:] if _PREFIXED_RE.match(cell) else cell


def safe_row(row: Iterable[Any]) -> list[str]:
    """Every cell of a row, as text, neutralised."""
    return [neutralise("" if cell is None else str(cell)) for cell in row]


class SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]  # not generic at run time on 3.11
    """:class:`csv.DictWriter` that neutralises every cell it writes (the header is ours)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow(
            {k: neutralise("" if v is None else str(v)) for k, v in rowdict.items()}
        )
