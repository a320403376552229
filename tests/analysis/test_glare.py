"""Tests of luxcheck.analysis.glare (moved with the code from tests/kernels/test_glare.py)."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.analysis import glare
from luxcheck.errors import InputError
from luxcheck.kernels import glare as kglare
from luxcheck.model import Classroom, LuminanceReading
from luxcheck.readers.photometry import read_ldt
from tests.support.builders import make_classroom

DATA = Path(__file__).parents[1] / "data" / "photometry"


T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _csv(name: str) -> tuple[list[str], np.ndarray]:
    lines = [ln for ln in (DATA / name).read_text().splitlines() if not ln.startswith("#")]
    header = lines[0].split(",")
    return header, np.array([[float(v) for v in ln.split(",")] for ln in lines[1:]])


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return read_ldt(DATA / "cie190_example.ldt")


def test_background_of_cie190_example(example) -> None:  # type: ignore[no-untyped-def]
    """eulumdat-ugr's CIE 190 worksheet check: L_b ≈ 9.49 cd/m² at 4H×8H, S = H, 70/50/20.

    (Its F_DF 0.4968 is normalised to the file's LORL 64.97 %; luxcheck integrates the
    intensity table, 65.15 %, so ±1 % is allowed.)
    """
    lb = kglare.cie190_background_luminance(
        glare.flux_fractions(example), 32, 8.0, 16.0, 2.0, 0.7, 0.5, 0.2
    )
    assert float(lb) == pytest.approx(9.49, rel=0.01)


# ---------------------------------------------------------------------------- path (b)
def test_path_b_reproduces_published_cie190_table(example) -> None:  # type: ignore[no-untyped-def]
    """CIE 190:2010 published UGR table of its example luminaire (190 cells), issue: ±1 UGR.

    With the CIE tabular convention (sources beyond the position-index table left out) every
    cell is within 0.2 UGR; with the closed form for them, within 1.0 UGR.
    """
    _, ref = _csv("cie190_example_ugr_table.csv")
    table = glare.cie190_table(example)
    assert np.abs(table - ref[:, 2:]).max() <= 0.2
    assert np.abs(table - ref[:, 2:]).mean() <= 0.06
    with_formula = glare.cie190_table(example, beyond_table="formula")
    assert np.abs(with_formula - ref[:, 2:]).max() <= 1.0


def _cie_room() -> Classroom:
    # 4H × 8H with H = 2 m above a 1.2 m eye: 4 columns across, 8 rows along, S = H
    return make_classroom(
        width_m=8.0,
        length_m=16.0,
        height_m=3.4,
        desk_front_m=2.0,
        desk_back_m=15.0,
        board_width_m=4.0,
        luminaire_rows=8,
        luminaire_columns=4,
        luminaire_count=32,
        luminaire_mounting_height_m=3.2,
    )


def test_room_ugr_in_cie_room_matches_published_cell(example) -> None:  # type: ignore[no-untyped-def]
    """room_ugr through a Classroom: CIE 190 4H×8H crosswise/endwise at 70/50/20 (13.0 / 14.7)."""
    room = _cie_room()
    observer = glare.Observer("cie", 4.0, 0.0, 1.2, 90.0, "seated")
    refl = glare.Reflectances(0.7, 0.5, 0.2)
    cross, end = (
        glare.room_ugr(
            room,
            example,
            reflectances=refl,
            observers=[observer],
            length_azimuth_deg=azimuth,
        )
        for azimuth in (0.0, 90.0)
    )
    assert cross.worst_ugr == pytest.approx(13.0, abs=0.2)
    assert end.worst_ugr == pytest.approx(14.7, abs=0.2)
    assert cross.worst_observer == "cie"


def test_room_ugr_reports_worst_of_standard_observers(example) -> None:  # type: ignore[no-untyped-def]
    """GB/T 50034-2024 A.0.2 observers plus teacher and rear row; worst = max over them."""
    room = make_classroom()
    result = glare.room_ugr(room, example, reflectances=glare.Reflectances(0.7, 0.5, 0.2))
    names = [r.observer.name for r in result.per_observer]
    assert names == [
        "back-wall-mid", "front-wall-mid", "left-wall-mid", "right-wall-mid", "teacher",
        "rear-row",
    ]  # fmt: skip
    values = [r.ugr for r in result.per_observer]
    assert result.worst_ugr == max(values)
    assert result.worst_observer == names[int(np.argmax(values))]
    assert tuple(str(n) for n in result.notes) == (
        "rear-row: 1 source(s) left out (beyond the position-index table "
        "or seen at a grazing angle)",
    )
    teacher = result.per_observer[4]
    assert teacher.observer.eye_height_m == 1.5
    # symmetric room: the two side walls see the same
    assert values[2] == pytest.approx(values[3], abs=1e-9)


def test_path_a_equals_path_b_for_the_same_luminances(example) -> None:  # type: ignore[no-untyped-def]
    """Consistency: measured luminances I/A_p and E_ind = π·L_b from path (b) give path (b)'s UGR.

    The example luminaire has a flat opening (no side heights), so A_p = A·cos γ as path (a)
    assumes.
    """
    room = make_classroom()
    refl = glare.Reflectances(0.7, 0.5, 0.2)
    b = glare.room_ugr(room, example, reflectances=refl)
    lum = glare.luminaire_layout(room)
    luminances: dict[str, list[float]] = {}
    indirect: dict[str, float] = {}
    for r in b.per_observer:
        o = r.observer
        d = np.array([o.x_m, o.y_m, o.eye_height_m]) - lum
        az = np.degrees(np.arctan2(d[:, 1], d[:, 0]))
        c = (az - (90.0 - example.length_axis_c_deg)) % 360
        gamma = np.degrees(np.arctan2(np.hypot(d[:, 0], d[:, 1]), -d[:, 2]))
        luminances[o.name] = list(
            example.intensity_at(c, gamma) / example.projected_area_m2(c, gamma)
        )
        indirect[o.name] = r.background_luminance_cd_m2 * math.pi
    a = glare.room_ugr(
        room,
        glare.MeasuredGlare(
            luminances, indirect, example.luminous_length_m, example.luminous_width_m
        ),
    )
    np.testing.assert_allclose(
        [r.ugr for r in a.per_observer], [r.ugr for r in b.per_observer], rtol=1e-9
    )


def test_path_a_missing_readings_are_not_measured() -> None:
    """A missing luminance or observer makes the room UGR NaN with a reason, never a guess."""
    room = make_classroom()
    n = room.luminaire_count
    values = {"back-wall-mid": [2000.0] * (n - 1) + [math.nan]}
    result = glare.room_ugr(
        room,
        glare.MeasuredGlare(values, {"back-wall-mid": 150.0}, 1.2, 0.3),
        observers=glare.standard_observers(room)[:2],
    )
    assert math.isnan(result.worst_ugr)
    assert "back-wall-mid: 1 of 9 luminaire luminances missing" in str(result.reason)
    assert "front-wall-mid: not measured" in str(result.reason)


def test_luminous_size_must_be_finite_and_positive_each() -> None:
    """A negative length times a negative width is a positive area; each size is checked."""
    room = make_classroom()
    values = {"back-wall-mid": [2000.0] * room.luminaire_count}
    for length, width in ((-1.2, -0.15), (1.2, math.nan), (math.inf, 0.15)):
        with pytest.raises(InputError, match="finite size > 0"):
            glare.room_ugr(
                room,
                glare.MeasuredGlare(values, {"back-wall-mid": 150.0}, length, width),
                observers=glare.standard_observers(room)[:1],
            )


def test_room_ugr_refuses_incomplete_input(example) -> None:  # type: ignore[no-untyped-def]
    """Missing mounting height or reflectances: InputError naming the field."""
    with pytest.raises(InputError, match="luminaire_mounting_height_m"):
        glare.room_ugr(
            make_classroom(luminaire_mounting_height_m=None),
            example,
            reflectances=glare.Reflectances(0.7, 0.5, 0.2),
        )
    with pytest.raises(InputError, match="reflectances"):
        glare.room_ugr(make_classroom(), example)
    with pytest.raises(InputError, match="walls"):
        glare.Reflectances(0.7, 1.2, 0.2)


def test_room_index_outside_cie190_table_is_not_measured(example) -> None:  # type: ignore[no-untyped-def]
    """A small, high room (k < 1) has no CIE 190 F_GL: UGR NaN with the reason."""
    room = make_classroom(
        width_m=2.5,
        length_m=3.0,
        height_m=6.0,
        desk_front_m=0.5,
        desk_back_m=2.5,
        board_width_m=2.0,
        luminaire_count=1,
        luminaire_rows=1,
        luminaire_columns=1,
        luminaire_mounting_height_m=5.0,
    )
    result = glare.room_ugr(room, example, reflectances=glare.Reflectances(0.7, 0.5, 0.2))
    assert math.isnan(result.worst_ugr)
    assert "outside the CIE 190 Table 4 range" in str(result.reason)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), rooms=st.integers(1, 4))
def test_batched_rooms_equal_looped_room_ugr(example, seed: int, rooms: int) -> None:  # type: ignore[no-untyped-def]
    """Property (issue 6): path (b) over many rooms at once equals room_ugr room by room."""
    rng = np.random.default_rng(seed)
    classrooms = [
        make_classroom(
            width_m=float(rng.uniform(6.5, 8.5)),
            length_m=float(rng.uniform(8.5, 10.5)),
            luminaire_mounting_height_m=float(rng.uniform(2.7, 3.0)),
        )
        for _ in range(rooms)
    ]
    refl = (0.8, 0.6, 0.2)
    looped = [
        [
            r.ugr
            for r in glare.room_ugr(c, example, reflectances=glare.Reflectances(*refl)).per_observer
        ]
        for c in classrooms
    ]
    obs = [glare.standard_observers(c) for c in classrooms]
    batch = glare.ugr_photometric_batch(
        example,
        [c.width_m for c in classrooms],
        [c.length_m for c in classrooms],
        np.stack([glare.luminaire_layout(c) for c in classrooms]),
        np.array([[[o.x_m, o.y_m, o.eye_height_m] for o in ob] for ob in obs]),
        np.array([[o.view_deg for o in ob] for ob in obs]),
        refl,
    )
    np.testing.assert_allclose(batch.ugr, looped, rtol=1e-12)


def _lum(rid: str, target: str, value: float, observer: str, **kw: float) -> LuminanceReading:
    return LuminanceReading(
        rid,
        "SE1",
        T0,
        target=target,
        luminance_cd_m2=value,
        observer=observer,
        **kw,  # type: ignore[arg-type]
    )


def test_ugr_from_luminance_readings_into_metric_id() -> None:
    """Readings with recorded ω and p → per-observer UGR → metric id ``ugr`` (worst).

    Observer A reproduces the analytic CIE 117 case (25.551).
    """
    readings = [
        _lum("a1", "luminaire", 5000.0, "A", solid_angle_sr=0.01, position_index=1.0),
        _lum("ab", "background", 40.0, "A"),
        _lum("b1", "luminaire", 3000.0, "B", solid_angle_sr=0.01, position_index=2.0),
        _lum("b2", "luminaire", 3000.0, "B", solid_angle_sr=0.01, position_index=2.0),
        _lum("bb", "background", 40.0, "B"),
        _lum("w", "wall", 80.0, ""),
    ]
    result = glare.ugr_from_readings(readings)
    assert result.worst_observer == "A"
    assert result.worst_ugr == pytest.approx(25.551, abs=5e-4)
    b = result.per_observer[1]
    assert b.ugr == pytest.approx(8 * math.log10(0.25 / 40 * 2 * 3000**2 * 0.01 / 4))
    values, reasons = glare.glare_metrics(result)
    assert values == {"ugr": result.worst_ugr}
    assert reasons == {}


def test_ugr_from_readings_incomplete_is_not_measured() -> None:
    """No background, or no ω/p recorded: not measured with a reason; no observer: error."""
    result = glare.ugr_from_readings(
        [
            _lum("a1", "luminaire", 5000.0, "A", solid_angle_sr=0.01),
            _lum("ab", "background", 40.0, "A"),
            _lum("b1", "luminaire", 5000.0, "B", solid_angle_sr=0.01, position_index=1.0),
        ]
    )
    assert math.isnan(result.worst_ugr)
    assert "a1 lack the solid angle or position index" in str(result.reason)
    assert "B: not measured: no background luminance reading" in str(result.reason)
    values, reasons = glare.glare_metrics(result)
    assert math.isnan(values["ugr"])
    assert reasons["ugr"] == result.reason
    with pytest.raises(InputError, match="must name its observer"):
        glare.ugr_from_readings([_lum("x", "luminaire", 10.0, "")])
    with pytest.raises(InputError, match="two background readings"):
        glare.ugr_from_readings(
            [_lum("x", "background", 10.0, "A"), _lum("y", "background", 9.0, "A")]
        )


def test_luminous_ceiling_is_outside_ugr(tmp_path: Path) -> None:
    """GB/T 50034-2024 A.0.1-3: luminous area ≥ 1.5 m² is limited by Table A.0.1-2, not UGR."""
    text = (DATA / "cie190_example.ldt").read_text().splitlines()
    text[15], text[16] = "2000", "800"  # luminous area 2.0 m × 0.8 m
    path = tmp_path / "ceiling.ldt"
    path.write_text("\n".join(text) + "\n")
    result = glare.room_ugr(
        make_classroom(), read_ldt(path), reflectances=glare.Reflectances(0.7, 0.5, 0.2)
    )
    assert math.isnan(result.worst_ugr)
    assert "Table A.0.1-2 instead of UGR" in str(result.reason)
