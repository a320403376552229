"""What a reader sees in an HTML report, and the laboratory's signature over it.

A report's *visible content* is the text a person reads, one line per block (a paragraph, a
heading, a list item, a table row with its cells joined by `` | ``), whitespace normalised
(:func:`visible_lines`). Script and style text is no reading matter, but it can change what the
page shows, so it is covered by the *structure digest*: a SHA-256 over the whole document with
every run of white space made one space (every tag, attribute, script, style and comment
counts; only re-indentation does not). Local files the page draws on (stylesheets, figures,
scripts) are covered by their SHA-256s.

:func:`sign_html` builds the *statement* (the report number, date, language, provenance,
structure digest, resource digests and visible lines), signs it with the laboratory's key
(a detached CMS signature, :mod:`luxcheck.report.signing`), fills the template's QR slot with a
QR code of the report number, the signature's SHA-256 and the laboratory's verification URL,
and puts the signature block (``<script type="application/json" id="luxcheck-signature">``) at
the template's marker. :func:`read_signed_html` undoes exactly those two insertions and recomputes
everything from the file as it is, so an edited verdict word or number no longer matches.
"""

from __future__ import annotations

import base64
import hashlib
import html
import html.parser
import json
import os
import re
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luxcheck.errors import InputError
from luxcheck.report.format import LANGUAGES, translations

#: Where the template asks for the signature block (replaced by it when signed).
SIGNATURE_MARKER = "<!-- luxcheck:signature -->"
#: The QR slot the template leaves empty (filled when signed).
QR_SLOT = '<div class="report-qr" id="luxcheck-qr"></div>'
FORMAT = "luxcheck-visible-signature:v1"
#: The report number of a report that is not (yet) issued.
DRAFT = "DRAFT"
#: The report number a campaign page (a school summary, the dashboard) is signed with: the
#: laboratory signs what it shows, but it is no test report and never gets a number.
SUMMARY = "SUMMARY"

_SIGNATURE_RE = re.compile(
    r'<script type="application/json" id="luxcheck-signature">(.*?)</script>', re.S
)
_QR_RE = re.compile(r'<div class="report-qr" id="luxcheck-qr">(.*?)</div>', re.S)

# fmt: off
#: Elements that start and end a line of visible text.
BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
    "h4", "h5", "h6", "head", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre",
    "section", "summary", "table", "tbody", "tfoot", "thead", "title", "tr", "ul",
))
_CELLS = frozenset(("td", "th"))
#: Elements whose text is not read (but is part of the structure digest).
UNREAD = frozenset(("script", "style", "template"))
VOID = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
))
# fmt: on
#: Attributes that name a local file the page draws on.
_RESOURCE_ATTRS = {"link": "href", "script": "src", "img": "src", "image": "href"}


def normal_text(text: str) -> str:
    """``text`` with every run of white space made one space, and trimmed (white space as
    ``str.isspace`` and the ``\\s`` of regular expressions define it: the same characters)."""
    return " ".join(text.split())


@dataclass
class PageContent:
    """The visible lines, structure digest and local resources of an HTML document."""

    lines: list[tuple[str, str]] = field(default_factory=list)  # (item key, text)
    structure: str = ""
    resources: list[str] = field(default_factory=list)


