"""Signed, tamper-evident reports (issue 17): the tampering matrix over HTML and PDF, run through
``luxcheck verify`` as a bureau would, and untouched reports with and without the campaign file.

Sources: PAdES baseline signatures (ETSI EN 319 142-1) as pyHanko makes and validates them; CMS
(RFC 5652) detached signatures; X.509 validity periods (RFC 5280 §4.1.2.5). Each tampered case
is a property of the logic: the text a reader sees, or the signed bytes, changed after
signing, so the signature can no longer hold.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from luxcheck.cli import main
from luxcheck.compliance.judge import judge_campaign
from luxcheck.demo.lab_keys import certificate_fingerprint, make_self_signed
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import Signing
from luxcheck.model import IlluminanceReading
from luxcheck.report.assemble import classroom_reports, report_context
from luxcheck.report.issue import with_document
from luxcheck.report.pdf import write_pdf
from luxcheck.report.render import render_campaign
from luxcheck.report.signing import SigningSetup, load_signer
from luxcheck.report.verification import PDF_ATTACHMENT
from luxcheck.report.visible import (
    QR_SLOT,
    SIGNATURE_MARKER,
    _scan,
    page_content,
    parsed_content,
    qr_text,
    read_signed_html,
    sign_html,
    visible_lines,
)
from tests.support.builders import T0
from tests.support.report_fixtures import fill_store, make_store

pytestmark = pytest.mark.slow

ROOM = "schools/S01/R101"


@dataclass(frozen=True)
class Issued:
    """A campaign rendered and signed once for the whole module."""

    root: Path
    campaign: Path
    out: Path
    lab_cert: Path
    other_key: Path
    other_cert: Path
    expired_key: Path
    expired_cert: Path

    @property
    def html(self) -> Path:
        return self.out / f"{ROOM}.html"

    @property
    def pdf(self) -> Path:
        return self.out / f"{ROOM}.pdf"


def _store(path: Path) -> CampaignStore:
    store = make_store(path)
    fill_store(store)
    return store


def _render(
    store: CampaignStore, out: Path, signing: SigningSetup | None, pdf: bool, lang: str = "zh"
) -> int:
    context = report_context(store.campaign.profile)
    judged, _ = judge_campaign(store, profile=context.profile_id, classroom_ids=["R101"])
    # as `luxcheck report` assembles them: with the laboratory's document (here none: a draft)
    reports = [
        with_document(store, r, None, context) for r in classroom_reports(store, judged, context)
    ]
    return render_campaign(reports, out, pdf=pdf, signing=signing, lang=lang).rendered


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    pytest.importorskip("weasyprint")
    root = tmp_path_factory.mktemp("issued")
    keys = root / "keys"
    make_self_signed(
        keys / "lab.pem", keys / "lab.crt", organisation="测试实验室", common_name="Lab"
    )
    make_self_signed(keys / "other.pem", keys / "other.crt", organisation="冒名", common_name="X")
    make_self_signed(
        keys / "old.pem",
        keys / "old.crt",
        organisation="测试实验室",
        common_name="Lab",
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=400),
        valid_days=30,
    )
    signing = Signing(keys / "lab.pem", keys / "lab.crt", None, None, None, ())
    store = _store(root / "c.lux")
    try:
        setup = SigningSetup(signing, "测试实验室", "https://lab.test/v")
        _render(store, root / "out", setup, True)
        _render(store, root / "out-en", setup, True, "en")
    finally:
        store.close()
    return Issued(
        root,
        root / "c.lux",
        root / "out",
        keys / "lab.crt",
        keys / "other.pem",
        keys / "other.crt",
        keys / "old.pem",
        keys / "old.crt",
    )


def _copy(issued: Issued, tmp_path: Path, suffix: str) -> Path:
    """The report (with the static files and figures beside it, as the lab hands them out)."""
    out = tmp_path / "out"
    shutil.copytree(issued.out, out)
    return out / f"{ROOM}{suffix}"


def _verify(capsys: pytest.CaptureFixture[str], report: Path, *args: str) -> tuple[int, str]:
    code = main(["verify", str(report), *args])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


# --------------------------------------------------------------------------- untouched
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("suffix", [".html", ".pdf"])
@pytest.mark.parametrize("with_campaign", [False, True])
def test_untouched_report_verifies(
    issued: Issued, capsys: pytest.CaptureFixture[str], suffix: str, with_campaign: bool, lang: str
) -> None:
    """An untouched signed report, Chinese or English: exit 0, the signer named with the
    certificate's SHA-256, trusted through --trust; with the campaign file, every table cell and
    line recomputed matches (a PDF through its text)."""
    extra = ["--campaign", str(issued.campaign)] if with_campaign else []
    out_dir = issued.out if lang == "zh" else issued.out.with_name("out-en")
    code, out = _verify(
        capsys, out_dir / f"{ROOM}{suffix}", "--trust", str(issued.lab_cert), *extra
    )
    assert code == 0, out
    assert "signed by: 测试实验室 / Lab" in out
    fingerprint = certificate_fingerprint(issued.lab_cert)
    assert " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4)) in out
    assert "certificate: trusted" in out
    if with_campaign:
        assert "campaign: OK: SHA-256" in out
        assert re.search(r"campaign: OK: the \d+ table cells and \d+ other lines", out)


def test_trust_by_fingerprint_and_lab_profile(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The certificate is trusted when pinned by its SHA-256 fingerprint, given on the command
    line or in a laboratory profile's trusted_fingerprints."""
    fingerprint = certificate_fingerprint(issued.lab_cert)
    assert _verify(capsys, issued.html, "--trust", fingerprint.upper())[0] == 0
    profile = tmp_path / "lab.toml"
    profile.write_text(
        (Path(__file__).parents[2] / "luxcheck/data/demo-lab.toml").read_text("utf-8")
        + f'\n[signing]\nkey = "{issued.other_key}"\ncertificate = "{issued.other_cert}"\n'
        f'trusted_fingerprints = ["{fingerprint}"]\n',
        encoding="utf-8",
    )
    assert _verify(capsys, issued.pdf, "--lab", str(profile))[0] == 0


