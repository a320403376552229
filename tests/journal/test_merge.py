"""``luxcheck campaign merge`` (issue 22): field files of several teams become one campaign.

Sources: the issue's rules (append-only records keyed by id: merging twice adds nothing; the
same id with other content is a conflict refused as a whole; two teams in one classroom give
two sessions), the registry :data:`RECORD_TABLES` as the single list of what is merged, and, as
the oracle for "one campaign", a single-file run of the same rooms through the same emulated
meters."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest

from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.cli import main
from luxcheck.compliance.judge import judge_campaign
from luxcheck.errors import InputError, StoreError
from luxcheck.journal import store as store_module
from luxcheck.journal.merge import ConflictError, merge_into
from luxcheck.journal.record_tables import RecordTable
from luxcheck.journal.store import DERIVED_TABLES, RECORD_TABLES, CampaignStore
from luxcheck.model import Campaign, IlluminanceReading, MeasurementSession, School
from tests.support import teams
from tests.support.builders import T0, make_classroom


def _tables(store: CampaignStore) -> set[str]:
    return {
        r[0]
        for r in store.connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }


def test_every_table_is_registered_as_record_or_derived(tmp_path: Path) -> None:
    """Property of the registry: each table of the current schema is either merged (a record
    table) or recomputed (derived); a table added by a migration without registering it fails
    here, so a merge can never drop a kind of record silently."""
    with CampaignStore.create(tmp_path / "c.lux", Campaign("C1", "x")) as store:
        tables = _tables(store)
        unregistered = tables - set(RECORD_TABLES) - DERIVED_TABLES
        assert not unregistered, f"register these tables in store.RECORD_TABLES: {unregistered}"
        assert set(RECORD_TABLES) <= tables
        assert not set(RECORD_TABLES) & DERIVED_TABLES
        for position, (table, spec) in enumerate(RECORD_TABLES.items()):
            columns = {r[1] for r in store.connection.execute(f"PRAGMA table_info({table})")}
            assert set(spec.key) <= columns, table
            assert set(spec.local) <= columns, table
            for column, ref in spec.references.items():
                assert column in columns, (table, column)
                # a referenced table comes first (or is the table itself: a correction)
                assert ref == table or list(RECORD_TABLES).index(ref) < position, (table, ref)
                assert len(RECORD_TABLES[ref].key) == 1


def test_two_teams_merge_into_the_single_file_campaign(tmp_path: Path) -> None:
    """Issue 22's 'done when': two teams measure half the rooms each on the emulators; their
    merged file analyses and judges exactly as the single-file run of the same rooms (oracle:
    that run), and holds the same records."""
    rooms = teams.plans(4)
    single = teams.single_file(tmp_path / "single.lux", rooms)
    files = teams.team_files(tmp_path, rooms, [(0, 2), (1, 3)])
    merged = tmp_path / "merged.lux"
    shutil.copyfile(tmp_path / "base.lux", merged)
    with CampaignStore.open(merged) as store:
        report = merge_into(store, files)
    assert [t["reading"].new > 0 for t in report.arrived.values()] == [True, True]
    assert report.shared_classrooms == {}
    a, b = teams.record_rows(single), teams.record_rows(merged)
    for table in RECORD_TABLES:
        if table == "campaign":  # created_at is each file's own
            assert [r[:4] for r in a[table]] == [r[:4] for r in b[table]]
        else:
            assert a[table] == b[table], table
    results = []
    for path in (single, merged):
        with CampaignStore.open(path) as store:
            analyse_campaign(store, jobs=1)
            judged, rollup = judge_campaign(store)
            metrics = {r.classroom_id: store.metrics(r.classroom_id) for r in store.classrooms()}
            verdicts = {
                j.classroom.classroom_id: [(v.requirement_id, v.status) for v in j.verdicts]
                for j in judged
            }
            results.append((metrics, verdicts, rollup.passed, rollup.rooms))
    assert results[0] == results[1]
    assert results[0][3] == 4


def test_merging_twice_adds_nothing(tmp_path: Path) -> None:
    """Records are keyed by id: a second merge of the same file finds every record known."""
    rooms = teams.plans(2)
    (team,) = teams.team_files(tmp_path, rooms, [(0, 1)])
    into = tmp_path / "into.lux"
    shutil.copyfile(tmp_path / "base.lux", into)
    with CampaignStore.open(into) as store:
        first = merge_into(store, [team])
        second = merge_into(store, [team])
    before = teams.record_rows(into)
    assert sum(c.new for c in first.arrived[str(team)].values()) > 0
    assert all(c.new == 0 for c in second.arrived[str(team)].values())
    assert sum(c.known for c in second.arrived[str(team)].values()) == sum(
        len(rows) for rows in before.values()
    )
    assert teams.record_rows(into) == before


def _small(path: Path, lux: float, *, reading_id: str = "SE1.d1.1") -> Path:
    with CampaignStore.create(path, Campaign("C1", "测试活动")) as s:
        s.add_school(School("S01", "第一中学", "玄武区"))
        s.add_classroom(make_classroom())
        s.add_session(MeasurementSession("SE1", "R101", "张工", T0))
        s.add_reading(
            IlluminanceReading(reading_id, "SE1", T0, surface="desk", illuminance_lx=lux, point=1)
        )
    return path


def test_conflict_is_refused_as_a_whole_with_both_versions(tmp_path: Path) -> None:
    """The same reading id with another value is a conflict: the merge is refused, the report
    shows both values, and nothing of the source (not even its other new records) arrives."""
    into = _small(tmp_path / "into.lux", 512.0)
    other = _small(tmp_path / "other.lux", 498.0)
    with CampaignStore.open(other) as s:
        s.add_reading(
            IlluminanceReading("SE1.d2.1", "SE1", T0, surface="desk", illuminance_lx=505.0, point=2)
        )
    before = teams.record_rows(into)
    with CampaignStore.open(into) as store, pytest.raises(ConflictError) as caught:
        merge_into(store, [other])
    text = str(caught.value)
    assert "reading SE1.d1.1" in text
    assert "illuminance_lx: here 512.0" in text and "498.0" in text
    assert "nothing was merged" in text
    assert teams.record_rows(into) == before
    # the command line: exit 2 and the same message, no traceback
    assert main(["campaign", "merge", str(into), str(other)]) == 2


def test_another_campaign_and_the_target_itself_are_refused(tmp_path: Path) -> None:
    """Records of different campaigns are never merged; the target is no source of itself."""
    into = _small(tmp_path / "into.lux", 512.0)
    with CampaignStore.create(tmp_path / "other.lux", Campaign("C2", "另一个活动")):
        pass
    with CampaignStore.open(into) as store:
        with pytest.raises(StoreError, match="different campaigns"):
            merge_into(store, [tmp_path / "other.lux"])
        with pytest.raises(InputError, match="the target or was given twice"):
            merge_into(store, [into])


def test_two_teams_in_one_classroom_keep_two_sessions(tmp_path: Path) -> None:
    """Two teams measuring the same classroom bring two sessions of it; both are kept side by
    side (never overwritten) and the merge report names them."""
    rooms = teams.plans(2)
    one, two = teams.team_files(tmp_path, rooms, [(0,), (1,)])
    second = teams.second_visit(two, rooms[0])
    into = tmp_path / "into.lux"
    shutil.copyfile(tmp_path / "base.lux", into)
    with CampaignStore.open(into) as store:
        report = merge_into(store, [one, two])
        room = rooms[0].classroom.classroom_id
        assert [s.session_id for s in store.sessions(room)] == [f"{room}-V1", second]
    assert [sid for sid, _lab, _who in report.shared_classrooms[room]] == [f"{room}-V1", second]
    assert any(f"classroom {room} has 2 sessions" in line for line in report.lines())


def test_a_registered_table_is_merged_without_other_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Table-driven: a record table another feature adds (here an site_photo record per
    session) is merged by registering it, with its conflicts detected like any other."""
    paths = [_small(tmp_path / f"{n}.lux", 500.0) for n in ("into", "a")]
    for path, temperature in zip(paths, (None, 24.5), strict=True):
        db = sqlite3.connect(path)
        db.execute(
            "CREATE TABLE site_photo (record_id TEXT PRIMARY KEY, "
            "session_id TEXT NOT NULL REFERENCES session(session_id), temperature_c REAL)"
        )
        if temperature is not None:
            db.execute("INSERT INTO site_photo VALUES ('E1', 'SE1', ?)", (temperature,))
        db.commit()
        db.close()
    registry = dict(RECORD_TABLES)
    registry["site_photo"] = RecordTable(("record_id",), {"session_id": "session"})
    monkeypatch.setattr(store_module, "RECORD_TABLES", registry)
    monkeypatch.setattr("luxcheck.journal.merge.RECORD_TABLES", registry)
    with CampaignStore.open(paths[0]) as store:
        report = merge_into(store, [paths[1]])
        rows = store.connection.execute("SELECT * FROM site_photo").fetchall()
    assert report.arrived[str(paths[1])]["site_photo"].new == 1
    assert rows == [("E1", "SE1", 24.5)]


