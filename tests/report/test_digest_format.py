"""The provenance digest keeps the byte format its docstring states (``DIGEST_VERSION``
luxcheck-digest-v1), so reports issued earlier still verify: an oracle that writes that format
one value at a time, as the first implementation did, against ``digest``."""

from __future__ import annotations

import hashlib
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.report.model import PackRef
from luxcheck.report.provenance import DIGEST_VERSION, digest

PACKS = (PackRef("gb-7793-2010", "a1b2"), PackRef("gb-t-36876-2018", "c3d4"))

_cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.binary(max_size=16),
)


def _oracle(rows: list[list[object]], packs: tuple[PackRef, ...]) -> str:
    h = hashlib.sha256(DIGEST_VERSION.encode())

    def feed(tag: bytes, data: bytes) -> None:
        h.update(tag + struct.pack(">Q", len(data)) + data)

    for pack in sorted(packs, key=lambda p: (p.pack_id, p.version)):
        feed(b"P", pack.pack_id.encode())
        feed(b"V", pack.version.encode())
    for row in rows:
        h.update(b"R" + struct.pack(">I", len(row)))
        for value in row:
            if value is None:
                h.update(b"N")
            elif isinstance(value, bool | int):
                feed(b"I", str(int(value)).encode())
            elif isinstance(value, float):
                feed(b"F", value.hex().encode())
            elif isinstance(value, str):
                feed(b"S", value.encode())
            else:
                assert isinstance(value, bytes)
                feed(b"B", value)
    return h.hexdigest()


@settings(max_examples=120, deadline=None)
@given(st.lists(st.lists(_cell, max_size=6), max_size=5))
def test_digest_bytes_are_the_documented_format(rows: list[list[object]]) -> None:
    """Oracle: the v1 format written value by value (tag, 8-byte big-endian length, data;
    R + 4-byte value count per row; N for None) hashes to the same SHA-256."""
    assert digest(rows, PACKS) == _oracle(rows, PACKS)
