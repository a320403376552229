"""How a table of journalled records moves between campaign files and the central store: the
entry type of :data:`luxcheck.journal.store.RECORD_TABLES` (kept apart so that the store
module stays within the size rule)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecordTable:
    """How a table of journalled records is merged (``campaign merge``) and pushed to or pulled
    from the central store: rows are append-only and identified by ``key``; the same key with
    other content is a conflict.

    ``references``: column -> the record table whose (single-column) key it names (used to
    order the tables and to select one school's records). ``local``: columns that describe one
    file rather than the record (the first arrival is kept; never compared). ``order``: a
    storage column giving the journal order, never copied (the target numbers its own).
    ``one_row``: the table holds exactly one row (the campaign): a file whose row has another
    key belongs to another campaign.
    """

    key: tuple[str, ...]
    references: Mapping[str, str] = field(default_factory=dict)
    local: tuple[str, ...] = ()
    order: str | None = None
    one_row: bool = False
