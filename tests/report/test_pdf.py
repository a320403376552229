"""PDF reports (WeasyPrint): embedded CJK font, extractable Chinese text, page x of y, and the
provenance that ``luxcheck verify`` reads back. Checked with poppler's pdffonts/pdftotext."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from luxcheck.journal.store import CampaignStore
from luxcheck.report.pdf import (
    MARGIN_BOXES_FILLED,
    ImageCache,
    PdfEngine,
    _KeptXObject,
    footer_css,
    inline_custom_properties,
    overlay_image,
    page_css,
    print_user_agent_css,
    write_pdf,
)
from luxcheck.report.provenance import verify_report
from luxcheck.report.render import render_campaign
from tests.support.builders import skip_unless_required
from tests.support.report_fixtures import (
    fill_store,
    make_store,
    report_of,
    verdicts_full,
    verdicts_not_measured,
)

if importlib.util.find_spec("weasyprint") is None:
    skip_unless_required("PDF needs the 'pdf' extra (WeasyPrint)", allow_module_level=True)
if shutil.which("pdffonts") is None or shutil.which("pdftotext") is None:
    skip_unless_required(
        "poppler-utils (pdffonts, pdftotext) not installed", allow_module_level=True
    )


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("pdf")
    store = make_store(root / "c.lux")
    fill_store(store)
    report = report_of(store, "R101", verdicts_full(), "fail")
    render_campaign([report], root / "out", pdf=True)
    yield root / "out", root / "c.lux"
    store.close()


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_pdf_embeds_only_the_shipped_cjk_font(pdf_dir: tuple[Path, Path]) -> None:
    """pdffonts: every font is the shipped LuxcheckSansSC subset, embedded and subset, with a
    ToUnicode map — no system fallback font (which would mean a missing glyph)."""
    out, _campaign = pdf_dir
    for pdf in ("schools/S01/R101.pdf", "schools/S01/index.pdf", "index.pdf"):
        lines = _run("pdffonts", str(out / pdf)).splitlines()[2:]
        assert lines, pdf
        for line in lines:
            name, *rest = line.split()
            assert "LuxcheckSansSC" in name, (pdf, line)
            emb, sub, uni = rest[-5:-2]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), (pdf, line)


def test_pdf_chinese_text_is_extractable(pdf_dir: tuple[Path, Path]) -> None:
    """pdftotext gets the Chinese title, the verdict words, the school and the localised
    'page x of y' footer back out of the PDF."""
    out, _campaign = pdf_dir
    text = _run("pdftotext", "-layout", str(out / "schools/S01/R101.pdf"), "-")
    for phrase in (
        "教室照明验收检测报告",
        "总体结论",
        "课桌面照度均匀度",
        "不合格",
        "第一中学",
        "整改建议",
    ):
        assert phrase in text, phrase
    assert re.search(r"第\s*1\s*页\s*共\s*\d+\s*页", text)
    assert "\ufffd" not in text


def test_pdf_provenance_verifies(pdf_dir: tuple[Path, Path]) -> None:
    """`luxcheck verify` reads the SHA-256 from the PDF's metadata and recomputes it."""
    out, campaign = pdf_dir
    with CampaignStore.open(campaign) as store:
        result = verify_report(out / "schools/S01/R101.pdf", store)
    assert result.ok, result.message


def _words(pdf: Path) -> str:
    """The PDF's text (pdftotext) without its white space: what a reader reads, whatever the
    line breaks."""
    return re.sub(r"\s+", "", _run("pdftotext", str(pdf), "-"))


