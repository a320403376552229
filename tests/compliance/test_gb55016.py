"""GB 55016-2021 §3.3 (mandatory general code 建筑环境通用规范, every clause 应/不应) in the
national profiles, with GB 55015-2021 (LPD), the GB/T 50034-2024 Table 5.3.8 blackboard Ra and the
advisory GB/T 31831-2015 flicker table. The values are the packs' (standards/gb-55016-2021.toml:
§3.3.3–§3.3.8 read in one online transcription, C1)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from luxcheck.cli import main
from luxcheck.compliance import engine as C
from luxcheck.compliance import packs as S
from luxcheck.compliance.verdict import Verdict
from tests.support.rooms import GOOD

NATIONAL = ("cn-classroom", "cn-classroom-2013", "jiangsu-2021")

GB55016_IN_PROFILES = (
    "gb55016.desk-uniformity",
    "gb55016.board-illuminance",
    "gb55016.board-uniformity",
    "gb55016.ugr",
    "gb55016.cri-ra",
    "gb55016.cri-r9",
    "gb55016.board-cri-ra",
    "gb55016.board-cri-r9",
    "gb55016.colour-consistency",
    "gb55016.blue-light-risk-group",
    "gb55016.pst-lm",
    "gb55016.svm",
    "gb55016.art.cri-ra",
)


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    C.clear_cache()


def judge(
    profile: str = "cn-classroom", room_type: str = "ordinary", **changes: float | str | None
) -> tuple[dict[str, Verdict], C.RoomResult]:
    verdicts = C.evaluate({**GOOD, **changes}, profile, room_type)
    return {v.requirement_id: v for v in verdicts}, C.room_result(verdicts)


# --------------------------------------------------------------------------- the packs
def test_gb55016_pack_is_a_mandatory_code_read_in_one_source() -> None:
    """GB 55016-2021 is a mandatory general code: every §3.3 limit is "shall", with its §3.3
    clause; C1 values are verified, the art-room application of §3.3.8 and the reading of
    §3.3.5 as covering the blackboard lamps (R) are not."""
    reg = S.load_registry()
    std = reg.standards["gb-55016-2021"]
    limits = {lid: S.get_limit(lid) for lid in std.limit_ids}
    assert set(limits) == set(GB55016_IN_PROFILES)
    for lid, lim in limits.items():
        assert lim.obligation == "shall", lid
        assert lim.clause.startswith("3.3."), lid
        scope_read = lid in ("gb55016.art.cri-ra", "gb55016.board-cri-ra", "gb55016.board-cri-r9")
        expected = "to-be-confirmed" if scope_read else "verified"
        assert lim.confidence == expected, lid
    assert limits["gb55016.svm"].value == 1.0
    assert limits["gb55016.cri-r9"].comparator == ">="
    assert limits["gb55016.cri-r9"].value == 0.0
    assert limits["gb55016.colour-consistency"].value == 5.0
    for lid in ("gb55015.lpd", "gb55015.art-computer.lpd"):
        assert S.get_limit(lid).confidence == "to-be-confirmed"  # recalled (R)
        assert S.get_limit(lid).obligation == "shall"


@pytest.mark.parametrize("profile", NATIONAL)
def test_national_profiles_include_gb55016_and_gb55015(profile: str) -> None:
    """Every national profile judges GB 55016 §3.3 (the colour tolerance ≤ 5 SDCM included, now
    that the analysis measures it) and GB 55015 LPD (profile comments)."""
    ids = {lim.id for lim in S.profile_limits(profile)}
    assert set(GB55016_IN_PROFILES) <= ids
    assert {"gb55015.lpd", "gb55015.art-computer.lpd"} <= ids


def test_standards_show_lists_the_new_requirements(capsys: pytest.CaptureFixture[str]) -> None:
    """`luxcheck standards show cn-classroom` lists the GB 55016 §3.3 requirements with their
    clauses, GB 55015 LPD (to be confirmed) and the GB/T 50034-2024 blackboard Ra."""
    assert main(["standards", "show", "cn-classroom"]) == 0
    out = capsys.readouterr().out
    assert "GB 55016-2021" in out
    assert "GB 55015-2021" in out
    for lid in (*GB55016_IN_PROFILES, "gb55015.lpd", "gb50034-2024.board.cri-ra"):
        assert lid in out, lid
    svm = next(line for line in out.splitlines() if line.startswith("gb55016.svm "))
    assert "≤ 1" in svm and "3.3.7" in svm and "应" in svm
    lpd = next(line for line in out.splitlines() if line.startswith("gb55015.lpd "))
    assert "≤ 8 W/m2" in lpd and "待核" in lpd


# --------------------------------------------------------------------------- verdicts
@pytest.mark.parametrize("profile", NATIONAL)
def test_svm_1_2_fails_the_classroom_on_gb55016(profile: str) -> None:
    """GB 55016-2021 §3.3.7: SVM ≤ 1.0 in children's learning spaces. SVM 1.2 passes GB/T
    50034-2024 §4.4.2 (≤ 1.3) but fails GB 55016, so the classroom fails; 0.9 and 1.0 pass."""
    v, result = judge(profile, flicker_svm=1.2)
    assert v["gb55016.svm"].status == "fail"
    assert v["gb55016.svm"].clause.startswith("3.3.7")
    assert v["gb55016.svm"].margin == pytest.approx(-0.2)
    if profile != "cn-classroom-2013":  # the 2013 profile has no GB/T 50034-2024 clause
        assert v["gb50034-2024.svm"].status == "pass"
    assert result.status == "fail"
    assert [x.requirement_id for x in result.failed_shall] == ["gb55016.svm"]
    for ok in (0.9, 1.0):
        v, result = judge(profile, flicker_svm=ok)
        assert v["gb55016.svm"].status == "pass"
        assert result.status == "pass"


def test_svm_applies_to_specialist_rooms_too() -> None:
    """§3.3.7 covers every children's learning space: an art room with SVM 1.2 fails."""
    v, result = judge("cn-classroom", "art", flicker_svm=1.2, desk_illuminance_mean_lx=600.0)
    assert v["gb55016.svm"].status == "fail"
    assert result.status == "fail"


