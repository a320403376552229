"""No input ends in a traceback (robustness issue, item 7).

A corpus of malformed inputs runs through the command line, in-process (``luxcheck.cli.main``)
and, for a few, as subprocesses: every case exits 2 with a message naming the file, line or
field where there is one (or 0 with a correct result), and never prints a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luxcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
WAVEFORMS = ROOT / "tests" / "data" / "waveforms"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr); any exception but a
    SystemExit (argparse's usage errors) fails the test."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], *where: str) -> str:
    code, _, err = run(argv, capsys)
    assert code == 2, err
    assert err.strip(), "a refusal says why"
    for text in where:
        assert text in err, (text, err)
    return err


# --------------------------------------------------------------------------- import folders
def _folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "folder"
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


CAMPAIGN = "campaign_id,name\nC1,测试\n".encode()


@pytest.mark.parametrize(
    ("name", "data", "where"),
    [
        ("campaign.csv", b"", "campaign.csv, line 1"),
        ("campaign.csv", b"\x00\x01\xff\xfe\x80garbage\x00" * 40, "campaign.csv, line 1"),
        ("schools.csv", b"school_id,name\n" + b"x" * 3_000_000, "schools.csv, line 2"),
        ("schools.csv", b"school_id,name\nS1," + b"y" * 200_000 + b"\n", "schools.csv, line 2"),
        ("schools.csv", b"school_id,name\nS1\x00,n\n", "schools.csv, line 2"),
        ("illuminance.csv", b"\xef\xbb\xbf", "illuminance.csv, line 1"),
    ],
)
def test_malformed_import_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, where: str
) -> None:
    files = {"campaign.csv": CAMPAIGN, name: data}
    folder = _folder(tmp_path, files)
    target = tmp_path / "c.lux"
    refused(["campaign", "import", str(folder), "--into", str(target)], capsys, where)
    assert not target.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400), name=st.sampled_from(["schools.csv", "sessions.csv"]))
def test_random_bytes_as_a_csv_file_never_a_traceback(
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    data: bytes,
    name: str,
) -> None:
    tmp = tmp_path_factory.mktemp("random")
    folder = _folder(tmp, {"campaign.csv": CAMPAIGN, name: data})
    code, _, err = run(["campaign", "import", str(folder), "--into", str(tmp / "c.lux")], capsys)
    assert code in (0, 2), err
    if code == 2:
        assert str(folder) in err


# --------------------------------------------------------------------------- spectra files
def _spectra(tmp_path: Path, rows: list[tuple[float, float]]) -> Path:
    p = tmp_path / "spectra.csv"
    p.write_text("wavelength_nm,s1\n" + "".join(f"{w!r},{v!r}\n" for w, v in rows))
    return p


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ([(550.0, 1.0)], "spectra.csv"),
        ([(380.0 + 5 * i, 1.0) for i in range(81)][::-1], "spectra.csv"),
        ([(380.0 + 5 * (i // 2), 1.0) for i in range(162)], "spectra.csv"),
        ([], "spectra.csv"),
    ],
    ids=["one-row", "unsorted", "duplicates", "header-only"],
)
def test_malformed_spectra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[tuple[float, float]], where: str
) -> None:
    refused(["analyse", "spectra", str(_spectra(tmp_path, rows))], capsys, where)


def test_spectrum_at_0_01_nm_steps_is_refused_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """40 001 samples took more than 20 GB (the 1 nm resampling matrices grow with the square
    of the input) and the process was killed."""
    rows = [(380.0 + i / 100, 1.0) for i in range(40_001)]
    refused(
        ["analyse", "spectra", str(_spectra(tmp_path, rows))],
        capsys,
        "spectra.csv, line 2003: more than 2001 wavelengths",
        "export the spectrum at 1 nm steps",
    )


def test_spectrum_at_0_2_nm_steps_is_analysed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [(380.0 + i / 5, 1.0 + i / 2000) for i in range(2001)]
    code, out, err = run(["analyse", "spectra", str(_spectra(tmp_path, rows)), "--json"], capsys)
    assert code == 0, err
    assert '"cct_K"' in out


_RSS_PROBE = textwrap.dedent(
    """
    import resource, sys
    from luxcheck.cli import main
    code = main(sys.argv[1:])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"PEAK_MB {peak_mb:.0f}", file=sys.stderr)
    sys.exit(code)
    """
)


def test_a_million_row_spectrum_in_bounded_memory(tmp_path: Path) -> None:
    p = tmp_path / "million.csv"
    with p.open("w") as handle:
        handle.write("wavelength_nm,s1\n")
        handle.writelines(f"{380 + i * 0.0004:.4f},1.0\n" for i in range(1_000_000))
    done = subprocess.run(
        [sys.executable, "-c", _RSS_PROBE, "analyse", "spectra", str(p), "--no-tm30"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, 2), done.stderr
    if done.returncode == 2:
        assert str(p) in done.stderr
    peak = float(done.stderr.rsplit("PEAK_MB", 1)[1].split()[0])
    assert peak < 800, f"peak RSS {peak:.0f} MB"


# --------------------------------------------------------------------------- waveform files
@pytest.mark.parametrize(
    ("content", "argv", "where"),
    [
        ("time,value\n", [], "wave.csv"),
        ("1.0\n2.0\n3.0\n", [], "--sample-rate"),
        ("1.0\n2.0\n3.0\n", ["--sample-rate", "nan"], "--sample-rate"),
        ("1.0\n2.0\n3.0\n", ["--sample-rate", "-1"], "--sample-rate"),
        ("0,1\n0.001,1\n", ["--sample-rate", "inf"], "--sample-rate"),
        ("0,1\n0.001,1e308\n0.002,1\n", [], "wave.csv, line 2, column 2"),
        ("t;v\n0;1\n0.001;x\n", [], "wave.csv, line 3, column 2"),
        ("\x00\x01\x02", [], "wave.csv"),
    ],
)
def test_malformed_waveforms(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, argv: list[str], where: str
) -> None:
    p = tmp_path / "wave.csv"
    p.write_text(content, encoding="utf-8")
    refused(["analyse", "waveform", str(p), *argv], capsys, where)


@pytest.mark.parametrize("name", ["scope_header_100hz.csv", "gap_in_time.csv"])
def test_waveform_files_with_and_without_header(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, _, err = run(["analyse", "waveform", str(WAVEFORMS / name)], capsys)
    assert code in (0, 2), err
    if code == 2:
        assert name in err


def test_binary_waveform_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "wave.bin"
    p.write_bytes(bytes(range(256)) * 8)
    refused(["analyse", "waveform", str(p)], capsys, "wave.bin")


# --------------------------------------------------------------------------- argument values
@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["demo", "--classrooms", "-1"], "--classrooms"),
        (["demo", "--classrooms", "0"], "--classrooms"),
        (["demo", "--seed", "inf"], "--seed"),
        (["demo", "--jobs", "0"], "--jobs"),
        (["report", "{lux}", "--out", "{tmp}/r", "--jobs", "-1"], "--jobs"),
        (["analyse", "{lux}", "--jobs", "0"], "--jobs"),
        (
            ["meter", "read", "--model", "t-10a", "--port", "emu://t-10a", "--timeout", "nan"],
            "--timeout",
        ),
        (
            ["meter", "read", "--model", "t-10a", "--port", "emu://t-10a", "--timeout", "-1"],
            "--timeout",
        ),
        (
            ["measure", "{lux}", "--classroom", "R101", "--inspector", "x", "--timeout", "nan"],
            "--timeout",
        ),
        (["measure", "{lux}", "--classroom", "", "--inspector", "x"], "--classroom"),
        (["campaign", "init", "{tmp}/n.lux", "--id", "", "--name", "x"], "campaign_id"),
        (
            [
                "analyse",
                "waveform",
                str(WAVEFORMS / "scope_header_100hz.csv"),
                "--dark-level",
                "nan",
            ],
            "--dark-level",
        ),
        (
            [
                "analyse",
                "waveform",
                str(WAVEFORMS / "scope_header_100hz.csv"),
                "--dark-level",
                "４５",  # full-width digits: float() takes them, the ASCII grammar does not
            ],
            "--dark-level",
        ),
        (
            [
                "analyse",
                "waveform",
                str(WAVEFORMS / "scope_header_100hz.csv"),
                "--sample-rate",
                "0",
            ],
            "--sample-rate",
        ),
        (["demo", "--classrooms", "1_0"], "--classrooms"),
        (["demo", "--classrooms", "٣"], "--classrooms"),
        (
            [
                "analyse",
                "waveform",
                str(WAVEFORMS / "scope_header_100hz.csv"),
                "--full-scale",
                "-inf",
            ],
            "--full-scale",
        ),
    ],
)
def test_bad_argument_values(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], where: str
) -> None:
    lux = _campaign(tmp_path)
    argv = [a.format(lux=lux, tmp=tmp_path) for a in argv]
    refused(argv, capsys, where)


def _campaign(tmp_path: Path) -> Path:
    lux = tmp_path / "c.lux"
    if not lux.exists():
        assert main(["campaign", "init", str(lux), "--id", "C1", "--name", "测试"]) == 0
    return lux


# --------------------------------------------------------------------------- output paths
@pytest.mark.parametrize(
    "argv",
    [
        ["report", "{lux}", "--out", "{file}"],
        ["campaign", "export", "{lux}", "--out", "{file}"],
        ["demo", "--classrooms", "2", "--no-reports", "--no-pty", "--out", "{file}"],
    ],
    ids=["report", "export", "demo"],
)
def test_out_that_is_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    lux = _campaign(tmp_path)
    existing = tmp_path / "existing.txt"
    existing.write_text("keep me", encoding="utf-8")
    argv = [a.format(lux=lux, file=existing) for a in argv]
    capsys.readouterr()
    refused(argv, capsys, str(existing))
    assert existing.read_text(encoding="utf-8") == "keep me"


# --------------------------------------------------------------------------- standards, stores
@pytest.mark.parametrize("data", [b"\x00\xff garbage", b"[pack\nid = 3\n", b"limits = [[[\n", b""])
def test_standards_pack_with_garbage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    pack = tmp_path / "pack.toml"
    pack.write_bytes(data)
    refused(["standards", "validate", str(pack)], capsys, "pack.toml")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "pack.toml").write_bytes(data)
    refused(["standards", "--standards-dir", str(tmp_path / "dir"), "list"], capsys, "pack.toml")


@pytest.mark.parametrize(
    "make",
    [
        lambda p: p.write_bytes(b"PK\x03\x04 a zip, not a campaign" * 50),
        lambda p: p.write_bytes(b""),
        lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84),
        lambda p: p.mkdir(),
    ],
    ids=["zip", "empty", "header-only", "folder"],
)
def test_campaign_file_that_is_not_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: Callable[[Path], object]
) -> None:
    p = tmp_path / "x.lux"
    make(p)
    refused(["analyse", str(p)], capsys, str(p))
    refused(["campaign", "export", str(p), "--out", str(tmp_path / "e")], capsys, str(p))


def test_subprocess_runs_print_no_traceback(tmp_path: Path) -> None:
    """The installed command, as an inspector runs it."""
    notes = tmp_path / "notes.lux"
    notes.write_text("not a campaign\n", encoding="utf-8")
    wave = tmp_path / "w.csv"
    wave.write_text("0,1\n0.001,1e308\n", encoding="utf-8")
    for argv in (
        ["report", str(notes), "--out", str(tmp_path / "r")],
        ["analyse", "waveform", str(wave)],
        ["demo", "--classrooms", "-1", "--out", str(tmp_path / "d")],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "luxcheck", *argv],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
        assert done.returncode == 2, (argv, done.stderr)
        assert "Traceback" not in done.stderr
        assert done.stderr.startswith("luxcheck: error:") or "usage:" in done.stderr
