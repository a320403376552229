"""The fast reader of a report page (:func:`luxcheck.report.visible._scan`) against html.parser.

The signature of an HTML report covers what a reader sees (:func:`page_content`). A report page
is read by one regular expression when it is in the strict form the templates write; anything
else goes through html.parser. Source of every test: a property of the logic — for every
document, both readers give the same lines, resources and structure digest.
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.report.visible import (
    Statement,
    _scan,
    page_content,
    parsed_content,
    qr_svg_data_uri,
    qr_text,
)

# Pieces a report page is made of, and pieces that are not in the templates' strict form
# (a stray "<", a tolerant attribute, an end tag with attributes, an unclosed comment or script,
# a processing instruction, CDATA): every one must give html.parser's result.
_TAGS = ["div", "p", "td", "th", "tr", "table", "span", "br", "img", "h1", "li", "svg", "text",
         "DIV", "Td", "template", "section", "hr", "a", "circle", "code", "Span",
         "title"]  # fmt: skip
_ATTRS = [
    "", ' class="a b"', " data-requirement='r1'", ' data-requirement="r&amp;2"', " src=x.png",
    ' href="a&amp;b.css"', " hidden", ' alt="1 > 0"', " DATA-REQUIREMENT=R3", ' title="&lt;"',
    " src='f/g h.png'", ' x="a"y="b"', " z=a=b", " w=`q`", ' data-x=""', ' u="<p>"',
]  # fmt: skip
_TEXT = [
    "照度", " 546 lx ", "\n\t", "a &amp; b", "&lt;p&gt;", "&#x4e2d;&#25991;", "&nbsp;", "&bogus;",
    "&amp", "R&D", "不合格", "a < b", "x<", "1 >= 0", "\u3000", "<3", "</ >",
]  # fmt: skip
_OTHER = [
    "<!-- a comment <p> -->", "<!DOCTYPE html>", "<!doctype html>", "<!--> -->", "<!-- x --  >",
    "<script>var a = '</p>' + '</scr' + 'ipt'; if (a < b) {}</script>",
    "<SCRIPT type='x'>a</SCRIPT >", "<style>p { color: red }</ style>", "<script/>",
    "<style>p{}</style>", "</div foo>", "<?php x ?>", "<![CDATA[ y ]]>", "<!-- unclosed",
    "<script>never closed", "<div/>", "<br/>", "<img src=q.png/>", "</>", "<a\u3000b=c>",
    "<link href=s.css>", "<image href='i.png'/>", "</p >", "</ p>", "<tr><td>a</th></tr>",
    "<tr><th>a</td><td>b</td></tr>", "<tr><td>a</td> <td>b</td></tr>",
]  # fmt: skip
# Complete inline elements (a figure's marks and labels, a verdict's badge), read in one step by
# the fast reader, and near misses of them (unclosed, nested, a value that ends in "/").
_INERT = [
    '<span class="badge">合格</span>', "<circle r=3/>", "<circle r=3/ >", '<rect x="1"></rect>',
    '<text x="1" y="2">&amp;</text>', '<span title="<div>">a</span>', "<code>a&lt;b</code >",
    "<a href='x.html'>t</a>", "<span>a", "<b><i>x</i></b>", "<circle r=3/>x</circle>",
    "<span data-requirement='r9'>k</span>", "<abbr>u</abbr>", "<text>&amp</text>", "<s/>",
    "<tspan>1</ tspan>", "<q>&#x4e2d;</q>",
]  # fmt: skip
# What a results table's cell holds besides text: clauses and reasons, each a line.
_DIVS = [
    "<div>GB 7793-2010 5.2（应）</div>", '<div class="reason" data-requirement="d1">r</div>',
    "<div>a<span>b</span>&amp;</div>", "<div/>", "<div>x", "<DIV>y</DIV>",
    "<div><div>z</div></div>",
]  # fmt: skip


@st.composite
def _documents(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.sampled_from(["open", "close", "text", "other", "row", "inert"]))
        if kind == "open":
            tag = draw(st.sampled_from(_TAGS))
            attrs = "".join(draw(st.lists(st.sampled_from(_ATTRS), max_size=3)))
            parts.append(f"<{tag}{attrs}{draw(st.sampled_from(['', ' ', '/', ' /']))}>")
        elif kind == "close":
            parts.append(f"</{draw(st.sampled_from(_TAGS))}>")
        elif kind == "text":
            parts.append(draw(st.sampled_from(_TEXT)))
        elif kind == "inert":
            parts.append(draw(st.sampled_from(_INERT)))
        elif kind == "row":  # a table row, mostly of plain cells (the long tables of a report)
            cells = "".join(
                f"<{c}{a}>{''.join(t)}</{c}>{w}"
                for c, a, t, w in draw(
                    st.lists(
                        st.tuples(
                            st.sampled_from(["td", "th", "td", "TD"]),
                            st.sampled_from(_ATTRS),
                            st.lists(
                                st.sampled_from(["", "1", "0.49", *_TEXT, *_INERT, *_DIVS]),
                                max_size=3,
                            ),
                            st.sampled_from(["", "", "\n  ", " "]),
                        ),
                        max_size=5,
                    )
                )
            )
            attrs = draw(st.sampled_from(_ATTRS))
            parts.append(f"<tr{attrs}>{cells}</tr{draw(st.sampled_from(['', ' ']))}>")
        else:
            parts.append(draw(st.sampled_from(_OTHER)))
    return "".join(parts)


def _same(text: str) -> None:
    fast, reference = page_content(text), parsed_content(text)
    assert fast.lines == reference.lines
    assert fast.resources == reference.resources
    assert fast.structure == reference.structure


@settings(max_examples=400, deadline=None)
@given(_documents())
def test_fast_reader_reads_what_html_parser_reads(text: str) -> None:
    """Property: for any document made of report-page pieces and of pieces outside the strict
    form, :func:`page_content` equals html.parser's reading."""
    _same(text)


