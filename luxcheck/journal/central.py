"""The central store: campaigns of many teams and laboratories in one PostgreSQL database.

``luxcheck campaign push FILE postgresql://…`` sends a campaign file's records to the central
store; ``luxcheck campaign pull postgresql://… FILE [--school …]`` brings them back into a
campaign file. The rules are those of ``campaign merge`` (:mod:`luxcheck.journal.merge`):
records are append-only and keyed; what the store holds is not sent twice; the same key with
other content is a conflict that refuses the whole push.

Layout (PostgreSQL schema ``luxcheck``): one table per record table of
:data:`~luxcheck.journal.store.RECORD_TABLES`, with the SQLite columns (types mapped: TEXT →
text, REAL → double precision, INTEGER → bigint, BLOB → bytea) plus ``campaign_id`` (a central
store holds many campaigns), ``row_digest`` (SHA-256 of the record's content) and ``row_seq``
(arrival order, which keeps the journal order); a ``stage_<table>`` twin per table holds what a
push has sent but not yet published. The schema is derived from the campaign file's schema and
versioned with it (table ``luxcheck.schema_version``): a push or pull creates it or brings it
up to date under an advisory lock, and refuses a store newer than this luxcheck.

A push runs in three steps:

1. **compare**: the store's keys and digests of the campaign are fetched (not the records);
   every record of the file is classified as new, known (same digest) or conflicting. Any
   conflict refuses the push before anything is published, reported with both versions.
2. **send**: the new records go into the stage tables with ``COPY``, in batches that are each
   committed. A dropped connection or a killed process loses at most one batch; running the
   same push again skips what was staged (the push id is the host, the file path and the
   campaign) and sends the rest.
3. **publish**: one transaction, serialised per campaign by an advisory lock, checks the staged
   records against what concurrent pushes published meanwhile (a conflict refuses the push),
   inserts the rest in journal order and empties the stage. Readers see all of a push or none.

Credentials never travel on the command line: a URL with a password is refused; libpq takes
them from ``PGPASSWORD``, ``~/.pgpass`` or a service file (``PGSERVICEFILE``,
``postgresql:///?service=bureau``).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from luxcheck.errors import InputError, StoreError
from luxcheck.journal.merge import (
    Conflict,
    ConflictError,
    Counts,
    MergeReport,
    compared,
    copy_rows,
    merge_into,
    record_columns,
    source_rows,
)
from luxcheck.journal.schema import MIGRATIONS, SCHEMA_VERSION
from luxcheck.journal.store import RECORD_TABLES, CampaignStore
from luxcheck.model import Campaign

SCHEMA = "luxcheck"
#: advisory lock keys: the schema migration, and (with the campaign) each publish
_LOCK_SCHEMA = 0x1C7C_0001
_PG_TYPES = {"TEXT": "text", "REAL": "double precision", "INTEGER": "bigint", "BLOB": "bytea"}
_BOOKKEEPING = ("row_seq", "campaign_id", "row_digest")


@dataclass(frozen=True)
class Column:
    """A column of a record table as the campaign file declares it."""

    name: str
    sql_type: str
    default: Any


def campaign_schema() -> dict[str, list[Column]]:
    """The copied columns of every record table, from the campaign file's migrations."""
    db = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS:
            db.executescript(script)
        out: dict[str, list[Column]] = {}
        for table, spec in RECORD_TABLES.items():
            out[table] = [
                Column(name, decl.upper(), _literal(default))
                for _cid, name, decl, _nn, default, _pk in db.execute(f"PRAGMA table_info({table})")
                if name != spec.order
            ]
        return out
    finally:
        db.close()


def _literal(text: str | None) -> Any:
    if text is None or text.upper() == "NULL":
        return None
    if text.startswith("'") and text.endswith("'"):
        return text[1:-1].replace("''", "'")
    return float(text) if "." in text else int(text)


def row_digest(
    columns: Sequence[str], row: Sequence[Any], skip: Iterable[str], defaults: Mapping[str, Any]
) -> bytes:
    """SHA-256 of a record's content: every column but ``skip`` (the file's own columns), in
    name order; NULL and a column's declared default count as absent, so that a column added by
    a later schema version leaves the digests of older records unchanged."""
    h = hashlib.sha256()
    skipped = set(skip)
    for name, value in sorted(zip(columns, row, strict=True)):
        if name in skipped or value is None or value == defaults.get(name, None):
            continue
        if isinstance(value, bytes | bytearray | memoryview):
            tag, data = b"b", bytes(value)
        elif isinstance(value, float):
            tag, data = b"f", value.hex().encode()
        elif isinstance(value, int):
            tag, data = b"i", str(value).encode()
        else:
            tag, data = b"s", str(value).encode("utf-8")
        for part in (name.encode(), tag + data):
            h.update(len(part).to_bytes(8, "big") + part)
    return h.digest()


