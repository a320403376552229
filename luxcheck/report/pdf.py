"""PDF output: the paged-media CSS of a language (A4, running header, page numbers) and
HTML to PDF with WeasyPrint."""

from __future__ import annotations

import base64
import functools
import gc
import html
import io
import os
import re
import urllib.parse
import urllib.request
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from luxcheck.errors import InputError
from luxcheck.report import htmltree
from luxcheck.report.files import write_atomic


def page_css(_: Callable[[str], str]) -> str:
    """The @page rules (A4, running header, "page x of y" footer) in the language of the
    gettext function ``_``.

    The header and the footer are the only boxes of their page margin and centred in it; as
    wide as the margin (``width: 100%``), they print as they would at their own width, and
    WeasyPrint need not lay out their text at its widest and narrowest on every page to size
    them (CSS Paged Media 3, margin box variable dimension computation rules: an 'auto'
    width is resolved from those)."""
    return (
        "@page {\n  size: A4;\n  margin: 18mm 14mm 18mm 14mm;\n"
        "  @top-center { content: element(running); width: 100%; font-size: 8pt; color: #555; }\n"
        f"  {footer_css(_('Page {page} of {pages}'))}\n}}\n"
    )


def footer_css(pattern: str, pages: int | None = None) -> str:
    """The ``@bottom-center`` rule that prints ``pattern`` (with ``{page}`` and ``{pages}``)
    on every page: ``{pages}`` is the document's page count, or ``pages`` when given (a part
    of a larger volume)."""
    before, _sep, rest = pattern.partition("{page}")
    middle, _sep2, after = rest.partition("{pages}")
    total = "counter(pages)" if pages is None else _css_string(str(pages))
    parts = [
        _css_string(before),
        "counter(page)",
        _css_string(middle),
        total,
        _css_string(after),
    ]
    content = " ".join(p for p in parts if p != '""')
    return (
        f"@bottom-center {{ content: {content}; width: 100%;"
        ' font-family: "LuxcheckSansSC", sans-serif; font-size: 8pt; color: #555; }'
    )


def _css_string(text: str) -> str:
    escaped = "".join(
        c if c.isalnum() or c in " /·-" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return f'"{escaped}"'


# --------------------------------------------------------------------------- PDF
#: A page's stylesheet links as the templates write them (base.html.j2, bound.html.j2).
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]+)">')
#: A custom property's declaration in ``:root`` and its use.
_VAR_DECLARATION = re.compile(r"(--[\w-]+)\s*:\s*([^;}]+)")
_VAR_USE = re.compile(r"var\((--[\w-]+)\)")
#: Images kept decoded between documents (the figures' shared backgrounds, logo, seal), at
#: most this many entries before the cache starts over.
_IMAGE_CACHE_ENTRIES = 400
#: Stylesheets (of as many output folders) kept parsed before the engine starts over.
_SHEETS_KEPT = 16
#: A figure's SVG overlay as the classroom template writes it (classroom.html.j2).
_OVERLAY = re.compile(r'<svg class="overlay"[^>]*>.*?</svg>', re.S)
_SVG_NS = "http://www.w3.org/2000/svg"
#: A ``data-*`` attribute as the templates write it (for the page's script and tests), and
#: such a name where CSS can select or show it (``[data-x``, ``attr(data-x)``).
_DATA_ATTRIBUTE = re.compile(r' (data-[\w-]+)="[^"]*"')
_DATA_IN_CSS = re.compile(r"(?:\[|attr\(\s*)(data-[\w-]+)")
#: A script element (the issued page's signature is one, 22 kB of JSON): nothing WeasyPrint
#: shows, but its HTML parser reads it character by character.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
#: WeasyPrint's user-agent rules that give every element of a page pseudo-element styles of
#: its own: the calls and markers of footnotes and notes (CSS GCPM; only an element floated
#: to the footnote area or made a note has them: no stylesheet of the reports makes one) and
#: ``::marker`` of any element (only list items have a marker in the reports).
_EVERY_ELEMENTS_NOTES = re.compile(r"^::(?:footnote|note)-[a-z]+ \{[^}]*\}\n", re.M)
_EVERY_ELEMENTS_MARKER = re.compile(r"^::marker \{", re.M)
#: The page margin boxes the reports fill (:func:`page_css`, :func:`footer_css`): WeasyPrint's
#: user-agent rules for the others (their text alignment), and for the footnote and note
#: areas, give every page styles for boxes that are never made.
MARGIN_BOXES_FILLED = ("top-center", "bottom-center")
_UNFILLED_PAGE_AREA = re.compile(
    r"^  @(?!(?:" + "|".join(MARGIN_BOXES_FILLED) + r") )[a-z-]+ +\{[^}]*\}\n", re.M
)


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells a file changed: its modification time and size (None when it is gone)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


