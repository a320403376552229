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
from luxcheck.report.provenance import verify_report
from luxcheck.report.render import render_campaign
from tests.support.builders import skip_unless_required
from tests.support.report_fixtures import fill_store, make_store, report_of, verdicts_full

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