# --------------------------------------------------------------------------- connecting
def check_url(url: str) -> str:
    """A PostgreSQL URL without a password (``ps`` shows a command line to every user)."""
    if not url.startswith(("postgresql://", "postgres://")):
        raise InputError(
            f"expected a PostgreSQL URL (postgresql://host/database), got {url!r}",
            source="argument URL",
        )
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise InputError(f"not a valid PostgreSQL URL: {exc}", source="argument URL") from None
    if params.get("password"):
        raise InputError(
            "the URL carries a password, which any user of this computer can read from the "
            "process list; remove it and give it through PGPASSWORD, ~/.pgpass or a "
            "service file (PGSERVICEFILE)",
            source="argument URL",
        )
    return url


def shown(url: str) -> str:
    """The URL as messages show it (host, port and database only)."""
    params = conninfo_to_dict(url)
    where = params.get("host") or "local socket"
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql {where}{port}/{params.get('dbname') or params.get('service') or ''}"


@contextlib.contextmanager
def connect(url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection to the central store, its schema created or brought up to date."""
    check_url(url)
    try:
        # autocommit: every transaction is explicit (conn.transaction()), so that a batch of a
        # push is committed when its block ends and a lost connection loses at most that batch
        conn = psycopg.connect(
            url, connect_timeout=30, application_name="luxcheck", autocommit=True
        )
    except psycopg.OperationalError as exc:
        raise StoreError(f"{shown(url)}: cannot connect ({str(exc).strip()})") from None
    try:
        migrate(conn)
        yield conn
    finally:
        conn.close()


def _ident(*parts: str) -> sql.Composable:
    return sql.Identifier(*parts)


def _stage(table: str) -> str:
    return f"stage_{table}"


def central_version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the central store (0: none yet)."""
    row = conn.execute("SELECT to_regclass('luxcheck.schema_version') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    got = conn.execute("SELECT max(version) FROM luxcheck.schema_version").fetchone()
    return int(got[0] or 0) if got else 0


def migrate(conn: psycopg.Connection[Any]) -> int:
    """Create the central schema or bring it up to this luxcheck's version (one transaction,
    under an advisory lock, so that concurrent first pushes create it once)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_SCHEMA,))
        version = central_version(conn)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"the central store has schema version {version}, newer than this luxcheck "
                f"({SCHEMA_VERSION}); upgrade luxcheck"
            )
        if version == SCHEMA_VERSION:
            return version
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(_ident(SCHEMA)))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS luxcheck.schema_version (version integer NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(
            "CREATE OR REPLACE FUNCTION luxcheck.append_only() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RAISE EXCEPTION 'luxcheck records are append-only (%)', TG_TABLE_NAME; "
            "END $$"
        )
        for table, columns in campaign_schema().items():
            _create_table(conn, table, columns)
        conn.execute("INSERT INTO luxcheck.schema_version (version) VALUES (%s)", (SCHEMA_VERSION,))
    return SCHEMA_VERSION


def _create_table(conn: psycopg.Connection[Any], table: str, columns: Sequence[Column]) -> None:
    key = RECORD_TABLES[table].key
    types = {c.name: sql.SQL(_PG_TYPES.get(c.sql_type, "text")) for c in columns}
    for name, seq, first in (
        (table, "row_seq", "campaign_id"),
        (_stage(table), "stage_seq", "push_id"),
    ):
        lead = [first] + (["campaign_id"] if first == "push_id" else [])
        key_cols = [k for k in key if k not in lead]
        defs: list[sql.Composable] = [
            sql.SQL("{} bigint GENERATED ALWAYS AS IDENTITY").format(_ident(seq))
        ]
        defs += [sql.SQL("{} text NOT NULL").format(_ident(c)) for c in lead]
        defs += [sql.SQL("{} {} NOT NULL").format(_ident(k), types[k]) for k in key_cols]
        defs += [sql.SQL("row_digest bytea NOT NULL")]
        defs += [
            sql.SQL("PRIMARY KEY ({})").format(
                sql.SQL(", ").join(_ident(c) for c in [*lead, *key_cols])
            )
        ]
        conn.execute(
            sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
                _ident(SCHEMA, name), sql.SQL(", ").join(defs)
            )
        )
        for column in columns:
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                    _ident(SCHEMA, name), _ident(column.name), types[column.name]
                )
            )
    conn.execute(sql.SQL("DROP TRIGGER IF EXISTS append_only ON {}").format(_ident(SCHEMA, table)))
    conn.execute(
        sql.SQL(
            "CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON {} "
            "FOR EACH ROW EXECUTE FUNCTION luxcheck.append_only()"
        ).format(_ident(SCHEMA, table))
    )


# --------------------------------------------------------------------------- push
@dataclass
class PushReport:
    """What a push sent: per table, new and known records; how many a resumed push found
    already staged."""

    target: str
    campaign_id: str
    tables: dict[str, Counts] = field(default_factory=dict)
    resumed: int = 0
    published: int = 0

    def lines(self) -> list[str]:
        new = ", ".join(f"{c.new} {t}" for t, c in self.tables.items() if c.new) or "nothing"
        known = sum(c.known for c in self.tables.values())
        out = [
            f"pushed campaign {self.campaign_id} to {self.target}: {new} new; {known} already there"
        ]
        if self.resumed:
            out.append(f"resumed: {self.resumed} records sent by an interrupted push were kept")
        return out


def push_id(store: CampaignStore) -> str:
    """The id of a push: the same file pushed again from the same computer resumes it."""
    text = f"{socket.gethostname()}\0{store.path.resolve()}\0{store.campaign.campaign_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def push(
    store: CampaignStore,
    url: str,
    *,
    batch_rows: int = 2000,
    after_batch: Callable[[int], None] | None = None,
) -> PushReport:
    """Push every record of a campaign file to the central store (see the module's steps).

    ``after_batch(n)`` is called after the n-th committed batch (progress; the tests drop the
    connection there)."""
    if batch_rows < 1:
        raise InputError(f"expected a whole number ≥ 1, got {batch_rows}", source="--batch-rows")
    campaign_id = store.campaign.campaign_id
    report = PushReport(shown(url), campaign_id)
    pid = push_id(store)
    schema = campaign_schema()
    try:
        with connect(url) as conn:
            conflicts: list[Conflict] = []
            batches = 0
            for table in RECORD_TABLES:
                columns = record_columns(store.connection, table)
                _check_columns(table, columns, schema[table])
                counts, found, resumed, batches = _send_table(
                    conn, store, table, columns, schema[table], campaign_id, pid,
                    batch_rows, batches, after_batch,
                )  # fmt: skip
                report.tables[table] = counts
                report.resumed += resumed
                conflicts += found
            if conflicts:
                _drop_stage(conn, pid)
                raise ConflictError(report.target, conflicts, action="pushed")
            try:
                report.published = _publish(conn, store, campaign_id, pid, report.target)
            except ConflictError:
                _drop_stage(conn, pid)
                raise
    except psycopg.OperationalError as exc:
        raise StoreError(
            f"{report.target}: the connection was lost ({str(exc).strip() or 'no reason given'});"
            " nothing of this push is published yet. Run the same command again: it resumes, "
            "keeping what was already sent, and adds nothing twice"
        ) from None
    except psycopg.Error as exc:
        raise StoreError(
            f"{report.target}: the central store refused the push ({str(exc).strip()}); "
            "nothing of it is published"
        ) from None
    return report


def _check_columns(table: str, columns: Sequence[str], expected: Sequence[Column]) -> None:
    if set(columns) != {c.name for c in expected}:
        raise StoreError(
            f"the campaign file's table {table} has columns {sorted(columns)}, this luxcheck "
            f"expects {sorted(c.name for c in expected)}"
        )


def _key_sql(table: str) -> sql.Composable:
    return sql.SQL(", ").join(_ident(k) for k in RECORD_TABLES[table].key)


def _send_table(
    conn: psycopg.Connection[Any],
    store: CampaignStore,
    table: str,
    columns: Sequence[str],
    schema: Sequence[Column],
    campaign_id: str,
    pid: str,
    batch_rows: int,
    batches: int,
    after_batch: Callable[[int], None] | None,
) -> tuple[Counts, list[Conflict], int, int]:
    spec = RECORD_TABLES[table]
    defaults = {c.name: c.default for c in schema}
    key_at = [columns.index(k) for k in spec.key]
    # only the store's records in the file's scope (its schools, classrooms, sessions): a
    # team's push compares against its own share of a province's campaign, not all of it; a
    # record the store holds outside that scope is still caught when publishing
    where, params = _file_scope(store, table)
    central = {
        tuple(row[:-1]): bytes(row[-1])
        for row in conn.execute(
            sql.SQL("SELECT {}, row_digest FROM {} WHERE campaign_id = %s{}").format(
                _key_sql(table), _ident(SCHEMA, table), where
            ),
            (campaign_id, *params),
        )
    }
    staged = {
        tuple(row[:-1]): bytes(row[-1])
        for row in conn.execute(
            sql.SQL("SELECT {}, row_digest FROM {} WHERE push_id = %s").format(
                _key_sql(table), _ident(SCHEMA, _stage(table))
            ),
            (pid,),
        )
    }
    counts, conflicting, resumed = Counts(), [], 0
    batch: list[tuple[Any, ...]] = []
    for row in source_rows(store.connection, table, columns):
        key = tuple(row[i] for i in key_at)
        digest = row_digest(columns, row, spec.local, defaults)
        held = central.get(key)
        if held is not None:
            if held == digest:
                counts.known += 1
            else:
                conflicting.append(row)
            continue
        counts.new += 1
        was = staged.get(key)
        if was == digest:
            resumed += 1
            continue
        if was is not None:  # staged from another file once at this path: send it anew
            _unstage(conn, table, pid, key)
        batch.append((pid, *_campaign_cell(columns, campaign_id), digest, *row))
        if len(batch) >= batch_rows:
            batches = _copy_batch(conn, table, columns, batch, batches, after_batch)
            batch = []
    if batch:
        batches = _copy_batch(conn, table, columns, batch, batches, after_batch)
    conflicts = [
        _central_conflict(conn, table, columns, campaign_id, row, "the central store")
        for row in conflicting
    ]
    return counts, conflicts, resumed, batches


def _file_scope(store: CampaignStore, table: str) -> tuple[sql.Composable, list[Any]]:
    """A condition selecting the records in the scope of the file's own records: those
    referencing (through :func:`_scope`) the schools, classrooms or sessions the file holds."""
    scope = _scope(table)
    if scope is None:
        return sql.SQL(""), []
    column, ref = scope
    key = RECORD_TABLES[ref].key[0]
    held = [r[0] for r in store.connection.execute(f"SELECT {key} FROM {ref}")]
    return sql.SQL(" AND {} = ANY(%s)").format(_ident(column)), [held]


def _unstage(conn: psycopg.Connection[Any], table: str, pid: str, key: tuple[Any, ...]) -> None:
    conn.execute(
        sql.SQL("DELETE FROM {} WHERE push_id = %s AND {}").format(
            _ident(SCHEMA, _stage(table)),
            sql.SQL(" AND ").join(
                sql.SQL("{} = %s").format(_ident(k)) for k in RECORD_TABLES[table].key
            ),
        ),
        (pid, *key),
    )


def _campaign_cell(columns: Sequence[str], value: str) -> tuple[str, ...]:
    """The bookkeeping campaign id cell of a row, unless the record has that column itself
    (the campaign table)."""
    return () if "campaign_id" in columns else (value,)


def _copy_batch(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    batches: int,
    after_batch: Callable[[int], None] | None,
) -> int:
    names = ["push_id", *_campaign_cell(columns, "campaign_id"), "row_digest", *columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        _ident(SCHEMA, _stage(table)), sql.SQL(", ").join(_ident(n) for n in names)
    )
    with conn.transaction(), conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
    batches += 1
    if after_batch is not None:
        after_batch(batches)
    return batches


def _central_conflict(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    campaign_id: str,
    row: Sequence[Any],
    where: str,
) -> Conflict:
    spec = RECORD_TABLES[table]
    key = tuple(row[columns.index(k)] for k in spec.key)
    theirs = conn.execute(
        sql.SQL("SELECT {} FROM {} WHERE campaign_id = %s AND {}").format(
            sql.SQL(", ").join(_ident(c) for c in columns),
            _ident(SCHEMA, table),
            sql.SQL(" AND ").join(sql.SQL("{} = %s").format(_ident(k)) for k in spec.key),
        ),
        (campaign_id, *key),
    ).fetchone()
    checked = compared(spec, columns)
    return Conflict(
        table,
        key,
        where,
        {columns[i]: row[i] for i in checked},
        {columns[i]: _plain(theirs[i]) if theirs else None for i in checked},
        here_name="in the campaign file",
    )


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def _drop_stage(conn: psycopg.Connection[Any], pid: str) -> None:
    with conn.transaction():
        for table in RECORD_TABLES:
            conn.execute(
                sql.SQL("DELETE FROM {} WHERE push_id = %s").format(_ident(SCHEMA, _stage(table))),
                (pid,),
            )


def _publish(
    conn: psycopg.Connection[Any], store: CampaignStore, campaign_id: str, pid: str, target: str
) -> int:
    """Move the staged records into the campaign in one transaction, after checking them
    against what concurrent pushes published since the comparison."""
    published = 0
    conflicts: list[Conflict] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (_LOCK_SCHEMA, campaign_id))
        for table in RECORD_TABLES:
            spec = RECORD_TABLES[table]
            columns = record_columns(store.connection, table)
            main, stage = _ident(SCHEMA, table), _ident(SCHEMA, _stage(table))
            same_key = sql.SQL(" AND ").join(
                sql.SQL("m.{0} = s.{0}").format(_ident(k)) for k in ("campaign_id", *spec.key)
            )
            clash = conn.execute(
                sql.SQL(
                    "SELECT {} FROM {} s JOIN {} m ON {} WHERE s.push_id = %s "
                    "AND m.row_digest <> s.row_digest"
                ).format(
                    sql.SQL(", ").join(sql.SQL("s.{}").format(_ident(c)) for c in columns),
                    stage,
                    main,
                    same_key,
                ),
                (pid,),
            ).fetchall()
            conflicts += [
                _central_conflict(
                    conn, table, columns, campaign_id, [_plain(v) for v in row],
                    "the central store",
                )
                for row in clash
            ]  # fmt: skip
            names = sql.SQL(", ").join(
                _ident(c) for c in (*_campaign_cell(columns, "campaign_id"), "row_digest", *columns)
            )
            cur = conn.execute(
                sql.SQL(
                    "INSERT INTO {} ({}) SELECT {} FROM {} s WHERE s.push_id = %s AND NOT EXISTS "
                    "(SELECT 1 FROM {} m WHERE {}) ORDER BY s.stage_seq"
                ).format(main, names, names, stage, main, same_key),
                (pid,),
            )
            published += cur.rowcount
            conn.execute(sql.SQL("DELETE FROM {} WHERE push_id = %s").format(stage), (pid,))
        if conflicts:
            raise ConflictError(target, conflicts, action="pushed")
    return published


# --------------------------------------------------------------------------- pull
@dataclass
class PullReport:
    """What a pull brought: records per table, and the merge report when the file existed."""

    source: str
    campaign_id: str
    tables: dict[str, int] = field(default_factory=dict)
    merged: MergeReport | None = None

    def lines(self) -> list[str]:
        got = ", ".join(f"{n} {t}" for t, n in self.tables.items() if n) or "nothing"
        out = [f"pulled campaign {self.campaign_id} from {self.source}: {got}"]
        if self.merged is not None:
            out += self.merged.lines()
        return out


def campaigns(conn: psycopg.Connection[Any]) -> list[str]:
    """The ids of the campaigns the central store holds."""
    return [r[0] for r in conn.execute("SELECT campaign_id FROM luxcheck.campaign ORDER BY 1")]


def pull(
    url: str,
    path: str | Path,
    *,
    schools: Sequence[str] = (),
    campaign_id: str | None = None,
) -> PullReport:
    """Copy a campaign (or some of its schools) from the central store into a campaign file:
    a new file, or merged into an existing one with the merge rules (all or nothing). Every
    record is checked against its digest on the way."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError("the folder does not exist", source=str(path))
    schema = campaign_schema()
    partial = path.with_name(f".{path.name}.pulling-{os.getpid()}")
    try:
        with connect(url) as conn:
            held = campaigns(conn)
            campaign_id = _chosen_campaign(held, campaign_id, shown(url))
            report = PullReport(shown(url), campaign_id)
            with (
                _new_store(conn, partial, campaign_id) as store,
                store.transaction(),
                conn.transaction(),  # one snapshot of the central store; server-side cursors
            ):
                _pull_rows(conn, store, schema, campaign_id, schools, report)
        if path.exists():
            with CampaignStore.open(path) as target:
                report.merged = merge_into(target, [partial], names=[report.source])
        else:
            os.replace(partial, path)
    except psycopg.OperationalError as exc:
        raise StoreError(
            f"{shown(url)}: the connection was lost ({str(exc).strip()}); nothing was written "
            f"to {path}. Run the same command again"
        ) from None
    except psycopg.Error as exc:
        raise StoreError(
            f"{shown(url)}: the central store refused the pull ({str(exc).strip()}); nothing "
            f"was written to {path}"
        ) from None
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return report


def _chosen_campaign(held: Sequence[str], wanted: str | None, where: str) -> str:
    if wanted is not None:
        if wanted not in held:
            raise InputError(
                f"no campaign {wanted!r} in {where} (it holds: {', '.join(held) or 'none'})",
                source="argument --campaign",
            )
        return wanted
    if len(held) != 1:
        raise InputError(
            f"{where} holds {len(held)} campaigns ({', '.join(held) or 'none'}); "
            "choose one with --campaign",
            source="argument --campaign",
        )
    return held[0]


def _new_store(conn: psycopg.Connection[Any], path: Path, campaign_id: str) -> CampaignStore:
    row = conn.execute(
        "SELECT name, profile, client, laboratory, created_at FROM luxcheck.campaign "
        "WHERE campaign_id = %s",
        (campaign_id,),
    ).fetchone()
    if row is None:
        raise StoreError(f"the central store has no campaign {campaign_id!r}")
    name, profile, client, laboratory, created_at = row
    campaign = Campaign(campaign_id, name, profile, client, laboratory=laboratory or "")
    return CampaignStore.create(path, campaign, created_at=created_at)


def _scope(table: str) -> tuple[str, str] | None:
    """The column through which a table's records belong to schools, and the table it names
    (None: shared by the whole campaign, e.g. instruments)."""
    if table == "school":
        return ("school_id", "school")
    for column, ref in RECORD_TABLES[table].references.items():
        if ref != table and _scope(ref) is not None:
            return (column, ref)
    return None


def _pull_rows(
    conn: psycopg.Connection[Any],
    store: CampaignStore,
    schema: Mapping[str, Sequence[Column]],
    campaign_id: str,
    schools: Sequence[str],
    report: PullReport,
) -> None:
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    selected: dict[str, list[Any]] = {}
    for table in RECORD_TABLES:
        columns = [c.name for c in schema[table]]
        defaults = {c.name: c.default for c in schema[table]}
        where: list[sql.Composable] = [sql.SQL("campaign_id = %s")]
        params: list[Any] = [campaign_id]
        scope = _scope(table) if schools else None
        if scope is not None:
            column, ref = scope
            where.append(sql.SQL("{} = ANY(%s)").format(_ident(column)))
            params.append(list(schools) if table == "school" else selected[ref])
        query = sql.SQL("SELECT {}, row_digest FROM {} WHERE {} ORDER BY row_seq").format(
            sql.SQL(", ").join(_ident(c) for c in columns),
            _ident(SCHEMA, table),
            sql.SQL(" AND ").join(where),
        )
        keys: list[Any] = []
        with conn.cursor(name=f"pull_{table}") as cur:
            cur.itersize = 500
            cur.execute(query, params)
            rows = _verified(cur, table, columns, defaults, keys)
            counts, conflicts = copy_rows(store, table, columns, rows, "the central store")
        if table == "school" and schools:
            unknown = sorted(set(schools) - set(keys))
            if unknown:
                raise InputError(
                    f"no school {', '.join(unknown)} in campaign {campaign_id}",
                    source="argument --school",
                )
        if conflicts:  # only the campaign row can be there already (the new file's own)
            raise ConflictError(str(store.path), conflicts, action="pulled")
        report.tables[table] = counts.new
        selected[table] = keys


def _verified(
    rows: Iterable[Sequence[Any]],
    table: str,
    columns: Sequence[str],
    defaults: Mapping[str, Any],
    keys: list[Any],
) -> Iterator[list[Any]]:
    """The pulled rows (their digest last), each checked against its digest; the first key
    column of each is appended to ``keys`` (to select the records that reference them)."""
    key_at = columns.index(RECORD_TABLES[table].key[0])
    for raw in rows:
        row = [_plain(v) for v in raw[:-1]]
        if row_digest(columns, row, RECORD_TABLES[table].local, defaults) != bytes(raw[-1]):
            raise StoreError(
                f"the central store's {table} {row[key_at]} does not match its digest "
                "(changed outside luxcheck); nothing was pulled"
            )
        keys.append(row[key_at])
        yield row
