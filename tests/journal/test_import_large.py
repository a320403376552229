"""The fast (chunked, fixed-width) reader of the long-format files keeps issue 19's strict rules:
a malformed cell anywhere in a file of many chunks is reported by the row reader at its true
line, with its field and what was expected (exit 2), and nothing is written; cells the fast
path cannot hold (a long reading id, non-ASCII ids) still import, by the exact reader.

Oracle: the ASCII number grammar of :mod:`luxcheck.numbers` (issue 19) and the layout's line
numbering (header = line 1), counted here from the file as written.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from luxcheck.cli import main
from luxcheck.journal import csv_read
from luxcheck.journal.exchange import export_folder, import_folder
from luxcheck.journal.store import CampaignStore
from luxcheck.model import Campaign
from tests.journal.test_exchange import _campaign_with_waveforms, snapshot

_WAVEFORMS = {
    "W-a": np.arange(400, dtype=np.uint16),
    "W-b": (np.arange(300, dtype=np.uint16) * 7) % 4096,
    "W-c": np.linspace(0.0, 1.0, 250),
}


def _export(tmp_path: Path, waveforms: dict[str, np.ndarray]) -> Path:
    with _campaign_with_waveforms(tmp_path / "a.lux", waveforms) as a:
        export_folder(a, tmp_path / "x")
    return tmp_path / "x" / "waveform_samples.csv"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("4_50", "expected a number like 12.5, got '4_50'"),
        ("４５０", "expected a number like 12.5, got '４５０'"),
        ("٤٥٠", "expected a number like 12.5, got '٤٥٠'"),
        ("nan", "expected a finite number like 12.5, got 'nan'"),
        ("1e999", "expected a finite number like 12.5, got '1e999'"),
    ],
    ids=["underscore", "full-width", "arabic-indic", "nan", "overflow"],
)
def test_malformed_value_deep_in_a_many_chunk_file_is_located(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    bad: str,
    expected: str,
) -> None:
    """A bad sample value on line 601 of a file read in 13 chunks of 53 rows: exit 2, file, true
    line, column and the expected form; no campaign file is left behind."""
    monkeypatch.setattr(csv_read, "CHUNK_ROWS", 53)
    samples = _export(tmp_path, _WAVEFORMS)
    lines = samples.read_text(encoding="utf-8").splitlines()
    rid, index, _ = lines[600].split(",")
    lines[600] = f"{rid},{index},{bad}"
    samples.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "n.lux"
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(target)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "waveform_samples.csv, line 601, column value" in err
    assert expected in err
    assert not target.exists()


def test_sample_index_out_of_order_deep_in_the_file_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index written as '+12' (accepted by a C integer parser, not by the layout: indices
    are written as Python writes them) on line 415: the row reader's message at that line, and
    an existing campaign is left unchanged (one transaction)."""
    monkeypatch.setattr(csv_read, "CHUNK_ROWS", 40)
    samples = _export(tmp_path, _WAVEFORMS)
    text = samples.read_text(encoding="utf-8").splitlines()
    rid, index, value = text[414].split(",")
    text[414] = f"{rid},+{index},{value}"
    samples.write_text("\n".join(text) + "\n", encoding="utf-8")
    target = tmp_path / "n.lux"
    with CampaignStore.create(target, Campaign("C1", "x")) as store:
        before = snapshot(store)
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(target)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "waveform_samples.csv, line 415, column index" in err
    assert f"expected {index}, got '+{index}'" in err
    with CampaignStore.open(target) as store:
        assert snapshot(store) == before


@pytest.mark.parametrize("bom", [False, True], ids=["ascii", "utf-8-bom"])
def test_files_the_fast_path_reads_differently_still_import_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bom: bool
) -> None:
    """A reading id of the longest length the model allows (64 characters) and a file saved
    with a UTF-8 byte-order mark (not ASCII: ids are read as a pandas category): the samples
    come back unchanged, in their dtype, across chunk borders, and by the fast reader."""
    monkeypatch.setattr(csv_read, "CHUNK_ROWS", 31)
    longest = "W" + "x" * 63
    waveforms = {longest: np.arange(100, dtype=np.uint16) * 3, "W-2": np.arange(77, dtype=np.int16)}
    with _campaign_with_waveforms(tmp_path / "a.lux", waveforms) as a:
        export_folder(a, tmp_path / "x")
        want = snapshot(a)
    samples = tmp_path / "x" / "waveform_samples.csv"
    if bom:
        samples.write_bytes(b"\xef\xbb\xbf" + samples.read_bytes())
    monkeypatch.setattr(csv_read, "_long_arrays_by_row", None)  # the fast reader must do it
    with CampaignStore.create(tmp_path / "b.lux", Campaign("C1", "x")) as b:
        import_folder(b, tmp_path / "x")
        assert snapshot(b) == want