# --------------------------------------------------------------------------- HTML matrix
def _first_badge(text: str) -> str:
    """不合格 → 合格 in the first verdict of the results table (or of the page)."""
    start = max(text.find('id="results"'), 0)
    return text[:start] + text[start:].replace(">不合格</span>", ">合格</span>", 1)


def _one_number(text: str) -> str:
    match = re.search(r'(<td class="num measured"[^>]*>)(\d+) lx</td>', text)
    assert match
    edited = f"{match.group(1)}{int(match.group(2)) + 1} lx</td>"
    return text.replace(match.group(0), edited, 1)


def _a_limit(text: str) -> str:
    assert "≥ 300 lx" in text
    return text.replace("≥ 300 lx", "≥ 200 lx", 1)


def _a_character(text: str) -> str:
    index = text.index("第一中学")
    return text[:index] + "第二" + text[index + 2 :]


def _hide_by_style(text: str) -> str:
    return text.replace("</head>", "<style>.badge-fail{visibility:hidden}</style></head>", 1)


def _script(text: str) -> str:
    return text.replace("</body>", "<script>document.body.innerHTML='合格'</script></body>", 1)


def _qr_swapped(text: str) -> str:
    return re.sub(r'(<span class="qr-text">)[^<]*', r"\1DEMO-0001", text, count=1)


HTML_CASES: dict[str, tuple[Callable[[str], str], str]] = {
    "verdict word": (_first_badge, "the text a reader sees differs"),
    "one number": (_one_number, "the text a reader sees differs"),
    "a limit": (_a_limit, "the text a reader sees differs"),
    "a changed character": (_a_character, "the text a reader sees differs"),
    "a style hiding a verdict": (_hide_by_style, "markup"),
    "a script rewriting the page": (_script, "markup"),
    "the QR code's text": (_qr_swapped, "the QR code does not match"),
}


