"""Tests of luxcheck.readers.spectra and the ``luxcheck analyse spectra`` command.

Sample files in tests/data/spectra/ are synthetic white LEDs of known CCT and illuminance
(see that folder's README). The real UPRtek and Sekonic exports shipped with colour-science
0.4.7 (``colour/io/tests/resources``) are read too, and checked against the values the meter
itself wrote into the file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import colour
import numpy as np
import pytest

from luxcheck.cli import analyse
from luxcheck.errors import InputError
from luxcheck.kernels import colorimetry
from luxcheck.readers import spectra as spectra_io
from luxcheck.vocabulary import METRICS
from tests.support.builders import skip_unless_required

DATA = Path(__file__).parents[1] / "data" / "spectra"
COLOUR_RESOURCES = Path(colour.__file__).parent / "io" / "tests" / "resources"

#: file → (format, number of spectra, illuminance [lx] per spectrum, CCT [K] per spectrum)
SAMPLES = {
    "generic_three_leds.csv": ("csv", 3, [500.0, 500.0, 500.0], [3000.0, 4000.0, 5000.0]),
    "uprtek_cv600_synthetic.xls": ("uprtek", 1, [650.0], [4000.0]),
    "sekonic_c7000_synthetic.csv": ("sekonic", 1, [300.0], [3500.0]),
    "asensetek_passport_synthetic.txt": ("asensetek", 2, [520.0, 480.0], [4000.0, 5000.0]),
    "hopoocolor_hp330_synthetic.csv": ("hopoocolor-hp330", 1, [400.0], [4500.0]),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_files_read_with_the_right_scale(name: str) -> None:
    """Each format is detected from its content and read in W/m²/nm, so the photopic integral
    gives back the illuminance the generator was scaled to (mW→W conversion for UPRtek and
    HP330, lux scaling for Asensetek), and the CCT the generator targeted (analytic)."""
    fmt, count, lux, cct = SAMPLES[name]
    path = DATA / name
    assert spectra_io.detect_format(path) == fmt
    data = spectra_io.read_spectra(path)
    assert data.format == fmt
    assert data.spd.shape == (count, data.wavelength_nm.size)
    assert data.wavelength_nm[0] == 380.0
    assert data.wavelength_nm[-1] == 780.0
    m = colorimetry.spectral_metrics(data.wavelength_nm, data.spd, tm30=False)
    np.testing.assert_allclose(m.cct_K, cct, atol=0.5)
    np.testing.assert_allclose(683.0 * m.Y, lux, rtol=2e-4)
    assert len(data.names) == count
    assert len(data.meter_values) == count


def test_sekonic_uses_the_one_nm_block() -> None:
    """A Sekonic export has 5 nm and 1 nm blocks; the finer one is read (layout of colour-science's
    Sekonic test file)."""
    data = spectra_io.read_spectra(DATA / "sekonic_c7000_synthetic.csv")
    assert np.all(np.diff(data.wavelength_nm) == 1.0)
    assert data.meter_values[0]["SSI1"] == "---"


@pytest.mark.parametrize(
    ("file", "fmt", "keys", "tol"),
    [
        # CV600: LUX 695.15, CCT 5198, CRI 92.957, R9 77.6 as written by the meter
        ("ESPD2021_0104_231446.xls", "uprtek", ("LUX", "CCT", "CRI", "R9"), (1e-3, 5, 0.1, 0.5)),
        # C-7000: 30.1 lx, Tcp 3262 K, Ra 87.5, R9 31.2 (to the meter's printed digits)
        (
            "RANDOM_001_02._3262K.csv",
            "sekonic",
            ("Illuminance [lx]", "Tcp [K]", "CRI Ra", "CRI R9"),
            (4e-3, 2, 0.1, 0.1),
        ),
    ],
)
def test_real_exports_match_the_meter(
    file: str, fmt: str, keys: tuple[str, ...], tol: tuple[float, ...]
) -> None:
    """colour-science's real UPRtek and Sekonic exports: our illuminance, CCT, Ra and R9 agree
    with the values the meter itself wrote into the file."""
    path = COLOUR_RESOURCES / file
    if not path.exists():
        skip_unless_required("colour-science test resources not installed")
    data = spectra_io.read_spectra(path)
    assert data.format == fmt
    meter = [float(data.meter_values[0][k]) for k in keys]
    m = colorimetry.spectral_metrics(data.wavelength_nm, data.spd)
    assert 683.0 * float(m.Y[0]) == pytest.approx(meter[0], rel=tol[0])
    assert float(m.cct_K[0]) == pytest.approx(meter[1], abs=tol[1])
    assert float(m.ra[0]) == pytest.approx(meter[2], abs=tol[2])
    assert float(m.ri[0, 8]) == pytest.approx(meter[3], abs=tol[3])


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


_CSV_ROWS = "\n".join(f"{w},{1.0 + w / 1000:.4f}" for w in range(380, 781, 5))


@pytest.mark.parametrize(
    ("name", "text", "match"),
    [
        (
            "a.csv",
            "wavelength_nm,s1\n" + _CSV_ROWS.replace("500,1.5000", "500,abc"),
            r"line 26, column 2: expected a number, got 'abc'",
        ),
        (
            "b.csv",
            "wavelength_nm,s1\n" + _CSV_ROWS.replace("500,1.5000", "500,1.5,2"),
            r"line 26: found 3 columns",
        ),
        (
            "c.csv",
            "wavelength_nm,s1\n" + _CSV_ROWS.replace("505,", "500,"),
            r"line 27: duplicate wavelength 500",
        ),
        ("d.csv", "just one column\n1\n2\n", r"line 1: expected a wavelength column"),
        ("e.csv", "# only comments\n", "holds no data"),
        (
            "e2.csv",
            "wavelength_nm,s1\n" + _CSV_ROWS.replace("500,1.5000", "500,nan"),
            r"line 26, column 2: expected a number, got 'nan'",
        ),
        ("e3.csv", "# unit: lux\nwavelength_nm,s1\n" + _CSV_ROWS, r"line 1: unknown unit 'lux'"),
        ("f.xls", "Model Name\tCV600\nLUX\t10\n", "no spectral lines"),
        (
            "g.xls",
            "Model Name\tCV600\n"
            + "\n".join(f"{w}nm\t0.1" for w in range(380, 400))
            + "\n400nm\tx\n",
            r"line 22, column 2",
        ),
        (
            "h.csv",
            "Date Saved,today\nSpectral Data 380[nm],oops\n",
            r"line 2, column 2: expected a number",
        ),
        ("i.txt", '{"data_points": [\n  {"lux": 5,\n}', r"i.txt, line 3.*invalid JSON"),
        (
            "j.txt",
            json.dumps(
                {"data_points": [{"spectrumPoints": [{str(w): 1} for w in range(380, 386)]}]}
            ),
            "'lux' must be a non-negative number",
        ),
        ("k.txt", '{"device_name": "x"}', "expected a 'data_points' list"),
        # numbers are ASCII decimal and nothing else (a full-width cell was read as a number
        # by the NumPy fast path of the CSV reader)
        (
            "fw.csv",
            "wavelength_nm,s1\n" + _CSV_ROWS.replace("500,1.5000", "500,１.5000"),
            r"line 26, column 2: expected a number, got '１.5000'",
        ),
        (
            "ar.csv",
            "wavelength_nm,s1\n" + _CSV_ROWS.replace("500,1.5000", "٥٠٠,1.5000"),
            r"line 26, column 1: expected a number, got '٥٠٠'",
        ),
        (
            "us.csv",
            "wavelength_nm,s1\n" + _CSV_ROWS.replace("500,1.5000", "500,1_5"),
            r"line 26, column 2: expected a number, got '1_5'",
        ),
        (
            "fw.xls",
            "Model Name\tCV600\n"
            + "\n".join(f"{w}nm\t0.1" for w in range(380, 400))
            + "\n４００nm\t0.1\n",
            r"line 22, column 1: expected a number, got '４００'",
        ),
        (
            "fw-sekonic.csv",
            "Date Saved,today\nSpectral Data 380[nm],0.1\nSpectral Data 381[nm],０.1\n",
            r"line 3, column 2: expected a number, got '０.1'",
        ),
        (
            "l.csv",
            b"HP330,S,401,380,780,0,0\n\x00\x00" + b"380(lm/nm),0.1\n",
            r"line 2: unknown spectral unit",
        ),
    ],
)
def test_malformed_files_name_file_and_line(
    tmp_path: Path, name: str, text: str | bytes, match: str
) -> None:
    """Malformed input of every format is an InputError naming the file and the line."""
    path = _write(tmp_path, name, text)
    with pytest.raises(InputError, match=match) as info:
        spectra_io.read_spectra(path)
    assert name in str(info.value)


def test_csv_without_header_and_with_semicolons(tmp_path: Path) -> None:
    """A header-less, semicolon-separated CSV is read; spectra are named by position."""
    rows = "\n".join(f"{w};{1.0};{2.0}" for w in range(380, 781, 10))
    data = spectra_io.read_spectra(_write(tmp_path, "plain.csv", rows))
    assert data.names == ("spectrum 1", "spectrum 2")
    np.testing.assert_array_equal(data.spd[1], 2.0)


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    """An unknown --format and a missing file are InputErrors, not tracebacks."""
    with pytest.raises(InputError, match="unknown spectra format"):
        spectra_io.read_spectra(DATA / "generic_three_leds.csv", format="everfine")
    with pytest.raises(InputError, match="cannot read file"):
        spectra_io.read_spectra(tmp_path / "absent.csv")


# ---------------------------------------------------------------------------------------------
# CLI: luxcheck analyse spectra FILE [--json]
# ---------------------------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    analyse.register(sub)
    args = parser.parse_args(["analyse", "spectra", *argv])
    return int(args.func(args))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_cli_json_uses_the_metric_vocabulary(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """``analyse spectra FILE --json`` reads all five formats and keys metrics by vocabulary ids,
    with null (never a number) for what cannot be computed."""
    assert _run([str(DATA / name), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    _, count, lux, cct = SAMPLES[name]
    assert len(report["spectra"]) == count
    for spectrum, cct_k in zip(report["spectra"], cct, strict=True):
        metrics = spectrum["metrics"]
        assert set(metrics) <= set(METRICS)
        assert metrics["cct_K"] == pytest.approx(cct_k, abs=0.5)
        assert {"cri_ra", "cri_r9", "tm30_rf", "blue_light_kbv_w_per_lm", "melanopic_der"} <= set(
            metrics
        )
    assert report["unit"] == "W/m2/nm"
    first = report["spectra"][0]
    assert first["illuminance_lx"] == pytest.approx(lux[0], rel=2e-4)
    mel = first["metrics"]["melanopic_edi_lx"]
    assert mel == pytest.approx(first["metrics"]["melanopic_der"] * lux[0], rel=2e-4)


def test_cli_board_luminaire_keys_the_blackboard_lamp_ids(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``--luminaire board``: the same spectra give the same numbers keyed by the blackboard-lamp
    ids of the metric table (board_cct_K, board_cri_r9, ...), and the general-only ids are left
    out (issue 20 item 4; the one spectrum → metrics function)."""
    path = str(DATA / "generic_three_leds.csv")
    assert _run([path, "--json"]) == 0
    general = json.loads(capsys.readouterr().out)
    assert _run([path, "--json", "--luminaire", "board"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert board["luminaire"] == "board"
    for g, b in zip(general["spectra"], board["spectra"], strict=True):
        assert set(b["metrics"]) == {
            "board_cct_K",
            "board_duv",
            "board_cri_ra",
            "board_cri_r9",
            "board_blue_light_kbv_w_per_lm",
        }
        for board_id, value in b["metrics"].items():
            assert value == g["metrics"][board_id.removeprefix("board_")]
    assert _run([path, "--luminaire", "board"]) == 0
    table = capsys.readouterr().out
    assert "n/a" in table  # TM-30 and mel-DER are general-lighting quantities
    first = board["spectra"][0]["metrics"]
    assert f"{first['board_cct_K']:.0f}" in table


def test_relative_csv_has_no_illuminance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV without a declared unit is relative: illuminance and mel-EDI are null (not a
    number), with the reason; --csv-unit declares the unit and brings them back."""
    text = (DATA / "generic_three_leds.csv").read_text().replace("# unit: W/m2/nm\n", "")
    path = _write(tmp_path, "relative.csv", text)
    assert _run([str(path), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["spectra"][0]
    assert first["illuminance_lx"] is None
    assert first["metrics"]["melanopic_edi_lx"] is None
    assert "melanopic_edi_lx" in first["reasons"]
    assert _run([str(path), "--json", "--csv-unit", "mW/m2/nm"]) == 0
    first = json.loads(capsys.readouterr().out)["spectra"][0]
    assert first["illuminance_lx"] == pytest.approx(0.5, rel=2e-4)  # 500 lx read as mW → 0.5 lx


def test_cli_table_and_reasons(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The default output is a readable table; an off-locus spectrum shows n/a and the reason."""
    wl = np.arange(380, 781, 5)
    red = np.exp(-0.5 * ((wl - 630) / 8) ** 2)
    path = _write(
        tmp_path,
        "red.csv",
        "nm,red\n" + "\n".join(f"{w},{v:.6g}" for w, v in zip(wl, red, strict=True)),
    )
    assert _run([str(path)]) == 0
    out = capsys.readouterr().out
    assert "CCT (K)" in out
    assert "Ra" in out
    assert "n/a" in out
    assert "outside 1000-25000 K" in out


def test_cli_bad_file_is_exit_2(tmp_path: Path) -> None:
    """A malformed file reaches the command line as an InputError (exit code 2)."""
    path = _write(tmp_path, "bad.csv", "nm,s\n380,1\n380,2\n")
    with pytest.raises(InputError) as info:
        _run([str(path)])
    assert info.value.exit_code == 2
