"""The demo's measuring stage (:func:`luxcheck.demo.runner.measure_campaign`): measured in worker
processes and journalled by one writer, it leaves exactly what measuring one room after another
leaves, and what it journals is always whole rooms.

Source of every case: properties of the logic. A room's readings depend on its plan, its index
and the start time only (its own seeded generators), so where they are computed cannot change
them; the journal is written by one process in plan order; a transaction commits all of its
rooms or none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from luxcheck.demo.plan import RoomPlan, plan_campaign
from luxcheck.demo.runner import (
    DEMO_START,
    demo_environment,
    fast_readings,
    measure_campaign,
    prepare_store,
    room_steps,
    session_for,
)
from luxcheck.demo.scene import Scene
from luxcheck.errors import StoreError
from luxcheck.journal.store import CampaignStore
from tests.support.teams import measured

#: The tables the measuring stage writes, each in journal order.
JOURNALLED = ("session", "environment", "reading")


def _journal(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the journalled tables, storage-order columns included, in journal order."""
    with CampaignStore.open(path) as store:
        db = store.connection
        return {
            table: db.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
            for table in JOURNALLED
        }


def _room_by_room(path: Path, rooms: list[RoomPlan], skip: int = 0) -> Path:
    """The serial reference: each room measured and journalled in its own transaction."""
    prepare_store(path, rooms, "serial").close()
    measured(path, rooms, range(skip, len(rooms)))
    return path


@pytest.fixture(scope="module")
def rooms() -> list[RoomPlan]:
    return plan_campaign(7, 31, rooms_per_school=4.0)


def test_workers_journal_what_one_room_after_another_does(
    tmp_path: Path, rooms: list[RoomPlan]
) -> None:
    """Two workers, chunks of two rooms (four chunks, the last one short), after a skipped
    first room: the same sessions, environment records and readings (values, arrays, ids), in
    the same journal order, as the room-by-room serial path and as one job."""
    expected = _journal(_room_by_room(tmp_path / "serial.lux", rooms, skip=1))
    seen: list[tuple[int, int]] = []
    for jobs in (2, 1):
        path = tmp_path / f"jobs-{jobs}.lux"
        with prepare_store(path, rooms, "serial") as store:
            summary = measure_campaign(
                store,
                rooms,
                start=DEMO_START,
                skip=1,
                jobs=jobs,
                chunk=2,
                progress=lambda done, total: seen.append((done, total)),
            )
        assert _journal(path) == expected
        assert summary.classrooms == 6
        assert summary.readings == len(expected["reading"])
    assert seen == [(3, 7), (5, 7), (7, 7)] * 2


def test_meanwhile_is_journalled_before_the_fast_path(
    tmp_path: Path, rooms: list[RoomPlan]
) -> None:
    """What runs ``meanwhile`` (the demo's rooms through the drivers) is journalled first, and
    nothing of the workers is journalled before it returns: the file equals the serial one."""
    expected = _journal(_room_by_room(tmp_path / "serial.lux", rooms))
    path = tmp_path / "parallel.lux"
    with prepare_store(path, rooms, "serial") as store:

        def first_room() -> None:
            assert store.connection.execute("SELECT count(*) FROM reading").fetchone() == (0,)
            session = session_for(rooms[0], 0, DEMO_START)
            with store.transaction():
                store.add_session(session)
                store.add_environment(demo_environment(rooms[0], session))
                store.add_readings(fast_readings(rooms[0], session))

        measure_campaign(
            store, rooms, start=DEMO_START, skip=1, jobs=2, chunk=3, meanwhile=first_room
        )
    assert _journal(path) == expected


def test_a_chunk_that_cannot_be_journalled_leaves_none_of_its_rooms(
    tmp_path: Path, rooms: list[RoomPlan]
) -> None:
    """A session already in the file for the fourth room (chunk 2 of chunks of three) stops
    the stage with the store's error; the file holds the first chunk's three rooms complete
    (sessions, environment records, every reading) and nothing of the second chunk."""
    serial = _journal(_room_by_room(tmp_path / "serial.lux", rooms[:3]))
    path = tmp_path / "parallel.lux"
    taken = session_for(rooms[3], 3, DEMO_START)
    with prepare_store(path, rooms, "serial") as store:
        store.add_session(taken)
        with pytest.raises(StoreError, match=taken.session_id):
            measure_campaign(store, rooms, start=DEMO_START, jobs=2, chunk=3)
    got = _journal(path)
    assert [r[1] for r in got["session"]] == [
        session_for(rooms[i], i, DEMO_START).session_id for i in (3, 0, 1, 2)
    ]
    # the readings of the three rooms, as the serial path journals them (storage order aside)
    assert [r[1:] for r in got["reading"]] == [r[1:] for r in serial["reading"]]
    assert len(got["environment"]) == 3


def test_a_rooms_lux_points_in_one_evaluation_equal_one_by_one(rooms: list[RoomPlan]) -> None:
    """The fast path's illuminances of a run of lux steps (the room model evaluated once per
    surface, the noise drawn at once) equal the scene's values step by step, bit for bit."""
    for plan in rooms:
        lux = [s for s in room_steps(plan) if s.role == "lux"]
        assert {s.surface for s in lux} == {"desk", "board"}
        one_by_one = Scene(plan)
        expected = [float(one_by_one.value(s)["illuminance_lx"]) for s in lux]
        assert Scene(plan).illuminances(lux) == expected
