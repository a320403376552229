"""Guarded acceptance for every quantity (issue 20 item 7; ILAC-G8:09/2019 §4.2.2 guard bands).

Each instrument states its expanded uncertainty per quantity (``instrument_uncertainty``:
absolute in the metric's unit, or relative in % of the value); the guarded rule applies it as
the guard band of that quantity, and a quantity without a stated uncertainty is judged by simple
acceptance with a note. Sources: analytic cases of the interval rule (pass only if all of
[x − U, x + U] complies, fail only if none does); the campaign file's append-only rule; the CSV
exchange's round trip.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.compliance import engine as C
from luxcheck.compliance.judge import judge_room, measurement_uncertainty
from luxcheck.errors import InputError, StoreError
from luxcheck.journal.exchange import export_folder, import_folder
from luxcheck.journal.store import CampaignStore
from luxcheck.model import (
    RELATIVE_UNIT,
    Campaign,
    Instrument,
    InstrumentUncertainty,
    MeasurementSession,
)
from tests.support.builders import T0
from tests.support.rooms import GOOD


def _spectrometer(store: CampaignStore, cct_u: float = 85.0) -> None:
    store.add_instrument(
        Instrument("SPEC-1", "JETI specbos 1211", "1", dt.date(2026, 2, 1), 3.0, kind="spectrum")
    )
    store.add_instrument_uncertainty(InstrumentUncertainty("SPEC-1", "cct_K", cct_u, "K"))
    store.add_session(MeasurementSession("SE2", "R101", "张工", T0, ("SPEC-1",)))


def test_stated_uncertainties_are_append_only_and_the_latest_is_used(
    store: CampaignStore,
) -> None:
    """Campaign-file rule (records are append-only): a restated uncertainty is a new row, the
    database refuses UPDATE and DELETE, and the latest row of a pair is the one in use."""
    _spectrometer(store)
    store.add_instrument_uncertainty(InstrumentUncertainty("SPEC-1", "cct_K", 60.0, "K"))
    assert [u.expanded_uncertainty for u in store.instrument_uncertainties("SPEC-1")] == [60.0]
    assert [u.expanded_uncertainty for u in store.instrument_uncertainties(history=True)] == [
        85.0,
        60.0,
    ]
    for sql in (
        "UPDATE instrument_uncertainty SET unit = 'x'",
        "DELETE FROM instrument_uncertainty",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store._db.execute(sql)
    with pytest.raises(StoreError, match="not in the campaign"):
        store.add_instrument_uncertainty(InstrumentUncertainty("NOPE", "cct_K", 1.0, "K"))


def test_per_quantity_uncertainty_absolute_and_relative(store: CampaignStore) -> None:
    """U of CCT is absolute (85 K); a relative statement gives U = value × %/100 (illuminance
    4 % of 305 lx = 12.2 lx, from the fixture's T-10A calibration); a metric no instrument
    states has none."""
    _spectrometer(store)
    values = {"cct_K": 5200.0, "desk_illuminance_mean_lx": 305.0, "cri_ra": 82.0}
    assert measurement_uncertainty(store, "R101", values) == {
        "cct_K": 85.0,
        "desk_illuminance_mean_lx": pytest.approx(12.2),
    }
    store.add_instrument_uncertainty(
        InstrumentUncertainty("T10A-1", "desk_illuminance_mean_lx", 5.0, RELATIVE_UNIT)
    )
    assert measurement_uncertainty(store, "R101", values)["desk_illuminance_mean_lx"] == (
        pytest.approx(305.0 * 0.05)
    )


def test_guarded_cct_inside_the_band_is_indeterminate_and_ra_says_simple(
    store: CampaignStore,
) -> None:
    """GB 40070 CCT 3300-5300 K: 5250 K ± 85 K straddles 5300 K → indeterminate; Ra has no
    stated uncertainty → judged by simple acceptance, with the note on its verdict."""
    _spectrometer(store)
    store.put_metrics("R101", {**GOOD, "cct_K": 5250.0}, input_hash="h")
    room = store.classroom("R101")
    verdicts = {
        v.requirement_id: v for v in judge_room(store, room, decision_rule="guarded").verdicts
    }
    cct = verdicts["gb40070.cct"]
    assert cct.status == "indeterminate"
    assert "guard band U = 85 K" in str(cct.reason)
    ra = verdicts["gb40070.cri-ra"]
    assert ra.status == "pass"
    assert ra.decision_rule == "simple"
    assert "no expanded uncertainty given for cri_ra: simple acceptance" in str(ra.reason)
    simple = {v.requirement_id: v for v in judge_room(store, room).verdicts}
    assert simple["gb40070.cct"].status == "pass"


def test_a_stated_uncertainty_of_an_unknown_metric_or_unit_is_refused(
    store: CampaignStore,
) -> None:
    """Bad input gets a clear error naming the instrument, the metric and what was expected."""
    _spectrometer(store)
    store.add_instrument_uncertainty(InstrumentUncertainty("SPEC-1", "duv", 2.0, "K"))
    with pytest.raises(InputError, match="instrument SPEC-1, uncertainty of 'duv': unit 'K'"):
        measurement_uncertainty(store, "R101", {"duv": 0.001})


def test_exchange_round_trip_keeps_every_statement(store: CampaignStore, tmp_path: Path) -> None:
    """Export writes instrument_uncertainty.csv with every row in order; importing it into a
    new campaign gives the same rows; importing it again adds nothing (same statements)."""
    _spectrometer(store)
    store.add_instrument_uncertainty(
        InstrumentUncertainty("SPEC-1", "cct_K", 60.0, "K", 2.0, "cert 7")
    )
    export_folder(store, tmp_path / "out")
    text = (tmp_path / "out" / "instrument_uncertainty.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "instrument_id,metric_id,expanded_uncertainty,unit,coverage_factor,basis"
    )
    fresh = CampaignStore.create(tmp_path / "new.lux", Campaign("C1", "测试活动"))
    import_folder(fresh, tmp_path / "out")
    history = store.instrument_uncertainties(history=True)
    assert fresh.instrument_uncertainties(history=True) == history
    import_folder(fresh, tmp_path / "out")
    assert fresh.instrument_uncertainties(history=True) == history
    fresh.add_instrument_uncertainty(InstrumentUncertainty("SPEC-1", "cct_K", 70.0, "K"))
    import_folder(store, _exported(fresh, tmp_path / "again"))  # continues store's history
    assert [u.expanded_uncertainty for u in store.instrument_uncertainties(history=True)] == [
        85.0,
        60.0,
        70.0,
    ]
    fresh.close()


def _exported(store: CampaignStore, folder: Path) -> Path:
    export_folder(store, folder)
    return folder


def test_import_refuses_an_uncertainty_of_an_unknown_instrument(tmp_path: Path) -> None:
    """Exchange rule: a reference to an id neither in the folder nor in the campaign is refused
    at its file, line and column, and nothing is written."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "campaign.csv").write_text("campaign_id,name\nC9,x\n", encoding="utf-8")
    (folder / "instrument_uncertainty.csv").write_text(
        "instrument_id,metric_id,expanded_uncertainty,unit\nGHOST,cct_K,80,K\n", encoding="utf-8"
    )
    store = CampaignStore.create(tmp_path / "c.lux", Campaign("C9", "x"))
    with pytest.raises(InputError) as info:
        import_folder(store, folder)
    assert info.value.line == 2 and info.value.column == "instrument_id"
    assert store.instrument_uncertainties() == []
    store.close()


@settings(max_examples=80, deadline=None)
@given(
    x=st.floats(2000.0, 7000.0),
    u=st.floats(0.0, 500.0),
)
def test_guard_band_rule_for_a_range_limit(x: float, u: float) -> None:
    """Property of ILAC-G8's guarded rule on GB 40070's CCT range [3300, 5300] K: pass iff
    [x − U, x + U] lies inside, fail iff it lies wholly outside, else indeterminate."""
    C.clear_cache()
    v = next(
        v
        for v in C.evaluate(
            {**GOOD, "cct_K": x}, "cn-classroom", uncertainty={"cct_K": u}, decision_rule="guarded"
        )
        if v.requirement_id == "gb40070.cct"
    )
    if x - u >= 3300 and x + u <= 5300:
        assert v.status == "pass"
    elif x + u < 3300 or x - u > 5300:
        assert v.status == "fail"
    else:
        assert v.status == "indeterminate"