def _file_of(url: str) -> Path | None:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme != "file":
        return None
    return Path(urllib.request.url2pathname(parsed.path))


def _fresh_stream(stream: Any) -> Any:
    """A new ``pydyf.Stream`` with ``stream``'s content and entries (its soft mask a new
    stream too): WeasyPrint numbers the objects of a PDF and writes references into them, so
    an image object goes into one PDF only."""
    import pydyf  # type: ignore[import-untyped]  # WeasyPrint's PDF objects

    extra = pydyf.Dictionary(stream.extra)
    mask = extra.get("SMask")
    if isinstance(mask, pydyf.Stream):
        extra["SMask"] = _fresh_stream(mask)
    return pydyf.Stream(list(stream.stream), extra, stream.compress)


class _KeptXObject:
    """A raster image's PDF image object, made once per process: WeasyPrint makes it again
    for every document (the PNG decoded, the alpha channel split off, both compressed again),
    which is most of a figure background's cost in a report. Each call after the first gets
    a copy of the first object (:func:`_fresh_stream`) with the same compressed data."""

    def __init__(self, make: Callable[[bool, float], Any]) -> None:
        self._make = make
        self._made: dict[tuple[bool, float], Any] = {}

    def __call__(self, interpolate: bool, dpi_ratio: float) -> Any:
        key = (interpolate, dpi_ratio)
        kept = self._made.get(key)
        if kept is not None:
            return _fresh_stream(kept)
        made = self._make(interpolate, dpi_ratio)
        self._made[key] = _fresh_stream(made)  # before WeasyPrint writes references into it
        return made


class ImageCache(dict[str, Any]):
    """WeasyPrint's image cache (keyed by URL), kept across the documents of a process: an
    image whose file changed since it was decoded is decoded again, and a raster image's PDF
    object is made once (:class:`_KeptXObject`)."""

    def __init__(self) -> None:
        super().__init__()
        self._stamps: dict[str, tuple[int, int] | None] = {}

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str) and key in self._stamps:
            path = _file_of(key)
            if path is not None and self._stamps[key] != _stamp(path):
                return False
        return super().__contains__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        path = _file_of(key) if isinstance(key, str) else None
        if path is not None:
            self._stamps[key] = _stamp(path)
        from weasyprint.images import RasterImage

        if isinstance(value, RasterImage):
            # an instance attribute: WeasyPrint calls image.get_x_object(...)
            value.get_x_object = _KeptXObject(value.get_x_object)  # type: ignore[method-assign]
        super().__setitem__(key, value)

    def clear(self) -> None:
        self._stamps.clear()
        super().clear()

    def forget_documents_own(self) -> None:
        """Forget the images no other document shows, before the next is laid out: ``data:``
        URLs (a report's QR code, its figures' overlays), and every SVG image. WeasyPrint's
        SVG image keeps the layout context of the document it was first laid out in, and
        with it every box and computed style of that document: a report's QR code kept here
        kept its whole report (about 56 000 objects) until the cache started over. Measured
        on 96 of the demo's issued reports in one process: peak RSS 552 -> 1493 MiB and CPU
        1.0 -> 1.47 s a report as they piled up (every full garbage collection walked them
        all); now 117-125 MiB and about 1.0 s throughout. WeasyPrint's entries of raster
        data (keyed by image) stay: a kept image object reads them when it is written."""
        from weasyprint.images import SVGImage

        for key in [
            k
            for k, v in self.items()
            if (isinstance(k, str) and k.startswith("data:")) or isinstance(v, SVGImage)
        ]:
            del self[key]
            self._stamps.pop(key, None)


