"""Campaign analysis (issue 9): readings → metric ids, incremental, parallel equals serial.

Sources: analytic cases (a uniform grid has U0 = 1; LPD = general power / floor area,
GB/T 50034-2024 2.0.61; height above the desk = mounting height −
desk height), luxcheck.vocabulary (metric ids), and properties of the pipeline.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from luxcheck.analysis import grids
from luxcheck.analysis.campaign import analyse_campaign, analyse_rooms
from luxcheck.cli import main
from luxcheck.compliance.engine import evaluate
from luxcheck.demo.plan import plan_campaign
from luxcheck.demo.runner import measure_campaign, prepare_store
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import stored
from luxcheck.model import (
    HeightReading,
    IlluminanceReading,
    LuminanceReading,
    PowerReading,
    SpectrumReading,
    WaveformReading,
)
from luxcheck.report.format import Formatter
from luxcheck.vocabulary import METRICS
from tests.support.builders import T0, make_classroom

START = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("an") / "d.lux"
    plans = plan_campaign(12, seed=7)
    with prepare_store(path, plans, "test") as store:
        measure_campaign(store, plans, start=START)
    return path


def test_every_metric_known_and_every_gap_explained(demo_store: Path, tmp_path: Path) -> None:
    """Every stored id is in the vocabulary; every value that is not a number has a reason;
    the compliance engine accepts the metrics of every room. A classroom without readings is
    added so that the gaps are there to be checked (the demo rooms are fully measured)."""
    copy = tmp_path / "copy.lux"
    shutil.copyfile(demo_store, copy)
    with CampaignStore.open(copy) as store:
        store.add_classroom(make_classroom("RX01", store.classrooms()[0].school_id))
        analyse_campaign(store, jobs=1)
        gaps = 0
        for room in store.classrooms():
            values, reasons = store.metrics(room.classroom_id)
            assert set(values) <= set(METRICS)
            for metric_id, value in values.items():
                if value is None:
                    gaps += 1
                    assert str(stored(reasons.get(metric_id, ""))).startswith("not measured"), (
                        metric_id
                    )
            verdicts = evaluate(values, store.campaign.profile, room.room_type, reasons=reasons)
            assert verdicts
        assert gaps >= len(METRICS) // 2  # the empty classroom's metrics at least


def test_incremental_and_parallel_equals_serial(demo_store: Path, tmp_path: Path) -> None:
    """A second analysis recomputes nothing; a new reading recomputes only its room; the
    forked parallel path gives the same numbers as the serial one."""
    with CampaignStore.open(demo_store) as store:
        analyse_campaign(store, jobs=1)
        serial = {r.classroom_id: store.metrics(r.classroom_id) for r in store.classrooms()}
        again = analyse_campaign(store)
        assert again.analysed == 0
        assert again.unchanged == again.rooms
        analyse_campaign(store, force=True, jobs=2, chunk=3)
        parallel = {r.classroom_id: store.metrics(r.classroom_id) for r in store.classrooms()}
    # equal up to rounding: batches of other sizes sum in another order (matrix products)
    assert parallel.keys() == serial.keys()
    for room_id, (values, reasons) in serial.items():
        other_values, other_reasons = parallel[room_id]
        assert other_reasons == reasons
        assert other_values.keys() == values.keys()
        for metric_id, value in values.items():
            if isinstance(value, float):
                assert other_values[metric_id] == pytest.approx(value, rel=1e-9, abs=1e-12)
            else:
                assert other_values[metric_id] == value


def test_analytic_room(store: CampaignStore) -> None:
    """A uniform 400 lx desk grid (U0 = 1), no board grid (not measured, with a reason),
    324 W general power in a 9 m × 7.2 m room (LPD 5.0 W/m²), a luminaire 2.85 m above the
    floor over 0.75 m desks (2.10 m)."""
    room = make_classroom()
    plan = grids.point_plan(room, "desk")
    readings: list = [
        IlluminanceReading(
            f"D{p.index}",
            "SE1",
            T0,
            surface="desk",
            x_m=p.x_m,
            y_m=p.y_m,
            point=p.index,
            illuminance_lx=400.0,
        )
        for p in plan.points
    ]
    readings.append(PowerReading("P1", "SE1", T0, circuit="general", power_w=324.0))
    readings.append(HeightReading("H1", "SE1", T0, luminaire="L1", height_m=2.85))
    store.add_readings(readings)
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    assert values["desk_illuminance_mean_lx"] == pytest.approx(400.0)
    assert values["desk_uniformity"] == pytest.approx(1.0)
    assert values["board_uniformity"] is None
    assert "no board grid" in str(stored(reasons["board_uniformity"]))
    assert values["lpd_w_per_m2"] == pytest.approx(5.0)
    assert values["luminaire_height_above_desk_m"] == pytest.approx(2.10)
    assert values["cri_ra"] is None
    assert "no spectrum" in str(stored(reasons["cri_ra"]))


def test_every_blackboard_lamp_is_judged(store: CampaignStore) -> None:
    """GB/T 36876-2018 ch. 6 sets d in 0.7–1.0 m and h in 0.1–0.2 m
    for the blackboard lamps: with lamps at d = 0.6 and 1.1 m the mean (0.85 m) is inside the
    range but both lamps are outside, so the extremes are stored and both bounds fail.
    A lamp without its distance makes the distance not measured, never judged by the other."""
    room = make_classroom()
    top = room.board_bottom_m + room.board_height_m
    store.add_readings(
        [
            HeightReading(
                "B1", "SE1", T0, luminaire="B1", height_m=top + 0.15, horizontal_distance_m=0.6
            ),
            HeightReading(
                "B2", "SE1", T0, luminaire="B2", height_m=top + 0.25, horizontal_distance_m=1.1
            ),
        ]
    )
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    assert values["board_luminaire_distance_min_m"] == pytest.approx(0.6)
    assert values["board_luminaire_distance_max_m"] == pytest.approx(1.1)
    assert values["board_luminaire_height_above_board_min_m"] == pytest.approx(0.15)
    assert values["board_luminaire_height_above_board_max_m"] == pytest.approx(0.25)
    verdicts = {
        v.requirement_id: v.status
        for v in evaluate(values, store.campaign.profile, room.room_type, reasons=reasons)
    }
    assert verdicts["gb36876.board-luminaire-distance-min"] == "fail"
    assert verdicts["gb36876.board-luminaire-distance-max"] == "fail"
    assert verdicts["gb36876.board-luminaire-height-min"] == "pass"
    assert verdicts["gb36876.board-luminaire-height-max"] == "fail"

    store.add_readings([HeightReading("B3", "SE1", T0, luminaire="B3", height_m=top + 0.15)])
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    assert values["board_luminaire_distance_max_m"] is None
    assert str(stored(reasons["board_luminaire_distance_max_m"])) == (
        "not measured: no horizontal distance for B3"
    )
    assert values["board_luminaire_height_above_board_max_m"] == pytest.approx(0.25)


def test_refused_readings_are_not_measured_and_spare_the_other_rooms() -> None:
    """README, How results are decided (a metric that cannot be computed is not measured, with a
    reason): a spectrum that stops at 700 nm (CIE 13.3 needs 380–780 nm), a one-sample waveform and
    a background luminance of 0 cd/m² are each refused by a kernel. That room's colour, flicker and
    UGR metrics are not measured with the kernel's message; its grid and power metrics, and the
    other room of the batch, are analysed as usual (the batch used to stop as a whole)."""
    bad, good = make_classroom("R101"), make_classroom("R102")
    wl = np.arange(380.0, 701.0, 5.0)
    readings = [
        SpectrumReading("S1", "SE1", T0, wavelength_nm=wl, values=np.ones_like(wl)),
        WaveformReading("W1", "SE1", T0, samples=np.ones(1), sample_rate_hz=20000.0),
        LuminanceReading(
            "L1",
            "SE1",
            T0,
            target="luminaire",
            luminance_cd_m2=5000.0,
            observer="rear-row",
            luminaire="L1",
        ),
        LuminanceReading(
            "LB",
            "SE1",
            T0,
            target="background",
            luminance_cd_m2=0.0,
            observer="rear-row",
        ),
        PowerReading("P1", "SE1", T0, circuit="general", power_w=324.0),
    ]
    wl_full = np.arange(380.0, 781.0, 5.0)
    spectrum_ok = SpectrumReading(
        "S2", "SE2", T0, wavelength_nm=wl_full, values=np.ones_like(wl_full)
    )
    results = analyse_rooms([(bad, readings), (good, [spectrum_ok])])
    refused = results["R101"]
    for metric_id in ("cri_ra", "cct_K", "flicker_percent", "ugr"):
        assert math.isnan(refused.values[metric_id]), metric_id
        assert str(refused.reasons[metric_id]).startswith(
            "not measured: the analysis refused the readings"
        ), metric_id
    assert refused.values["lpd_w_per_m2"] == pytest.approx(5.0)
    assert results["R102"].values["cct_K"] == pytest.approx(5455, abs=5)  # equal-energy E
    assert Formatter("zh").reason(refused.reasons["cri_ra"]).startswith("未测量：分析拒绝了读数(")


def test_two_readings_of_one_glare_quantity_are_refused_not_overwritten() -> None:
    """As ugr_from_readings and the grids do: a second background luminance for an observer,
    or a second reading of one luminaire, is refused (UGR not measured, naming the readings)
    instead of the later one silently replacing the earlier."""
    room = make_classroom()

    def lum(rid: str, target: str, value: float, luminaire: str = "") -> LuminanceReading:
        return LuminanceReading(
            rid,
            "SE1",
            T0,
            target=target,
            luminance_cd_m2=value,
            observer="rear-row",
            luminaire=luminaire,
        )

    base = [lum(f"L{i}", "luminaire", 2000.0, f"L{i}") for i in range(1, 10)]
    twice_bg = [*base, lum("B1", "background", 20.0), lum("B2", "background", 40.0)]
    twice_lum = [*base, lum("B1", "background", 20.0), lum("L5b", "luminaire", 50000.0, "L5")]
    results = analyse_rooms([(room, twice_bg)])
    assert math.isnan(results["R101"].values["ugr"])
    assert "B1 and B2" in str(results["R101"].reasons["ugr"])
    results = analyse_rooms([(room, twice_lum)])
    assert math.isnan(results["R101"].values["ugr"])
    assert "two readings of luminaire L5" in str(results["R101"].reasons["ugr"])


def test_ugr_needs_the_luminous_size_of_the_luminaires() -> None:
    """UGR from measured luminances needs ω, hence the luminous opening of the luminaires
    (CIE 117: ω = A_p / r²). Without it on the classroom record, UGR is not measured with the
    reason, never computed from an assumed size (0.6 × 0.6 m instead of 1.2 × 0.15 m moved it
    by 2.4 UGR)."""
    readings = [
        LuminanceReading(
            f"L{i}",
            "SE1",
            T0,
            target="luminaire",
            luminance_cd_m2=2000.0,
            observer="rear-row",
            luminaire=f"L{i}",
        )
        for i in range(1, 10)
    ]
    readings.append(
        LuminanceReading(
            "BG", "SE1", T0, target="background", luminance_cd_m2=20.0, observer="rear-row"
        )
    )
    unknown = make_classroom(luminaire_luminous_length_m=None, luminaire_luminous_width_m=None)
    result = analyse_rooms([(unknown, readings)])["R101"]
    assert math.isnan(result.values["ugr"])
    assert "luminous size of the luminaires is not given" in str(result.reasons["ugr"])
    small = analyse_rooms([(make_classroom(), readings)])["R101"].values["ugr"]
    panel = make_classroom(luminaire_luminous_length_m=0.6, luminaire_luminous_width_m=0.6)
    large = analyse_rooms([(panel, readings)])["R101"].values["ugr"]
    # same luminances, 2× the area: Σ L²ω doubles (small sources), UGR + 8·log10(2) ≈ 2.4
    assert large - small == pytest.approx(8 * math.log10(0.36 / 0.18), abs=0.05)


def test_missing_point_is_not_a_smaller_grid(store: CampaignStore) -> None:
    """One desk point missing → the desk statistics are not measured (issue 6)."""
    room = make_classroom()
    plan = grids.point_plan(room, "desk")
    store.add_readings(
        [
            IlluminanceReading(
                f"D{p.index}",
                "SE1",
                T0,
                surface="desk",
                x_m=p.x_m,
                y_m=p.y_m,
                point=p.index,
                illuminance_lx=400.0 + p.index,
            )
            for p in plan.points[1:]
        ]
    )
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    assert values["desk_illuminance_mean_lx"] is None
    assert "1 of 56 points missing" in str(stored(reasons["desk_illuminance_mean_lx"]))


def test_cli_analyse_campaign(demo_store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyse", str(demo_store), "--force", "--jobs", "1"]) == 0
    assert "analysed 12 of 12 classrooms" in capsys.readouterr().out
    assert main(["analyse", str(demo_store)]) == 0
    assert "analysed 0 of 12 classrooms (12 unchanged" in capsys.readouterr().out


def test_board_waveform_is_judged_as_the_board_lamp(store: CampaignStore) -> None:
    """A waveform taken under the blackboard lamps (``luminaire='board'``) gives the board_
    flicker metrics and leaves the general luminaires' flicker not measured (analytic case:
    a 100 Hz sine of modulation 0.2 → percent flicker 20 %, analytic)."""
    import numpy as np

    from luxcheck.model import WaveformReading

    t = np.arange(20000) / 20000.0
    wave = 1000.0 * (1 + 0.2 * np.sin(2 * np.pi * 100.0 * t + 0.3))
    store.add_reading(
        WaveformReading("W1", "SE1", T0, samples=wave, sample_rate_hz=20000.0, luminaire="board")
    )
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    assert values["board_flicker_percent"] == pytest.approx(20.0, rel=1e-3)
    assert values["board_flicker_frequency_hz"] == pytest.approx(100.0, rel=1e-3)
    assert values["flicker_percent"] is None
    assert "no general luminaire waveform" in str(stored(reasons["flicker_percent"]))