def _pixels(pdf: Path, folder: Path) -> list[bytes]:
    """Each page of ``pdf`` rasterised by poppler (pdftoppm, 50 dpi, PNG)."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(folder / "p")], check=True)
    return [page.read_bytes() for page in sorted(folder.glob("p-*.png"))]


def test_pdf_engine_renders_what_a_plain_weasyprint_call_renders(
    pdf_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    """Oracle: WeasyPrint called the plain way (``HTML(...).write_pdf()``, the page's linked
    stylesheets read by WeasyPrint itself, the figures' SVG overlays inline) on the same
    classroom page. The process's shared set-up (stylesheets parsed once, custom properties
    written out, fonts and image objects kept, overlays linked as images) gives the same pages,
    the same text and the same pixels (poppler's rasterisation of every page). The page
    carries a script element as an issued page carries its signature (left out of the copy
    the engine lays out: nothing shows it)."""
    import weasyprint

    out, _campaign = pdf_dir
    page = out / "schools/S01/R101.html"
    signature = '<script type="application/json" id="luxcheck-signature">{"cms": "<b>x</b>"}'
    text = page.read_text("utf-8").replace("</body>", f"{signature}</script></body>")
    assert text.count('<svg class="overlay"') >= 4  # the figures
    assert signature in text
    plain = tmp_path / "plain.pdf"
    weasyprint.HTML(string=text, base_url=str(page)).write_pdf(plain)
    shared = tmp_path / "shared.pdf"
    write_pdf(text, page, shared)
    write_pdf(text, page, shared)  # the second report of a process

    def pages(pdf: Path) -> str:
        return re.findall(r"Pages:\s+(\d+)", _run("pdfinfo", str(pdf)))[0]

    assert pages(shared) == pages(plain)
    assert _words(shared) == _words(plain)
    assert _pixels(shared, tmp_path / "shared") == _pixels(plain, tmp_path / "plain")


def test_engine_keeps_no_document_after_the_next(pdf_dir: tuple[Path, Path]) -> None:
    """Property of the engine's image cache: a report's own images (``data:`` URLs such as
    its QR code, an SVG) are forgotten when the next report is laid out. WeasyPrint's SVG
    image keeps the layout context of its document, so a kept QR code kept every box of its
    report: the boxes alive after three reports were three reports' (now one report's)."""
    import gc

    out, _campaign = pdf_dir
    page = out / "schools/S01/R101.html"
    engine = PdfEngine()

    def with_code(n: int) -> str:  # a QR code of its own per report, as issued reports have
        svg = (
            "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='20'>"
            f"<rect width='{n + 1}' height='20'/></svg>"
        )
        image = f'<img src="data:image/svg+xml;charset=utf-8,{svg}" alt="">'
        return page.read_text("utf-8").replace("</body>", f"{image}</body>")

    def live_cells() -> int:
        gc.collect()
        return sum(type(o).__name__ == "TableCellBox" for o in gc.get_objects())

    engine.pdf(engine.document(with_code(0), page))
    one = live_cells()
    assert one > 0  # the last report's (its images stay until the next)
    for n in (1, 2, 3):
        engine.pdf(engine.document(with_code(n), page))
    assert live_cells() <= one


def _fresh_interpreter(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by this Python in a new interpreter (the process-wide state it changes
    stays there), with ``env`` added to the environment; it must exit 0."""
    import os
    import sys

    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env={**os.environ, **env},
    )


def test_process_engine_freezes_what_stays_and_no_report(pdf_dir: tuple[Path, Path]) -> None:
    """Property of the process's engine (in a fresh interpreter, whose collector this
    changes): the second report it lays out freezes what the first left in the process
    (``gc.freeze``), and no report is among it: after three reports, not one table cell is
    among the frozen objects (listed again by ``gc.unfreeze``). The PDFs equal those of an
    engine that freezes nothing."""
    out, _campaign = pdf_dir
    page = out / "schools/S01/R101.html"
    script = f"""
import gc, sys
from pathlib import Path
from luxcheck.report.pdf import PdfEngine, engine
page = Path({str(page)!r})
text = page.read_text("utf-8")
e = engine()
pdfs = []
for _ in range(3):
    pdfs.append(e.pdf(e.document(text, page)))
frozen = gc.get_freeze_count()
e.images.forget_documents_own()  # the last report's own images keep it until the next
gc.collect()
def cells():
    return sum(type(o).__name__ == "TableCellBox" for o in gc.get_objects())
unfrozen = cells()
gc.unfreeze()  # the frozen objects, listed again (not collected)
frozen_cells = cells() - unfrozen
plain = PdfEngine()
same = all(plain.pdf(plain.document(text, page)) == p for p in pdfs)
print(frozen, frozen_cells, same, len(pdfs[0]) > 0)
"""
    frozen, cells, same, written = _fresh_interpreter(script).stdout.split()
    assert int(frozen) > 10_000  # the modules and caches of a process that writes PDF
    assert int(cells) == 0
    assert (same, written) == ("True", "True")