def test_each_piece_alone_and_in_a_cell() -> None:
    """Property, exhaustively over the pieces: each alone, inside a table cell and a paragraph,
    and as the attributes or text of a row of plain cells, reads as html.parser reads it."""
    pieces = [f"<{t}{a}>" for t in _TAGS for a in _ATTRS] + _TEXT + _OTHER + _INERT + _DIVS
    for piece in pieces:
        for text in (piece, f"<table><tr><td>x</td><td>{piece}</td></tr></table><p>{piece}y</p>"):
            _same(text)
    for attrs in _ATTRS:
        for text in _TEXT:
            _same(
                f"<table data-requirement='t'><tr{attrs}><td>x</td><th{attrs}>{text}</th>"
                f"<td></td></tr><tr><td>{text}</td></tr></table>"
            )
    for attrs in _ATTRS:
        for piece in _INERT + _DIVS:
            _same(
                f"<table data-requirement='t'><tr{attrs}>\n <td{attrs}>x{piece}y</td>"
                f" <th>{piece}</th><td>{piece}{piece}</td>\n</tr></table><svg>{piece}</svg>"
            )


def test_strict_pages_take_the_fast_path() -> None:
    """Property: a page in the templates' strict form is read by the fast path (not the
    html.parser fallback), and an out-of-form piece sends it to html.parser."""
    page = (
        '<!DOCTYPE html><html lang="zh"><head><title>T</title><style>p{}</style>'
        '<link rel="stylesheet" href="static/report.css"></head><body>'
        "<!-- luxcheck:signature --><table><tr data-requirement='r1'><td>照度</td>"
        '<td>546&nbsp;lx</td></tr></table><img src="f.png" alt=""/><br>'
        '<script type="application/json">{"a": "</p>"}</script></body></html>'
    )
    assert _scan(page) is not None
    assert page_content(page).lines == [("", "T"), ("r1", "照度 | 546 lx")]
    assert page_content(page).resources == ["static/report.css", "f.png"]
    assert _scan(page.replace("照度", "照度 < 300")) is None
    assert _scan(page.replace("<br>", "<?x?>")) is None


@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=30)), max_size=8))
def test_statement_lines_quoted_as_json_dumps(lines: list[tuple[str, str]]) -> None:
    """Property: a signed line's key and text are quoted exactly as ``json.dumps`` quotes them
    (ASCII for the key, UTF-8 as written for the text): the bytes that older signatures cover."""
    statement = Statement("N-1", None, {"lang": "zh"}, "0" * 64, (), tuple(lines))
    expected = [f"line {json.dumps(k)} {json.dumps(t, ensure_ascii=False)}" for k, t in lines]
    encoded = statement.encode().decode("utf-8").split("\n")
    assert encoded[len(encoded) - 1 - len(lines) : -1] == expected


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=40),
    st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    st.one_of(st.none(), st.text(min_size=1, max_size=120).map(lambda t: f"https://lab.cn/v?{t}")),
)
def test_qr_image_is_segnos(number: str, digest: str, url: str | None) -> None:
    """Oracle: segno's own SVG writer. The report's QR image (numpy over the module rows) is
    byte for byte ``svg_data_uri(scale=2, border=2)`` of the same code, for codes of every size
    a report number, signature digest and verification URL give: what ``verify`` compares in
    reports signed before."""
    import segno

    code = segno.make(qr_text(number, digest, url), error="m", micro=False, mask=0)
    assert qr_svg_data_uri(code.matrix) == code.svg_data_uri(scale=2, border=2)