def inline_custom_properties(css: str) -> str:
    """``css`` with every ``var(--name)`` replaced by the value its ``:root`` rule declares.

    WeasyPrint resolves custom properties for every element of every document; the report's
    variables are constants (colours), so the PDF engine gets them written out. A variable
    that is not declared is left as it is.
    """
    values = dict(_VAR_DECLARATION.findall(css))
    return _VAR_USE.sub(lambda m: values.get(m.group(1), m.group(0)).strip(), css)


def overlay_image(markup: str, page_uri: str) -> str | None:
    """A figure's inline SVG overlay ``markup`` (of the page at ``page_uri``) as an image the
    page can link to: a ``data:`` URL of the same SVG, its ``<image>`` links made absolute.
    None when the markup is not an XML document on its own (it then stays inline).

    WeasyPrint draws an inline SVG and a linked one with the same code, at the same size (the
    figure's CSS sets both); but every element inside an inline SVG also goes through the
    HTML parser and the page's CSS cascade, which never apply to the drawing.
    """
    head_end = markup.find(">")
    if "xmlns=" not in markup[:head_end]:
        markup = markup.replace("<svg ", f'<svg xmlns="{_SVG_NS}" ', 1)
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError:
        return None
    for image in root.iter(f"{{{_SVG_NS}}}image"):
        href = image.get("href")
        if href is not None:
            image.set("href", urllib.parse.urljoin(page_uri, href))
    data = ElementTree.tostring(root, encoding="utf-8")  # the SVG namespace as a prefix
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


def print_user_agent_css(ua_css: str) -> str:
    """WeasyPrint's user-agent stylesheet ``ua_css`` without the rules that style a
    pseudo-element of every element (:data:`_EVERY_ELEMENTS_NOTES`), ``::marker`` kept for
    list items (``li::marker``), and without the rules of the page areas the reports never
    fill (:data:`MARGIN_BOXES_FILLED`): the reports have neither footnotes nor notes, only
    list items have markers, and a margin box without content is not made. WeasyPrint
    computes a style for each pseudo-element a rule names, of every element, before laying
    out (six an element, about 5 500 of a classroom report's 240 distinct styles: 578 -> 530
    ms a report), and each page's style of every page area a rule names (18 a page: 530 ->
    508 ms), with the same pixels on every page."""
    slim = _EVERY_ELEMENTS_MARKER.sub("li::marker {", _EVERY_ELEMENTS_NOTES.sub("", ua_css))
    return _UNFILLED_PAGE_AREA.sub("", slim)


@functools.cache
def _print_html() -> Any:
    """``weasyprint.HTML`` of a page's text as its parser reads it, read by
    :func:`luxcheck.report.htmltree.parse` where that can (4x faster: a report's 23 ms of
    tinyhtml5, 4 % of its CPU), with :func:`print_user_agent_css` in place of WeasyPrint's own
    user-agent stylesheet (its ``_ua_stylesheets``, the hook WeasyPrint's own tests replace
    the user agent with), parsed once a process."""
    import cssselect2  # type: ignore[import-untyped]  # WeasyPrint's selector matching
    import weasyprint
    from weasyprint import html as user_agent
    from weasyprint.css.counters import CounterStyle

    slim = weasyprint.CSS(string=print_user_agent_css(user_agent.UA), counter_style=CounterStyle())

    class PrintHTML(weasyprint.HTML):  # type: ignore[misc]  # WeasyPrint is untyped
        def __init__(self, text: str, base_url: str) -> None:
            tree = htmltree.parse(text)
            if tree is None:  # what only WeasyPrint's HTML5 parser reads
                super().__init__(string=text, base_url=base_url)
                return
            # the tree WeasyPrint's parser would build (htmltree), in place of an empty one's
            super().__init__(string="", base_url=base_url)
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
                tree, content_language=None
            )
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [
                slim if sheet is user_agent.UA_STYLESHEET else sheet
                for sheet in super()._ua_stylesheets(forms=forms)
            ]

    return PrintHTML


