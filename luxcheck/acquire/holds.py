"""Sessions of a classroom as the guided measurement starts one: who holds the classroom now,
whether the new session is a re-test (复测), and what a resumed session already holds.

- **Two sessions at once** on one classroom (two laptops on one campaign file on a share, two
  terminals) are refused at start, naming who holds the other one (user, host, process, since
  when). A hold whose process is gone on this same host (a crash, kill -9) is stale: it is
  taken over with a warning. A hold of another host cannot be checked from here; the
  inspector who knows that laptop crashed passes ``--take-over``.
- **A re-test**: a new session of a classroom that already has readings in a session that is
  not voided. The session records it (``kind='retest'``) with its reason.
- **Resume**: the readings already stored in the session are told step by step, including
  those whose "saved" line never printed because of a crash.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from luxcheck.errors import InputError
from luxcheck.journal.session_records import SessionHold, SessionVoid
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import Message, _n
from luxcheck.model import RETEST_REASONS, MeasurementSession


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def hold_message(hold: SessionHold) -> Message:
    """Who holds a session: ``user@host (process N) since 2026-11-02 08:00 UTC``."""
    return Message(
        _n("session {session}, held by {user}@{host} (process {pid}) since {at} UTC"),
        session=hold.session_id,
        user=hold.user,
        host=hold.host,
        pid=hold.pid,
        at=f"{hold.at.astimezone(dt.UTC):%Y-%m-%d %H:%M}",
    )


def describe_hold(hold: SessionHold) -> str:
    """:func:`hold_message` in English (the session list, errors)."""
    return str(hold_message(hold))


@dataclass(frozen=True)
class Taken:
    """A classroom taken for a session, and what was said about earlier holds (messages,
    told in the session's language)."""

    hold: SessionHold
    notices: tuple[Message, ...]


def take_classroom(
    store: CampaignStore, session: MeasurementSession, *, take_over: bool = False
) -> Taken:
    """Take a classroom for a session (an append-only ``session_hold`` record).

    Refuses (``InputError``) when another process holds a session of the classroom, naming
    who; a hold of a process that is gone on this host is taken over with a notice, and so is
    any hold with ``take_over``.
    """
    with store.transaction():  # the check and the take are one step (BEGIN IMMEDIATE)
        return _take(store, session, take_over)


def _take(store: CampaignStore, session: MeasurementSession, take_over: bool) -> Taken:
    host, user, pid = socket.gethostname(), _user(), os.getpid()
    notices: list[Message] = []
    live: list[SessionHold] = []
    for hold in store.open_holds(session.classroom_id):
        if hold.host == host and not _alive(hold.pid):
            notices.append(
                Message(
                    _n("{hold}: that process is gone (interrupted); taken over"),
                    hold=hold_message(hold),
                )
            )
        elif take_over:
            notices.append(Message(_n("{hold}: taken over (--take-over)"), hold=hold_message(hold)))
        else:
            live.append(hold)
    if live:
        raise InputError(
            f"classroom {session.classroom_id} is being measured in another session now: "
            + "; ".join(describe_hold(h) for h in live)
            + ". Wait until it ends, or, if that laptop or terminal crashed, start again with "
            "--take-over (its readings stay stored; continue it with --resume)",
            source="argument --classroom",
        )
    hold = SessionHold(
        f"{session.session_id}.hold.{uuid.uuid4().hex[:12]}",
        session.classroom_id,
        session.session_id,
        "take",
        host,
        user,
        pid,
        dt.datetime.now(dt.UTC),
    )
    store.add_session_hold(hold)
    return Taken(hold, tuple(notices))


def release_classroom(store: CampaignStore, hold: SessionHold) -> None:
    """Release a hold (the session ended, stopped or failed)."""
    store.add_session_hold(
        SessionHold(
            f"{hold.hold_id}.release",
            hold.classroom_id,
            hold.session_id,
            "release",
            hold.host,
            hold.user,
            hold.pid,
            dt.datetime.now(dt.UTC),
        )
    )


def measured_sessions(store: CampaignStore, classroom_id: str) -> list[MeasurementSession]:
    """The classroom's sessions that count (not voided) and hold current readings, earliest
    first: a new session of the classroom is a re-test of these."""
    voided = store.session_voids()
    counts = store.session_reading_counts()
    return [
        s
        for s in store.sessions(classroom_id)
        if s.session_id not in voided and counts.get(s.session_id, 0) > 0
    ]


def retest_reason(answer: str) -> str:
    """The reason an inspector gave at the prompt: a number picks one of
    :data:`RETEST_REASONS`, ``q`` or the end of the input gives none (the session's first
    prompt then stops it), anything else is kept as typed."""
    text = answer.strip()
    if text.lower() == "q":
        return ""
    if text.isdigit() and 1 <= int(text) <= len(RETEST_REASONS):
        return RETEST_REASONS[int(text) - 1]
    return text


def stored_steps(step_keys: Sequence[str]) -> str:
    """Step keys told compactly, in order: ``desk-01…desk-12, board-01…board-09, power-general``
    (a run of keys that differ only in their number is told by its ends)."""
    parts: list[str] = []
    run: list[str] = []

    def stem(key: str) -> str | None:
        head, _, tail = key.rpartition("-")
        return head if tail.isdigit() else None

    def flush() -> None:
        if run:
            parts.append(run[0] if len(run) == 1 else f"{run[0]}…{run[-1]} ({len(run)})")
            run.clear()

    for key in step_keys:
        if run and (stem(key) is None or stem(key) != stem(run[-1])):
            flush()
        run.append(key)
        if stem(key) is None:
            flush()
    flush()
    return ", ".join(parts)


@dataclass(frozen=True)
class SessionRow:
    """One session as ``luxcheck session list`` shows it.

    ``state``: ``void`` (withdrawn: ``void`` says by whom, when and why), ``open`` (a process
    holds it now, ``holder`` says who), ``interrupted`` (its process on this host is gone
    without closing it; continue it with ``--resume``), ``ended``.
    """

    session: MeasurementSession
    readings: int
    ended_at: dt.datetime | None
    state: str
    holder: str = ""
    void: SessionVoid | None = None


def session_rows(store: CampaignStore, classroom_id: str | None = None) -> list[SessionRow]:
    """Every session (of one classroom, if given), earliest first, with its state."""
    voids = store.session_voids()
    counts = store.session_reading_counts()
    last_reading = store.session_last_reading()
    released: dict[str, dt.datetime] = {}
    for hold in store.session_holds(classroom_id):
        if hold.action == "release":
            released[hold.session_id] = max(hold.at, released.get(hold.session_id, hold.at))
    held = {
        h.session_id: h
        for room in {s.classroom_id for s in store.sessions(classroom_id)}
        for h in store.open_holds(room)
    }
    host = socket.gethostname()
    rows = []
    for session in store.sessions(classroom_id):
        sid = session.session_id
        holder, state = "", "ended"
        if sid in voids:
            state = "void"
        elif sid in held:
            hold = held[sid]
            holder = describe_hold(hold)
            state = "interrupted" if hold.host == host and not _alive(hold.pid) else "open"
        ended = released.get(sid) if state in ("ended", "void") else None
        rows.append(
            SessionRow(
                session,
                counts.get(sid, 0),
                ended or (last_reading.get(sid) if state in ("ended", "void") else None),
                state,
                holder,
                voids.get(sid),
            )
        )
    return rows


def void_session(
    store: CampaignStore, session_id: str, *, reason: str, by: str, undo: bool = False
) -> SessionVoid:
    """Withdraw a whole session (or, with ``undo``, undo its withdrawal): an append-only
    record with the reason, who and when. Refuses an empty reason or name."""
    if not reason.strip():
        raise InputError("give the reason (for the auditor)", source="argument --reason")
    if not by.strip():
        raise InputError("give who withdraws it", source="argument --by")
    with store.transaction():
        session = store.session(session_id)
        if session is None:
            raise InputError(
                f"no session {session_id!r} in the campaign (see 'luxcheck session list')",
                source="argument SESSION",
            )
        count = sum(1 for v in store.session_void_records() if v.session_id == session_id)
        current = store.session_voids().get(session_id)
        if undo and current is None:
            raise InputError(
                f"session {session_id} of classroom {session.classroom_id} is not void; "
                "nothing to undo",
                source="argument --undo",
            )
        record = SessionVoid(
            f"{session_id}.{'undo' if undo else 'void'}.{count + 1}",
            session_id,
            reason.strip(),
            by.strip(),
            dt.datetime.now(dt.UTC),
            current.void_id if undo and current is not None else None,
        )
        store.add_session_void(record)
    return record
