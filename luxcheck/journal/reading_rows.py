"""Readings as rows of the ``reading`` table and back, without a mapping per row: the rows
the store journals (:func:`reading_rows`, made in any process: a measuring worker sends them
to the one that writes) and the readings rebuilt from its bulk reads
(:class:`luxcheck.journal.store.CampaignStore`)."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from luxcheck.model import READING_CLASSES, AnyReading

#: The columns of every reading, after its kind and classroom.
READING_COMMON = ("reading_id", "session_id", "taken_at", "instrument_id", "supersedes", "note")

#: Per-kind columns (besides the common ones); arrays are stored as <name>_blob + <name>_dtype.
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "illuminance": ("surface", "x_m", "y_m", "lights_on", "illuminance_lx", "point"),
    "spectrum": ("wavelength_nm", "values", "unit", "luminaire"),
    "waveform": ("samples", "sample_rate_hz", "unit", "dark_level", "full_scale", "luminaire"),
    "luminance": (
        "target",
        "luminance_cd_m2",
        "observer",
        "luminaire",
        "solid_angle_sr",
        "position_index",
    ),
    "power": ("circuit", "power_w"),
    "height": ("luminaire", "height_m", "horizontal_distance_m"),
    "void": (),
}
ARRAY_FIELDS = frozenset({"wavelength_nm", "values", "samples"})

# where a row of ReadingRows (its kind, READING_COMMON, then the kind's columns) holds what
# the store looks at
READING_ID_AT = 1 + READING_COMMON.index("reading_id")
SESSION_AT = 1 + READING_COMMON.index("session_id")
SUPERSEDES_AT = 1 + READING_COMMON.index("supersedes")
_TAKEN_AT = READING_COMMON.index("taken_at")


@functools.cache
def insert_sql(kind: str) -> str:
    """The INSERT of a row of ``kind``: its classroom, then the row of :func:`reading_rows`
    (the common columns, then the kind's, an array as its bytes and its dtype string)."""
    columns = ["classroom_id", "kind", *READING_COMMON]
    for name in KIND_COLUMNS[kind]:
        columns += [f"{name}_blob", f"{name}_dtype"] if name in ARRAY_FIELDS else [name]
    return f"INSERT INTO reading ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


@dataclass(frozen=True)
class ReadingRows:
    """Readings as the store journals them (:meth:`CampaignStore.add_reading_rows`), in their
    order, in runs of one kind: ``(kind, rows)`` with each row ``(kind, *common columns,
    *the kind's columns)``, classroom aside (the store takes it from the reading's session).
    Made by :func:`reading_rows` from readings, which the model validated when they were made;
    plain values and bytes, cheap to send between processes."""

    runs: tuple[tuple[str, tuple[tuple[Any, ...], ...]], ...]

    def __len__(self) -> int:
        return sum(len(rows) for _, rows in self.runs)


#: The last time stamp written and its text (a session's readings mostly share one instant).
_Stamp = list[Any]


def _row_maker(kind: str) -> Callable[[AnyReading, _Stamp], tuple[Any, ...]]:
    """A function from a reading of ``kind`` to its row (see :class:`ReadingRows`)."""
    names = (*READING_COMMON, *KIND_COLUMNS[kind])
    get = operator.attrgetter(*names)
    arrays = [i for i, name in enumerate(names) if name in ARRAY_FIELDS]

    def row(reading: AnyReading, stamp: _Stamp) -> tuple[Any, ...]:
        values = list(get(reading))
        taken = values[_TAKEN_AT]
        if isinstance(taken, dt.datetime):
            if taken is not stamp[0]:
                stamp[:] = [taken, taken.isoformat()]
            values[_TAKEN_AT] = stamp[1]
        for at in reversed(arrays):  # an array's two columns in its place
            array = np.ascontiguousarray(values[at])
            values[at : at + 1] = [array.tobytes(), array.dtype.str]
        return (kind, *values)

    return row


_ROW_MAKERS = {kind: _row_maker(kind) for kind in KIND_COLUMNS}


def reading_rows(readings: Iterable[AnyReading]) -> ReadingRows:
    """The rows of ``readings`` (in their order) for the store to journal."""
    runs: list[tuple[str, list[tuple[Any, ...]]]] = []
    stamp: _Stamp = [None, None]
    for reading in readings:
        kind = reading.kind
        if not runs or runs[-1][0] != kind:
            runs.append((kind, []))
        runs[-1][1].append(_ROW_MAKERS[kind](reading, stamp))
    return ReadingRows(tuple((kind, tuple(rows)) for kind, rows in runs))


def first_column(row: Sequence[Any]) -> Any:
    """The first value of a row (``seq``: the journal order of a ``SELECT *``)."""
    return row[0]


def reading_builder(
    names: Sequence[str],
    kind_columns: Mapping[str, Sequence[str]],
    common: Sequence[str],
    array_fields: Collection[str],
    *,
    skip: int = 1,
) -> Callable[[Sequence[Any]], AnyReading]:
    """A function that rebuilds a reading from a row of ``SELECT * FROM reading`` (column
    ``names``; the row without its first ``skip`` columns) as the store's ``_reading`` does
    from a mapping (the ``common`` fields, then the kind's; an array field from its
    ``<name>_blob`` and ``<name>_dtype`` columns), with the columns of each kind looked up
    once."""
    index = {name: i - skip for i, name in enumerate(names)}
    # per kind: (field, column, how) with how "value", "bool" or the dtype column of an array
    plans: dict[str, list[tuple[str, int, int | str]]] = {}
    for kind, columns in kind_columns.items():
        plan: list[tuple[str, int, int | str]] = [(name, index[name], "value") for name in common]
        for name in columns:
            if name in array_fields:
                plan.append((name, index[f"{name}_blob"], index[f"{name}_dtype"]))
            else:
                plan.append((name, index[name], "bool" if name == "lights_on" else "value"))
        plans[kind] = plan
    kind_at = index["kind"]

    def build(row: Sequence[Any]) -> AnyReading:
        kind = row[kind_at]
        values: dict[str, Any] = {}
        for name, at, how in plans[kind]:
            if how == "value":
                values[name] = row[at]
            elif how == "bool":
                values[name] = bool(row[at])
            else:  # an array: its bytes and its dtype
                values[name] = np.frombuffer(row[at], dtype=row[cast(int, how)])
        values["taken_at"] = dt.datetime.fromisoformat(values["taken_at"])
        values["kind"] = kind
        # validated when it was written (the store's only way in), so rebuilt without running
        # the validation again, as the store's _reading does
        reading = object.__new__(READING_CLASSES[kind])
        reading.__dict__.update(values)
        return cast(AnyReading, reading)

    return build