def test_sessions_carry_their_laboratory(tmp_path: Path) -> None:
    """A session journalled in a laboratory's campaign file records that laboratory (schema
    version 5); merged files of two laboratories keep each session's own."""
    rooms = teams.plans(2)
    files = []
    for lab, index in (("LAB-A", 0), ("LAB-B", 1)):
        path = teams.base_file(tmp_path / f"{lab}.lux", rooms, laboratory=lab)
        teams.measured(path, rooms, [index])
        files.append(path)
    into = teams.base_file(tmp_path / "bureau.lux", rooms)
    with CampaignStore.open(into) as store:
        merge_into(store, files)
        labs = store.classroom_laboratories()
        assert store.campaign.laboratory == ""
    assert labs == {
        rooms[0].classroom.classroom_id: ("LAB-A",),
        rooms[1].classroom.classroom_id: ("LAB-B",),
    }


def test_cli_merge_reports_what_arrived_from_where(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``campaign merge INTO FROM…`` prints per source what was new and what was known."""
    rooms = teams.plans(2)
    files = teams.team_files(tmp_path, rooms, [(0,), (1,)])
    into = tmp_path / "into.lux"
    shutil.copyfile(tmp_path / "base.lux", into)
    assert main(["campaign", "merge", str(into), *map(str, files)]) == 0
    out = capsys.readouterr().out
    for path in files:
        assert f"from {path}: " in out
    assert "1 session" in out and "already in into.lux" in out
    with pytest.raises(SystemExit) as usage:  # FROM is required
        main(["campaign", "merge", str(into)])
    assert usage.value.code == 2
    capsys.readouterr()
    assert main(["campaign", "init", str(tmp_path / "x.lux"), "--id", "X", "--name", "x",
                 "--laboratory", "bad lab"]) == 2  # fmt: skip
    assert "laboratory" in capsys.readouterr().err


def test_version_3_file_gains_the_laboratory_columns(tmp_path: Path) -> None:
    """A campaign file of schema version 3 is migrated on opening: its campaign and sessions
    get an empty laboratory, and a later session takes the campaign's."""
    path = tmp_path / "old.lux"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    for version, script in enumerate(store_module.MIGRATIONS[:3], start=1):
        db.executescript(script)
        db.execute("INSERT INTO schema_version VALUES (?, ?)", (version, T0.isoformat()))
    db.execute(
        "INSERT INTO campaign VALUES ('C1', 'old', 'cn-classroom', '', ?)", (T0.isoformat(),)
    )
    db.commit()
    db.close()
    with CampaignStore.open(path) as store:
        assert store.schema_version == store_module.SCHEMA_VERSION
        store.fill_campaign_field("laboratory", "LAB-A")
        store.add_school(School("S01", "第一中学"))
        store.add_classroom(make_classroom())
        store.add_session(MeasurementSession("SE9", "R101", "张工", T0 + dt.timedelta(hours=1)))
        assert store.classroom_laboratories() == {"R101": ("LAB-A",)}


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["campaign", "merge", "{into}", "{tmp}/missing.lux"], "no campaign file there"),
        (["campaign", "merge", "{into}", "{tmp}/junk.lux"], "not a luxcheck campaign file"),
        (["campaign", "push", "{into}", "postgresql://u@/x?host={tmp}/nosocket"], "cannot connect"),
        (["campaign", "push", "{into}", "postgresql://u@/x", "--batch-rows", "0"], "--batch-rows"),
        (["campaign", "pull", "postgresql://u@/x", "{tmp}/no/such/dir/p.lux"], "does not exist"),
        (["campaign", "pull", "bureau.example/x", "{tmp}/p.lux"], "expected a PostgreSQL URL"),
    ],
)
def test_bad_merge_push_pull_input_exits_2_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    """Bad input (a missing or foreign file, an unreachable server, a bad option or URL) is
    refused with exit 2 and a message, never a traceback, and nothing is written (robustness
    rule of the command line)."""
    into = _small(tmp_path / "into.lux", 500.0)
    (tmp_path / "junk.lux").write_bytes(b"not a database" * 20)
    before = teams.record_rows(into)
    args = [a.format(into=into, tmp=tmp_path) for a in argv]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert teams.record_rows(into) == before
    assert not (tmp_path / "p.lux").exists()