class PdfEngine:
    """WeasyPrint with what every report of a process shares, prepared once: the font
    configuration (the CJK font's ``@font-face`` registered once), the linked stylesheets
    parsed once (custom properties written out) and the decoded images.

    Each stylesheet is keyed by its file's path, modification time and size, so a changed
    file is parsed again. The pages' own HTML is unchanged: the links are taken out of the
    copy handed to WeasyPrint and the parsed sheets passed in their order instead, and the
    figures' SVG overlays are linked images in that copy (:func:`overlay_image`).
    """

    def __init__(self, *, freeze_when_warm: bool = False) -> None:
        self.images = ImageCache()
        self.font_config: Any = None  # WeasyPrint's FontConfiguration (_start_over)
        self._start_over()
        self._freeze_when_warm = freeze_when_warm
        self._laid_out = 0
        self._pid = os.getpid()

    def close(self) -> None:
        """Let go of the fonts, stylesheets and images, and collect them: WeasyPrint's font
        configuration then removes its folder of font files (``/tmp/weasyprint-*``, 1.7 MB
        with the report font) while the modules it needs are still there. Left to the end of
        the interpreter it was deleted after them, so each process that wrote a PDF left its
        folder behind ("Exception ignored in FontConfiguration.__del__"). Only in the process
        that made the engine: a forked worker shares its folder with its parent."""
        if os.getpid() != self._pid or self.font_config is None:  # not ours, or closed
            return
        fonts = weakref.ref(self.font_config)
        self.images.clear()
        self._sheets.clear()
        self.font_config = None
        if fonts() is not None:  # in a reference cycle (a frozen one too)
            gc.unfreeze()
            gc.collect()

    def _start_over(self) -> None:
        """A fresh font configuration and no parsed stylesheet."""
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        # each parsed sheet with the data-* attribute names its rules select or show
        self._sheets: dict[tuple[Path, tuple[int, int] | None], tuple[Any, frozenset[str]]] = {}

    def stylesheet(self, path: Path) -> Any:
        """The parsed stylesheet ``path`` (its ``@font-face`` rules in this engine's fonts)."""
        return self._parsed(path)[0]

    def _parsed(self, path: Path) -> tuple[Any, frozenset[str]]:
        """The parsed stylesheet ``path`` and the ``data-*`` names its rules select or show."""
        import weasyprint

        key = (path, _stamp(path))
        kept = self._sheets.get(key)
        if kept is None:
            text = inline_custom_properties(path.read_text("utf-8"))
            sheet = weasyprint.CSS(
                string=text, base_url=path.as_uri(), font_config=self.font_config
            )
            kept = self._sheets[key] = sheet, frozenset(_DATA_IN_CSS.findall(text))
        return kept

    def _print_copy(self, html_text: str, html_path: Path) -> tuple[str, list[Any]]:
        """The copy of ``html_text`` WeasyPrint lays out: without its links to local
        stylesheets (returned parsed) and its scripts, its figures' overlays linked as images,
        and without the ``data-*`` attributes no stylesheet of the page names (those of the
        results table's cells and rows, for the page's script and the tests: nothing prints
        them, and each is parsed and kept on its element; 2 % of a report's instructions)."""
        sheets: list[Any] = []
        styled: set[str] = set()  # the data-* names a stylesheet of the page selects or shows
        page_uri = html_path.resolve().as_uri()

        def link(match: re.Match[str]) -> str:
            url = overlay_image(match.group(0), page_uri)
            if url is None:
                return match.group(0)
            return f'<img class="overlay" src="{url}" alt="">'

        def take(match: re.Match[str]) -> str:
            href = html.unescape(match.group(1))
            if "://" in href or href.startswith("/"):
                return match.group(0)
            path = (html_path.parent / href).resolve()
            if not path.is_file():
                return match.group(0)  # WeasyPrint reports it as it always did
            sheet, names = self._parsed(path)
            sheets.append(sheet)
            styled.update(names)
            return ""

        text = _SCRIPT.sub("", _LINK.sub(take, html_text))
        styled.update(_DATA_IN_CSS.findall(text))  # the page's own <style> elements

        def data(match: re.Match[str]) -> str:
            return match.group(0) if match.group(1) in styled else ""

        return _OVERLAY.sub(link, _DATA_ATTRIBUTE.sub(data, text)), sheets

    def document(self, html_text: str, html_path: Path) -> Any:
        """``html_text`` (as if saved at ``html_path``) laid out in pages: a WeasyPrint
        ``Document`` (its ``pages``; :meth:`pdf` writes it)."""
        if len(self.images) > _IMAGE_CACHE_ENTRIES:
            self.images.clear()
        self.images.forget_documents_own()
        if len(self._sheets) > _SHEETS_KEPT:
            self._start_over()
        if self._freeze_when_warm and self._laid_out == 1:
            _freeze_what_stays()
        self._laid_out += 1
        text, sheets = self._print_copy(html_text, html_path)
        return _print_html()(text, str(html_path)).render(
            font_config=self.font_config, stylesheets=sheets, cache=self.images
        )

    def pdf(self, document: Any, attachments: Mapping[str, bytes] | None = None) -> bytes:
        """The PDF of a laid-out ``document``, ``attachments`` (name to content) embedded."""
        import weasyprint

        files = [
            weasyprint.Attachment(file_obj=io.BytesIO(data), name=name)
            for name, data in sorted((attachments or {}).items())
        ]
        buffer = io.BytesIO()
        document.write_pdf(buffer, attachments=files or None, cache=self.images)
        return buffer.getvalue()

    def render(
        self, html_text: str, html_path: Path, attachments: Mapping[str, bytes] | None
    ) -> bytes:
        """The PDF of ``html_text`` (as if saved at ``html_path``), ``attachments`` embedded."""
        return self.pdf(self.document(html_text, html_path), attachments)


