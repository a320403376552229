"""The print copy's tree (luxcheck.report.htmltree) against WeasyPrint's own HTML5 parser
(tinyhtml5, the HTML Standard's tree construction) as the oracle: the same tree for every
page the templates write, and for generated documents either the same tree or None (the page
then goes to tinyhtml5)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.report.htmltree import parse
from tests.support.builders import skip_unless_required

if importlib.util.find_spec("tinyhtml5") is None:
    skip_unless_required(
        "the oracle is WeasyPrint's parser (the 'pdf' extra)", allow_module_level=True
    )


def _shape(element: Any) -> tuple[Any, ...]:
    """An element as nested tuples: tag, attributes in order, text, tail, children."""
    return (
        element.tag,
        list(element.attrib.items()),
        element.text or "",
        element.tail or "",
        [_shape(child) for child in element],
    )


def _oracle(text: str) -> tuple[Any, ...]:
    import tinyhtml5

    return _shape(tinyhtml5.parse(text, namespace_html_elements=False))


def _same_or_none(text: str) -> bool:
    tree = parse(text)
    return tree is None or _shape(tree) == _oracle(text)


def test_every_page_laid_out_as_pdf_is_read_as_weasyprint_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle: every page WeasyPrint lays out when a campaign is written as PDF in Chinese
    and in English (the classroom report, the school's bound volume, the dashboard) is read
    here, to the same tree as tinyhtml5's; and the print copies of the HTML pages too."""
    from luxcheck.report import htmltree
    from luxcheck.report.pdf import PdfEngine
    from luxcheck.report.render import render_campaign
    from tests.support.report_fixtures import fill_store, make_store, report_of, verdicts_full

    read: list[str] = []

    def checked(text: str) -> Any:
        tree = parse(text)
        assert tree is not None
        assert _shape(tree) == _oracle(text)
        read.append(text)
        return tree

    monkeypatch.setattr(htmltree, "parse", checked)
    store = make_store(tmp_path / "c.lux")
    fill_store(store)
    report = report_of(store, "R101", verdicts_full(), "fail")
    pages: list[Path] = []
    for lang in ("zh", "en"):
        out = tmp_path / lang
        render_campaign([report], out, lang=lang, pdf=True)
        pages += sorted(out.rglob("*.html"))
    store.close()
    assert {p.name for p in pages} >= {"R101.html", "index.html"}
    # per language: the classroom report, the bound volume's own pages, the dashboard
    assert len(read) >= 6
    assert any("bound" in text or "volume" in text.lower() for text in read)
    engine = PdfEngine()
    for page in pages:
        copy, _sheets = engine._print_copy(page.read_text("utf-8"), page)
        checked(copy)


_TAGS = ("div", "p", "span", "strong", "section", "h2", "ul", "li", "a", "code", "em")
_TEXT = st.sampled_from(
    ["", " ", "\n  ", "x", "合格", "a &amp; b", "&lt;1&gt;", "&#34;q&#34;", "&nbsp;", "& x", "\r\n"]
)


