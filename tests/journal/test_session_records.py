"""Session records in the campaign file (issue 18): kind and re-test reason, voids that can be
undone, holds, metric sources; append-only; a file of the previous schema is migrated.

Sources: issue 18 ("withdraws a whole session (append-only, the reason and who/when kept for
the auditor; it can itself be undone)"); the common rules of the project (records in the
campaign file are append-only; a schema change is one migration).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from luxcheck.errors import InputError, StoreError
from luxcheck.journal import store as store_module
from luxcheck.journal.exchange import export_folder, import_folder
from luxcheck.journal.session_records import MetricSource, SessionHold, SessionVoid
from luxcheck.journal.store import CampaignStore
from luxcheck.model import Campaign, MeasurementSession
from tests.support.builders import T0

LATER = T0 + dt.timedelta(days=30)


def _void(n: int, undoes: str | None = None) -> SessionVoid:
    return SessionVoid(f"SE1.void.{n}", "SE1", "meter out of calibration", "王工", LATER, undoes)


def test_void_and_undo_are_kept_in_order(store: CampaignStore) -> None:
    """A void withdraws the session; an undo names the void it undoes; both stay."""
    assert store.session_voids() == {}
    store.add_session_void(_void(1))
    assert store.session_voids()["SE1"].by == "王工"
    store.add_session_void(_void(2, undoes="SE1.void.1"))
    assert store.session_voids() == {}
    store.add_session_void(_void(3))
    assert [v.void_id for v in store.session_void_records()] == [
        "SE1.void.1",
        "SE1.void.2",
        "SE1.void.3",
    ]
    assert store.session_voids()["SE1"].void_id == "SE1.void.3"


def test_void_refuses_what_makes_no_sense(store: CampaignStore) -> None:
    """Issue 18 (every bad state gives a clear error): an unknown session, a second void of a
    void session, an undo of a void that is not in force."""
    with pytest.raises(StoreError, match="no session 'NOPE'"):
        store.add_session_void(SessionVoid("x", "NOPE", "r", "b", LATER))
    store.add_session_void(_void(1))
    with pytest.raises(StoreError, match="already void"):
        store.add_session_void(_void(2))
    with pytest.raises(StoreError, match="nothing to undo"):
        store.add_session_void(_void(3, undoes="SE1.void.9"))


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE session_void SET reason = 'x'",
        "DELETE FROM session_void",
        "UPDATE session_hold SET user = 'x'",
        "DELETE FROM session_hold",
    ],
)
def test_session_records_are_append_only(store: CampaignStore, sql: str) -> None:
    """Append-only records: the triggers refuse UPDATE and DELETE (common rules)."""
    store.add_session_void(_void(1))
    store.add_session_hold(SessionHold("h1", "R101", "SE1", "take", "lap", "li", 1, LATER))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store._db.execute(sql)


def test_open_holds_are_takes_without_release(store: CampaignStore) -> None:
    """A hold is open from its take until its release (id + '.release')."""
    take = SessionHold("SE1.hold.a", "R101", "SE1", "take", "lap", "li", 42, LATER)
    store.add_session_hold(take)
    assert store.open_holds("R101") == [take]
    store.add_session_hold(
        SessionHold("SE1.hold.a.release", "R101", "SE1", "release", "lap", "li", 42, LATER)
    )
    assert store.open_holds("R101") == []


def test_metric_sources_are_replaced_with_the_metrics(store: CampaignStore) -> None:
    """Metric sources are computed data: stored after the metrics, cleared by put_metrics."""
    store.put_metrics("R101", {"desk_illuminance_mean_lx": 550.0}, input_hash="h")
    store.put_metric_sources(
        "R101",
        {"desk_illuminance_mean_lx": MetricSource("SE1", True, 300.0, None, "SE0")},
    )
    assert store.metric_sources("R101")["desk_illuminance_mean_lx"].first_value == 300.0
    store.put_metrics("R101", {"desk_illuminance_mean_lx": 551.0}, input_hash="h2")
    assert store.metric_sources("R101") == {}


def test_kind_and_reason_round_trip_through_the_csv_folder(
    store: CampaignStore, tmp_path: Path
) -> None:
    """Import/export round-trips without loss (DESIGN §9): a re-test keeps its kind and reason."""
    retest = MeasurementSession(
        "SE2", "R101", "李工", LATER, kind="retest", retest_reason="after rectification"
    )
    store.add_session(retest)
    export_folder(store, tmp_path / "out")
    with CampaignStore.create(tmp_path / "copy.lux", Campaign("C1", "测试活动")) as copy:
        import_folder(copy, tmp_path / "out")
        assert copy.session("SE2") == retest
        assert copy.session("SE1") == store.session("SE1")


def test_previous_schema_is_migrated(tmp_path: Path) -> None:
    """A campaign file of the previous schema version opens with its sessions as first tests
    and no session records (one migration, common rules)."""
    path = tmp_path / "old.lux"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    # the version before the sessions' migration (the one creating session_hold)
    before = next(i for i, m in enumerate(store_module.MIGRATIONS) if "session_hold" in m)
    for script in store_module.MIGRATIONS[:before]:
        db.executescript(script)
    db.execute("INSERT INTO schema_version VALUES (?, '2026-01-01')", (before,))
    db.execute("INSERT INTO campaign VALUES ('C1', 'x', 'cn-classroom', '', '2026-01-01')")
    db.execute("INSERT INTO school VALUES ('S01', 'x', '', '')")
    db.execute(
        "INSERT INTO classroom (classroom_id, school_id, name, room_type, length_m, width_m, "
        "height_m, desk_rows, desk_front_m, desk_back_m, desk_height_m, board_width_m, "
        "board_height_m, board_bottom_m, luminaire_count, luminaire_rows, luminaire_columns, "
        "board_luminaire_count, building, floor, notes) VALUES ('R101', 'S01', 'x', "
        "'ordinary', 9, 7.2, 3.4, 7, 2.2, 8.4, 0.75, 4, 1.2, 0.9, 9, 3, 3, 2, '', '', '')"
    )
    db.execute(
        "INSERT INTO session VALUES ('SE1', 'R101', '张工', '2026-11-02T09:00:00+00:00', '', '')"
    )
    db.commit()
    db.close()
    with CampaignStore.open(path) as store:
        assert store.schema_version == store_module.SCHEMA_VERSION
        session = store.session("SE1")
        assert session is not None and session.kind == "first" and session.retest_reason == ""
        assert store.session_voids() == {} and store.open_holds("R101") == []


def test_session_voids_round_trip_through_the_csv_folder(
    store: CampaignStore, tmp_path: Path
) -> None:
    """Import/export round-trips without loss (DESIGN §9): a withdrawn session stays withdrawn,
    its undo stays undone, in order; a void naming an unknown session is refused at its line."""
    store.add_session_void(_void(1))
    store.add_session_void(_void(2, undoes="SE1.void.1"))
    store.add_session_void(_void(3))
    export_folder(store, tmp_path / "out")
    with CampaignStore.create(tmp_path / "copy.lux", Campaign("C1", "测试活动")) as copy:
        import_folder(copy, tmp_path / "out")
        assert copy.session_void_records() == store.session_void_records()
        assert set(copy.session_voids()) == {"SE1"}
        import_folder(copy, tmp_path / "out")  # again: known records are skipped
        assert len(copy.session_void_records()) == 3
    bad = tmp_path / "out" / "session_voids.csv"
    bad.write_text(
        "void_id,session_id,reason,by,at,undoes\nX.void.1,NOPE,r,b,2026-12-01T09:00:00+00:00,\n",
        encoding="utf-8",
    )
    with CampaignStore.create(tmp_path / "bad.lux", Campaign("C1", "测试活动")) as target:
        with pytest.raises(
            InputError, match=r"session void 'X\.void\.1' names session 'NOPE'"
        ) as e:
            import_folder(target, tmp_path / "out")
        assert e.value.line == 2 and target.session_void_records() == []