def _freeze_what_stays() -> None:
    """Garbage collected, then everything the process holds moved out of the collector's
    sight (``gc.freeze``): its modules, the engine's fonts, stylesheets and images, and
    WeasyPrint's own caches, all made by the first report and kept for the process's life.

    A report is about 94 000 objects the collector tracks, in reference cycles (boxes and
    their styles), so the collector's full collections (34 in 24 of the demo's reports) are
    its work; each also walked everything the process holds (115 000 objects in a process
    that only writes PDF, 193 000 with the figures' and the reports' modules). Measured on
    24 of the demo's issued classroom reports, in one process, the garbage freed inside the
    timing: 713, 682, 678 -> 616, 618, 614 ms a report; with the report modules loaded 729,
    728, 728 -> 610, 588, 643 ms. Nothing is put off: every report's garbage is still
    collected as before. An object frozen here and later dropped is freed when nothing refers
    to it; only one that then ends in a reference cycle stays (a stylesheet replaced after
    :data:`_SHEETS_KEPT` folders): once a process, not once a report (and all at exit,
    :meth:`PdfEngine.close`)."""
    gc.collect()
    gc.freeze()


@functools.cache
def engine() -> PdfEngine:
    """This process's :class:`PdfEngine` (each worker of the render pool has its own); when
    it lays out its second report, what the first left in the process is frozen
    (:func:`_freeze_what_stays`); it is closed when the process exits."""
    from multiprocessing import util

    made = PdfEngine(freeze_when_warm=True)
    # at exit, in a report worker too (which ends without the interpreter's exit handlers;
    # a forked worker starts with no finalizer of its parent's)
    util.Finalize(made, made.close, exitpriority=0)
    return made


def write_pdf(
    html_text: str,
    html_path: Path,
    pdf_path: Path,
    *,
    attachments: Mapping[str, bytes] | None = None,
    finish: Callable[[bytes], bytes] | None = None,
) -> bytes:
    """Render ``html_text`` (as if saved at ``html_path``) to ``pdf_path`` with WeasyPrint.

    ``attachments`` (name to content) are embedded as files of the PDF; ``finish`` turns the
    rendered bytes into the bytes written (the laboratory's signature). Returns what was
    written. Needs the ``pdf`` extra (WeasyPrint) and, for speed, HarfBuzz-Subset
    (Debian ``libharfbuzz-subset0``).
    """
    try:
        import weasyprint  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError(
            "PDF output needs WeasyPrint: pip install 'luxcheck[pdf]'", source="--pdf"
        ) from exc
    data = engine().render(html_text, html_path, attachments)
    if finish is not None:
        data = finish(data)
    write_atomic(pdf_path, data)
    return data
