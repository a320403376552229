"""What a reader of a report relies on, cell by cell, and where two readings of it differ.

``luxcheck verify REPORT --campaign FILE`` compares the report with the one the campaign file
gives now. It compares *cells*, not whole lines: every table cell is named by its table, its
row and its column, so a verdict word, a limit, a value or a clause that differs is reported as
``results row desk_uniformity.1, verdict: report says 合格, campaign gives 不合格``.

- A table is named by its first class (``results``, ``instruments``, ``annex-confidence``), or
  by its section's id when the class is the generic ``facts`` (``identification``, ``method``,
  ``policy``). A row is named by its ``data-requirement`` (the results table: one key per limit
  line of a quantity, :mod:`luxcheck.report.results`) or by the text of its first cell (the
  label of a key-value row, an instrument, a measuring point). A cell is named by its
  ``data-cell`` attribute (the results table: ``value``, ``limit``, ``limit verdict``,
  ``clause``, ``verdict``; the overall verdict and the conclusion sentence), else by its
  column's header, else ``value``. Cells spanning rows (``rowspan``) belong to their first row.
- Text outside tables (the overall result, the conclusion, headings, notes) is read one line per
  block (as :mod:`luxcheck.report.visible` does) and compared line by line within its section.

A PDF report is read through its text (:func:`pdf_text`, pypdf): :func:`align_pdf` walks the
cells of the recomputed page in document order through the PDF's text (white space ignored:
a PDF's text breaks lines where the layout does) and takes what stands where each cell should
be; page furniture (the running header, the draft watermark, page numbers, list markers, the QR
code's caption) is skipped where it interrupts the text.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from luxcheck.errors import InputError
from luxcheck.report.format import LANGUAGES, translations
from luxcheck.report.visible import BLOCKS, VOID, PageParser, normal_text

#: Classes of elements a printed (PDF) report does not show (report.css, ``@media print``).
PRINT_HIDDEN = frozenset(("no-print", "filters", "crumbs", "doc-footer", "doc-number"))
#: Page furniture: repeated on every printed page (the running header, the draft watermark).
FURNITURE = frozenset(("running", "watermark"))
#: Not reading matter of the report: the QR code (it belongs to the signature).
SKIPPED = frozenset(("report-qr",))
#: Table classes too generic to name a table (the section's id names it instead).
_GENERIC_TABLES = frozenset(("facts", ""))
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Run:
    """One piece of text a reader sees, with the cell it belongs to."""

    item: str  # "results row desk_uniformity.1", "identification row 学校", "conclusion"
    cell: str  # "verdict", "limit", a column header, "text"
    text: str
    tabular: bool  # part of a table cell (compared by name) or a line of a section (in order)
    print_hidden: bool = False
    furniture: bool = False
    header_row: bool = False  # a table's header row (repeated on every printed page)
    section: str = ""  # the id of the section it is in


@dataclass
class _Frame:
    tag: str
    classes: frozenset[str]
    cell: str | None  # data-cell
    section: str | None  # id of a section (or other element with an id)


@dataclass
class _Table:
    label: str
    headers: dict[int, str] = field(default_factory=dict)
    spans: dict[int, int] = field(default_factory=dict)  # column -> rows still covered
    owners: dict[int, int] = field(default_factory=dict)  # column -> row that owns the span
    row: int = -1
    column: int = 0
    in_head: bool = False
    row_keys: dict[int, str] = field(default_factory=dict)  # data-requirement by row
    row_header: bool = False  # the current row's cells are all headers


@dataclass
class _RawRun:
    text: str
    section: str
    cell: str | None
    table: int | None = None
    row: int = 0
    column: int = 0
    header: bool = False
    print_hidden: bool = False
    furniture: bool = False


class _Reader(PageParser):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[_Frame] = []
        self.tables: list[_Table] = []
        self.open_tables: list[int] = []
        self.runs: list[_RawRun] = []
        self._text: list[str] = []
        self._cell_open: tuple[int, int, int, bool] | None = None  # table, row, column, th

    # context ---------------------------------------------------------------------------
    def _classes(self) -> frozenset[str]:
        return frozenset(c for f in self.frames for c in f.classes)

    def _section(self) -> str:
        return next((f.section for f in reversed(self.frames) if f.section), "heading")

    def _data_cell(self) -> str | None:
        return next((f.cell for f in reversed(self.frames) if f.cell), None)

    def _flush(self) -> None:
        text = normal_text("".join(self._text))
        self._text = []
        if not text:
            return
        classes = self._classes()
        if classes & SKIPPED:
            return
        raw = _RawRun(
            text,
            self._section(),
            self._data_cell(),
            print_hidden=bool(classes & PRINT_HIDDEN) or any(f.tag == "head" for f in self.frames),
            furniture=bool(classes & FURNITURE),
        )
        if self._cell_open is not None:
            raw.table, raw.row, raw.column, raw.header = self._cell_open
        self.runs.append(raw)

    # tables ----------------------------------------------------------------------------
    def _start_table(self, classes: Sequence[str]) -> None:
        first = classes[0] if classes else ""
        label = self._section() if first in _GENERIC_TABLES else first
        self.tables.append(_Table(label))
        self.open_tables.append(len(self.tables) - 1)

    def _start_row(self, key: str | None) -> None:
        table = self.tables[self.open_tables[-1]]
        table.row += 1
        table.column = 0
        table.row_header = True
        if key:
            table.row_keys[table.row] = key

    def _start_cell(self, tag: str, attrs: dict[str, str | None]) -> None:
        index = self.open_tables[-1]
        table = self.tables[index]
        while table.spans.get(table.column, 0) > 0:
            table.column += 1
        column = table.column
        span = _int(attrs.get("colspan"))
        rows = _int(attrs.get("rowspan"))
        if rows > 1:
            for c in range(column, column + span):
                table.spans[c] = rows  # decremented at the end of each row, this one included
        if tag == "td":
            table.row_header = False
        table.column += span
        self._cell_open = (index, table.row, column, tag == "th")

    def _end_row(self) -> None:
        table = self.tables[self.open_tables[-1]]
        for column in list(table.spans):
            table.spans[column] -= 1
            if table.spans[column] <= 0:
                del table.spans[column]

    # parser ----------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.unread(tag, opening=True):
            return
        classes = tuple((attributes.get("class") or "").split())
        if tag in BLOCKS or tag in ("td", "th", "text") or attributes.get("data-cell"):
            self._flush()
        if tag == "table":
            self._start_table(classes)
        elif tag == "tr" and self.open_tables:
            self._start_row(attributes.get("data-requirement"))
        elif tag in ("td", "th") and self.open_tables:
            self._start_cell(tag, attributes)
        if tag not in VOID:
            self.frames.append(
                _Frame(
                    tag,
                    frozenset(classes),
                    attributes.get("data-cell"),
                    attributes.get("id") if tag != "table" else None,
                )
            )

    def handle_endtag(self, tag: str) -> None:
        if self.unread(tag, opening=False):
            return
        index = next(
            (i for i in range(len(self.frames) - 1, -1, -1) if self.frames[i].tag == tag), None
        )
        frame = None if index is None else self.frames[index]
        if tag in BLOCKS or tag in ("td", "th", "text") or (frame and frame.cell):
            self._flush()
        if tag in ("td", "th"):
            self._cell_open = None
        elif tag == "tr" and self.open_tables:
            self._end_row()
        elif tag == "table" and self.open_tables:
            self.open_tables.pop()
        if index is not None:
            del self.frames[index:]

    def handle_data(self, data: str) -> None:
        if self.reading:
            self._text.append(data)

    def result(self) -> list[_RawRun]:
        self.close()
        self._flush()
        return self.runs


def _int(value: str | None) -> int:
    try:
        return max(1, int(value or "1"))
    except ValueError:
        return 1


def _cut(text: str, width: int = 40) -> str:
    return text if len(text) <= width else f"{text[: width - 1]}…"


def report_runs(text: str) -> list[Run]:
    """The text of an HTML report, piece by piece in document order, each piece named by its
    item and cell."""
    reader = _Reader()
    reader.feed(text)
    raw = reader.result()
    tables = reader.tables
    # headers: the header rows' cells name their columns
    labels: dict[tuple[int, int], str] = {}
    header_rows: set[tuple[int, int]] = set()
    rows: dict[tuple[int, int], list[_RawRun]] = defaultdict(list)
    for run in raw:
        if run.table is not None:
            rows[(run.table, run.row)].append(run)
    for (index, row), runs in rows.items():
        if all(r.header for r in runs) and len({r.column for r in runs}) > 1:
            header_rows.add((index, row))
            for r in runs:
                tables[index].headers[r.column] = r.text
        key = tables[index].row_keys.get(row)
        first = " ".join(r.text for r in runs if r.column == runs[0].column)
        labels[(index, row)] = f"row {key}" if key else f"row {_cut(first)}"
    # the same row label twice in a table: number the later ones
    seen: Counter[tuple[int, str]] = Counter()
    for where in sorted(labels):
        seen[(where[0], labels[where])] += 1
        if seen[(where[0], labels[where])] > 1:
            labels[where] += f" #{seen[(where[0], labels[where])]}"
    out: list[Run] = []
    for run in raw:
        if run.table is None:
            item, cell, tabular = run.section, run.cell or "text", False
        else:
            table = tables[run.table]
            where = (run.table, run.row)
            tabular = True
            if where in header_rows:
                item, cell = f"{table.label} header", f"column {run.column + 1}"
            else:
                item = f"{table.label} {labels[where]}"
                cell = run.cell or table.headers.get(run.column) or "value"
                cell = "label" if run.header and not run.cell else cell
        out.append(
            Run(
                item,
                cell,
                run.text,
                tabular,
                print_hidden=run.print_hidden,
                furniture=run.furniture,
                header_row=run.table is not None and (run.table, run.row) in header_rows,
                section=run.section,
            )
        )
    return out


# --------------------------------------------------------------------------- comparing
@dataclass
class CellComparison:
    """Where a report and the campaign file's report differ, cell by cell."""

    cells: int = 0
    lines: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _says(text: str) -> str:
    return text if text else "nothing"


