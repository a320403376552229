"""Shared helpers of the driver tests: fast emulator URLs and fast driver options."""

from __future__ import annotations

import contextlib
import urllib.parse
from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st
from luxcheck.drivers import Meter, open_meter
from luxcheck.drivers.emulators.pty_runner import PtyEmulator

#: Emulator delays × 0.02 (CL-200A measuring time 10 ms, JETI integration 4 ms ...).
TIME_SCALE = 0.02
#: Driver waits × 0.04: twice the emulator's (scaled) measuring time, so a loaded CI machine
#: does not read before the data are ready. Reply deadline short so timeout paths stay fast.
DRIVER_OPTIONS: dict[str, dict[str, Any]] = {
    "t-10a": {"wait_scale": 2 * TIME_SCALE},
    "cl-200a": {"wait_scale": 2 * TIME_SCALE},
    "lutron-16": {},
    "jeti-specbos": {"max_integration_ms": 1000},
    "waveform-stream": {"duration_s": 0.05},
}
TIMEOUT_S = 0.25
#: On a pty the emulator runs in another thread (or process): allow for a busy machine.
PTY_TIMEOUT_S = 1.0
MODELS = tuple(DRIVER_OPTIONS)


def emu_url(model: str, **params: Any) -> str:
    """Get an ``emu://`` URL with the fast time scale and the given options."""
    query = {"time_scale": TIME_SCALE, **params}
    return f"emu://{model}?" + urllib.parse.urlencode(query)


def open_emulated(model: str, **params: Any) -> Meter:
    """Open the driver of ``model`` on its in-process emulator."""
    return open_meter(emu_url(model, **params), model, timeout_s=TIMEOUT_S, **DRIVER_OPTIONS[model])


@contextlib.contextmanager
def pty_meter(model: str, **params: Any) -> Iterator[Meter]:
    """Serve ``model``'s emulator on a pty (thread) and open the driver on the pty path."""
    with PtyEmulator(model, {"time_scale": TIME_SCALE, **params}) as server:
        meter = open_meter(server.path, model, timeout_s=PTY_TIMEOUT_S, **DRIVER_OPTIONS[model])
        try:
            yield meter
        finally:
            meter.close()


@st.composite
def corrupted(draw: st.DrawFn, frames: st.SearchStrategy[bytes], max_edits: int = 3) -> bytes:
    """Draw a valid frame from ``frames`` and apply 0 to ``max_edits`` random edits to it.

    An edit flips a bit, replaces, inserts or deletes a byte, or truncates. With no edit the frame
    must parse, so a fuzz test built on this strategy reaches its post-parse checks as well as
    the parser's refusals at every depth (not only the first length or start-byte guard).
    """
    data = bytearray(draw(frames))
    for _ in range(draw(st.integers(0, max_edits))):
        kind = draw(st.sampled_from(["flip", "replace", "insert", "delete", "truncate"]))
        if kind == "insert" or not data:
            data.insert(draw(st.integers(0, len(data))), draw(st.integers(0, 255)))
            continue
        at = draw(st.integers(0, len(data) - 1))
        if kind == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "replace":
            data[at] = draw(st.integers(0, 255))
        elif kind == "delete":
            del data[at]
        else:
            del data[at:]
    return bytes(data)