class PageParser(html.parser.HTMLParser):
    """The walk of a report page that its readers share: the text inside ``script``, ``style``
    and ``template`` is not read, and a self-closed element that is not void (``<div/>``) is
    opened and closed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._unread = 0

    @property
    def reading(self) -> bool:
        """Whether text here is read (outside every unread element)."""
        return not self._unread

    def unread(self, tag: str, *, opening: bool) -> bool:
        """Count ``tag`` in or out of the unread elements; True when it is one of them."""
        if tag not in UNREAD:
            return False
        self._unread = self._unread + 1 if opening else max(0, self._unread - 1)
        return True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)


class _Reader(PageParser):
    def __init__(self) -> None:
        super().__init__()
        self.content = PageContent()
        self._line: list[str] = []
        self._cells = 0
        self._keys: list[tuple[str, str]] = []  # (tag, data-requirement)

    # lines -----------------------------------------------------------------------------
    def _flush(self) -> None:
        text = normal_text("".join(self._line))
        if text:
            key = next((k for _tag, k in reversed(self._keys) if k), "")
            self.content.lines.append((key, text))
        self._line = []
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        wanted = _RESOURCE_ATTRS.get(tag)
        if wanted and attributes.get(wanted):
            self.content.resources.append(str(attributes[wanted]))
        if self.unread(tag, opening=True):
            return
        if tag in BLOCKS:
            self._flush()
        elif tag in _CELLS:
            if self._cells:
                self._line.append(" | ")
            self._cells += 1
        if tag not in VOID:
            self._keys.append((tag, attributes.get("data-requirement") or ""))

    def handle_endtag(self, tag: str) -> None:
        if self.unread(tag, opening=False):
            return
        if tag in BLOCKS:
            self._flush()
        for index in range(len(self._keys) - 1, -1, -1):
            if self._keys[index][0] == tag:
                del self._keys[index:]
                break

    def handle_data(self, data: str) -> None:
        if self.reading:  # script or style text: covered by the structure digest only
            self._line.append(data)

    def result(self) -> PageContent:
        self.close()
        self._flush()
        return self.content


#: The attributes of a start tag in the strict form (html.parser reads them alike).
_STRICT_ATTRS = r"""(?:\s+[^\s"'>/=\x00]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*"""
# A start tag, an end tag, a comment or the doctype, in the strict form the report templates
# write. Anything else that opens with "<" (a stray "<", an attribute html.parser reads more
# tolerantly, a processing instruction, CDATA) makes the whole document go through
# html.parser instead (see :func:`_scan`).
_TOKEN_RE = re.compile(
    rf"""<(?:
        (?P<tag>[a-zA-Z][^\t\n\r\f />\x00]*)
        (?P<attrs>{_STRICT_ATTRS})
        \s*(?P<close>/?)>
      | /\s*(?P<end>[a-zA-Z][-.a-zA-Z0-9:_]*)\s*>
      | !--.*?--\s*>
      | ![dD][oO][cC][tT][yY][pP][eE][^>]*>
    )""",
    re.S | re.X,
)
#: Inline elements that neither start a line, nor read a file, nor hide their text: a complete
#: one (start tag, text, end tag; or self-closed) inside a line changes nothing but the text.
_INERT = (
    "a|abbr|b|circle|code|ellipse|em|i|line|mark|path|polygon|polyline|q|rect|s|small|span|"
    "strong|sub|sup|text|tspan|u|var"
)


def _inert_element(name: str) -> str:
    """A complete inert element, its name in group ``name``; its attributes read as
    html.parser reads them (an atomic group: a value is never shortened to make a ``/>``)."""
    return (
        rf"<(?P<{name}>{_INERT})(?=[\s/>])(?>{_STRICT_ATTRS})\s*"
        rf"(?:/>|>[^<]*</\s*(?P={name})\s*>)"
    )


#: Text and complete inert elements (the figures' marks and labels, a verdict's span): read in
#: one step, their text pieces as the events give them. (Text runs are unrolled between the
#: elements, so that a near miss fails fast instead of trying every split of the text.)
_RUN_RE = re.compile(rf"[^<]*(?:{_inert_element('run')}[^<]*)*")
#: A tag of such a run (what separates its text pieces).
_RUN_TAG_RE = re.compile(rf"<(?:/\s*[a-z]+\s*|(?:{_INERT})(?>{_STRICT_ATTRS})\s*/?)>")
#: What a cell of such a row holds: text and complete inert elements, and complete ``div``
#: elements of those (each a line of its own: a clause under a result, a reason).
_CELL_CONTENT = (
    rf"[^<]*(?:(?:{_inert_element('inner')}|<div{_STRICT_ATTRS}\s*>"
    rf"[^<]*(?:{_inert_element('in_div')}[^<]*)*</div\s*>)[^<]*)*"
)
#: A table row of such cells, as the templates write the tables (results, grid points,
#: annexes): read in one step.
_ROW_RE = re.compile(
    rf"<tr(?P<attrs>{_STRICT_ATTRS})\s*>\s*"
    rf"(?P<cells>(?:<(?P<cell>t[dh]){_STRICT_ATTRS}\s*>{_CELL_CONTENT}</(?P=cell)\s*>\s*)*)"
    rf"</tr\s*>"
)
_CELL_RE = re.compile(
    rf"<(?P<cell>t[dh])(?P<attrs>{_STRICT_ATTRS})\s*>(?P<content>{_CELL_CONTENT})"
    rf"</(?P=cell)\s*>"
)
#: The parts of a cell's content: a ``div`` (its attributes and content), or a run (possibly
#: empty, at the end).
_CELL_PART_RE = re.compile(
    rf"<div(?P<attrs>{_STRICT_ATTRS})\s*>(?P<content>[^<]*(?:{_inert_element('inner')}[^<]*)*)"
    rf"</div\s*>|[^<]*(?:{_inert_element('run')}[^<]*)*"
)
_ATTR_RE = re.compile(r"""([^\s"'>/=\x00]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_WANTED_ATTR_RE = re.compile(r"data-requirement|href|src", re.I)
#: Elements whose content is raw text up to their end tag (html.parser's CDATA elements).
_RAW_TEXT = {
    "script": re.compile(r"</\s*script\s*>", re.I),
    "style": re.compile(r"</\s*style\s*>", re.I),
}


def _attributes(raw: str) -> list[tuple[str, str | None]]:
    """The attributes of a strictly formed start tag, as html.parser gives them (names lower
    case, quotes taken off, character references resolved, None for a bare name)."""
    out: list[tuple[str, str | None]] = []
    for match in _ATTR_RE.finditer(raw):
        value = match.group(2)
        if value is not None:
            if value[:1] in "'\"":
                value = value[1:-1]
            if value:
                value = html.unescape(value)
        out.append((match.group(1).lower(), value))
    return out


def _run_text(run: str) -> str:
    """The text of a run of text and complete inert elements: its pieces between tags, each
    with its character references resolved (as html.parser resolves each piece of data)."""
    if "<" not in run:
        return html.unescape(run) if "&" in run else run
    pieces = _RUN_TAG_RE.split(run)
    if "&" not in run:
        return "".join(pieces)
    return "".join(html.unescape(p) if "&" in p else p for p in pieces)


def _key(raw: str, default: str) -> str:
    """The ``data-requirement`` of a strictly formed start tag's attributes ``raw``, else
    ``default`` (the key of the element it is in)."""
    if raw and _WANTED_ATTR_RE.search(raw):
        return dict(_attributes(raw)).get("data-requirement") or default
    return default


def _read_row(cells: str, row_key: str, lines: list[tuple[str, str]]) -> None:
    """Append the lines of a row's ``cells`` (matched by :data:`_ROW_RE`; the row's key
    ``row_key``) as the events give them: the cells joined by `` | ``, and each ``div`` in a cell
    a line of its own (the line before it ends there, and the next cell starts a new count)."""
    line: list[str] = []
    count = 0

    def flush(key: str) -> None:
        text = normal_text("".join(line))
        if text:
            lines.append((key, text))
        line.clear()

    previous_end = 0
    for cell in _CELL_RE.finditer(cells):
        # the white space between two cells is text of the line, as html.parser gives it: it
        # reads where a div ended the count (a div's tail, then the next cell)
        if cell.start() > previous_end:
            line.append(cells[previous_end : cell.start()])
        previous_end = cell.end()
        if count:
            line.append(" | ")
        count += 1
        content = cell.group("content")
        if "<div" not in content:
            line.append(_run_text(content))
            continue
        cell_key = _key(cell.group("attrs"), row_key)
        for part in _CELL_PART_RE.finditer(content):
            if part.group("content") is None:
                if part.group():
                    line.append(_run_text(part.group()))
                continue
            flush(cell_key)  # the div starts a line, and ends it
            line.append(_run_text(part.group("content")))
            flush(_key(part.group("attrs"), cell_key))
            count = 0
    flush(row_key)


def _scan(text: str) -> PageContent | None:
    """The content of ``text`` read token by token through one regular expression: what
    :class:`_Reader` reads from html.parser's events, for a document in the strict form, at a
    fraction of the cost (a report page has over a thousand tags). None at the first construct
    outside the strict form (the caller then reads the document with html.parser)."""
    content = PageContent()
    lines, resources = content.lines, content.resources
    line: list[str] = []
    keys: list[tuple[str, str]] = []  # (tag, data-requirement) of the open elements
    cells = unread = 0

    def flush() -> None:
        nonlocal line, cells
        if line:
            text = normal_text("".join(line))
            if text:
                lines.append((next((k for _tag, k in reversed(keys) if k), ""), text))
            line = []
        cells = 0

    def end_tag(tag: str) -> None:
        nonlocal unread
        if tag in UNREAD:
            unread = max(0, unread - 1)
            return
        if tag in BLOCKS:
            flush()
        for index in range(len(keys) - 1, -1, -1):
            if keys[index][0] == tag:
                del keys[index:]
                break

    search, run_at = _TOKEN_RE.search, _RUN_RE.match
    position, size = 0, len(text)
    while position < size:
        run = run_at(text, position)
        if run is not None and run.end() > position:  # text and complete inert elements
            if not unread:
                line.append(_run_text(run.group()))
            position = run.end()
        match = search(text, position)
        start = match.start() if match else size
        if start > position:
            data = text[position:start]
            if "<" in data:
                return None
            if not unread:
                line.append(html.unescape(data) if "&" in data else data)
        if match is None:
            break
        position = match.end()
        tag = match.group("tag")
        if tag is None:
            if match.group("end") is not None:
                end_tag(match.group("end").lower())
            continue
        tag = tag.lower()
        raw = match.group("attrs")
        key = ""
        if raw and _WANTED_ATTR_RE.search(raw):
            attributes = dict(_attributes(raw))
            wanted = _RESOURCE_ATTRS.get(tag)
            if wanted and attributes.get(wanted):
                resources.append(str(attributes[wanted]))
            key = attributes.get("data-requirement") or ""
        row = _ROW_RE.match(text, start) if tag == "tr" and not unread else None
        if row is not None:  # a row of plain cells: its line at once, as the events give it
            flush()
            outer = next((k for _tag, k in reversed(keys) if k), "")
            _read_row(row.group("cells"), key or outer, lines)
            position = row.end()
            continue
        if tag in UNREAD:
            unread += 1
        else:
            if tag in BLOCKS:
                flush()
            elif tag in _CELLS:
                if cells:
                    line.append(" | ")
                cells += 1
            if tag not in VOID:
                keys.append((tag, key))
        if match.group("close"):
            if tag not in VOID:
                end_tag(tag)
            continue
        raw_end = _RAW_TEXT.get(tag)
        if raw_end is not None:  # script or style text: not read, up to its end tag
            closing = raw_end.search(text, position)
            if closing is None:
                return None
            end_tag(tag)
            position = closing.end()
    flush()
    return content


def _structure(text: str) -> str:
    """The structure digest: SHA-256 of the document with every run of white space one space."""
    return hashlib.sha256(normal_text(text).encode("utf-8")).hexdigest()


def page_content(text: str) -> PageContent:
    """The visible lines, structure digest and local resources of ``text`` (an HTML document).

    A document in the strict form the report templates write is read by :func:`_scan`; any
    other document by html.parser (both read the strict form alike:
    tests/report/test_visible.py compares them)."""
    content = _scan(text)
    if content is None:
        content = parsed_content(text)
    else:
        content.structure = _structure(text)
    return content


def parsed_content(text: str) -> PageContent:
    """:func:`page_content` read by html.parser alone (the reference of :func:`_scan`)."""
    reader = _Reader()
    reader.feed(text)
    content = reader.result()
    content.structure = _structure(text)
    return content


def visible_lines(text: str) -> list[str]:
    """The text a person reads in an HTML document, one normalised line per block."""
    return [line for _key, line in page_content(text).lines]


def _local(reference: str) -> str | None:
    """A reference to a file beside the page (no scheme, no data URI), without query."""
    parsed = urllib.parse.urlsplit(reference)
    if parsed.scheme or parsed.netloc or not parsed.path:
        return None
    return urllib.parse.unquote(parsed.path)


def resource_digests(references: Iterable[str], base_dir: Path) -> list[tuple[str, str | None]]:
    """``(reference, SHA-256 or None when the file is not there)`` of every local reference."""
    out: list[tuple[str, str | None]] = []
    for reference in dict.fromkeys(references):
        path = _local(reference)
        if path is None:
            continue
        # lexically (the page's folder may not exist yet when it is signed)
        target = Path(os.path.normpath(base_dir / path))
        out.append(
            (
                reference,
                hashlib.sha256(target.read_bytes()).hexdigest() if target.is_file() else None,
            )
        )
    return out


# --------------------------------------------------------------------------- the statement
#: ``json.dumps(text)`` and ``json.dumps(text, ensure_ascii=False)`` of a str, as they compute it.
_quote_ascii = json.encoder.encode_basestring_ascii
_quote = json.encoder.encode_basestring


@dataclass(frozen=True)
class Statement:
    """What the laboratory signs for an HTML report (and attaches to its PDF)."""

    report_number: str
    verify_url: str | None
    hints: Mapping[str, str]  # issued_on, lang, profile: what a recomputation needs
    structure: str
    resources: tuple[tuple[str, str | None], ...]
    lines: tuple[tuple[str, str], ...]

    def encode(self) -> bytes:
        """The exact bytes signed: one field a line, every value JSON-quoted."""
        out = [FORMAT, f"number {json.dumps(self.report_number)}"]
        out.append(f"verify-url {json.dumps(self.verify_url)}")
        out += [f"hint {json.dumps(k)} {json.dumps(v)}" for k, v in sorted(self.hints.items())]
        out.append(f"structure {self.structure}")
        out += [f"resource {json.dumps(r)} {json.dumps(d)}" for r, d in self.resources]
        # a line's key and text quoted by the functions json.dumps quotes a str with (ASCII,
        # and UTF-8 as written), without building an encoder for every line
        out += [f"line {_quote_ascii(k)} {_quote(t)}" for k, t in self.lines]
        return ("\n".join(out) + "\n").encode("utf-8")

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "report_number": self.report_number,
            "verify_url": self.verify_url,
            "hints": dict(sorted(self.hints.items())),
            "structure": self.structure,
            "resources": [list(r) for r in self.resources],
            "lines": [list(line) for line in self.lines],
        }

    @staticmethod
    def from_json(data: Any, source: str) -> Statement:
        try:
            if data["format"] != FORMAT:
                raise InputError(f"unknown signature format {data['format']!r}", source=source)
            return Statement(
                report_number=str(data["report_number"]),
                verify_url=None if data["verify_url"] is None else str(data["verify_url"]),
                hints={str(k): str(v) for k, v in data["hints"].items()},
                structure=str(data["structure"]),
                resources=tuple(
                    (str(r), None if d is None else str(d)) for r, d in data["resources"]
                ),
                lines=tuple((str(k), str(t)) for k, t in data["lines"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(f"the signature block is malformed ({exc!r})", source=source) from exc


@dataclass(frozen=True)
class SignatureBlock:
    """The signed statement and its detached CMS signature, as embedded in a report."""

    statement: Statement
    cms: bytes

    @property
    def digest(self) -> str:
        """The SHA-256 of the signature: what the QR code and ``verify`` print."""
        return hashlib.sha256(self.cms).hexdigest()

    def to_json_text(self) -> str:
        data = self.statement.to_json()
        data["signature_sha256"] = self.digest
        data["cms"] = base64.b64encode(self.cms).decode("ascii")
        # "<" escaped so that no text of the report can close the script element
        return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")

    @staticmethod
    def from_json_text(text: str, source: str) -> SignatureBlock:
        try:
            data = json.loads(text)
            cms = base64.b64decode(data["cms"], validate=True)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"the signature block is malformed ({exc})", source=source) from exc
        return SignatureBlock(Statement.from_json(data, source), cms)


def qr_text(report_number: str, signature_digest: str, verify_url: str | None) -> str:
    """What the QR code says: the lab's verification URL with the report number and signature
    digest as query, or (without a URL) a plain record of the two."""
    if verify_url:
        query = urllib.parse.urlencode({"report": report_number, "sig": signature_digest})
        return f"{verify_url}{'&' if '?' in verify_url else '?'}{query}"
    return f"luxcheck-report:v1;number={report_number};sig=sha256:{signature_digest}"


#: The QR code's module size (px) and quiet zone (modules) in the report's image.
_QR_SCALE, _QR_BORDER = 2, 2


def qr_svg_data_uri(matrix: Sequence[bytes | bytearray]) -> str:
    """The SVG data URI segno writes for a QR code's module ``matrix`` (rows of 0/1 bytes) at
    the report's size (``svg_data_uri(scale=2, border=2)``), byte for byte: one path of the dark
    runs of each row, relative moves, single-quoted attributes, percent-encoded. The runs are
    found with numpy instead of segno's loop over every module (a report QR code has some two
    thousand); tests/report/test_visible.py compares the two."""
    import numpy as np

    size = len(matrix)
    modules = np.frombuffer(b"".join(bytes(row) for row in matrix), dtype=np.uint8)
    modules = modules.reshape(size, -1).astype(np.int8)
    edges = np.diff(np.pad(modules, ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _rows, ends = np.nonzero(edges == -1)  # row-major: each run's end after its start
    x1, x2 = starts + _QR_BORDER, ends + _QR_BORDER
    y = rows + _QR_BORDER + 0.5
    first = f"M{x1[0]} {y[0]:g}h{x2[0] - x1[0]}"
    dx = (x1[1:] - x2[:-1]).tolist()
    dy = np.diff(rows).tolist()
    length = (x2 - x1)[1:].tolist()
    path = first + "".join(f"m{a} {b}h{c}" for a, b, c in zip(dx, dy, length, strict=True))
    side = (modules.shape[1] + 2 * _QR_BORDER) * _QR_SCALE
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{side}' height='{side}' "
        f"class='segno'><path transform='scale({_QR_SCALE})' class='qrline' stroke='#000' d='"
    )
    # the path's letters, digits, "." and "-" are unreserved: only its spaces are encoded
    return (
        "data:image/svg+xml;charset=utf-8,"
        + urllib.parse.quote(head, safe="")
        + path.replace(" ", "%20")
        + urllib.parse.quote("'/></svg>", safe="")
    )


def qr_markup(report_number: str, signature_digest: str, verify_url: str | None, lang: str) -> str:
    """The QR slot's content: the code as an SVG image, and under it the report number (or
    what a draft or a campaign summary page is) and the start of the signature digest, in
    ``lang``."""
    import segno

    _ = translations(lang if lang in LANGUAGES else "zh").gettext
    # a fixed mask pattern (ISO/IEC 18004 allows any of the eight): segno's search for the best
    # one is most of the time a code takes, and every mask reads alike on a printed page
    content = qr_text(report_number, signature_digest, verify_url)
    code = segno.make(content, error="m", micro=False, mask=0)
    uri = qr_svg_data_uri(code.matrix)
    words = {DRAFT: _("Draft"), SUMMARY: _("Summary, not a test report")}
    number = words.get(report_number, report_number)
    caption = _("Signature SHA-256 {digest}").format(digest=f"{signature_digest[:16]}…")
    alt = _("Verification QR code")
    return (
        f'<img class="qr" src="{html.escape(uri)}" alt="{html.escape(alt)}">'
        f'<span class="qr-text">{html.escape(number)} · {html.escape(caption)}</span>'
    )


# --------------------------------------------------------------------------- sign / read
def sign_html(
    text: str,
    sign: Any,
    *,
    base_dir: Path,
    report_number: str | None,
    verify_url: str | None,
    hints: Mapping[str, str],
) -> tuple[str, SignatureBlock]:
    """Sign the visible content of ``text`` (an HTML report saved in ``base_dir``).

    Parameters
    ----------
    sign
        ``bytes -> CMS bytes`` (:meth:`luxcheck.report.signing.LabSigner.sign_data`).
    report_number
        The issued report number, None for a draft (the QR code then says ``DRAFT``), or
        :data:`SUMMARY` for a campaign page (school summary, dashboard).
    hints
        What a recomputation from the campaign file needs (report date, language, profile).

    Returns
    -------
    The signed HTML and its signature block.
    """
    if text.count(SIGNATURE_MARKER) != 1 or text.count(QR_SLOT) != 1:
        raise InputError("the template lacks the signature marker or the QR slot (one each)")
    content = page_content(text)
    statement = Statement(
        report_number=report_number or DRAFT,
        verify_url=verify_url,
        hints=dict(hints),
        structure=content.structure,
        resources=tuple(resource_digests(content.resources, base_dir)),
        lines=tuple(content.lines),
    )
    block = SignatureBlock(statement, sign(statement.encode()))
    signed = text.replace(
        QR_SLOT,
        QR_SLOT.replace("></div>", ">")
        + qr_markup(statement.report_number, block.digest, verify_url, hints.get("lang", "zh"))
        + "</div>",
    ).replace(
        SIGNATURE_MARKER,
        f'<script type="application/json" id="luxcheck-signature">{block.to_json_text()}</script>',
    )
    return signed, block


@dataclass(frozen=True)
class ReadPage:
    """An HTML report as found: its signature block and what it shows now."""

    block: SignatureBlock
    content: PageContent
    qr_ok: bool


def read_signed_html(text: str, source: str) -> ReadPage:
    """Take the signature block and QR code out of ``text`` and recompute its content.

    Raises
    ------
    InputError
        No signature block (an unsigned report), or more than one.
    """
    blocks = _SIGNATURE_RE.findall(text)
    if not blocks:
        raise InputError("this HTML file carries no laboratory signature", source=source)
    if len(blocks) > 1:
        raise InputError("this HTML file carries more than one signature block", source=source)
    block = SignatureBlock.from_json_text(blocks[0], source)
    original = _SIGNATURE_RE.sub(lambda _m: SIGNATURE_MARKER, text, count=1)
    slots = _QR_RE.findall(original)
    statement = block.statement
    expected = qr_markup(
        statement.report_number,
        block.digest,
        statement.verify_url,
        statement.hints.get("lang", "zh"),
    )
    qr_ok = slots == [expected]
    if len(slots) == 1:
        original = _QR_RE.sub(lambda _m: QR_SLOT, original, count=1)
    return ReadPage(block, page_content(original), qr_ok)


def first_differences(
    expected: Iterable[str],
    shown: Iterable[str],
    labels: tuple[str, str] = ("signed", "shown"),
    limit: int = 6,
) -> list[str]:
    """The first lines that differ between what was expected (signed) and what the file shows,
    each labelled (difflib)."""
    import difflib

    width = max(len(label) for label in labels)
    out: list[str] = []
    for line in difflib.unified_diff(list(expected), list(shown), lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        label = labels[0] if line[0] == "-" else labels[1]
        out.append(f"    {label:<{width}}: {line[1:]}")
        if len(out) >= limit:
            break
    return out
