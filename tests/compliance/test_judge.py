"""Judging stored metrics with the instruments' uncertainty (README, How results are decided;
ILAC-G8 guarded acceptance): analytic cases with the T-10A's 4 % expanded uncertainty of the
fixture."""

from __future__ import annotations

import datetime as dt

import pytest

from luxcheck.compliance.judge import judge_campaign, judge_room, measurement_uncertainty
from luxcheck.journal.store import CampaignStore
from luxcheck.model import Instrument, MeasurementSession
from tests.support.builders import T0


def _desk(verdicts: tuple) -> list[str]:  # type: ignore[type-arg]
    return [v.status for v in verdicts if v.metric == "desk_illuminance_mean_lx"]


def test_uncertainty_from_the_session_instruments(store: CampaignStore) -> None:
    """U = 4 % × 305 lx = 12.2 lx for the illuminance metrics; nothing for the others."""
    values = {"desk_illuminance_mean_lx": 305.0, "cri_ra": 82.0}
    u = measurement_uncertainty(store, "R101", values)
    assert u == {"desk_illuminance_mean_lx": 305.0 * 0.04}


def test_guarded_rule_makes_the_guard_band_indeterminate(store: CampaignStore) -> None:
    """305 lx against ≥ 300 lx: simple acceptance passes; guarded acceptance with
    U = 12.2 lx cannot decide (305 − 12.2 < 300 < 305 + 12.2) → indeterminate; 320 lx
    (320 − 12.8 > 300) passes under both."""
    store.put_metrics("R101", {"desk_illuminance_mean_lx": 305.0}, input_hash="h")
    room = store.classroom("R101")
    assert set(_desk(judge_room(store, room).verdicts)) == {"pass"}
    guarded = judge_room(store, room, decision_rule="guarded")
    assert set(_desk(guarded.verdicts)) == {"indeterminate"}
    assert guarded.result.status != "pass"
    store.put_metrics("R101", {"desk_illuminance_mean_lx": 320.0}, input_hash="h2")
    assert set(_desk(judge_room(store, room, decision_rule="guarded").verdicts)) == {"pass"}


def test_a_later_session_without_the_lux_meter_keeps_its_uncertainty(
    store: CampaignStore,
) -> None:
    """A revisit session that only typed in power keeps the illuminance guard band of the
    first session's T-10A (4 %), and a second lux meter of 6 % widens it to 6 % (the larger
    U_rel): the guarded rule never falls back to simple acceptance because of a revisit."""
    store.add_instrument(
        Instrument("PM-1", "Yokogawa WT310E", "C2PM", dt.date(2026, 3, 1), 0.5, kind="power")
    )
    store.add_session(MeasurementSession("SE2", "R101", "张工", T0, ("PM-1",)))
    values = {"desk_illuminance_mean_lx": 305.0}
    assert measurement_uncertainty(store, "R101", values) == {
        "desk_illuminance_mean_lx": pytest.approx(305.0 * 0.04)
    }
    store.add_instrument(Instrument("LUX-2", "Konica Minolta T-10A", "2", dt.date(2026, 3, 1), 6.0))
    store.add_session(MeasurementSession("SE3", "R101", "张工", T0, ("LUX-2",)))
    assert measurement_uncertainty(store, "R101", values) == {
        "desk_illuminance_mean_lx": pytest.approx(305.0 * 0.06)
    }


def test_first_test_verdicts_of_a_retested_room(store: CampaignStore) -> None:
    """Issue 18: a re-tested room is judged twice — on its current metrics and on the first
    test's values of the re-tested ones (GB 7793-2010 §5.2: desk mean ≥ 300 lx); 280 lx at
    the first test fails, 320 lx at the re-test passes. A room not re-tested has no first
    verdicts."""
    from luxcheck.journal.session_records import MetricSource

    room = store.classroom("R101")
    store.put_metrics("R101", {"desk_illuminance_mean_lx": 320.0}, input_hash="h")
    assert judge_room(store, room).first_verdicts is None
    store.put_metric_sources(
        "R101", {"desk_illuminance_mean_lx": MetricSource("SE2", True, 280.0, None, "SE1")}
    )
    judged = judge_room(store, room)
    assert set(_desk(judged.verdicts)) == {"pass"}
    assert judged.first_verdicts is not None and set(_desk(judged.first_verdicts)) == {"fail"}
    assert judged.first_result is not None and judged.first_result.status == "fail"
    # judging the campaign (its records read once) finds the same first test
    (in_campaign,) = judge_campaign(store, classroom_ids=["R101"])[0]
    assert in_campaign == judged
    assert store.retested_classrooms() == {"R101"}


def test_a_voided_session_brings_no_uncertainty(store: CampaignStore) -> None:
    """A withdrawn session's readings are not used, so its instruments' uncertainty is not
    applied (the fixture's only session SE1 carries the T-10A's 4 %)."""
    from luxcheck.journal.session_records import SessionVoid

    store.add_session_void(SessionVoid("SE1.void.1", "SE1", "wrong meter", "王工", T0))
    assert measurement_uncertainty(store, "R101", {"desk_illuminance_mean_lx": 305.0}) == {}