def _cells(runs: Iterable[Run]) -> dict[tuple[str, str], str]:
    """Table cells by (item, cell): the texts of a cell's pieces joined."""
    joined: dict[tuple[str, str], list[str]] = defaultdict(list)
    for run in runs:
        if run.tabular:
            joined[(run.item, run.cell)].append(run.text)
    return {key: " ".join(texts) for key, texts in joined.items()}


def _lines(runs: Iterable[Run]) -> dict[str, list[tuple[str, str]]]:
    """Lines outside tables by section: (cell, text) in order."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for run in runs:
        if not run.tabular:
            out[run.item].append((run.cell, run.text))
    return out


def compare_runs(report: Sequence[Run], campaign: Sequence[Run]) -> CellComparison:
    """Compare what a report shows with what the campaign file gives, cell by cell: each
    table cell by its name, each section's other lines in order. Every difference names its
    item and cell: ``results row desk_uniformity.1, verdict: report says 合格, campaign gives
    不合格``."""
    result = CellComparison()
    shown, wanted = _cells(report), _cells(campaign)
    result.cells = len(wanted)
    for key, text in wanted.items():
        item, cell = key
        if shown.get(key) != text:
            result.problems.append(
                f"{item}, {cell}: report says {_says(shown.get(key, ''))}, campaign gives {text}"
            )
    result.problems += [
        f"{item}, {cell}: report says {text}, campaign gives nothing"
        for (item, cell), text in shown.items()
        if (item, cell) not in wanted
    ]
    shown_lines, wanted_lines = _lines(report), _lines(campaign)
    for section in dict.fromkeys([*wanted_lines, *shown_lines]):
        have, want = shown_lines.get(section, []), wanted_lines.get(section, [])
        result.lines += len(want)
        matcher = difflib.SequenceMatcher(None, want, have, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            for k in range(max(i2 - i1, j2 - j1)):
                cell = (want[i1 + k] if i1 + k < i2 else have[j1 + k])[0]
                gives = want[i1 + k][1] if i1 + k < i2 else ""
                says = have[j1 + k][1] if j1 + k < j2 else ""
                result.problems.append(
                    f"{section}, {cell}: report says {_says(says)}, campaign gives {_says(gives)}"
                )
    return result


# --------------------------------------------------------------------------- PDF
def pdf_text(data: bytes, source: str) -> str:
    """The text of a PDF, page after page (pypdf's text extraction)."""
    import io
    import logging

    try:
        import pypdf
    except ImportError as exc:  # pragma: no cover - a dependency of luxcheck
        raise InputError("reading a PDF's text needs pypdf", source=source) from exc
    logging.getLogger("pypdf").setLevel(logging.CRITICAL + 1)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as exc:  # a damaged PDF of any kind
        raise InputError(
            f"the PDF's text cannot be read ({type(exc).__name__}: {exc})", source=source
        ) from exc


def _flat(text: str) -> str:
    return _SPACE_RE.sub("", text)


#: Sections a PDF does not keep in document order (floating figures): their texts are looked
#: for anywhere between the cells before and after them.
LOOSE_SECTIONS = frozenset(("figures",))


def furniture_pattern(runs: Sequence[Run], lang: str) -> re.Pattern[str]:
    """What a printed page shows besides the report's text in its place (white space removed):
    the running header and watermark of ``runs``, table headers repeated on a new page, "page
    x of y", the QR code's caption, list markers before any of these, and the texts of
    floating figures (titles and captions)."""
    _ = translations(lang if lang in LANGUAGES else "zh").gettext
    page = re.escape(_flat(_("Page {page} of {pages}")))
    page = page.replace(re.escape("{page}"), r"\d+").replace(re.escape("{pages}"), r"\d+")
    caption = re.escape(_flat(_("Signature SHA-256 {digest}")))
    caption = caption.replace(re.escape("{digest}"), r"[0-9a-f]{16}…")
    headers: dict[str, str] = defaultdict(str)
    for run in runs:
        if run.header_row:
            headers[run.item] += _flat(run.text)
    fixed = {_flat(r.text) for r in runs if r.furniture} | set(headers.values())
    # a figure's title or caption (not a short number, which a cell could show as well)
    fixed |= {
        flat
        for r in runs
        if r.section in LOOSE_SECTIONS
        and not r.tabular
        and (len(flat := _flat(r.text)) > 3 or not any(c.isdigit() for c in flat))
    }
    parts = [re.escape(f) for f in sorted(fixed, key=len, reverse=True) if f]
    strong = "|".join([*parts, page, rf"[^·]{{0,40}}·{caption}"])
    return re.compile(rf"(?:\d{{1,2}}\.|[·•])*(?:{strong})")


def _skip_furniture(text: str, pos: int, furniture: re.Pattern[str]) -> int:
    """After one piece of furniture at ``pos``, if there is one there."""
    match = furniture.match(text, pos)
    return pos if match is None else match.end()


def _cell_after_furniture(text: str, pos: int, furniture: re.Pattern[str], cell: str) -> int | None:
    """The first position after one or more pieces of furniture at ``pos`` where ``cell``
    follows; None when there is none."""
    while (after := _skip_furniture(text, pos, furniture)) > pos:
        pos = after
        if text.startswith(cell, pos):
            return pos
    return None


def _without_furniture(text: str, furniture: re.Pattern[str]) -> str:
    return furniture.sub("", text)


#: How far (in cells) and how far (in characters) to look for where the texts agree again.
_RESYNC_CELLS = 60
_RESYNC_CHARS = 6000
_ANCHOR_CHARS = 12


def _anchor(flats: Sequence[str], k: int) -> str:
    """The texts of cells ``k, k + 1, …`` joined until long enough to be found in one place."""
    anchor = ""
    for f in flats[k:]:
        anchor += f
        if len(anchor) >= _ANCHOR_CHARS:
            break
    return anchor


def _resync(text: str, pos: int, flats: Sequence[str], i: int) -> tuple[int, int]:
    """After a difference at ``pos`` (cell ``i``): the cell ``k >= i`` and position ``q`` where
    the texts agree again, the pair that skips the least of both (``len(flats), len(text)``
    when they never do)."""
    best = (len(flats), len(text))
    best_cost = (len(text) - pos) + sum(len(f) for f in flats[i:])
    skipped = 0
    for k in range(i, min(len(flats), i + _RESYNC_CELLS)):
        anchor = _anchor(flats, k)
        if anchor:
            q = text.find(anchor, pos, pos + _RESYNC_CHARS + len(anchor))
            if q >= 0 and (q - pos) + skipped < best_cost:
                best, best_cost = (k, q), (q - pos) + skipped
        skipped += len(flats[k])
    return best


def _split(gap: str, flats: Sequence[str]) -> list[str]:
    """The text ``gap`` shown where the cells ``flats`` belong: cells at either end that it
    shows unchanged take their own text, the rest goes to the first cell that differs."""
    shown = [""] * len(flats)
    lo, hi = 0, len(flats)
    while lo < hi and flats[lo] and gap.startswith(flats[lo]):
        shown[lo], gap, lo = flats[lo], gap[len(flats[lo]) :], lo + 1
    while hi > lo and flats[hi - 1] and gap.endswith(flats[hi - 1]):
        shown[hi - 1], gap, hi = flats[hi - 1], gap[: len(gap) - len(flats[hi - 1])], hi - 1
    if lo < hi:
        shown[lo] = gap
    elif gap:  # every cell is there, with text added after them
        shown[-1] += gap
    return shown


def _loose(text: str, runs: Sequence[Run]) -> list[str]:
    """What ``text`` (a PDF's text) shows of each run of a loose section: its own text as often
    as the campaign's page has it and the PDF shows it, nothing otherwise."""
    found: Counter[str] = Counter()
    shown = []
    for run in runs:
        flat = _flat(run.text)
        found[flat] += 1
        shown.append(flat if text.count(flat) >= found[flat] else "")
    return shown


def align_pdf(text: str, expected: Sequence[Run], lang: str) -> list[Run]:
    """What a PDF's ``text`` shows where each of the ``expected`` runs (the recomputed page's)
    belongs: the expected runs with the text found in their place (white space removed), and a
    last run for any text after them. Sections in :data:`LOOSE_SECTIONS` are matched loosely
    (each text somewhere between the cells around them)."""
    printed = [r for r in expected if not r.print_hidden and not r.furniture]
    furniture = furniture_pattern(printed + [r for r in expected if r.furniture], lang)
    flats = [_flat(r.text) for r in printed]
    loose = [r.section in LOOSE_SECTIONS for r in printed]
    flat_text = _flat(text)
    shown = list(flats)
    pos = i = 0
    while i < len(flats):
        if loose[i]:
            end = next((k for k in range(i, len(flats)) if not loose[k]), len(flats))
            anchor = _anchor(flats, end)
            q = flat_text.find(anchor, pos) if anchor else len(flat_text)
            if q < 0:  # the text after the figures is not there as it should be
                end, q = _resync(flat_text, pos, flats, end)
            # a figure's title may float above the section: its texts count anywhere
            shown[i:end] = _loose(flat_text, printed[i:end])
            pos, i = q, end
            continue
        if flat_text.startswith(flats[i], pos):
            # furniture that begins like the cell ("1." before the cell "1"), with the cell
            # after it: the furniture is skipped first
            later = _cell_after_furniture(flat_text, pos, furniture, flats[i])
            pos, i = (later, i) if later is not None else (pos + len(flats[i]), i + 1)
            continue
        skipped = _skip_furniture(flat_text, pos, furniture)
        if skipped > pos:
            pos = skipped
            continue
        k, q = _resync(flat_text, pos, flats, i)
        gap = _without_furniture(flat_text[pos:q], furniture)
        if k == i:  # text added before cell i
            shown[i] = gap + flats[i]
            pos, i = q + len(flats[i]), i + 1
            continue
        shown[i:k] = _split(gap, flats[i:k])
        pos, i = q, k
    out = [replace(r, text=s) for r, s in zip(printed, shown, strict=True)]
    rest = _without_furniture(flat_text[pos:], furniture)
    if rest:
        out.append(Run("end of the report", "text", rest, False))
    return out


def expected_flat(runs: Sequence[Run]) -> list[Run]:
    """The printed runs of a page with their white space removed (how :func:`align_pdf` gives
    a PDF's text), to compare with the aligned ones."""
    return [replace(r, text=_flat(r.text)) for r in runs if not r.print_hidden and not r.furniture]
