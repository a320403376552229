"""The blackboard lamps judged as lamps (issue 20 item 4): CCT, Duv, Ra, R9 and K_B,v of the
spectrum taken under them, computed by the one spectrum → metrics function
(:func:`luxcheck.analysis.spectral.spectral_metric_ids`), judged by the packs' blackboard-lamp
requirements (GB/T 50034-2024 Table 5.3.8, GB 40070-2021, GB 55016-2021 §3.3.5), asked for by the
guided session only when the profile limits one of them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from luxcheck.acquire.session import classroom_steps, like_luminaire_sample
from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.analysis.spectral import (
    BOARD_SPECTRAL_IDS,
    BOARD_SPECTRUM_METRICS,
    board_spectrum_needed,
    spectral_metric_ids,
)
from luxcheck.compliance import packs
from luxcheck.compliance.engine import evaluate
from luxcheck.demo.synth_spectra import white_led_spd
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import stored
from luxcheck.model import SpectrumReading
from luxcheck.vocabulary import METRICS
from tests.support.builders import T0, make_classroom
from tests.support.rooms import GOOD

WL = np.arange(380.0, 781.0)


def _spectrum(reading_id: str, cct_K: float, luminaire: str, **shape: float) -> SpectrumReading:
    values = white_led_spd(WL, cct_K, **shape)
    return SpectrumReading(
        reading_id, "SE1", T0, wavelength_nm=WL, values=values, luminaire=luminaire
    )


def test_every_board_spectral_id_is_one_row_of_the_metric_table() -> None:
    """Each board_ id (one per quantity) is in the metric table with the unit of the general
    metric it mirrors (luxcheck.vocabulary: one row per quantity, unit in the name)."""
    for general_id, board_id in BOARD_SPECTRAL_IDS.items():
        assert board_id == f"board_{general_id}"
        assert METRICS[board_id].unit == METRICS[general_id].unit
    assert set(METRICS) >= BOARD_SPECTRUM_METRICS


def test_board_spectrum_gives_the_lamp_metrics_of_the_same_function(
    store: CampaignStore,
) -> None:
    """The board spectrum's board_cct_K, board_duv, board_cri_ra, board_cri_r9 and
    board_blue_light_kbv_w_per_lm equal spectral_metric_ids of that spectrum (the one function),
    while the general metrics stay those of the general spectrum (a 4000 K general LED and a
    5600 K blackboard LED with a weak red band: the board lamp's CCT and R9 differ)."""
    general = _spectrum("SPG", 4000.0, "general")
    board = _spectrum("SPB", 5600.0, "board", red_peak_nm=610.0, red_fwhm_nm=40.0)
    store.add_readings([general, board])
    analyse_campaign(store, jobs=1)
    values, _ = store.metrics("R101")
    expected_board = spectral_metric_ids(WL, board.values).values[0]
    expected_general = spectral_metric_ids(WL, general.values).values[0]
    for general_id, board_id in BOARD_SPECTRAL_IDS.items():
        assert values[board_id] == pytest.approx(expected_board[general_id], rel=1e-9, abs=1e-12)
        assert values[general_id] == pytest.approx(
            expected_general[general_id], rel=1e-9, abs=1e-12
        )
    assert values["board_cct_K"] == pytest.approx(5600.0, abs=1.0)
    assert values["cct_K"] == pytest.approx(4000.0, abs=1.0)
    assert values["board_cri_r9"] != pytest.approx(values["cri_r9"], abs=1.0)


def test_without_a_board_spectrum_the_lamp_metrics_are_not_measured(store: CampaignStore) -> None:
    """No board spectrum taken: every board spectral metric is not measured with the reason
    (never a pass); the profile's board-lamp requirements are not measured."""
    store.add_readings([_spectrum("SPG", 4000.0, "general")])
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    for metric_id in BOARD_SPECTRUM_METRICS:
        assert values[metric_id] is None, metric_id
        assert "no spectrum of the blackboard lamps" in str(stored(reasons[metric_id]))
    verdicts = {v.requirement_id: v for v in evaluate(values, "cn-classroom", reasons=reasons)}
    for rid in ("gb40070.board-cct", "gb50034-2024.board.cri-ra", "gb55016.board-cri-r9"):
        assert verdicts[rid].status == "not-measured", rid


@pytest.mark.parametrize(
    ("changes", "requirement", "status"),
    [
        ({"board_cct_K": 5300.0}, "gb40070.board-cct", "pass"),
        ({"board_cct_K": 5301.0}, "gb40070.board-cct", "fail"),
        ({"board_cct_K": 3299.0}, "gb40070.board-cct", "fail"),
        ({"board_cri_r9": 0.0}, "gb40070.board-cri-r9", "fail"),
        ({"board_cri_r9": 0.0}, "gb55016.board-cri-r9", "pass"),
        ({"board_cri_r9": -0.1}, "gb55016.board-cri-r9", "fail"),
        ({"board_cri_ra": 79.9}, "gb50034-2024.board.cri-ra", "fail"),
        ({"board_cri_ra": 79.9}, "gb40070.board-cri-ra", "fail"),
        ({"board_cri_ra": 80.0}, "gb55016.board-cri-ra", "pass"),
    ],
)
def test_board_lamp_limits_of_cn_classroom(
    changes: dict[str, float], requirement: str, status: str
) -> None:
    """GB 40070-2021 CCT 3300–5300 K (range, both ends inside), Ra ≥ 80, LED R9 > 0; GB 55016-2021
    §3.3.5 R9 ≥ 0 (不应小于0: 0 complies), Ra ≥ 80; GB/T 50034-2024 Table 5.3.8 board Ra ≥ 80 —
    applied to the blackboard lamp's spectrum metrics in cn-classroom."""
    verdicts = {v.requirement_id: v for v in evaluate({**GOOD, **changes}, "cn-classroom")}
    assert verdicts[requirement].status == status


def test_board_lamp_requirements_carry_clause_obligation_and_confidence() -> None:
    """Every board-lamp colour requirement is a shall with its clause; the value is read (C1/C2)
    but the reading that a luminaire clause covers the blackboard lamps is ours, so those are
    to-be-confirmed; GB/T 50034-2024 Table 5.3.8 names the blackboard itself (verified)."""
    limits = {lim.id: lim for lim in packs.profile_limits("cn-classroom")}
    board = {lid: lim for lid, lim in limits.items() if lim.metric in BOARD_SPECTRUM_METRICS}
    assert {
        "gb40070.board-cct",
        "gb40070.board-cri-ra",
        "gb40070.board-cri-r9",
        "gb55016.board-cri-ra",
        "gb55016.board-cri-r9",
        "gb50034-2024.board.cri-ra",
        "gb40070.board-blue-light-risk-group",
    } <= set(board)
    for lid, lim in board.items():
        assert lim.obligation == "shall" and lim.clause, lid
        assert lim.applies_to == "board-luminaire", lid
    for lid in ("gb40070.board-cct", "gb40070.board-cri-r9", "gb55016.board-cri-r9"):
        assert board[lid].confidence == "to-be-confirmed", lid
    assert board["gb50034-2024.board.cri-ra"].confidence == "verified"


def test_session_asks_for_the_board_spectrum_only_when_the_profile_needs_it() -> None:
    """The guided session's spectrum-board step is planned for a profile that limits a board
    spectral metric (cn-classroom: GB/T 50034-2024 Table 5.3.8 board Ra) and not for one that
    limits none (en-12464-1-2021 limits the board's illuminance only); a room without
    blackboard lamps never gets it (property of the session plan)."""
    room = make_classroom()
    assert board_spectrum_needed("cn-classroom")
    assert not board_spectrum_needed("en-12464-1-2021")

    def keys(profile: str | None, **kw: object) -> list[str]:
        steps = classroom_steps(make_classroom(**kw) if kw else room, profile=profile)
        return [s.key for s in steps if s.role == "spectrum"]

    sample = [f"spectrum-{label}" for label in like_luminaire_sample(room)]
    assert keys("cn-classroom") == ["spectrum-general", *sample, "spectrum-board"]
    assert keys("en-12464-1-2021") == ["spectrum-general"]
    assert keys("cn-classroom", board_luminaire_count=0) == ["spectrum-general", *sample]
    assert keys(None) == ["spectrum-general", "spectrum-board"]


def test_board_duv_outside_the_cie_13_3_tolerance_keeps_ra_with_the_note(
    store: CampaignStore,
) -> None:
    """A blackboard LED at Duv +0.01 (outside CIE 13.3's 5.4e-3): board Ra and R9 are computed
    and judged, with the CIE 13.3 note (no Chinese clause gates on Duv; issue 20 item 5)."""
    store.add_readings(
        [_spectrum("SPG", 4000.0, "general"), _spectrum("SPB", 5000.0, "board", duv=0.01)]
    )
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    assert values["board_duv"] == pytest.approx(0.01, abs=2e-4)
    assert math.isfinite(values["board_cri_ra"]) and math.isfinite(values["board_cri_r9"])
    assert "CIE 13.3" in str(stored(reasons["board_cri_r9"]))


def test_standards_show_lists_the_board_lamp_requirements(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`luxcheck standards show cn-classroom` lists the blackboard-lamp colour requirements with
    their clause, obligation (应) and confidence (待核实 for the scope readings)."""
    from luxcheck.cli import main

    assert main(["standards", "show", "cn-classroom"]) == 0
    out = capsys.readouterr().out
    for lid in ("gb40070.board-cct", "gb40070.board-cri-r9", "gb55016.board-cri-r9"):
        line = next(row for row in out.splitlines() if row.startswith(lid + " "))
        assert "应" in line and "待核" in line, line
    cct = next(row for row in out.splitlines() if row.startswith("gb40070.board-cct "))
    assert "3300–5300 K" in cct