@pytest.mark.parametrize("case", sorted(HTML_CASES))
def test_html_tampering_fails(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """Each edit of what a reader sees (or of what can change it) fails verify with exit 1 and
    says what no longer matches."""
    edit, reason = HTML_CASES[case]
    path = _copy(issued, tmp_path, ".html")
    text = path.read_text("utf-8")
    edited = edit(text)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    code, out = _verify(capsys, path, "--trust", str(issued.lab_cert))
    assert code == 1, out
    assert reason in out
    assert out.startswith("FAILED")


def test_html_flipped_byte_fails(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One bit flipped in the file's bytes (inside the school's name, so the UTF-8 breaks):
    exit 1, the changed line shown."""
    path = _copy(issued, tmp_path, ".html")
    data = bytearray(path.read_bytes())
    data[data.index("第一中学".encode()) + 1] ^= 0x01
    path.write_bytes(bytes(data))
    code, out = _verify(capsys, path, "--trust", str(issued.lab_cert))
    assert code == 1, out
    assert "the text a reader sees differs" in out


def test_html_verdict_edit_shows_the_lines_and_the_campaign_item(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's case: 不合格 changed to 合格. verify prints the signed and the shown line."""
    path = _copy(issued, tmp_path, ".html")
    path.write_text(_first_badge(path.read_text("utf-8")), encoding="utf-8")
    code, out = _verify(
        capsys, path, "--trust", str(issued.lab_cert), "--campaign", str(issued.campaign)
    )
    assert code == 1
    signed = re.search(r"signed: (.*)", out)
    shown = re.search(r"shown : (.*)", out)
    assert signed and shown
    assert "不合格" in signed.group(1) and "不合格" not in shown.group(1)
    # the campaign item: the first 不合格 of the results table is desk U0's mark at ≥ 0.70
    assert (
        "campaign: results row desk_uniformity.1, limit verdict: report says 合格, "
        "campaign gives 不合格" in out
    )


# --------------------------------------------------------------------------- item by item
def _verdict(text: str) -> str:
    """Desk mean's single-item verdict 合格 → 不合格 (the first quantity of the table)."""
    edited = re.sub(
        r'(data-cell="verdict" rowspan="1"><span class="badge badge-pass">)合格',
        r"\1不合格",
        text,
        count=1,
    )
    assert 'data-requirement="desk_illuminance_mean_lx.1"' in text
    return edited


def _value(text: str) -> str:
    assert text.count('data-cell="value" rowspan="1">431 lx</td>') == 1
    return text.replace(">431 lx</td>", ">999 lx</td>", 1)


def _conclusion(text: str) -> str:
    return re.sub(r'(data-cell="conclusion">)[^<]*', r"\1合格。本教室照明符合要求。", text, count=1)


#: An edit a forger makes, and the line verify --campaign prints about it (item, cell, what
#: the report says, what the campaign gives).
ITEM_EDITS: dict[str, tuple[Callable[[str], str], str, str, str]] = {
    "verdict": (_verdict, "results row desk_illuminance_mean_lx.1, verdict", "不合格", "合格"),
    "limit": (_a_limit, "results row desk_illuminance_mean_lx.1, limit", "≥ 200 lx", "≥ 300 lx"),
    "value": (_value, "results row desk_illuminance_mean_lx.1, value", "999 lx", "431 lx"),
    "conclusion": (
        _conclusion,
        "conclusion, conclusion",
        "合格。本教室照明符合要求。",
        "不合格。本教室照明不符合要求。",
    ),
}


def _strip_signature(text: str) -> str:
    text = re.sub(r'<script type="application/json" id="luxcheck-signature">.*?</script>', "", text)
    return re.sub(r'(<div class="report-qr" id="luxcheck-qr">).*?</div>', r"\1</div>", text)


@pytest.mark.parametrize("how", ["edited", "re-signed with another key", "signature stripped"])
@pytest.mark.parametrize("edit", sorted(ITEM_EDITS))
def test_html_edit_names_the_campaign_item(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, how: str
) -> None:
    """A verdict, a limit, a value in the results table, or the conclusion edited in the HTML:
    with --campaign, exit 1 and the item and cell named with what the report says and what the
    results recomputed from the stored readings give; whether the signature was left to fail,
    replaced by another key's (not trusted) or stripped."""
    change, item, says, gives = ITEM_EDITS[edit]
    path = _copy(issued, tmp_path, ".html")
    text = path.read_text("utf-8")
    if how == "re-signed with another key":
        edited = _resign(issued, text, issued.other_key, issued.other_cert, path.parent, change)
    elif how == "signature stripped":
        edited = _strip_signature(change(text))
    else:
        edited = change(text)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    code, out = _verify(
        capsys, path, "--trust", str(issued.lab_cert), "--campaign", str(issued.campaign)
    )
    assert code == 1, out
    assert f"campaign: {item}: report says {says}, campaign gives {gives}" in out, out
    assert "campaign: 1 item differs" in out
    if how == "re-signed with another key":
        assert "the certificate is not trusted" in out
    elif how == "signature stripped":
        assert "carries no laboratory signature" in out


@pytest.mark.parametrize(
    ("edit", "how"),
    [
        ("verdict", "another key"),
        ("value", "unsigned"),
        ("limit", "another key"),
        ("conclusion", "unsigned"),
    ],
)
def test_pdf_from_an_edited_report_names_the_campaign_item(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: str, how: str
) -> None:
    """A PDF rendered from an edited HTML report (the issue's forged pass), signed with another
    key or not signed at all: with --campaign, verify reads the PDF's text and names the item
    and cell that differ (white space is not compared in a PDF's text)."""
    change, item, says, gives = ITEM_EDITS[edit]
    path = tmp_path / "R101.pdf"
    finish = None
    if how == "another key":
        signer = load_signer(Signing(issued.other_key, issued.other_cert, None, None, None, ()))
        finish = lambda d: signer.sign_pdf(d, reason="x", name="x")  # noqa: E731
    write_pdf(change(issued.html.read_text("utf-8")), issued.html, path, finish=finish)
    code, out = _verify(
        capsys, path, "--trust", str(issued.lab_cert), "--campaign", str(issued.campaign)
    )
    assert code == 1, out
    says, gives = says.replace(" ", ""), gives.replace(" ", "")
    assert f"campaign: {item}: report says {says}, campaign gives {gives}" in out, out
    assert ("not trusted" in out) if how == "another key" else ("no laboratory signature" in out)


def test_a_figure_file_changed_beside_the_report(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A figure the page draws replaced after signing: the resource digest fails."""
    path = _copy(issued, tmp_path, ".html")
    html = path.read_text("utf-8")
    figure = next(p for p in (path.parents[2] / "figures").glob("*.png") if p.name in html)
    figure.write_bytes(figure.read_bytes() + b"\0")
    code, out = _verify(capsys, path, "--trust", str(issued.lab_cert))
    assert code == 1
    assert f"figures/{figure.name}" in out


def test_html_report_alone_notes_unchecked_files(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The HTML file on its own (a bureau's e-mail attachment): its text verifies (exit 0), and
    verify notes that the linked figures and styles were not there to check."""
    alone = tmp_path / "R101.html"
    shutil.copyfile(issued.html, alone)
    code, out = _verify(capsys, alone, "--trust", str(issued.lab_cert))
    assert code == 0, out
    assert "not beside the report and were not checked" in out


def _resign(
    issued: Issued,
    text: str,
    key: Path,
    cert: Path,
    base: Path,
    edit: Callable[[str], str] = _first_badge,
) -> str:
    """Take the signature and QR out again, edit, and sign the result with another key."""
    page = read_signed_html(text, "x")
    original = re.sub(
        r'<script type="application/json" id="luxcheck-signature">.*?</script>',
        SIGNATURE_MARKER,
        text,
        flags=re.S,
    )
    original = re.sub(r'<div class="report-qr" id="luxcheck-qr">.*?</div>', QR_SLOT, original)
    signer = load_signer(Signing(key, cert, None, None, None, ()))
    signed, _block = sign_html(
        edit(original),
        signer.sign_data,
        base_dir=base,
        report_number=page.block.statement.report_number,
        verify_url=page.block.statement.verify_url,
        hints=page.block.statement.hints,
    )
    return signed


@pytest.mark.parametrize("who", ["another key", "an expired certificate"])
def test_html_signed_by_someone_else_fails(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str], who: str
) -> None:
    """A forger edits the verdict and signs it again with their own key: the signature holds but
    the certificate is not the trusted one. An expired certificate, even pinned, fails."""
    path = _copy(issued, tmp_path, ".html")
    key, cert = (
        (issued.other_key, issued.other_cert)
        if who == "another key"
        else (issued.expired_key, issued.expired_cert)
    )
    path.write_text(_resign(issued, path.read_text("utf-8"), key, cert, path.parent), "utf-8")
    trust = str(issued.lab_cert) if who == "another key" else certificate_fingerprint(cert)
    code, out = _verify(capsys, path, "--trust", trust)
    assert code == 1, out
    if who == "another key":
        assert "signed by: 冒名 / X" in out
        assert "the certificate is not trusted" in out
    else:
        assert "the signing certificate expired on" in out


def test_untrusted_without_anything_to_trust(
    issued: Issued, capsys: pytest.CaptureFixture[str]
) -> None:
    """Intact, but nothing to trust was given: exit 1, telling how to trust."""
    code, out = _verify(capsys, issued.html)
    assert code == 1
    assert "nothing to trust was given" in out


def test_campaign_changed_after_signing(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reading added to the campaign after the report was signed: the digest mismatches."""
    campaign = tmp_path / "c.lux"
    shutil.copyfile(issued.campaign, campaign)
    store = CampaignStore.open(campaign)
    try:
        store.add_reading(IlluminanceReading("late", "SE1", T0, None, illuminance_lx=1.0))
    finally:
        store.close()
    code, out = _verify(
        capsys, issued.html, "--trust", str(issued.lab_cert), "--campaign", str(campaign)
    )
    assert code == 1
    assert "MISMATCH for classroom R101" in out


# --------------------------------------------------------------------------- PDF matrix
def _pdf_flip(data: bytes) -> bytes:
    out = bytearray(data)
    index = data.index(b"stream", len(data) // 4) + 40
    out[index] ^= 0x01
    return bytes(out)


def _pdf_rewritten(data: bytes) -> bytes:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_appended(data: bytes) -> bytes:
    """An incremental update after the signature (how an editor adds or removes text)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/PageLabels"] = generic.DictionaryObject()
    writer.update_root()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "a flipped byte": (_pdf_flip, "changed after signing"),
    "re-written by pypdf": (_pdf_rewritten, "does not cover the whole file"),
    "an incremental update": (_pdf_appended, "does not cover the whole file"),
    "bytes appended": (lambda d: d + b"\n% edited\n", "does not cover the whole file"),
}


@pytest.mark.parametrize("case", sorted(PDF_CASES))
def test_pdf_tampering_fails(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """Any change to a signed PDF fails verify with exit 1 and the reason."""
    edit, reason = PDF_CASES[case]
    path = tmp_path / "R101.pdf"
    path.write_bytes(edit(issued.pdf.read_bytes()))
    code, out = _verify(capsys, path, "--trust", str(issued.lab_cert))
    assert code == 1, out
    assert reason in out or "damaged or altered" in out


@pytest.mark.parametrize("who", ["another key", "an expired certificate"])
def test_pdf_signed_by_someone_else_fails(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str], who: str
) -> None:
    """A PDF rendered from an edited report and signed with another key, or with an expired
    certificate: the signature is intact, the signer is not trusted (or expired)."""
    html = issued.html.read_text("utf-8")
    key, cert = (
        (issued.other_key, issued.other_cert)
        if who == "another key"
        else (issued.expired_key, issued.expired_cert)
    )
    signer = load_signer(Signing(key, cert, None, None, None, ()))
    path = tmp_path / "R101.pdf"
    write_pdf(
        _first_badge(html),
        issued.html,
        path,
        finish=lambda d: signer.sign_pdf(d, reason="x", name="x"),
    )
    trust = str(issued.lab_cert) if who == "another key" else certificate_fingerprint(cert)
    code, out = _verify(capsys, path, "--trust", trust)
    assert code == 1, out
    assert ("not trusted" in out) if who == "another key" else ("expired on" in out)


def test_unsigned_and_unreadable_inputs(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unsigned PDF fails (1); a file that is neither HTML nor PDF, or is missing, is bad
    input (2); never a traceback."""
    unsigned = tmp_path / "unsigned.pdf"
    write_pdf(issued.html.read_text("utf-8"), issued.html, unsigned)
    code, out = _verify(capsys, unsigned, "--trust", str(issued.lab_cert))
    assert code == 1 and "no laboratory signature" in out
    junk = tmp_path / "junk.bin"
    junk.write_bytes(os.urandom(64))
    assert _verify(capsys, junk)[0] == 2
    assert _verify(capsys, tmp_path / "missing.html")[0] == 2
    assert _verify(capsys, issued.html, "--trust", str(junk))[0] == 2


@pytest.mark.parametrize("page", ["schools/S01/index.html", "index.html", "schools/S01/index.pdf"])
def test_school_summary_and_dashboard_are_signed(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str], page: str
) -> None:
    """The school summary (HTML, and the bound school PDF) and the campaign dashboard carry the
    laboratory's signature: untouched, exit 0; a verdict word edited in the HTML, exit 1. With
    --campaign they are not recomputed (which classrooms they list is the laboratory's
    rendering choice): exit 1 saying so, never a silent pass."""
    path = tmp_path / "out" / page
    shutil.copytree(issued.out, tmp_path / "out")
    code, out = _verify(capsys, path, "--trust", str(issued.lab_cert))
    assert code == 0, out
    code, out = _verify(
        capsys, path, "--trust", str(issued.lab_cert), "--campaign", str(issued.campaign)
    )
    assert code == 1, out
    kind = "school summary" if "schools" in page else "campaign dashboard"
    if page.endswith(".html"):  # the bound PDF carries no provenance of its own
        assert f"campaign: a {kind} is not compared item by item" in out
        text = path.read_text("utf-8")
        # signed as what it is: a summary page, never a draft report (its QR caption and the
        # report number verify prints)
        (slot,) = re.findall(r'<span class="qr-text">(.*?)</span>', text)
        assert slot.startswith("汇总页，非检测报告 · ") and "草稿" not in slot
        assert "report number: SUMMARY" in out
        edited = text.replace('badge-fail">不合格</span>', 'badge-fail">合格</span>', 1)
        assert edited != text
        path.write_text(edited, encoding="utf-8")
        code, out = _verify(capsys, path, "--trust", str(issued.lab_cert))
        assert code == 1, out
        assert "the text a reader sees differs" in out


def test_files_that_are_no_report(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Whatever file verify is given, a clear line and never a traceback: an HTML page that is
    no report fails the check (1); an empty file, a PNG image, a directory, a damaged PDF are
    bad input (2) or a failed check (1), also with --campaign."""
    other = tmp_path / "other.html"
    other.write_text("<!doctype html><html><body><p>合格</p></body></html>", "utf-8")
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    png = next((issued.out / "figures").glob("*.png"))
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + os.urandom(200))
    campaign = ["--campaign", str(issued.campaign)]
    for extra in ([], campaign):
        code, out = _verify(capsys, other, *extra)
        assert code == 1 and "carries no laboratory signature" in out
        for path in (empty, png, tmp_path):
            code, out = _verify(capsys, path, *extra)
            assert code == 2, out
            assert str(path) in out
        code, out = _verify(capsys, damaged, *extra)
        assert code == 1 and "damaged or altered" in out, out


def test_pdf_carries_the_signed_statement_and_qr(issued: Issued) -> None:
    """The PDF embeds the HTML's signed statement (covered by the PAdES signature), and both
    carry the QR code: the verification URL with the report number (DRAFT: none issued) and
    the signature's SHA-256."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(issued.pdf.read_bytes()))
    names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert PDF_ATTACHMENT in [str(names[i]) for i in range(0, len(names), 2)]
    page = read_signed_html(issued.html.read_text("utf-8"), "x")
    assert page.qr_ok
    assert page.block.statement.report_number == "DRAFT"
    text = qr_text("DRAFT", page.block.digest, "https://lab.test/v")
    assert text == f"https://lab.test/v?report=DRAFT&sig={page.block.digest}"


# --------------------------------------------------------------------------- rendering
def test_incremental_rendering_trusts_no_existing_file(issued: Issued, tmp_path: Path) -> None:
    """An output truncated or edited after the last run is rendered again, not kept."""
    out = tmp_path / "out"
    shutil.copytree(issued.out, out)
    store = CampaignStore.open(issued.campaign)
    try:
        signing = SigningSetup(
            Signing(issued.lab_cert.with_suffix(".pem"), issued.lab_cert, None, None, None, ()),
            "测试实验室",
            "https://lab.test/v",
        )
        assert _render(store, out, signing, True) == 0  # unchanged: kept
        html, pdf = out / f"{ROOM}.html", out / f"{ROOM}.pdf"
        html.write_text(_first_badge(html.read_text("utf-8")), encoding="utf-8")
        assert _render(store, out, signing, True) == 1
        assert "不合格" in html.read_text("utf-8")
        pdf.write_bytes(pdf.read_bytes()[:1000])
        assert _render(store, out, signing, True) == 1
        assert pdf.read_bytes() != issued.pdf.read_bytes()[:1000]
        assert _render(store, out, signing, True) == 0
    finally:
        store.close()


# --------------------------------------------------------------------------- visible text
def test_visible_lines_read_blocks_and_cells_not_scripts() -> None:
    """One line per block, table cells joined by " | ", whitespace normalised; script and style
    text is not reading matter but is in the structure digest."""
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<h1> 报告\n  标题 </h1><table><tr data-requirement='r1'><td>照度</td>"
        "<td> 546 lx </td><td><span>不合格</span></td></tr></table>"
        "<script>var x = '合格';</script><p>a<br>b</p></body></html>"
    )
    assert visible_lines(html) == ["T", "报告 标题", "照度 | 546 lx | 不合格", "a", "b"]
    assert page_content(html).lines[2] == ("r1", "照度 | 546 lx | 不合格")
    reformatted = html.replace("<h1> ", "<h1>\n\n ").replace("\n  标题", "\n\t\t标题")
    assert page_content(reformatted).structure == page_content(html).structure
    changed = html.replace("var x = '合格'", "var x = '不合格'")
    assert page_content(changed).structure != page_content(html).structure


def test_rendered_pages_take_the_fast_reader(issued: Issued) -> None:
    """Property: every page the templates render (classroom, school, dashboard; both languages,
    signed) is in the strict form the fast reader takes, and it reads what html.parser reads."""
    pages = sorted(issued.out.rglob("*.html")) + sorted((issued.root / "out-en").rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        text = page.read_text("utf-8")
        assert _scan(text) is not None, page
        fast, reference = page_content(text), parsed_content(text)
        assert (fast.lines, fast.resources) == (reference.lines, reference.resources), page
        assert len(fast.lines) > 10


# --------------------------------------------------------------------------- keys
def test_pkcs12_bundle_and_wrong_inputs(
    issued: Issued, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key and certificate from a PKCS#12 bundle whose password is in the environment; a
    wrong or missing password, and a key that does not belong to the certificate, are bad
    input with the file named."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509 import load_pem_x509_certificate

    from luxcheck.errors import InputError

    key = serialization.load_pem_private_key(issued.lab_cert.with_suffix(".pem").read_bytes(), None)
    cert = load_pem_x509_certificate(issued.lab_cert.read_bytes())
    bundle = tmp_path / "lab.p12"
    bundle.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"lab",
            key,  # type: ignore[arg-type]
            cert,
            None,
            serialization.BestAvailableEncryption(b"s3cret"),
        )
    )
    signing = Signing(None, None, bundle, "LAB_P12_PASSWORD", None, ())
    monkeypatch.setenv("LAB_P12_PASSWORD", "s3cret")
    assert load_signer(signing).fingerprint == certificate_fingerprint(issued.lab_cert)
    monkeypatch.setenv("LAB_P12_PASSWORD", "wrong")
    load_signer.cache_clear()
    with pytest.raises(InputError, match=r"lab\.p12"):
        load_signer(signing)
    monkeypatch.delenv("LAB_P12_PASSWORD")
    with pytest.raises(InputError, match=r"\$LAB_P12_PASSWORD"):
        load_signer(signing)
    with pytest.raises(InputError, match="does not belong to the certificate"):
        load_signer(Signing(issued.other_key, issued.lab_cert, None, None, None, ()))


_FACTORY_KEYS: list[Path] = []


def factory_signer() -> object:
    """A signer built by the laboratory's own code (as a PKCS#11 token's would be)."""
    from luxcheck.report.signing import LabSigner

    made = load_signer(Signing(_FACTORY_KEYS[0], _FACTORY_KEYS[1], None, None, None, ()))
    return LabSigner(made.signer, None, "factory")


def test_signer_factory(issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """SigningSetup's signer_factory ("module:function") replaces the key files: the way a
    hardware token's PKCS#11 signer is used. The reports it signs verify."""
    _FACTORY_KEYS[:] = [issued.lab_cert.with_suffix(".pem"), issued.lab_cert]
    store = CampaignStore.open(issued.campaign)
    try:
        setup = SigningSetup(
            Signing(None, None, None, None, None, ()),
            "测试实验室",
            signer_factory="tests.report.test_signing:factory_signer",
        )
        assert _render(store, tmp_path / "out", setup, False) == 1
    finally:
        store.close()
    code, out = _verify(capsys, tmp_path / "out" / f"{ROOM}.html", "--trust", str(issued.lab_cert))
    assert code == 0, out


