"""Test helpers for driver authors: an expected-exchange fake transport.

Modelled on pymeasure's ``expected_protocol`` / ``ProtocolAdapter``: the fake asserts every
write against the next expected request, replays the paired reply, and fails at the end if
pairs remain or replies were left unread::

    with expected_exchange(T10A, [(b"\\x020054 1   \\x0313\\r\\n", b"..."), ...]) as meter:
        meter.read()

A pair ``(None, reply)`` is a reply the meter sends unasked (a streaming meter); it is delivered
when the driver next reads. A pair ``(request, None)`` expects a request that gets no reply.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from .base import Meter

M = TypeVar("M", bound=Meter)
Pair = tuple[bytes | None, bytes | None]


class ExpectedExchange:
    """A fake transport that checks each write and replays each reply."""

    def __init__(self, pairs: Sequence[Pair], *, port: str = "expected://") -> None:
        self.pairs = list(pairs)
        self.position = 0
        self._rx = bytearray()
        self.port = port
        self.timeout: float | None = 1.0
        self.closed = False

    def _release_unasked(self) -> None:
        while not self._rx and self.position < len(self.pairs):
            request, reply = self.pairs[self.position]
            if request is not None:
                return
            self.position += 1
            self._rx.extend(reply or b"")

    @property
    def in_waiting(self) -> int:
        """Get the number of reply bytes ready."""
        self._release_unasked()
        return len(self._rx)

    def read(self, size: int = 1) -> bytes:
        """Read replayed bytes; with none left, wait a little (a short timeout) and return b''."""
        self._release_unasked()
        if not self._rx:
            time.sleep(min(self.timeout or 0.0, 0.01))
            return b""
        out = bytes(self._rx[:size])
        del self._rx[:size]
        return out

    def write(self, data: bytes, /) -> int:
        """Check ``data`` against the next expected request and queue its reply."""
        if self.position >= len(self.pairs):
            raise AssertionError(f"unexpected write {bytes(data)!r}: no pairs left")
        request, reply = self.pairs[self.position]
        if request is None:
            raise AssertionError(
                f"write {bytes(data)!r} while the unasked reply {reply!r} (pair {self.position}) "
                "was not read"
            )
        if bytes(data) != request:
            raise AssertionError(
                f"pair {self.position}: expected write {request!r}, got {bytes(data)!r}"
            )
        self.position += 1
        self._rx.extend(reply or b"")
        return len(data)

    def reset_input_buffer(self) -> None:
        """Discard unread reply bytes (a flush before a request)."""
        self._rx.clear()

    def flush(self) -> None:
        """Nothing to flush on output."""

    def close(self) -> None:
        """Mark the fake closed."""
        self.closed = True

    def check_done(self) -> None:
        """Fail if pairs remain or replies were left unread."""
        if self.position < len(self.pairs):
            raise AssertionError(f"{len(self.pairs) - self.position} pairs not exchanged")
        if self._rx:
            raise AssertionError(f"reply bytes left unread: {bytes(self._rx)!r}")


@contextmanager
def expected_exchange(meter_cls: type[M], pairs: Sequence[Pair], **kwargs: Any) -> Iterator[M]:
    """Build ``meter_cls`` on an :class:`ExpectedExchange`; check all pairs were used at exit."""
    fake = ExpectedExchange(pairs)
    meter = meter_cls(fake, **kwargs)
    yield meter
    fake.check_done()


__all__ = ["ExpectedExchange", "expected_exchange"]