def test_process_engine_leaves_no_font_folder(pdf_dir: tuple[Path, Path], tmp_path: Path) -> None:
    """Property of the process's engine: when the process exits, WeasyPrint's folder of font
    files (``weasyprint-*`` in the temporary directory) is gone and nothing was printed.
    Deleted after the modules it needs at the end of the interpreter, each process that wrote
    a PDF left its folder behind and printed "Exception ignored in FontConfiguration"."""
    out, _campaign = pdf_dir
    page = out / "schools/S01/R101.html"
    script = f"""
import os
from pathlib import Path
from luxcheck.report.pdf import engine
page = Path({str(page)!r})
for _ in range(2):
    engine().pdf(engine().document(page.read_text("utf-8"), page))
print(len(os.listdir(os.environ["TMPDIR"])))
"""
    run = _fresh_interpreter(script, TMPDIR=str(tmp_path))
    assert run.stdout.split() == ["1"]  # the font folder while the engine works
    assert list(tmp_path.iterdir()) == []
    assert run.stderr == ""


def test_engine_closes_once() -> None:
    """Property of close: it lets go of the fonts; a second close (the exit's, after an
    explicit one) does nothing instead of failing."""
    engine = PdfEngine()
    engine.close()
    assert engine.font_config is None
    engine.close()
    assert engine.font_config is None


def test_pdf_engine_parses_a_changed_stylesheet_again(tmp_path: Path) -> None:
    """Property of the cache: a stylesheet is parsed once while its file is unchanged, and
    again once it changed (its size here), so an edited report.css is never stale."""
    sheet = tmp_path / "a.css"
    sheet.write_text("p { color: red; }", "utf-8")
    engine = PdfEngine()
    first = engine.stylesheet(sheet)
    assert engine.stylesheet(sheet) is first
    sheet.write_text("p { color: blue; font-size: 9pt; }", "utf-8")
    assert engine.stylesheet(sheet) is not first


def test_print_copy_keeps_only_the_data_attributes_a_stylesheet_names(tmp_path: Path) -> None:
    """Property of the print copy: a ``data-*`` attribute that a stylesheet of the page (a
    linked one, or a ``<style>`` element) selects or shows (``[data-x``, ``attr(data-x)``)
    stays; the others (the results table's, for the page's script) are left out, with
    nothing else of the page changed."""
    (tmp_path / "a.css").write_text(
        ".mark { bookmark-label: attr(data-label); } th[data-sort] { color: red; }", "utf-8"
    )
    page = tmp_path / "p.html"
    body = (
        '<p class="mark" data-label="R1" data-cell="value">1 &#34;data-x&#34;</p>'
        '<table><tr data-requirement="ugr.1"><th data-sort="number">n</th>'
        '<td data-metric="ugr" data-cell="limit">2</td><td data-style-only="y">3</td></tr></table>'
    )
    text = (
        '<html><head><link rel="stylesheet" href="a.css">'
        "<style>td[data-style-only] { color: blue; }</style></head>"
        f"<body>{body}</body></html>"
    )
    copy, sheets = PdfEngine()._print_copy(text, page)
    assert len(sheets) == 1
    assert sorted(re.findall(r" (data-[\w-]+)=", copy)) == [
        "data-label",
        "data-sort",
        "data-style-only",
    ]
    unstyled = r' data-(cell|requirement|metric)="[^"]*"'
    assert copy == re.sub(unstyled, "", text).replace('<link rel="stylesheet" href="a.css">', "")


