"""The campaign store: append-only journal, supersede/void, exact array round-trip, atomicity.

Source of the rules: issue 2 (WAL, synchronous=FULL, one transaction per reading,
raw readings append-only, a correction supersedes, schema version table).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from luxcheck.errors import InputError, StoreError
from luxcheck.journal.store import SCHEMA_VERSION, CampaignStore
from luxcheck.model import (
    Campaign,
    IlluminanceReading,
    LuminanceReading,
    MeasurementSession,
    PowerReading,
    SpectrumReading,
    VoidReading,
    WaveformReading,
)
from tests.support.builders import T0


def lx(rid: str, value: float, **kw: object) -> IlluminanceReading:
    return IlluminanceReading(rid, "SE1", T0, illuminance_lx=value, x_m=1.0, y_m=2.5, **kw)  # type: ignore[arg-type]


def test_pragmas_and_schema(store: CampaignStore) -> None:
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.schema_version == SCHEMA_VERSION


def test_reading_round_trip_all_kinds(store: CampaignStore) -> None:
    wl = np.arange(380.0, 781.0, 5.0)
    spd = np.linspace(0.1, 1.0, wl.size).astype(np.float32)
    samples = np.arange(2000, dtype=np.int16)
    readings = [
        lx("A1", 512.5, point=0),
        SpectrumReading("A2", "SE1", T0, wavelength_nm=wl, values=spd, unit="W/(m2 nm)"),
        WaveformReading("A3", "SE1", T0, samples=samples, sample_rate_hz=20000.0, dark_level=3.0),
        LuminanceReading(
            "A4",
            "SE1",
            T0,
            target="luminaire",
            luminance_cd_m2=4200.0,
            observer="P1",
            solid_angle_sr=0.01,
            position_index=2.3,
        ),
        PowerReading("A5", "SE1", T0, circuit="general", power_w=301.2),
    ]
    for r in readings:
        store.add_reading(r)
    back = store.readings("R101")
    assert back == readings
    # arrays keep their dtype exactly (never coerced)
    assert back[1].values.dtype == np.float32  # type: ignore[union-attr]
    assert back[2].samples.dtype == np.int16  # type: ignore[union-attr]


def test_append_only_triggers(store: CampaignStore) -> None:
    store.add_reading(lx("A1", 500.0))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store._db.execute("UPDATE reading SET illuminance_lx = 1 WHERE reading_id = 'A1'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store._db.execute("DELETE FROM reading")
    assert store.readings()[0].illuminance_lx == 500.0  # type: ignore[union-attr]


def test_correction_and_void(store: CampaignStore) -> None:
    store.add_reading(lx("A1", 500.0))
    store.add_reading(lx("A2", 480.0))
    store.add_reading(lx("A1b", 505.0, supersedes="A1"))
    store.add_reading(VoidReading("V1", "SE1", T0, supersedes="A2"))
    current = store.readings("R101")
    assert [r.reading_id for r in current] == ["A1b"]
    everything = store.readings("R101", include_superseded=True)
    assert [r.reading_id for r in everything] == ["A1", "A2", "A1b", "V1"]
    assert store.reading_counts() == {"R101": {"illuminance": 1}}


def test_current_ids_and_chunk_loading_agree_with_readings(store: CampaignStore) -> None:
    """The analysis loads chunks of classrooms and hashes reading ids without loading them:
    both views equal the current readings (corrections and voids applied)."""
    store.add_reading(lx("A1", 500.0))
    store.add_reading(lx("A2", 480.0))
    store.add_reading(lx("A1b", 505.0, supersedes="A1"))
    store.add_reading(VoidReading("V1", "SE1", T0, supersedes="A2"))
    store.add_reading(lx("A3", 470.0))
    current = [r.reading_id for r in store.readings("R101")]
    assert store.current_reading_ids() == {"R101": current}
    chunk = store.readings_by_classroom(["R101", "R999"])
    assert [r.reading_id for r in chunk["R101"]] == current
    assert store.readings_by_classroom([]) == {}


def test_readings_with_rows_agree_with_readings_and_raw_rows(store: CampaignStore) -> None:
    """The report's one-query view of a classroom (property of the store's API): the current
    readings equal :meth:`readings` (corrections and voids applied, every kind with its arrays
    and dtypes) and the rows equal :meth:`raw_reading_rows` (superseded and void included)."""
    wl = np.arange(380.0, 781.0, 5.0)
    store.add_reading(lx("A1", 500.0, point=0))
    store.add_reading(lx("A2", 480.0, lights_on=False))
    store.add_reading(
        SpectrumReading("S1", "SE1", T0, wavelength_nm=wl, values=wl.astype(np.float32))
    )
    store.add_reading(
        WaveformReading("W1", "SE1", T0, samples=np.arange(50, dtype=np.int16), sample_rate_hz=4e3)
    )
    store.add_reading(lx("A1b", 505.0, supersedes="A1"))
    store.add_reading(VoidReading("V1", "SE1", T0, supersedes="A2"))
    store.add_reading(PowerReading("P1", "SE1", T0, circuit="general", power_w=301.2))
    current, raw = store.readings_with_rows("R101")
    assert current == store.readings("R101")
    assert [r.reading_id for r in current] == ["S1", "W1", "A1b", "P1"]
    assert current[0].values.dtype == np.float32  # type: ignore[union-attr]
    assert raw == store.raw_reading_rows("R101")
    assert len(raw) == 7
    assert store.readings_with_rows("R101", store.superseded_ids()) == (current, raw)
    assert store.readings_with_rows("R999") == ([], [])


def test_reader_reads_beside_a_writer_and_cannot_write(store: CampaignStore) -> None:
    """A worker's read-only connection sees committed readings while the main connection
    keeps writing, and refuses to write itself (nothing stored changes)."""
    store.add_reading(lx("A1", 500.0))
    reader = CampaignStore.open_reader(store.path)
    try:
        with store.transaction():
            store.add_reading(lx("A2", 480.0))
            assert [r.reading_id for r in reader.readings("R101")] == ["A1"]
        assert [r.reading_id for r in reader.readings("R101")] == ["A1", "A2"]
        with pytest.raises(StoreError):
            reader.add_reading(lx("A3", 1.0))
    finally:
        reader.close()
    assert [r.reading_id for r in store.readings("R101")] == ["A1", "A2"]


def test_refusals_leave_store_unchanged(store: CampaignStore) -> None:
    store.add_reading(lx("A1", 500.0))
    with pytest.raises(StoreError, match="A1"):
        store.add_reading(lx("A1", 501.0))  # duplicate id
    with pytest.raises(StoreError, match="session"):
        store.add_reading(IlluminanceReading("B1", "NOPE", T0, illuminance_lx=1.0))
    with pytest.raises(StoreError, match="supersedes"):
        store.add_reading(lx("B2", 1.0, supersedes="missing"))
    # a batch with one bad reading is refused whole
    with pytest.raises(StoreError):
        store.add_readings([lx("C1", 1.0), lx("C2", 2.0), lx("A1", 3.0)])
    assert [r.reading_id for r in store.readings(include_superseded=True)] == ["A1"]


@pytest.mark.parametrize("at_once", [512, 2, 1])
def test_a_batch_journals_what_one_reading_at_a_time_does(
    store: CampaignStore, tmp_path: Path, at_once: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Property of the logic: ``add_readings`` inserts each run of one kind at once, up to a
    reading that supersedes another (checked against what is journalled before it, the
    batch's earlier readings included); the file holds the same rows (arrays, time stamps,
    order) as ``add_reading`` one at a time, however many readings are made rows at a time
    (``at_once``: a run, a superseded reading and a refused one split between them). A refused
    batch names its bad reading, wherever it stands in a run, and records nothing."""
    monkeypatch.setattr("luxcheck.journal.store.ROWS_AT_ONCE", at_once)
    copy = tmp_path / "copy.lux"
    with contextlib.closing(sqlite3.connect(copy)) as target:
        store.connection.backup(target)
    wl = np.arange(380.0, 781.0, 5.0)
    batch = [
        lx("A1", 500.0, point=0),
        lx("A2", 480.0, point=1),
        lx("A1b", 505.0, point=0, supersedes="A1"),
        lx("A3", 470.0, point=2),
        SpectrumReading("S1", "SE1", T0, wavelength_nm=wl, values=wl / 780.0),
        SpectrumReading("S2", "SE1", T0, wavelength_nm=wl, values=(wl / 780.0).astype(np.float32)),
        WaveformReading("W1", "SE1", T0, samples=np.arange(64, dtype=np.int16), sample_rate_hz=4e3),
        VoidReading("V1", "SE1", T0, supersedes="A2"),
        PowerReading("P1", "SE1", T0, circuit="general", power_w=301.2),
    ]
    assert store.add_readings(batch) == len(batch)
    with CampaignStore.open(copy) as one_by_one:
        for reading in batch:
            one_by_one.add_reading(reading)
        assert store.raw_reading_rows("R101") == one_by_one.raw_reading_rows("R101")
    before = store.raw_reading_rows("R101")
    with pytest.raises(StoreError, match="cannot add reading A3"):
        store.add_readings([lx("C1", 1.0), lx("A3", 2.0), lx("C3", 3.0)])
    with pytest.raises(StoreError, match="reading C2 names session NOPE"):
        store.add_readings(
            [lx("C1", 1.0), IlluminanceReading("C2", "NOPE", T0, illuminance_lx=1.0)]
        )
    with pytest.raises(StoreError, match="reading C2 supersedes missing"):
        store.add_readings([lx("C1", 1.0), lx("C2", 2.0, supersedes="missing")])
    assert store.raw_reading_rows("R101") == before


