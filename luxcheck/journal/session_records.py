"""The campaign file's session records (issue 18), mixed into
:class:`luxcheck.journal.store.CampaignStore`.

- ``session_void``: a whole session withdrawn, with the reason, who and when; an undo is a
  further record naming the void it undoes. Append-only (triggers refuse UPDATE and DELETE).
- ``session_hold``: a process takes or releases a classroom's session (host, user, process
  id), so that a second session started at once on the same classroom is refused naming who
  holds the other. Append-only. Its ``session_id`` is not a foreign key: a session is taken
  before its row exists (the row is written with the session's first reading).
- ``metric_source``: computed with the metrics (replaced with them): the session each metric's
  value comes from, and the first test's value of a re-tested metric.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from luxcheck.errors import StoreError


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def _parse_ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class SessionVoid:
    """A session withdrawn as a whole (``undoes`` None), or the undoing of such a withdrawal
    (``undoes``: the void it undoes). Who (``by``), when (``at``) and why (``reason``) are kept
    for the auditor; the records are append-only."""

    void_id: str
    session_id: str
    reason: str
    by: str
    at: dt.datetime
    undoes: str | None = None


@dataclass(frozen=True)
class SessionHold:
    """A process takes (``action='take'``) or releases a classroom's session: host, user and
    process id say who holds it. A release's id is its take's id + ``.release``."""

    hold_id: str
    classroom_id: str
    session_id: str
    action: str
    host: str
    user: str
    pid: int
    at: dt.datetime


class MetricSource(NamedTuple):
    """Where a stored metric comes from: the session whose readings gave it and, when that is
    a re-test of a quantity the first test measured too, the first test's value (or reason)."""

    session_id: str
    retested: bool = False
    first_value: float | str | None = None
    first_reason: str | None = None
    first_session_id: str | None = None