def test_print_user_agent_css_leaves_out_only_the_every_element_and_unfilled_area_rules() -> None:
    """Property of the print user-agent stylesheet, on the installed WeasyPrint's own: it
    differs only in the rules that give every element footnote and note pseudo-elements and
    the rules of the page areas the reports do not fill (left out), and in ``::marker`` (for
    list items only); every other line is WeasyPrint's, the filled margin boxes' too."""
    from weasyprint import html as user_agent

    ua = user_agent.UA.splitlines()
    slim = print_user_agent_css(user_agent.UA).splitlines()
    dropped = sorted(line.split()[0] for line in ua if line not in slim)
    areas = [
        f"@{side}-{place}"
        for side, places in (
            ("top", ("left-corner", "left", "right", "right-corner")),
            ("bottom", ("left-corner", "left", "right", "right-corner")),
            ("left", ("top", "middle", "bottom")),
            ("right", ("top", "middle", "bottom")),
        )
        for place in places
    ]
    pseudo = ["::footnote-call", "::footnote-marker", "::marker", "::note-call"]
    pseudo += ["::note-callback", "::note-marker"]
    assert dropped == sorted([*pseudo, *areas, "@footnote", "@note-area"])
    marker = next(line for line in ua if line.startswith("::marker"))
    assert [line for line in slim if line not in ua] == [marker.replace("::", "li::", 1)]
    kept = [line.split()[0] for line in slim if line.startswith("  @")]
    assert kept == [f"@{box}" for box in MARGIN_BOXES_FILLED]


def test_reports_make_no_footnote_note_other_list_item_or_other_margin_box() -> None:
    """What :func:`print_user_agent_css` relies on, read from the shipped stylesheets and
    templates and the page rules the engine writes (:func:`page_css`, :func:`footer_css`):
    no element floated to the footnote area or made a note (GCPM ``float: footnote``,
    ``footnote-display``, ``::footnote-call``, ``element(note``), no element made a list
    item other than ``li`` (``display: list-item``), so no pseudo-element of those rules is
    ever shown; and no margin box filled but :data:`MARGIN_BOXES_FILLED`."""
    shipped = Path(__file__).parents[2] / "reports"
    texts = {
        path.name: path.read_text("utf-8")
        for pattern in ("static/*.css", "templates/*.j2")
        for path in shipped.glob(pattern)
    }
    assert any(name.endswith(".css") for name in texts)
    texts["page_css"] = page_css(lambda text: text)
    texts["footer_css"] = footer_css("{page} / {pages}", 12)
    pattern = re.compile(r"footnote|::?note-|element\(note|list-item|::marker")
    assert {
        name: pattern.findall(text) for name, text in texts.items() if pattern.search(text)
    } == {}
    boxes = {
        box
        for text in texts.values()
        for box in re.findall(r"@((?:top|bottom|left|right)-[a-z-]+)", text)
    }
    assert boxes == set(MARGIN_BOXES_FILLED)


def test_pdf_image_cache_forgets_a_changed_file(tmp_path: Path) -> None:
    """Property of the cache: an image decoded from a file is reused while the file is
    unchanged and decoded again once it changed; other keys behave as in a dict."""
    image = tmp_path / "fig.png"
    image.write_bytes(b"first")
    url = image.as_uri()
    cache = ImageCache()
    cache[url] = "decoded"
    cache["abc-source-"] = b"data"
    assert url in cache and "abc-source-" in cache
    image.write_bytes(b"second, longer")
    assert url not in cache
    assert "abc-source-" in cache


def test_custom_properties_written_out() -> None:
    """Analytic case: each var() takes the value its :root rule declares; an undeclared one
    is left as written."""
    css = ":root { --pass: #1b7a3a; --line: #d0d4d9 }\nth { border: 1px solid var(--line); }\n"
    css += "b { color: var(--pass); } i { color: var(--other); }"
    out = inline_custom_properties(css)
    assert "border: 1px solid #d0d4d9;" in out
    assert "color: #1b7a3a;" in out
    assert "var(--other)" in out


def test_overlay_image_is_the_same_svg_with_absolute_image_links() -> None:
    """Analytic case: the data URL decodes to the overlay's SVG (same elements, attributes
    and text) whose ``<image>`` links are resolved against the page's URL (RFC 3986 §5.2:
    ``../../figures/a.png`` from ``/out/schools/S1/R1.html`` is ``/out/figures/a.png``)."""
    import base64
    from xml.etree import ElementTree

    markup = (
        '<svg class="overlay" viewBox="0 0 40 20" width="40" height="20" role="img" '
        'aria-label="照度">\n  <image href="../../figures/a.png" x="0" y="0" width="40" '
        'height="20"/>\n  <rect x="1.0" y="2.0" width="3.0" height="4.0" fill="none" '
        'stroke="#000" stroke-width="0.8"></rect>\n  <text x="5.0" y="6.0" font-size="8">'
        "352 lx &amp; 合格</text>\n</svg>"
    )
    url = overlay_image(markup, "file:///out/schools/S1/R1.html")
    assert url is not None and url.startswith("data:image/svg+xml;base64,")
    root = ElementTree.fromstring(base64.b64decode(url.split(",", 1)[1]))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg" and root.get("viewBox") == "0 0 40 20"
    assert root.get("aria-label") == "照度"
    image, rect, text = list(root)
    assert image.tag == f"{ns}image" and image.get("href") == "file:///out/figures/a.png"
    assert (image.get("width"), image.get("height")) == ("40", "20")
    assert rect.tag == f"{ns}rect" and rect.get("stroke-width") == "0.8"
    assert text.tag == f"{ns}text" and text.text == "352 lx & 合格"


