"""Read the classroom report's results table (one ``tbody.item`` per quantity) from its HTML."""

from __future__ import annotations

import html.parser
from dataclasses import dataclass, field


@dataclass
class ResultItem:
    """One quantity's entry of the results table, as printed."""

    metric_id: str
    status: str
    n: str = ""
    item: str = ""
    reasons: list[str] = field(default_factory=list)
    measured: str = ""
    verdict: str = ""
    #: (limit, clauses, mark) per limit line; clauses one per citation
    lines: list[tuple[str, list[str], str]] = field(default_factory=list)


class _Parser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[ResultItem] = []
        self._in_table = False
        self._current: ResultItem | None = None
        self._cell: str | None = None  # class of the open td
        self._text: list[str] = []
        self._divs: list[str] = []
        self._div: list[str] | None = None
        self._mark: list[str] | None = None
        self._mark_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "table" and "results" in classes:
            self._in_table = True
        elif not self._in_table:
            return
        elif tag == "tbody" and "item" in classes:
            status = next(c[len("status-") :] for c in classes if c.startswith("status-"))
            self._current = ResultItem(a.get("data-metric") or "", status)
            self.items.append(self._current)
        elif tag == "td" and self._current is not None:
            self._cell = " ".join(classes)
            self._text, self._divs, self._mark_text = [], [], ""
        elif tag == "div" and self._cell is not None:
            self._div = []
        elif tag == "span" and "line-mark" in classes:
            self._mark = []

    def handle_endtag(self, tag: str) -> None:
        if not self._in_table:
            return
        if tag == "table":
            self._in_table = False
        elif tag == "tbody":
            self._current = None
        elif tag == "div" and self._div is not None:
            text = "".join(self._div).strip()
            self._div = None
            self._divs.append(text)
        elif tag == "span" and self._mark is not None:
            self._mark_text = "".join(self._mark).strip()
            self._mark = None
        elif tag == "td" and self._cell is not None and self._current is not None:
            self._close_cell(self._current, self._cell, "".join(self._text).strip())
            self._cell = None

    def _close_cell(self, item: ResultItem, cell: str, text: str) -> None:
        if cell == "n":
            item.n = text
        elif cell == "item-name":
            item.item = text
            item.reasons = list(self._divs)
        elif "measured" in cell.split():
            item.measured = text
        elif "limit" in cell.split():
            item.lines.append((text, [], self._mark_text))
        elif cell == "clauses":
            limit, _, mark = item.lines[-1]
            item.lines[-1] = (limit, list(self._divs), mark)
        elif cell == "result":
            item.verdict = text

    def handle_data(self, data: str) -> None:
        if self._mark is not None:
            self._mark.append(data)
        elif self._div is not None:
            self._div.append(data)
        elif self._cell is not None:
            self._text.append(data)


def result_items(text: str) -> list[ResultItem]:
    """The results table of a classroom report's HTML, one entry per quantity."""
    parser = _Parser()
    parser.feed(text)
    return parser.items
