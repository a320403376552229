"""Merging field files into one campaign (``luxcheck campaign merge INTO FROM…``).

A laboratory sends several teams, each measuring offline into its own copy of the campaign
file; at night their files become one campaign. Every table of journalled records is listed in
:data:`~luxcheck.journal.store.RECORD_TABLES` with its key; merging walks that registry, so a
record table added later is merged by registering it, with no change here.

- Records are append-only and keyed by their ids: a record already in the target with the same
  content is counted as known and not added again (merging a file twice adds nothing).
- The same key with other content is a **conflict**: every conflict of every source is
  collected, reported with both versions, and the whole merge is refused (one transaction:
  nothing is half-merged).
- Two teams that measured the same classroom bring two sessions of it (their session ids
  differ); both are kept, and the merge report lists such classrooms for the re-inspection
  rules to resolve. Nothing is overwritten.
- Derived tables (metrics, figure data) are not merged: ``luxcheck analyse`` recomputes them
  for the classrooms whose readings changed.

The row functions here (:func:`record_columns`, :func:`source_rows`, :func:`copy_rows`) are
shared with the central store (:mod:`luxcheck.journal.central`).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luxcheck.errors import InputError, StoreError
from luxcheck.journal.record_tables import RecordTable
from luxcheck.journal.store import RECORD_TABLES, CampaignStore

#: How many conflicts an error message lists in full (all are counted).
SHOWN_CONFLICTS = 20


@dataclass
class Counts:
    """Records of one table from one source: new ones added, known ones (same content) not."""

    new: int = 0
    known: int = 0


@dataclass(frozen=True)
class Conflict:
    """One record whose key is taken by a record with other content."""

    table: str
    key: tuple[Any, ...]
    source: str
    here: Mapping[str, Any]
    there: Mapping[str, Any]
    here_name: str = "here"

    def describe(self) -> str:
        """The record and, column by column, the two versions that differ."""
        key = ", ".join(str(k) for k in self.key)
        lines = [f"{self.table} {key}:"]
        for name, ours in self.here.items():
            theirs = self.there.get(name)
            if ours != theirs:
                lines.append(
                    f"    {name}: {self.here_name} {show_value(ours)}; "
                    f"in {self.source} {show_value(theirs)}"
                )
        return "\n".join(lines)


class ConflictError(StoreError):
    """Records with taken keys and other content: the whole merge or push was refused."""

    def __init__(self, target: str, conflicts: Sequence[Conflict], action: str = "merged"):
        self.conflicts = list(conflicts)
        shown = "\n".join(c.describe() for c in self.conflicts[:SHOWN_CONFLICTS])
        more = len(self.conflicts) - SHOWN_CONFLICTS
        super().__init__(
            f"{target}: {len(self.conflicts)} record(s) have the id of a stored record but other "
            f"content; nothing was {action}. Records are append-only: correct a record with a "
            f"new one that supersedes it, never by reusing its id.\n{shown}"
            + (f"\n… and {more} more" if more > 0 else "")
        )


@dataclass
class MergeReport:
    """What a merge brought from where."""

    target: Path
    arrived: dict[str, dict[str, Counts]] = field(default_factory=dict)
    #: classroom id -> its sessions (id, laboratory, inspector), for each classroom the sources
    #: measured that now has several sessions
    shared_classrooms: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """The report as lines of text."""
        out = []
        for source, tables in self.arrived.items():
            new = ", ".join(f"{c.new} {t}" for t, c in tables.items() if c.new) or "nothing"
            known = sum(c.known for c in tables.values())
            out.append(f"from {source}: {new} new; {known} already in {self.target.name}")
        for room, sessions in sorted(self.shared_classrooms.items()):
            listed = "; ".join(
                f"{sid} ({lab or 'laboratory not recorded'}, {who})" for sid, lab, who in sessions
            )
            out.append(
                f"classroom {room} has {len(sessions)} sessions, kept side by side: {listed}"
            )
        return out


def show_value(value: Any) -> str:
    """A stored value for a conflict message (a blob by its size and hash, not its bytes)."""
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        return f"<{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:12]}…>"
    return repr(value)


def record_columns(db: sqlite3.Connection, table: str) -> list[str]:
    """The columns of a record table that are copied (all but its storage order column)."""
    spec = RECORD_TABLES[table]
    names = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
    if not names:
        raise StoreError(f"the campaign file has no table {table}")
    return [n for n in names if n != spec.order]


def source_rows(db: sqlite3.Connection, table: str, columns: Sequence[str]) -> sqlite3.Cursor:
    """Every row of a record table, in journal order (a cursor: rows are read as consumed)."""
    order = RECORD_TABLES[table].order or "rowid"
    return db.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")


def compared(spec: RecordTable, columns: Sequence[str]) -> list[int]:
    """Indexes of the columns whose values must agree for two records to be the same."""
    return [i for i, name in enumerate(columns) if name not in spec.local]


def copy_rows(
    target: CampaignStore,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    source: str,
) -> tuple[Counts, list[Conflict]]:
    """Add to ``target`` the rows it does not hold; count those it holds with the same content;
    return the conflicts (same key, other content). Call inside ``target.transaction()``."""
    spec = RECORD_TABLES[table]
    db = target.connection
    key_at = [columns.index(k) for k in spec.key]
    checked = compared(spec, columns)
    select = f"SELECT {', '.join(columns)} FROM {table} WHERE " + " AND ".join(
        f"{k} = ?" for k in spec.key
    )
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    counts, conflicts = Counts(), []
    if spec.one_row:
        held = db.execute(f"SELECT {', '.join(spec.key)} FROM {table}").fetchall()
    for row in rows:
        key = tuple(row[i] for i in key_at)
        if spec.one_row and held and tuple(held[0]) != key:
            raise StoreError(
                f"{source} holds {table} {', '.join(map(str, key))}, but {target.path} holds "
                f"{table} {', '.join(map(str, held[0]))}: records of different campaigns are "
                "never merged; nothing was merged"
            )
        stored = db.execute(select, key).fetchone()
        if stored is None:
            try:
                db.execute(insert, tuple(row))
            except sqlite3.IntegrityError as exc:
                raise StoreError(
                    f"{source}: {table} {', '.join(map(str, key))} cannot be added to "
                    f"{target.path} ({exc}); nothing was merged"
                ) from exc
            counts.new += 1
        elif all(stored[i] == row[i] for i in checked):
            counts.known += 1
        else:
            conflicts.append(
                Conflict(
                    table,
                    key,
                    source,
                    {columns[i]: stored[i] for i in checked},
                    {columns[i]: row[i] for i in checked},
                )
            )
    return counts, conflicts


def merge_into(
    target: CampaignStore, sources: Sequence[str | Path], *, names: Sequence[str] = ()
) -> MergeReport:
    """Merge the records of field files into ``target``: all of them, or (on any conflict or
    error) none. Each source file is checked (and its schema brought up to date) as every
    command opens a campaign file. ``names``: how the report calls the sources (default:
    their paths)."""
    if not sources:
        raise InputError("give at least one campaign file to merge from")
    report = MergeReport(target.path)
    seen: list[Path] = [target.path.resolve()]
    opened: list[tuple[str, CampaignStore]] = []
    try:
        for index, source in enumerate(sources):
            path = Path(source)
            if path.resolve() in seen or any(
                p.exists() and path.exists() and path.samefile(p) for p in seen
            ):
                raise InputError(
                    "this file is the target or was given twice; nothing was merged",
                    source=str(path),
                )
            seen.append(path.resolve())
            label = names[index] if index < len(names) else str(path)
            opened.append((label, CampaignStore.open(path)))
        arrived_rooms: set[str] = set()
        conflicts: list[Conflict] = []
        with target.transaction():
            for label, store in opened:
                tables = report.arrived.setdefault(label, {})
                for table in RECORD_TABLES:
                    columns = record_columns(store.connection, table)
                    missing = set(columns) - set(record_columns(target.connection, table))
                    if missing:
                        raise StoreError(
                            f"{label}: table {table} has columns {sorted(missing)} that "
                            f"{target.path} lacks; nothing was merged"
                        )
                    counts, found = copy_rows(
                        target, table, columns, source_rows(store.connection, table, columns), label
                    )
                    tables[table] = counts
                    conflicts += found
                arrived_rooms |= _session_rooms(store)
            if conflicts:
                raise ConflictError(str(target.path), conflicts)
        report.shared_classrooms = _shared(target, arrived_rooms)
    finally:
        for _label, store in opened:
            store.close()
    return report


def _session_rooms(store: CampaignStore) -> set[str]:
    return {row[0] for row in store.connection.execute("SELECT DISTINCT classroom_id FROM session")}


def _shared(target: CampaignStore, rooms: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    shared: dict[str, list[tuple[str, str, str]]] = {}
    for room in sorted(rooms):
        rows = target.connection.execute(
            "SELECT session_id, laboratory, inspector FROM session WHERE classroom_id = ? "
            "ORDER BY started_at, session_id",
            (room,),
        ).fetchall()
        if len(rows) > 1:
            shared[room] = [tuple(r) for r in rows]
    return shared