def test_overlay_image_leaves_markup_that_is_not_xml_inline() -> None:
    """Property: an overlay an XML parser cannot read on its own (an HTML entity, an open
    tag) gives None, so the page keeps it inline rather than losing the figure."""
    assert overlay_image('<svg class="overlay"><text>1&nbsp;lx</text></svg>', "file:///p") is None
    assert overlay_image('<svg class="overlay"><rect></svg>', "file:///p") is None


def test_kept_image_object_is_made_once_and_copied_for_each_pdf() -> None:
    """Property of the kept PDF image object: the image is encoded once; every later PDF gets
    its own stream and soft-mask objects (WeasyPrint numbers them and writes references into
    them) with the same data and entries, untouched by what the first PDF did to its own."""
    import pydyf

    made: list[tuple[bool, float]] = []

    def make(interpolate: bool, dpi_ratio: float) -> pydyf.Stream:
        made.append((interpolate, dpi_ratio))
        mask = pydyf.Stream([b"alpha"], pydyf.Dictionary({"Subtype": "/Image"}))
        return pydyf.Stream([b"rgb"], pydyf.Dictionary({"Width": 4, "SMask": mask}))

    kept = _KeptXObject(make)
    first = kept(True, 1)
    first.extra["SMask"] = b"7 0 R"  # what WeasyPrint's writer does to the first PDF's object
    second, third = kept(True, 1), kept(True, 1)
    assert made == [(True, 1)]
    assert second is not third and second.extra["SMask"] is not third.extra["SMask"]
    for copy in (second, third):
        assert copy.stream == [b"rgb"] and copy.extra["Width"] == 4
        assert copy.extra["SMask"].stream == [b"alpha"]
        assert copy.extra["SMask"].extra == {"Subtype": "/Image"}
    kept(False, 1)
    assert made == [(True, 1), (False, 1)]


# --------------------------------------------------------------------------- bound school PDF
def _page_texts(pdf: Path) -> list[str]:
    return [p for p in _run("pdftotext", "-layout", str(pdf), "-").split("\f") if p.strip()]


def test_bound_pdf_binds_the_classroom_report_as_issued(pdf_dir: tuple[Path, Path]) -> None:
    """ISO/IEC 17025:2017 §7.8.2.1 (each report identifies its own pages): after the volume's
    own pages (cover with contents, school summary: "汇编第 k 页 共 N 页"), the classroom report
    is its issued PDF page for page (same text, its own "第 x 页 共 y 页"); the contents gives the
    volume pages it occupies and says in words that the report's own signature is not kept.
    The volume carries no signature field, attachment or provenance of the classroom's."""
    out, _campaign = pdf_dir
    bound = out / "schools/S01/index.pdf"
    volume = _page_texts(bound)
    issued = _page_texts(out / "schools/S01/R101.pdf")
    own = len(volume) - len(issued)
    assert own == 2
    assert volume[own:] == issued
    for k, page in enumerate(volume[:own], start=1):
        assert re.search(rf"汇编第\s*{k}\s*页\s*共\s*{len(volume)}\s*页", page), k
    cover = re.sub(r"\s+", "", volume[0])
    assert f"第3–{len(volume)}页（共{len(issued)}页）" in cover
    assert "电子签名在装订成册后无法保留" in cover
    data = bound.read_bytes()
    for absent in (b"/AcroForm", b"/Sig", b"luxcheck-signature", b"luxcheck-provenance"):
        assert absent not in data, absent


