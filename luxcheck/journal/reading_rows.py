"""Readings rebuilt from rows of the ``reading`` table without a mapping per row, for the
store's bulk reads (:class:`luxcheck.journal.store.CampaignStore`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any, cast

import numpy as np

from luxcheck.model import READING_CLASSES, AnyReading


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
