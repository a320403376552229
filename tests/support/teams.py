"""Field files of several teams, measured through the emulators' in-process path (the demo's
value source, :mod:`luxcheck.demo.runner`), and the tables of a campaign file read back as
plain rows, for the merge and central-store tests."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from luxcheck.demo.plan import RoomPlan, plan_campaign
from luxcheck.demo.runner import (
    DEMO_START,
    demo_environment,
    fast_readings,
    measure_campaign,
    prepare_store,
    session_for,
)
from luxcheck.journal.store import RECORD_TABLES, CampaignStore
from luxcheck.model import MeasurementSession

NAME = "两队合并测试"


def plans(n_classrooms: int = 4, seed: int = 11) -> list[RoomPlan]:
    """A small planned campaign (about one school per four classrooms)."""
    return plan_campaign(n_classrooms, seed, rooms_per_school=4.0)


def base_file(path: Path, rooms: list[RoomPlan], laboratory: str = "") -> Path:
    """The campaign file a laboratory hands its teams: schools, classrooms, instruments."""
    store = prepare_store(path, rooms, NAME)
    try:
        if laboratory:
            store.fill_campaign_field("laboratory", laboratory)
    finally:
        store.close()
    return path


def measured(store_path: Path, rooms: list[RoomPlan], indexes: Sequence[int]) -> None:
    """Measure the rooms of the given plan indexes into a campaign file (the demo's sessions:
    ids ``<classroom>-V1``, start times by index, so every team's session of a room equals the
    single-file run's)."""
    with CampaignStore.open(store_path) as store:
        for index in indexes:
            session = session_for(rooms[index], index, DEMO_START)
            with store.transaction():
                store.add_session(session)
                store.add_environment(demo_environment(rooms[index], session))
                store.add_readings(fast_readings(rooms[index], session))


def single_file(path: Path, rooms: list[RoomPlan]) -> Path:
    """One team measuring every room into one file."""
    store = prepare_store(path, rooms, NAME)
    try:
        measure_campaign(store, rooms, start=DEMO_START)
    finally:
        store.close()
    return path


def team_files(folder: Path, rooms: list[RoomPlan], teams: Sequence[Sequence[int]]) -> list[Path]:
    """Copies of one base file, each team measuring its rooms into its copy."""
    base = base_file(folder / "base.lux", rooms)
    out = []
    for number, indexes in enumerate(teams, start=1):
        path = folder / f"team-{number}.lux"
        shutil.copyfile(base, path)
        measured(path, rooms, indexes)
        out.append(path)
    return out


def second_visit(path: Path, plan: RoomPlan, inspector: str = "周敏") -> str:
    """Another team's session of a room already measured elsewhere (its own session id)."""
    first = session_for(plan, 0, DEMO_START)
    session = MeasurementSession(
        f"{plan.classroom.classroom_id}-V2",
        plan.classroom.classroom_id,
        inspector,
        first.started_at.replace(hour=first.started_at.hour + 3),
        first.instrument_ids,
    )
    with CampaignStore.open(path) as store, store.transaction():
        store.add_session(session)
        store.add_readings(fast_readings(plan, session))
    return session.session_id


def record_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every record table of a campaign file as rows sorted by key (storage order columns
    left out; the campaign file's own columns kept)."""
    from luxcheck.journal.merge import record_columns

    with CampaignStore.open(path) as store:
        db = store.connection
        out = {}
        for table, spec in RECORD_TABLES.items():
            columns = record_columns(db, table)
            order = ", ".join(spec.key)
            out[table] = db.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
            ).fetchall()
        return out


def journal_order(path: Path) -> list[str]:
    """The reading ids in journal order."""
    with CampaignStore.open(path) as store:
        return [
            r[0] for r in store.connection.execute("SELECT reading_id FROM reading ORDER BY seq")
        ]