def test_bound_pdf_renders_a_classroom_pdf_that_is_not_the_one_rendered(
    pdf_dir: tuple[Path, Path],
) -> None:
    """Property of the binding: a classroom PDF whose bytes are not those this run rendered or
    kept (here truncated after rendering) is rendered again before it is bound, never bound
    damaged; the SHA-256s returned are those of the files now on disk."""
    import hashlib

    from luxcheck.report.model import ClassroomSummary, SchoolSummaryData
    from luxcheck.report.pages import ClassroomPages
    from luxcheck.report.render import _bound_task_in

    out, campaign = pdf_dir
    room_pdf = out / "schools/S01/R101.pdf"
    expected = {"schools/S01/R101.pdf": hashlib.sha256(room_pdf.read_bytes()).hexdigest()}
    room_pdf.write_bytes(room_pdf.read_bytes()[:200])
    with CampaignStore.open(campaign) as store:
        report = report_of(store, "R101", verdicts_full(), "fail")
    school = SchoolSummaryData(
        report.campaign, report.school, (ClassroomSummary.from_report(report, ()),)
    )
    school_html = (out / "schools/S01/index.html").read_text("utf-8")
    written = _bound_task_in(
        ClassroomPages(out, "zh"), None, (school, school_html, [report], expected)
    )
    assert set(written) >= {"schools/S01/R101.pdf", "schools/S01/index.pdf"}
    for name, sha in written.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == sha, name
    issued = _page_texts(room_pdf)
    assert len(issued) > 2
    assert _page_texts(out / "schools/S01/index.pdf")[2:] == issued


