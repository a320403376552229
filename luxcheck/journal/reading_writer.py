"""Journalling the readings of an import (:mod:`luxcheck.journal.exchange`) in an order the
store accepts, in batches small enough that a campaign's waveforms are never all held."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from luxcheck.errors import InputError
from luxcheck.journal.store import ROWS_AT_ONCE, CampaignStore
from luxcheck.model import AnyReading


class ReadingWriter:
    """Journals readings in batches, each after the reading it supersedes (in the campaign, or
    written before it here): one that comes before it waits for it. A reading already stored
    identically is skipped (its id added to ``known_ids``); with other values, refused."""

    #: a batch is journalled at this many bytes of arrays (waveform samples)
    BATCH_BYTES = 32 << 20

    def __init__(self, store: CampaignStore, folder: Path, known_ids: set[str]) -> None:
        self.store, self.folder, self.known_ids = store, folder, known_ids
        self.written: set[str] = set()
        self.waiting: dict[str, list[AnyReading]] = {}  # superseded id → readings waiting
        self.batch: list[AnyReading] = []
        self.batch_bytes = 0

    def add(self, readings: Iterable[AnyReading]) -> None:
        for reading in readings:
            queue = [reading]
            while queue:
                r = queue.pop()
                if _known_reading(self.store, r, self.folder):
                    self.known_ids.add(r.reading_id)
                elif (
                    r.supersedes is None
                    or r.supersedes in self.written
                    or self.store.has_reading(r.supersedes)
                ):
                    self.batch.append(r)
                    self.batch_bytes += _array_bytes(r)
                else:
                    self.waiting.setdefault(r.supersedes, []).append(r)
                    continue
                self.written.add(r.reading_id)
                queue.extend(reversed(self.waiting.pop(r.reading_id, [])))
            if len(self.batch) >= ROWS_AT_ONCE or self.batch_bytes >= self.BATCH_BYTES:
                self._flush()

    def finish(self) -> None:
        self._flush()
        for superseded, (r, *_) in self.waiting.items():
            raise InputError(
                f"reading {r.reading_id!r} supersedes {superseded!r}, which is neither in "
                "the campaign nor in the folder (or the supersedes chain has a cycle)",
                source=str(self.folder),
            )

    def _flush(self) -> None:
        if self.batch:
            self.store.add_readings(self.batch)
        self.batch, self.batch_bytes = [], 0


def _array_bytes(reading: AnyReading) -> int:
    arrays = [getattr(reading, name, None) for name in ("samples", "values", "wavelength_nm")]
    return sum(a.nbytes for a in arrays if isinstance(a, np.ndarray))


def _known_reading(store: CampaignStore, reading: AnyReading, folder: Path | str) -> bool:
    if not store.has_reading(reading.reading_id):
        return False
    stored = [
        r
        for r in store.readings(include_superseded=True, session_id=reading.session_id)
        if r.reading_id == reading.reading_id
    ]
    if not stored or stored[0] != reading:
        raise InputError(
            f"reading {reading.reading_id!r} is already in the campaign with other values",
            source=str(folder),
        )
    return True