@st.composite
def _fragment(draw: st.DrawFn, depth: int = 0) -> str:
    """A piece of body: text, void elements, elements (closed or not), tables with or
    without their tbody, stray table parts, comments."""
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["text", "element", "void", "table", "stray", "odd"]))
        if kind == "text" or depth > 2:
            parts.append(draw(_TEXT))
        elif kind == "element":
            tag = draw(st.sampled_from(_TAGS))
            attrs = draw(st.sampled_from(["", ' class="c"', ' id="i" class="a b"', " hidden"]))
            inner = draw(_fragment(depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", f"</{tag}>", ""]))
            parts.append(f"<{tag}{attrs}>{inner}{close}")
        elif kind == "void":
            parts.append(draw(st.sampled_from(["<br>", "<img src='a.png' alt=''>", "<br/>"])))
        elif kind == "table":
            cells = "".join(
                f"<{c}>{draw(_fragment(depth + 1))}</{c}>"
                for c in draw(st.lists(st.sampled_from(["td", "th"]), max_size=2))
            )
            rows = draw(st.integers(1, 2)) * f"\n<tr>{cells}</tr>"
            body = draw(st.sampled_from([rows, f"<tbody>{rows}</tbody>", f"x{rows}"]))
            head = draw(st.sampled_from(["", "<colgroup><col><col></colgroup>", "<col>"]))
            parts.append(f"<table>{head}{body}\n</table>")
        elif kind == "stray":
            parts.append(draw(st.sampled_from(["<td>x</td>", "</div>", "<tr>", "</p>"])))
        else:
            parts.append(draw(st.sampled_from(["<!-- c -->", "<svg><rect/></svg>", "&amp x"])))
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(
    _fragment(),
    st.sampled_from(["<!DOCTYPE html>\n", "<!doctype html>", "<!DOCTYPE html>", ""]),
    st.sampled_from(["", "\n", "\n<style>p { color: red }</style>\n<title>t &amp; u</title>"]),
    st.sampled_from(["", "\n", "\n", " x"]),
)
def test_a_document_is_read_as_weasyprint_reads_it_or_left_to_it(
    body: str, doctype: str, head: str, after: str
) -> None:
    """Property (oracle: tinyhtml5): for any document made of the pieces above, the tree read
    here is tinyhtml5's, or there is none (what is not read here is left to tinyhtml5)."""
    text = f'{doctype}<html lang="zh">\n<head>{head}</head>\n<body>{body}</body>{after}</html>\n'
    assert _same_or_none(text)


@pytest.mark.parametrize(
    "body",
    [
        "<p>a<div>b</div></p>",  # a div closes the paragraph
        "<p><span>a<table></table></span></p>",  # so does a table, in button scope
        "<table><td>x</td></table>",  # a cell without its row
        "<table>x<tr><td>1</td></tr></table>",  # text moved out of the table
        "<ul><li>a<li>b</ul>",  # a list item closed by the next
        "<a href='#x'>a<a href='#y'>b</a></a>",  # a link closed by the next
        "<svg><rect/></svg>",
        "<div/>x",
        "<h2>a<h3>b</h3></h2>",
        "<p>a &amp b</p>",
        "<p><title>a<b>c</b></title></p>",  # a title reads its content as text
    ],
)
def test_what_the_standard_builds_otherwise_is_left_to_weasyprint(body: str) -> None:
    """Example cases (HTML Standard §13.2.6.4.7): each builds a tree other than its tags'
    nesting, so none is read here; tinyhtml5 reads each."""
    text = f"<!DOCTYPE html><html><head></head><body>{body}</body></html>"
    assert parse(text) is None
    assert _oracle(text)[0] == "html"


@pytest.mark.parametrize(
    "text",
    [
        "<html><head></head><body>x</body></html>",  # no document type: quirks mode
        "<!DOCTYPE html><html><head>x</head><body></body></html>",  # text ends the head
        "<!DOCTYPE html><html><head><title>t</head><body>b</body></html>",  # the title runs on
        "<!DOCTYPE html><html><head><base href='/'></head><body></body></html>",
        "<!DOCTYPE html><html><head></head><body></body><p>x</p></html>",  # after the body
        "<!DOCTYPE html><html><head></head><body></body></html><!-- c -->",
    ],
)
def test_a_document_of_another_frame_is_left_to_weasyprint(text: str) -> None:
    """Example cases (HTML Standard §13.2.6.4.1-6, §13.2.6.4.19-22): the document's frame
    is not the templates' (document type, head, body), so it is not read here."""
    assert parse(text) is None
    assert _oracle(text)[0] == "html"


def test_a_table_row_in_a_table_gets_the_tbody_the_standard_opens() -> None:
    """Analytic case (§13.2.6.4.9, "in table": a ``tr`` start tag opens a ``tbody``): the
    whitespace before the row stays in the table, that after it goes into the tbody."""
    table = "<table>\n<tr><td>1</td></tr>\n</table>"
    text = f"<!DOCTYPE html><html><head></head><body>{table}</body></html>"
    tree = parse(text)
    assert tree is not None
    element = tree.find("body/table")
    assert element is not None and element.text == "\n"
    assert [child.tag for child in element] == ["tbody"]
    assert element[0].text is None and element[0][0].tail == "\n"
    assert _shape(tree) == _oracle(text)