class SessionRecords:
    """The session records of a campaign file (the store's connection, path and transactions
    are the :class:`~luxcheck.journal.store.CampaignStore`'s)."""

    _db: sqlite3.Connection
    path: Path
    transaction: Callable[[], contextlib.AbstractContextManager[None]]
    _write: Callable[[str, Sequence[Any], str], None]

    def add_session_void(self, void: SessionVoid) -> None:
        """Withdraw a whole session (``undoes`` empty), or undo an earlier withdrawal
        (``undoes``: that void's id). Append-only: both stay in the file for the auditor.

        Refuses (``StoreError``) an unknown session, a session already withdrawn (or not
        withdrawn, for an undo), and an undo of a void that is not the session's current one.
        """
        with self.transaction():
            known = self._db.execute(
                "SELECT 1 FROM session WHERE session_id = ?", (void.session_id,)
            ).fetchone()
            if known is None:
                raise StoreError(
                    f"{self.path}: no session {void.session_id!r} in the campaign "
                    "(see 'luxcheck session list')"
                )
            current = self.session_voids().get(void.session_id)
            if void.undoes is None and current is not None:
                raise StoreError(
                    f"{self.path}: session {void.session_id} is already void ({current.void_id}, "
                    f"by {current.by} at {current.at:%Y-%m-%d %H:%M}: {current.reason})"
                )
            if void.undoes is not None and (current is None or current.void_id != void.undoes):
                raise StoreError(
                    f"{self.path}: session {void.session_id} is not withdrawn by {void.undoes}; "
                    "nothing to undo"
                )
            self._write(
                "INSERT INTO session_void VALUES (?,?,?,?,?,?)",
                (
                    void.void_id,
                    void.session_id,
                    void.reason,
                    void.by,
                    _iso(void.at),
                    void.undoes,
                ),
                f"session void {void.void_id}",
            )

    def session_void_records(self) -> list[SessionVoid]:
        """Every session void and undo, in the order they were written."""
        return [
            SessionVoid(r[0], r[1], r[2], r[3], _parse_ts(r[4]), r[5])
            for r in self._db.execute("SELECT * FROM session_void ORDER BY rowid")
        ]

    def session_voids(self) -> dict[str, SessionVoid]:
        """The sessions withdrawn now: session id → the void in force (one not undone)."""
        current: dict[str, SessionVoid] = {}
        for record in self.session_void_records():
            if record.undoes is None:
                current[record.session_id] = record
            elif record.session_id in current and current[record.session_id].void_id == (
                record.undoes
            ):
                del current[record.session_id]
        return current

    def add_session_hold(self, hold: SessionHold) -> None:
        """Journal that a process takes or releases a classroom's session (append-only)."""
        self._write(
            "INSERT INTO session_hold VALUES (?,?,?,?,?,?,?,?)",
            (
                hold.hold_id,
                hold.classroom_id,
                hold.session_id,
                hold.action,
                hold.host,
                hold.user,
                hold.pid,
                _iso(hold.at),
            ),
            f"session hold {hold.hold_id}",
        )

    def session_holds(self, classroom_id: str | None = None) -> list[SessionHold]:
        """The take/release records (of one classroom, if given), in the order written."""
        sql = "SELECT * FROM session_hold"
        params: tuple[str, ...] = ()
        if classroom_id is not None:
            sql += " WHERE classroom_id = ?"
            params = (classroom_id,)
        return [
            SessionHold(r[0], r[1], r[2], r[3], r[4], r[5], int(r[6]), _parse_ts(r[7]))
            for r in self._db.execute(sql + " ORDER BY rowid", params)
        ]

    def open_holds(self, classroom_id: str) -> list[SessionHold]:
        """The takes of a classroom's sessions that were never released (a session running
        now, or one whose process died without releasing it)."""
        open_: dict[str, SessionHold] = {}
        for hold in self.session_holds(classroom_id):
            if hold.action == "take":
                open_[hold.hold_id] = hold
            else:
                open_.pop(hold.hold_id.removesuffix(".release"), None)
        return list(open_.values())

    def session_reading_counts(self) -> dict[str, int]:
        """Current readings per session (superseded and void readings left out)."""
        rows = self._db.execute(
            "SELECT r.session_id, count(*) FROM reading r WHERE r.kind != 'void' "
            "AND NOT EXISTS (SELECT 1 FROM reading s WHERE s.supersedes = r.reading_id) "
            "GROUP BY r.session_id"
        )
        return {sid: int(n) for sid, n in rows}

    def session_last_reading(self) -> dict[str, dt.datetime]:
        """The time of each session's last reading."""
        rows = self._db.execute("SELECT session_id, max(taken_at) FROM reading GROUP BY session_id")
        return {sid: _parse_ts(at) for sid, at in rows}

    def put_metric_sources(self, classroom_id: str, sources: Mapping[str, MetricSource]) -> None:
        """Store, with a classroom's metrics (after :meth:`put_metrics`, which clears them),
        the session each metric's value comes from and, for a re-tested metric, the first
        test's value (see :func:`luxcheck.analysis.sessions.resolve`)."""
        rows = []
        for metric_id, source in sources.items():
            number, text = None, None
            if isinstance(source.first_value, str):
                text = source.first_value
            elif source.first_value is not None and np.isfinite(source.first_value):
                number = float(source.first_value)
            rows.append(
                (
                    classroom_id,
                    metric_id,
                    source.session_id,
                    int(source.retested),
                    number,
                    text,
                    source.first_reason,
                    source.first_session_id,
                )
            )
        with self.transaction():
            self._db.execute("DELETE FROM metric_source WHERE classroom_id = ?", (classroom_id,))
            self._db.executemany("INSERT INTO metric_source VALUES (?,?,?,?,?,?,?,?)", rows)

    def metric_sources(self, classroom_id: str) -> dict[str, MetricSource]:
        """Per metric of a classroom: the session its value comes from (and the first test's
        value where it was re-tested); empty for metrics measured in no session."""
        return {
            metric_id: MetricSource(
                session, bool(retested), text if text is not None else value, reason, first
            )
            for metric_id, session, retested, value, text, reason, first in self._db.execute(
                "SELECT metric_id, session_id, retested, first_value, first_text, first_reason, "
                "first_session_id FROM metric_source WHERE classroom_id = ?",
                (classroom_id,),
            )
        }

    def retested_classrooms(self) -> set[str]:
        """The classrooms with at least one re-tested metric (``metric_source.retested``)."""
        return {
            row[0]
            for row in self._db.execute(
                "SELECT DISTINCT classroom_id FROM metric_source WHERE retested != 0"
            )
        }
