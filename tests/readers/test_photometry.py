"""Tests of luxcheck.readers.photometry: EULUMDAT and IES LM-63 readers."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from luxcheck.errors import InputError
from luxcheck.readers.photometry import read_ies, read_ldt, read_photometry

DATA = Path(__file__).parents[1] / "data" / "photometry"
LDT = DATA / "cie190_example.ldt"


def test_ldt_header_and_table() -> None:
    """CIE 190 example luminaire: Isym 4, 7 stored planes × 37 angles, 1000 lm, 1000 × 316 mm."""
    ph = read_ldt(LDT)
    assert ph.symmetry == "quadrant"
    assert ph.c_angles_deg.tolist() == [0, 15, 30, 45, 60, 75, 90]
    assert ph.gamma_angles_deg.size == 37
    assert ph.lamp_flux_lm == 1000.0
    assert ph.input_power_w == 10.0
    assert ph.luminous_length_m == pytest.approx(1.0)
    assert ph.luminous_width_m == pytest.approx(0.316)
    assert ph.length_axis_c_deg == 90.0
    # cd/klm × 1 klm
    assert float(ph.intensity_at(0.0, 0.0)) == 264.0
    assert float(ph.intensity_at(90.0, 45.0)) == 184.0


@pytest.mark.parametrize(
    ("c", "g", "luminance", "area"),
    [
        (0.0, 0.0, 835.443038, 0.316),
        (0.0, 45.0, 608.6488749, 0.2234457429),
        (12.0, 45.0, 605.0685874, 0.2234457429),
        (30.0, 65.0, 441.7908019, 0.1335473707),
        (90.0, 45.0, 823.4661249, 0.2234457429),
        (200.0, 65.0, 421.8228561, 0.1335473707),
        (352.5, 85.0, 508.3290678, 0.02754121471),
    ],
)
def test_luminance_matches_eulumdat_luminance(
    c: float, g: float, luminance: float, area: float
) -> None:
    """eulumdat-luminance 1.3.1 samples (eulumdat-core fixtures ugr/reference/luminance_11)."""
    ph = read_ldt(LDT)
    assert float(ph.projected_area_m2(c, g)) == pytest.approx(area, rel=1e-8)
    assert float(ph.intensity_at(c, g) / ph.projected_area_m2(c, g)) == pytest.approx(
        luminance, rel=1e-8
    )


def test_quadrant_symmetry_folds_all_quadrants() -> None:
    """Isym 4: I(C) = I(180 − C) = I(180 + C) = I(360 − C)."""
    ph = read_ldt(LDT)
    c = np.array([10.0, 37.5, 80.0])
    g = np.array([30.0, 55.0, 72.5])
    base = ph.intensity_at(c, g)
    for other in (180 - c, 180 + c, 360 - c):
        np.testing.assert_allclose(ph.intensity_at(other, g), base)


def test_zonal_flux_matches_declared_light_output_ratio() -> None:
    """The 10° midpoint integral gives the file's LORL 64.97 % of 1000 lm within 1 % (CIE 190)."""
    ph = read_ldt(LDT)
    assert ph.zonal_flux_lm().sum() == pytest.approx(649.7, rel=0.01)


def test_ies_lambertian_disc() -> None:
    """Analytic: I = 1000 cd·cos γ emits π·1000 lm; LM-63-2002 negative width = circular."""
    ph = read_ies(DATA / "downlight.ies")
    assert ph.symmetry == "rotational"
    assert ph.name == "Lambertian disc 1000 cd"
    assert ph.lamp_flux_lm is None
    assert ph.input_power_w == 12.5
    assert ph.luminous_length_m == pytest.approx(0.2)
    assert ph.luminous_width_m == 0.0
    assert float(ph.intensity_at(123.0, 60.0)) == pytest.approx(500.0, rel=1e-4)
    assert float(ph.intensity_at(0.0, 120.0)) == 0.0
    assert ph.zonal_flux_lm(5.0).sum() == pytest.approx(math.pi * 1000, rel=0.002)


