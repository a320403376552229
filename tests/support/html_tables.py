"""The cells of a rendered page's table, read with the standard library's HTML parser."""

from __future__ import annotations

import html.parser


class _TableRows(html.parser.HTMLParser):
    """Collect the text of every cell of the table with the given class: its body's ``td``
    cells, or with ``headers`` every row's ``th`` and ``td`` cells (header rows too)."""

    def __init__(self, table_class: str, headers: bool) -> None:
        super().__init__()
        self.table_class = table_class
        self.headers = headers
        self.depth = 0
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_body = False

    def _is_cell(self, tag: str) -> bool:
        """A body's data cell, or with ``headers`` any header cell of the table."""
        return (tag == "td" and self._in_body) or (tag == "th" and self.headers and self.depth > 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and self.table_class in classes:
            self.depth = 1
        elif tag == "tbody" and self.depth:
            self._in_body = True
        elif tag == "tr" and (self._in_body or (self.headers and self.depth)):
            self.rows.append([])
        elif self._is_cell(tag):
            self._cell = []
        elif tag == "div" and self._cell is not None:
            self._cell.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table" and self.depth:
            self.depth = 0
            self._in_body = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def table_rows(text: str, table_class: str, *, headers: bool = False) -> list[list[str]]:
    """The rows of the table of class ``table_class`` in ``text``, each a list of its cells'
    texts (a ``div`` inside a cell read as " | "): its body's data cells, or with ``headers``
    every row with its header cells (the header row, a row's own label)."""
    parser = _TableRows(table_class, headers)
    parser.feed(text)
    return parser.rows
