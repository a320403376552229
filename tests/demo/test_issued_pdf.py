"""The demo issues its reports (issue 16): a small demo campaign's Chinese classroom PDFs carry
every element of the laboratory's document, read back from the PDF text (pdftotext, poppler),
and the school's bound report holds them all as issued, each with its own page numbers, the
contents giving the volume pages, and a bookmark per classroom.

Sources: issue 16's list of what a classroom report carries (cover page, statements page,
report number and "第 x 页 共 y 页" on every page, test method and judgement basis with
editions, instruments with certificate and due date, environmental conditions, conclusion,
以下空白, 编制 / 审核 / 批准 with names and dates); ISO/IEC 17025:2017 §7.8.2.1 (identification
on every page, "a clear identification of the end" of the report); the demo lab profile
``luxcheck/data/demo-lab.toml``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("weasyprint")
    from luxcheck.demo.runner import run_demo

    out = tmp_path_factory.mktemp("demo")
    run_demo(out, n_classrooms=2, seed=11, use_pty=False, pdf=True, jobs=1, say=lambda _: None)
    return out / "reports" / "schools"


def test_classroom_pdfs_are_issued_test_reports(demo: Path) -> None:
    """Every element of issue 16, in each classroom PDF of the demo."""
    pdfs = sorted(p for p in demo.glob("*/*.pdf") if p.name != "index.pdf")
    assert len(pdfs) == 2
    numbers = set()
    for pdf in pdfs:
        pages = _pages(pdf)
        text = "\n".join(pages)
        flat = re.sub(r"\s+", "", text)
        number = re.search(r"DEMOLAB-\d{4}-\d{5}", text)
        assert number, pdf
        numbers.add(number.group(0))
        for k, page in enumerate(pages, start=1):  # number and page x of y on every page
            assert number.group(0) in page, (pdf.name, k)
            assert re.search(rf"第\s*{k}\s*页\s*共\s*{len(pages)}\s*页", page), (pdf.name, k)
        cover = re.sub(r"\s+", "", pages[0])
        for item in (
            "检验检测报告", "委托单位", "演示:市教育局", "检测对象", "地址", "检测类别",
            "教室照明验收检测", "检测机构", "示例照明检测实验室", "签发日期", "CMA",
            "检验检测专用章",
        ):  # fmt: skip
            assert item in cover, (pdf.name, item)
        statements = re.sub(r"\s+", "", pages[1])
        for item in (
            "仅对所检项目负责", "不得部分复制", "检验检测专用章及编制、审核、批准人签字无效",
            "收到报告之日起15日内",
        ):  # fmt: skip
            assert item in statements, (pdf.name, item)
        for item in (
            "GB/T5700-2008照明测量方法", "GB7793-2010", "GB/T36876-2018", "验收原则",
            "判定规则", "校准证书编号", "JZ2026-0001", "校准有效期至", "2027年3月11日",
            "扩展不确定度", "环境条件", "温度", "相对湿度", "电源电压", "杂散光", "光源预热时间",
            "°C", "检测结论", "以下空白", "编制", "审核", "批准", "李明", "赵红", "陈军",
        ):  # fmt: skip
            assert item in flat, (pdf.name, item)
        # the end mark comes after the conclusion and before the signatures
        assert flat.index("检测结论") < flat.index("以下空白")
        end = flat.index("以下空白")
        signed = flat[end : flat.index("附录", end)]  # (the results cite Annex A before the end)
        for item in ("编制", "审核", "批准", "李明", "赵红", "陈军", "授权签字人", "日期:20"):
            assert item in signed, (pdf.name, item)
        assert "草稿" not in flat  # issued: no draft mark anywhere
    assert len(numbers) == 2


def test_school_bound_report(demo: Path) -> None:
    """schools/<school>/index.pdf: the volume's own pages (cover and contents, the school
    summary, "汇编第 k 页 共 N 页" with N the whole volume), then each classroom report exactly as
    issued (its pages' text is its own PDF's, keeping its own "第 x 页 共 y 页": ISO/IEC 17025
    §7.8.2.1), the contents naming the volume pages of each report; one top-level bookmark per
    classroom named with its report number, at its first page."""
    import xml.etree.ElementTree as ET

    (school,) = [p for p in demo.iterdir() if p.is_dir()]
    rooms = sorted(p for p in school.glob("*.pdf") if p.name != "index.pdf")
    bound = _pages(school / "index.pdf")
    own = 2  # cover with contents, school summary
    assert len(bound) == own + sum(len(_pages(p)) for p in rooms)
    for k, page in enumerate(bound[:own], start=1):
        assert re.search(rf"汇编第\s*{k}\s*页\s*共\s*{len(bound)}\s*页", page), k
    cover = re.sub(r"\s+", "", bound[0])
    assert "学校检验检测报告汇编" in cover
    assert "电子签名在装订成册后无法保留" in cover
    first = own + 1
    firsts = []
    for room in rooms:
        issued = _pages(room)
        assert bound[first - 1 : first - 1 + len(issued)] == issued, room.name
        assert f"第{first}–{first + len(issued) - 1}页（共{len(issued)}页）" in cover
        firsts.append(first)
        first += len(issued)
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-stdout", "-i", "-q", str(school / "index.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    outline = ET.fromstring(xml).find("outline")
    assert outline is not None
    top = [(int(item.get("page", "0")), item.text or "") for item in outline.findall("item")]
    assert top[0][1] == "学校汇总"
    assert len(top) == 1 + len(rooms)
    for room, start, (page, label) in zip(rooms, firsts, top[1:], strict=True):
        assert room.stem in label and re.search(r"DEMOLAB-\d{4}-\d{5}", label)
        assert page == start