def test_lab_profile_signer_field(issued: Issued, tmp_path: Path) -> None:
    """[signing] signer = "module:function" in the laboratory profile (how a key on a hardware
    token is used, through pyHanko's PKCS#11 signer) replaces the key files and signs; a module
    that cannot be imported, or a value that is no module:function, is bad input naming the
    profile and the field."""
    from luxcheck.errors import InputError
    from luxcheck.lab import LabProfile, load_lab_profile
    from luxcheck.report.signing import SigningSetup

    base = (Path(__file__).parents[2] / "luxcheck/data/demo-lab.toml").read_text("utf-8")
    profile = tmp_path / "lab.toml"

    def load(value: str) -> LabProfile:
        profile.write_text(f'{base}\n[signing]\nsigner = "{value}"\n', encoding="utf-8")
        return load_lab_profile(profile)

    _FACTORY_KEYS[:] = [issued.lab_cert.with_suffix(".pem"), issued.lab_cert]
    lab = load("tests.report.test_signing:factory_signer")
    setup = SigningSetup.from_lab(lab)
    assert setup is not None
    assert setup.signer().fingerprint == certificate_fingerprint(issued.lab_cert)
    with pytest.raises(InputError, match="no module 'mylab_token_absent'") as absent:
        load("mylab_token_absent:signer")
    assert absent.value.column == "signing.signer" and str(profile) in str(absent.value.source)
    with pytest.raises(InputError, match="expected module:function"):
        load("mylab_token")


