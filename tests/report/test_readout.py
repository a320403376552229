"""Reading a report cell by cell (luxcheck.report.readout): the names verify --campaign gives
to what differs, and the alignment of a PDF's text with the recomputed page's cells.

Sources: the HTML table model (WHATWG HTML §4.9.12, rows spanned by ``rowspan`` belong to the
row that starts them); the rest are properties of the logic: a page compared with itself has no
difference, page furniture between cells is not a difference, and each single edit is named by
the item and cell it is in.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.report.readout import align_pdf, compare_runs, expected_flat, report_runs

PAGE = """<!doctype html><html lang="zh"><head><title>报告</title></head><body>
<div class="running">实验室 · 第一中学</div>
<div class="watermark">草稿</div>
<nav class="crumbs no-print"><a href="#">总览</a></nav>
<section id="outcome"><p>总体结论: <strong data-cell="verdict">不合格</strong></p>
<ul><li>不符合的项目：课桌面照度均匀度</li></ul></section>
<section id="identification"><table class="facts">
<tr><th scope="row">学校</th><td>第一中学</td></tr>
<tr><th scope="row">教室</th><td>R101</td></tr></table></section>
<section id="results"><table class="results">
<thead><tr><th>序号</th><th>项目</th><th>实测值</th><th>限值</th><th>条款</th><th>判定</th></tr></thead>
<tbody>
<tr data-requirement="desk_uniformity.1"><td data-cell="no." rowspan="2">1</td>
<td data-cell="item" rowspan="2">课桌面照度均匀度</td><td data-cell="value" rowspan="2">0.698</td>
<td data-cell="limit">≥ 0.70 <span data-cell="limit verdict">不合格</span></td>
<td data-cell="clause"><div>GB 7793-2010 5.2（应）</div><div>GB/T 36876-2018 4.1（应）</div></td>
<td data-cell="verdict" rowspan="2"><span class="badge">不合格</span></td></tr>
<tr data-requirement="desk_uniformity.2">
<td data-cell="limit">≥ 0.60 <span data-cell="limit verdict">合格</span></td>
<td data-cell="clause"><div>GB 55016-2021 3.3.3</div></td></tr>
</tbody></table></section>
<section id="conclusion"><p data-cell="conclusion">不合格。本教室照明不符合要求。</p>
<p>以下空白</p></section>
<script type="application/json" id="luxcheck-signature">{"x": "合格"}</script>
</body></html>"""


def test_cells_are_named_by_table_row_and_column() -> None:
    """Each cell of the results table belongs to its limit line's row (data-requirement); the
    cells spanning both lines (value, verdict) to the first; a key-value row is named by its
    label; script text is no reading matter; print-only flags follow the classes."""
    runs = report_runs(PAGE)
    named = {(r.item, r.cell): r.text for r in runs if r.tabular}
    assert named[("results row desk_uniformity.1", "value")] == "0.698"
    assert named[("results row desk_uniformity.1", "verdict")] == "不合格"
    assert named[("results row desk_uniformity.1", "limit")] == "≥ 0.70"
    assert named[("results row desk_uniformity.1", "limit verdict")] == "不合格"
    assert named[("results row desk_uniformity.2", "limit verdict")] == "合格"
    assert named[("results row desk_uniformity.2", "clause")] == "GB 55016-2021 3.3.3"
    assert named[("identification row 学校", "value")] == "第一中学"
    assert named[("results header", "column 6")] == "判定"
    assert ("outcome", "verdict") in {(r.item, r.cell) for r in runs}
    assert all('合格"' not in r.text for r in runs)
    assert {r.text for r in runs if r.print_hidden} == {"报告", "总览"}
    assert {r.text for r in runs if r.furniture} == {"实验室 · 第一中学", "草稿"}


EDITS = {
    "results row desk_uniformity.1, verdict": (
        '<span class="badge">不合格',
        '<span class="badge">合格',
    ),
    "results row desk_uniformity.2, limit": ("≥ 0.60 <span", "≥ 0.50 <span"),
    "results row desk_uniformity.1, value": (">0.698<", ">0.798<"),
    "conclusion, conclusion": ("不合格。本教室", "合格。本教室"),
    "outcome, verdict": ('"verdict">不合格', '"verdict">合格'),
}


def test_each_edit_is_named_in_html() -> None:
    """One edit, one difference, named by item and cell with both texts."""
    expected = report_runs(PAGE)
    assert compare_runs(expected, expected).ok
    for name, (old, new) in EDITS.items():
        result = compare_runs(report_runs(PAGE.replace(old, new, 1)), expected)
        assert len(result.problems) == 1, (name, result.problems)
        assert result.problems[0].startswith(f"{name}: report says "), result.problems


def _printed(page: str) -> list[str]:
    """The page's printed texts in order, as a PDF would show them (without furniture)."""
    return [r.text for r in report_runs(page) if not r.print_hidden and not r.furniture]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), min_size=30, max_size=30), st.integers(1, 9))
def test_pdf_furniture_between_cells_is_no_difference(breaks: list[bool], pages: int) -> None:
    """The printed texts with page furniture (running header, watermark, "page x of y", list
    markers) inserted between any cells, and line breaks anywhere: no difference."""
    texts = _printed(PAGE)
    out = []
    for index, text in enumerate(texts):
        out.append(text.replace(" ", "\n") if index % 2 else text)
        if breaks[index % len(breaks)]:
            out.append(f"1.\n草稿\n实验室 · 第一中学\n第 {index % pages + 1} 页 共 {pages} 页")
    expected = report_runs(PAGE)
    assert compare_runs(align_pdf("\n".join(out), expected, "zh"), expected_flat(expected)).ok


def test_each_edit_is_named_in_pdf_text() -> None:
    """The same edits in the text of a PDF: each named, white space not compared."""
    expected = report_runs(PAGE)
    for name, (old, new) in EDITS.items():
        text = "\n".join(_printed(PAGE.replace(old, new, 1)))
        result = compare_runs(align_pdf(text, expected, "zh"), expected_flat(expected))
        assert len(result.problems) == 1, (name, result.problems)
        assert result.problems[0].startswith(f"{name}: report says "), result.problems


def test_print_hidden_classes_follow_the_stylesheet() -> None:
    """Every class report.css hides in print (``@media print { … display: none }``) is one the
    PDF comparison leaves out, and the running header is the page furniture it repeats."""
    import re

    from luxcheck.report.readout import FURNITURE, PRINT_HIDDEN
    from luxcheck.resources import reports_dir

    css = (reports_dir() / "static" / "report.css").read_text("utf-8")
    media = css[css.index("@media print") :]
    hidden = {
        name
        for selectors in re.findall(r"([^{}]+)\{\s*display:\s*none;\s*\}", media)
        for name in re.findall(r"\.([\w-]+)", selectors)
    }
    assert hidden and hidden <= PRINT_HIDDEN
    assert "running" in FURNITURE and "position: running(running)" in media