def test_committed_before_return(store: CampaignStore, tmp_path: Path) -> None:
    """A second connection sees a reading as soon as add_reading returns (it was committed)."""
    store.add_reading(lx("A1", 500.0))
    other = sqlite3.connect(store.path)
    assert other.execute("SELECT count(*) FROM reading").fetchone()[0] == 1


def test_over_range_and_bad_values_refused() -> None:
    with pytest.raises(InputError, match="illuminance_lx"):
        lx("A1", -1.0)
    with pytest.raises(InputError, match="illuminance_lx"):
        lx("A1", float("nan"))
    with pytest.raises(InputError, match="supersede itself"):
        lx("A1", 1.0, supersedes="A1")


def test_create_refuses_existing_and_open_refuses_foreign(tmp_path: Path) -> None:
    path = tmp_path / "a.lux"
    CampaignStore.create(path, Campaign("C1", "x")).close()
    with pytest.raises(InputError, match="already exists"):
        CampaignStore.create(path, Campaign("C1", "x"))
    junk = tmp_path / "junk.lux"
    junk.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a luxcheck campaign"):
        CampaignStore.open(junk)
    with CampaignStore.open(path) as s:
        assert s.campaign == Campaign("C1", "x")


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.lux"
    CampaignStore.create(path, Campaign("C1", "x")).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_version VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="newer"):
        CampaignStore.open(path)