# --------------------------------------------------------------------------- timestamps
def _tsa(folder: Path) -> tuple[Path, object]:
    """A timestamp authority's certificate (extended key usage timeStamping, RFC 3161 §2.3)
    and pyHanko's in-process TSA signing with it."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the test TSA is RSA
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "tsa.crt"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    return path, stamper


def test_timestamp_server_gives_pades_b_t(
    issued: Issued, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With timestamp_url set, the PDF signature carries an RFC 3161 signature timestamp (PAdES
    B-T) from the server (here pyHanko's test TSA behind an HTTP server on 127.0.0.1), and so
    does the HTML's CMS signature; both verify."""
    import http.server
    import threading

    from asn1crypto import cms, tsp
    from pyhanko.pdf_utils.reader import PdfFileReader

    tsa_cert, stamper = _tsa(tmp_path)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()  # type: ignore[attr-defined]
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        key = issued.lab_cert.with_suffix(".pem")
        signer = load_signer(Signing(key, issued.lab_cert, None, None, url, ()))
        unsigned = tmp_path / "unsigned.pdf"
        write_pdf(issued.html.read_text("utf-8"), issued.html, unsigned)
        signed = tmp_path / "R101.pdf"
        signed.write_bytes(signer.sign_pdf(unsigned.read_bytes(), reason="x", name="x"))
        cms_der = signer.sign_data(b"statement")
    finally:
        server.shutdown()
        server.server_close()
    signature = PdfFileReader(io.BytesIO(signed.read_bytes())).embedded_signatures[0]
    for signer_info in (
        signature.signer_info,
        cms.ContentInfo.load(cms_der)["content"]["signer_infos"][0],
    ):
        kinds = [a["type"].native for a in signer_info["unsigned_attrs"]]
        assert "signature_time_stamp_token" in kinds
    trust = ["--trust", str(issued.lab_cert), "--trust", str(tsa_cert)]
    code, out = _verify(capsys, signed, *trust)
    assert code == 0, out