def test_ies_tilt_include_multipliers_and_units() -> None:
    """LM-63-1991 file: TILT=INCLUDE skipped; candela × multiplier 2 × ballast factor 0.9."""
    ph = read_ies(DATA / "quadrant.ies")
    assert ph.symmetry == "quadrant"
    assert ph.name == "QUAD-1"
    assert ph.lamp_flux_lm == 3000.0
    assert float(ph.intensity_at(0.0, 0.0)) == pytest.approx(180.0)
    assert float(ph.intensity_at(135.0, 30.0)) == pytest.approx(85 * 1.8)
    assert float(ph.intensity_at(270.0, 60.0)) == pytest.approx(40 * 1.8)
    assert (ph.luminous_width_m, ph.luminous_length_m) == (0.3, 1.2)
    assert ph.length_axis_c_deg == 0.0


def test_read_photometry_by_suffix(tmp_path: Path) -> None:
    """Dispatch by suffix; anything else is refused."""
    assert read_photometry(LDT).symmetry == "quadrant"
    assert read_photometry(DATA / "downlight.ies").symmetry == "rotational"
    with pytest.raises(InputError, match=r"expected \.ldt"):
        read_photometry(tmp_path / "lamp.xml")


def _broken_ldt(tmp_path: Path, line: int, text: str | None) -> Path:
    lines = LDT.read_text().splitlines()
    if text is None:
        del lines[line - 1 :]
    else:
        lines[line - 1] = text
    path = tmp_path / "broken.ldt"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("line", "text", "message"),
    [
        (24, "one", r"line 24: conversion factor CFLI: expected a number, got 'one'"),
        (24, "１", r"line 24: conversion factor CFLI: expected a number, got '１'"),
        (24, "1_0", r"line 24: conversion factor CFLI: expected a number, got '1_0'"),
        (3, "7", r"line 3: symmetry indicator Isym: expected 0–4, got 7"),
        (29, "-5", r"line 29: total luminous flux of lamps: expected > 0 lm"),
        (120, None, r"line 120: C angle 24|gamma angle|ends early"),
        (300, "-3", r"line 300: intensity 197 of 259: expected ≥ 0 cd/klm"),
        (45, "10", r"line 43: C angles: angles must increase strictly"),
    ],
)
def test_ldt_errors_name_line_and_field(
    tmp_path: Path, line: int, text: str | None, message: str
) -> None:
    """Malformed EULUMDAT: InputError with the file, the 1-based line and the field."""
    path = _broken_ldt(tmp_path, line, text)
    with pytest.raises(InputError, match=message) as info:
        read_ldt(path)
    assert str(path) in str(info.value)


def test_ldt_decimal_comma_and_extra_data(tmp_path: Path) -> None:
    """EULUMDAT variant: "64,97" is read as 64.97; data after the table is refused."""
    path = _broken_ldt(tmp_path, 23, "64,97")
    assert read_ldt(path).intensity_at(0, 0) == 264.0
    extra = tmp_path / "extra.ldt"
    extra.write_text(LDT.read_text() + "12\n")
    with pytest.raises(InputError, match="line 363: unexpected data after the 259 intensities"):
        read_ldt(extra)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.replace("TILT=NONE", "TILT=lamp.tlt"), r"line 6: TILT=LAMP.TLT"),
        (lambda s: s.replace("TILT=NONE\n", ""), r"no 'TILT=' line"),
        (
            lambda s: s.replace("1 -1 1.0 19 1 1 2", "1 -1 1.0 19 1 2 2"),
            r"line 7: photometric type 2",
        ),
        (lambda s: s.replace("1 -1 1.0 19 1 1 2", "1 -1 1.0 19 1 1 5"), r"line 7: units type"),
        (lambda s: s.replace("0.000000\n", ""), r"ends early"),
        (lambda s: s + "5\n", r"line 14: unexpected data after the 19 candela values"),
        (
            lambda s: s.replace("500.000000", "5OO"),
            r"line 12: candela value 13 of 19: expected a number",
        ),
        (
            lambda s: s.replace("0 5 10 15", "0 15 10 5"),
            r"line 9: vertical angles: angles must increase",
        ),
    ],
)
def test_ies_errors_name_line_and_field(tmp_path: Path, edit, message: str) -> None:  # type: ignore[no-untyped-def]
    """Malformed IES: InputError with the file, the line and the field."""
    path = tmp_path / "broken.ies"
    path.write_text(edit((DATA / "downlight.ies").read_text()))
    with pytest.raises(InputError, match=message):
        read_ies(path)
