"""Tests of luxcheck.readers.waveform (waveform CSV reader) and ``luxcheck analyse waveform``.

Formats per yeutterg/beautiful-flicker's CSVs/Example_Waveform.csv (oscilloscope CSV: seconds and
volts, with or without header); the files in tests/data/waveforms are synthetic
(luxcheck.demo.synth_waveforms constructions).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from luxcheck.cli import analyse, analyse_waveform
from luxcheck.errors import InputError
from luxcheck.readers.waveform import read_waveform_csv

DATA = Path(__file__).parents[1] / "data" / "waveforms"


def test_scope_file_with_header() -> None:
    """Generic waveform CSV: 'time,value' with a header line and a comment → 10 kHz, 500 samples."""
    w = read_waveform_csv(DATA / "scope_header_100hz.csv")
    assert w.sample_rate_hz == pytest.approx(10000.0, rel=1e-9)
    assert w.samples.size == 500
    assert w.duration_s == pytest.approx(0.05)
    assert w.samples[0] == pytest.approx(2.0)


def test_scope_file_without_header_negative_start() -> None:
    """beautiful-flicker Example_Waveform.csv layout: oscilloscope export without header, starting
    at −0.05 s, time stamps printed to 0.1 ms → 2 kHz and the start time kept."""
    w = read_waveform_csv(DATA / "scope_noheader_pwm.csv")
    assert w.sample_rate_hz == pytest.approx(2000.0, rel=1e-9)
    assert w.start_s == pytest.approx(-0.05)
    assert set(np.unique(w.samples)) == {0.0, 1.5}


def test_value_only_needs_rate() -> None:
    """A value-only file needs the sampling rate; with it, the values are read as they are."""
    with pytest.raises(InputError, match="--sample-rate"):
        read_waveform_csv(DATA / "values_only.csv")
    w = read_waveform_csv(DATA / "values_only.csv", sample_rate_hz=10000.0)
    assert w.samples.size == 200
    assert w.sample_rate_hz == 10000.0


def test_bad_value_names_line_and_column() -> None:
    """Bad input: a non-numeric value is an InputError naming file, line 9 and column 2."""
    with pytest.raises(InputError) as info:
        read_waveform_csv(DATA / "bad_value.csv")
    err = info.value
    assert err.line == 9
    assert err.column == 2
    assert "bad_value.csv" in str(err)
    assert "'abc' is not a number" in str(err)


def test_gap_in_time_is_non_uniform() -> None:
    """Bad input: two missing samples make the time steps non-uniform → InputError."""
    with pytest.raises(InputError, match="non-uniform time steps"):
        read_waveform_csv(DATA / "gap_in_time.csv")


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("0.0,1\n0.001,2\n0.001,3\n0.002,4\n", 3, "does not increase"),  # repeated time
        ("0.0,1\n0.001,2,5\n", 2, "expected 2 like the first data line"),  # extra field
        ("time,value\n0.0,1\n0.001,\n", 3, "expected 2"),  # missing value
    ],
)
def test_bad_lines_are_named(tmp_path: Path, content: str, line: int, message: str) -> None:
    """Bad input: a repeated time stamp, a changing number of fields or a missing value is an
    InputError naming its line."""
    p = tmp_path / "bad.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        read_waveform_csv(p)
    assert info.value.line == line


def test_rate_disagreeing_with_time_column() -> None:
    """Bad input: --sample-rate that contradicts the time column is refused, not preferred."""
    with pytest.raises(InputError, match="disagrees"):
        read_waveform_csv(DATA / "scope_header_100hz.csv", sample_rate_hz=5000.0)


def test_non_finite_and_missing_file(tmp_path: Path) -> None:
    """Bad input: 'nan' values and an unreadable file are InputErrors naming the file."""
    p = tmp_path / "nan.csv"
    p.write_text("0.0,1\n0.001,nan\n", encoding="utf-8")
    with pytest.raises(InputError, match="finite"):
        read_waveform_csv(p)
    with pytest.raises(InputError, match="cannot read"):
        read_waveform_csv(tmp_path / "missing.csv")


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    analyse_waveform.add_arguments(parser)
    return analyse_waveform.run(parser.parse_args(argv))


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    """CLI: --json keys the metrics by id (luxcheck.vocabulary), carries sample rate and record
    length, and gives the reason of each metric the 50 ms record cannot support."""
    assert _run([str(DATA / "scope_header_100hz.csv"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sample_rate_hz"] == pytest.approx(10000.0)
    assert doc["record_length_s"] == pytest.approx(0.05)
    m = doc["metrics"]
    assert m["flicker_frequency_hz"] == pytest.approx(100.0, abs=0.01)
    assert m["flicker_percent"] == pytest.approx(20.0, rel=1e-4)
    assert m["flicker_index"] == pytest.approx(0.2 / np.pi, rel=1e-3)
    assert m["flicker_ieee1789_class"] == "high-risk"
    assert m["flicker_svm"] is None
    assert doc["reasons"]["flicker_svm"] == "record 0.05 s < 1 s required"
    assert doc["reasons"]["flicker_pst_lm"] == "record 0.05 s < 20 s required"


def test_cli_table_and_dispatch(capsys: pytest.CaptureFixture[str]) -> None:
    """CLI: 'luxcheck analyse waveform FILE --sample-rate HZ' routes through the analyse
    dispatcher and prints a readable table with the sampling rate and the reasons."""
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    analyse.register(sub)
    args = parser.parse_args(
        ["analyse", "waveform", str(DATA / "values_only.csv"), "--sample-rate", "10000"]
    )
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "sample rate     10000 Hz" in out
    assert "record length   0.02 s (200 samples)" in out
    assert "Percent flicker (modulation depth)" in out
    assert "not measured  (sampling" not in out  # 10 kHz is enough for SVM ...
    assert "not measured  (record 0.02 s < 1 s required)" in out  # ... but 0.02 s is not


def test_cli_reports_clipping(capsys: pytest.CaptureFixture[str]) -> None:
    """CLI: --full-scale at the waveform's peak flags clipping; shape metrics become null with
    the reason, the frequency stays."""
    assert _run([str(DATA / "scope_noheader_pwm.csv"), "--json", "--full-scale", "1.5"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["clipped"] is True
    assert doc["metrics"]["flicker_percent"] is None
    assert doc["reasons"]["flicker_percent"] == "clipped: samples at full scale 1.5"
    assert doc["metrics"]["flicker_frequency_hz"] == pytest.approx(250.0, abs=0.01)


@pytest.mark.parametrize(
    ("content", "line", "column", "shown"),
    [
        ("time,value\n0.0,1\n0.001,２\n0.002,3\n", 3, 2, "'２'"),  # full-width
        ("0.0,1\n0.001,2\n0.00٢,3\n", 3, 1, "'0.00٢'"),  # Arabic-Indic
        ("0.0,1\n0.001,2_0\n0.002,3\n", 2, 2, "'2_0'"),  # Python's digit grouping
    ],
)
def test_numbers_other_than_ascii_decimal_refused(
    tmp_path: Path, content: str, line: int, column: int, shown: str
) -> None:
    """Numbers are ASCII decimal and nothing else: the cell is refused with its line."""
    p = tmp_path / "wide.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match="is not a number") as info:
        read_waveform_csv(p)
    assert (info.value.line, info.value.column) == (line, column)
    assert shown in str(info.value)
    assert "wide.csv" in str(info.value)


# --------------------------------------------------------------------------- robustness issue
def _write(tmp_path: Path, t: np.ndarray, v: np.ndarray, fmt: str = "{:.9f}") -> Path:
    p = tmp_path / "wave.csv"
    p.write_text(
        "".join(f"{fmt.format(a)},{float(b)!r}\n" for a, b in zip(t, v, strict=True)),
        encoding="utf-8",
    )
    return p


def test_jittered_time_stamps_refused_with_line_and_spread(tmp_path: Path) -> None:
    """Sampling with a ±20 % jitter per stamp stayed under the 0.5-step gap check: accepted."""
    n = 400
    t = np.arange(n) / 10_000.0
    t[137] += 0.2e-4  # 0.2 steps late
    p = _write(tmp_path, t, np.ones(n))
    with pytest.raises(InputError) as info:
        read_waveform_csv(p)
    assert info.value.line == 138
    assert "jittered time stamps: sample at 0.01372 s is 0.2 steps off" in str(info.value)
    assert "a spread of 0.4 steps" in str(info.value)


def test_stamps_rounded_to_their_printed_digits_are_accepted(tmp_path: Path) -> None:
    t = np.arange(300) / 3000.0  # 0.000333… printed with 5 decimals: ±0.015 steps of rounding
    wave = read_waveform_csv(_write(tmp_path, t, np.ones(300), "{:.5f}"))
    assert wave.sample_rate_hz == pytest.approx(3000.0, rel=1e-4)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("value", ["1e308", "-1.7e308", "1e151"])
def test_huge_values_refused_without_overflow(tmp_path: Path, value: str) -> None:
    p = tmp_path / "huge.csv"
    p.write_text(f"0.0,1\n0.001,{value}\n0.002,1\n", encoding="utf-8")
    with pytest.raises(InputError, match="too large to analyse") as info:
        read_waveform_csv(p)
    assert (info.value.line, info.value.column) == (2, 2)


@pytest.mark.parametrize("rate", [float("nan"), float("inf"), -5.0, 0.0])
def test_bad_sample_rate_refused_for_every_layout(tmp_path: Path, rate: float) -> None:
    """nan was accepted silently for a time-column file (nan compares false)."""
    p = tmp_path / "w.csv"
    p.write_text("0.0,1\n0.001,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="expected a positive, finite number of Hz") as info:
        read_waveform_csv(p, sample_rate_hz=rate)
    assert info.value.source == "--sample-rate"


def test_messages_print_numbers_plainly(tmp_path: Path) -> None:
    p = tmp_path / "w.csv"
    p.write_text("0.0,1\n0.001,2\n0.0,3\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_waveform_csv(p)
    assert "time 0.0 s does not increase (previous 0.001 s)" in str(info.value)
    assert "np." not in str(info.value)