def test_version_1_file_is_migrated_and_keeps_its_classrooms(tmp_path: Path) -> None:
    """A campaign file of schema version 1 (before the luminous size of the luminaires) opens,
    is migrated to the current version in one transaction, and its classrooms read back with
    the new fields unknown (None), so UGR from luminances is not measured until they are given."""
    from luxcheck.journal.store import MIGRATIONS

    path = tmp_path / "v1.lux"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version "
        "(version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
    )
    db.execute("INSERT INTO schema_version VALUES (1, '2026-11-01T00:00:00Z')")
    db.execute(
        "INSERT INTO campaign VALUES ('C1', 'old', 'cn-classroom', '', '2026-11-01T00:00:00Z')"
    )
    db.execute("INSERT INTO school VALUES ('S01', '第一中学', '', '')")
    db.execute(
        "INSERT INTO classroom VALUES ('R101','S01','教室','ordinary',9,7.2,3.4,7,2.2,8.4,0.75,"
        "4,1.2,0.9,9,3,3,2,2.85,NULL,'','','')"
    )
    db.commit()
    db.close()
    with CampaignStore.open(path) as store:
        assert store.schema_version == SCHEMA_VERSION
        room = store.classroom("R101")
    assert room.luminaire_luminous_length_m is None
    assert room.luminaire_luminous_width_m is None
    assert room.luminaire_mounting_height_m == 2.85
    # version 4: technology and assessed risk groups not recorded (LED assumed, the groups'
    # requirements not measured: luxcheck.compliance.judge)
    assert room.luminaire_technology is None
    assert room.luminaire_risk_group is None
    assert room.board_luminaire_risk_group is None


def test_metrics_replace_and_reasons(store: CampaignStore) -> None:
    store.put_metrics(
        "R101",
        {"cct_K": 4800.0, "blue_light_risk_group": "RG0", "flicker_pst_lm": float("nan")},
        input_hash="h1",
        reasons={"flicker_pst_lm": "record 1.0 s < 20 s"},
    )
    values, reasons = store.metrics("R101")
    assert values == {"cct_K": 4800.0, "blue_light_risk_group": "RG0", "flicker_pst_lm": None}
    assert reasons == {"flicker_pst_lm": "record 1.0 s < 20 s"}
    store.put_metrics("R101", {"cct_K": 4700.0}, input_hash="h2")
    assert store.metrics("R101")[0] == {"cct_K": 4700.0}
    assert store.metrics_hash("R101") == "h2"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=hnp.arrays(
        dtype=st.sampled_from([np.float64, np.float32, np.int16, np.uint16, np.int32]),
        shape=st.integers(1, 300),
        elements={"allow_nan": False, "allow_infinity": False},
    ),
    rate=st.floats(1.0, 1e6, allow_nan=False),
)
def test_waveform_round_trip_property(
    store: CampaignStore, values: np.ndarray, rate: float
) -> None:
    """Property: any finite array of any supported dtype comes back bit-for-bit."""
    rid = f"W{store._db.execute('SELECT count(*) FROM reading').fetchone()[0]}"
    reading = WaveformReading(
        rid, "SE1", T0 + dt.timedelta(seconds=1), samples=values, sample_rate_hz=rate
    )
    store.add_reading(reading)
    back = store.readings(kind="waveform")[-1]
    assert back == reading


def test_sessions_ordered_by_instant_across_utc_offsets(store: CampaignStore) -> None:
    """09:00 UTC+08:00 is 01:00 UTC: it comes before 02:00+00:00, although its text sorts
    after it (``measure --resume`` takes the last session)."""
    beijing = dt.timezone(dt.timedelta(hours=8))
    store.add_session(
        MeasurementSession("A-late", "R101", "x", dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC))
    )
    store.add_session(
        MeasurementSession("Z-early", "R101", "x", dt.datetime(2026, 11, 3, 9, 0, tzinfo=beijing))
    )
    assert [s.session_id for s in store.sessions("R101")] == ["SE1", "Z-early", "A-late"]
    assert [s.session_id for s in store.sessions()] == ["SE1", "Z-early", "A-late"]