def test_r9_zero_passes_gb55016_but_fails_gb40070() -> None:
    """GB 55016-2021 §3.3.5 R9 ≥ 0 (不应小于0) against GB 40070-2021 R9 > 0: R9 = 0 passes the
    first and fails the second; R9 = -0.1 fails both."""
    v, _ = judge(cri_r9=0.0)
    assert v["gb55016.cri-r9"].status == "pass"
    assert v["gb40070.cri-r9"].status == "fail"
    v, _ = judge(cri_r9=-0.1)
    assert v["gb55016.cri-r9"].status == "fail"
    assert v["gb40070.cri-r9"].status == "fail"


def test_board_450_lx_fails_gb55016() -> None:
    """GB 55016-2021 §3.3.3 item 2: classroom writing board Ē ≥ 500 lx and U0 ≥ 0.8."""
    v, result = judge(board_illuminance_mean_lx=450.0)
    assert v["gb55016.board-illuminance"].status == "fail"
    assert v["gb55016.board-illuminance"].margin == pytest.approx(-50.0)
    assert result.status == "fail"
    v, _ = judge(board_illuminance_mean_lx=500.0, board_uniformity=0.79)
    assert v["gb55016.board-illuminance"].status == "pass"
    assert v["gb55016.board-uniformity"].status == "fail"


def test_ugr_is_a_shall_in_gb55016() -> None:
    """GB 55016-2021 §3.3.4 UGR 不应高于 19 (shall): 19 passes, 19.1 fails the room, where
    GB 7793-2010 (不宜, should) alone would not."""
    v, result = judge(ugr=19.0)
    assert v["gb55016.ugr"].status == "pass"
    assert result.status == "pass"
    v, result = judge(ugr=19.1)
    assert (v["gb55016.ugr"].status, v["gb55016.ugr"].obligation) == ("fail", "shall")
    assert v["gb7793.ugr"].obligation == "should"
    assert result.status == "fail"


def test_rg1_general_luminaire_fails_gb55016() -> None:
    """GB 55016-2021 §3.3.6: RG0 luminaires in children's learning spaces, also in an art room
    (GB 40070-2021 covers ordinary classrooms only)."""
    v, _ = judge("cn-classroom", "art", blue_light_risk_group="RG1")
    assert v["gb55016.blue-light-risk-group"].status == "fail"
    assert "gb40070.blue-light-risk-group" not in v


def test_board_ra_of_gb_t_50034_2024_in_cn_classroom() -> None:
    """GB/T 50034-2024 Table 5.3.8 (教室黑板) Ra ≥ 80 is judged by cn-classroom on the blackboard
    lamp: 80 passes, 79.9 fails."""
    v, _ = judge(board_cri_ra=80.0)
    assert v["gb50034-2024.board.cri-ra"].status == "pass"
    v, result = judge(board_cri_ra=79.9)
    assert v["gb50034-2024.board.cri-ra"].status == "fail"
    assert result.status == "fail"


def test_gb55015_lpd_recalled_values() -> None:
    """GB 55015-2021 education LPD (recalled, to be confirmed): 300 lx rooms ≤ 8.0 W/m²,
    art and computer rooms ≤ 13.5 W/m²."""
    v, _ = judge(lpd_w_per_m2=8.0)
    assert v["gb55015.lpd"].status == "pass"
    v, _ = judge(lpd_w_per_m2=8.1)
    assert (v["gb55015.lpd"].status, v["gb55015.lpd"].confidence) == ("fail", "to-be-confirmed")
    v, _ = judge("cn-classroom", "computer", lpd_w_per_m2=13.6, desk_illuminance_mean_lx=600.0)
    assert v["gb55015.art-computer.lpd"].status == "fail"


def test_gb31831_flicker_table_is_advisory_in_cn_classroom_2013() -> None:
    """GB/T 31831-2015 波动深度 table is recalled (R): it is reported, to be confirmed, but as
    advisory it does not fail a cn-classroom-2013 room (5 % at 100 Hz > 3.2 %)."""
    v, result = judge("cn-classroom-2013", flicker_percent=5.0)
    lim = v["gb31831.flicker-percent"]
    assert (lim.status, lim.obligation, lim.confidence) == ("fail", "advisory", "to-be-confirmed")
    assert result.status == "pass"


@settings(max_examples=80, deadline=None)
@given(svm=st.floats(min_value=0.0, max_value=5.0, allow_nan=False))
@example(svm=1.0)
@example(svm=1.0000001)
@example(svm=1.3)
def test_room_fails_on_svm_exactly_above_1(svm: float) -> None:
    """Hypothesis property: with every other metric passing, the cn-classroom verdict fails
    exactly when SVM > 1.0 (GB 55016-2021 §3.3.7), not only above 1.3 (GB/T 50034-2024)."""
    _, result = judge(flicker_svm=svm)
    assert result.status == ("fail" if svm > 1.0 else "pass"), svm