@pytest.mark.parametrize("guess", [1, 5])
def test_bound_pdf_does_not_depend_on_the_remembered_page_count(
    pdf_dir: tuple[Path, Path], guess: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Property of the binding: the first guess of the volume's own page count is the count
    last found for a school of as many classrooms; a wrong guess (too few, too many) is laid
    out again, so the volume is page for page the one written from the default guess, and
    the count found is remembered."""
    import hashlib

    from luxcheck.report import bound
    from luxcheck.report.model import ClassroomSummary, SchoolSummaryData
    from luxcheck.report.pages import ClassroomPages
    from luxcheck.report.render import _bound_task_in

    out, campaign = pdf_dir
    volume = _page_texts(out / "schools/S01/index.pdf")
    room_pdf = out / "schools/S01/R101.pdf"
    expected = {"schools/S01/R101.pdf": hashlib.sha256(room_pdf.read_bytes()).hexdigest()}
    with CampaignStore.open(campaign) as store:
        report = report_of(store, "R101", verdicts_full(), "fail")
    school = SchoolSummaryData(
        report.campaign, report.school, (ClassroomSummary.from_report(report, ()),)
    )
    school_html = (out / "schools/S01/index.html").read_text("utf-8")
    monkeypatch.setitem(bound._OWN_PAGES_SEEN, ("zh", 1), guess)
    laid_out: list[int] = []
    engine = bound.engine()
    real = engine.document

    def counted(*args: object) -> object:
        document = real(*args)
        laid_out.append(len(document.pages))
        return document

    monkeypatch.setattr(engine, "document", counted)
    _bound_task_in(ClassroomPages(out, "zh"), None, (school, school_html, [report], expected))
    assert _page_texts(out / "schools/S01/index.pdf") == volume
    assert laid_out == [2, 2]  # the guess laid out (2 pages, not the guess), then 2 again
    assert bound._OWN_PAGES_SEEN[("zh", 1)] == 2


def test_own_pages_guess_is_the_nearest_size_seen_in_the_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Property of the first guess of a volume's own page count: the count found for as many
    classrooms in the language, else for the nearest number of classrooms (the fewer on a
    tie), never another language's; 2 (cover, school summary) when none was found."""
    from luxcheck.report import bound

    monkeypatch.setattr(bound, "_OWN_PAGES_SEEN", {})
    assert bound._own_pages_guess("zh", 25) == 2
    bound._OWN_PAGES_SEEN.update({("zh", 20): 3, ("zh", 30): 4, ("en", 25): 9})
    assert bound._own_pages_guess("zh", 20) == 3
    assert bound._own_pages_guess("zh", 22) == 3
    assert bound._own_pages_guess("zh", 25) == 3  # a tie: the fewer classrooms
    assert bound._own_pages_guess("zh", 28) == 4
    assert bound._own_pages_guess("zh", 90) == 4
    assert bound._own_pages_guess("en", 3) == 9
    assert bound._own_pages_guess("fr", 25) == 2


def test_dashboard_pdf_rectification_list_fits_the_page_with_room_for_advice(
    pdf_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    """Property of the dashboard's print layout (poppler's word boxes, pdftotext -bbox), for
    a rectification list whose first row holds long values (a quantity with three limits, a
    long school name): every word lies inside the page's text area (A4, 14 mm side margins:
    pdf.page_css), and the advice column starts before four fifths of that width. Laid out
    automatically, the list's numbers and headers kept the width of their longest line and
    the advice was squeezed to two characters a line (the demo's 1000-classroom dashboard ran
    to 256 pages)."""
    out, _campaign = pdf_dir
    page = out / "index.html"
    text = page.read_text("utf-8")
    head, table = text.split('id="rect-table"', 1)
    row = re.search(r"<tr data-school=.*?</tr>", table, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    long_row = row.group(0).replace(cells[0], "南京市江宁区秣陵街道第一实验学校", 1)
    long_row = long_row.replace(cells[5], "≥ 3,300 K; ≤ 5,500 K; 4,000–5,000 K", 1)
    text = head + 'id="rect-table"' + table.replace(row.group(0), long_row, 1)
    pdf = tmp_path / "index.pdf"
    write_pdf(text, page, pdf)
    bbox = _run("pdftotext", "-bbox", str(pdf), "-")
    assert "5,500" in bbox
    width = float(re.findall(r'<page width="([\d.]+)"', bbox)[0])
    margin = 14 / 25.4 * 72
    left, right = margin, width - margin
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)<', bbox)
    assert all(left - 1 <= float(x0) and float(x1) <= right + 1 for x0, x1, _w in words)
    advice = [float(x0) for x0, _x1, word in words if word == "建议"]  # the column's header
    assert advice
    assert all((x0 - left) / (right - left) < 0.8 for x0 in advice)


def test_a_sample_leaves_out_the_dashboard_pdf(pdf_dir: tuple[Path, Path], tmp_path: Path) -> None:
    """Property of render_campaign: with ``dashboard_pdf=False`` (the demo's PDF sample, whose
    dashboard is no campaign's) the classroom and bound PDFs are written, the dashboard only
    as HTML, and a dashboard PDF left by an earlier run is removed, not kept stale."""
    _out, campaign = pdf_dir
    store = CampaignStore.open(campaign)
    try:
        report = report_of(store, "R101", verdicts_full(), "fail")
    finally:
        store.close()
    out = tmp_path / "sample"
    out.mkdir()
    (out / "index.pdf").write_bytes(b"%PDF- an earlier run's dashboard")
    render_campaign([report], out, pdf=True, dashboard_pdf=False)
    assert (out / "schools/S01/R101.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "schools/S01/index.pdf").read_bytes().startswith(b"%PDF-")
    assert (out / "index.html").is_file()
    assert not (out / "index.pdf").exists()


def test_pdf_pool_writes_what_one_process_writes(
    pdf_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    """Property of the pool: two forked workers (finding the reports in shared memory) write
    the classroom HTML one process writes, and a PDF with its text."""
    from luxcheck.report import render

    _out, campaign = pdf_dir
    store = CampaignStore.open(campaign)
    try:
        reports = [report_of(store, "R101", verdicts_full(), "fail")]
        reports.append(report_of(store, "R102", verdicts_not_measured(), "incomplete"))
        render_campaign(reports, tmp_path / "one", jobs=1)
        render_campaign(reports, tmp_path / "two", jobs=2, pdf=True)
    finally:
        store.close()
    for room in ("R101", "R102"):
        one = (tmp_path / "one/schools/S01" / f"{room}.html").read_text("utf-8")
        assert (tmp_path / "two/schools/S01" / f"{room}.html").read_text("utf-8") == one
        text = _run("pdftotext", str(tmp_path / "two/schools/S01" / f"{room}.pdf"), "-")
        assert room in text
    assert render._FORKED_REPORTS == []  # the pool's reports are not kept after it
