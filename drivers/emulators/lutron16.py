"""Lutron-type 16-digit stream lux meter emulator (the RS-232 data output of the LX-1108 manual).

Streams one upper-display frame every ``period_s`` (and, with ``lower=1``, a lower-display
frame after each, which a driver must skip) without being asked; writes from the host are
ignored. Values: ``lux`` with ``decimals`` digits after the point, in ``unit`` lx or fc
(fc = lx × 0.3048², i.e. lm/ft²).

Extra fault: ``bad-frame`` (a letter in place of a digit, the stream's only integrity check).
Generic faults apply to each streamed frame (see :mod:`luxcheck.drivers.emulators.base`).
"""

from __future__ import annotations

import math
from typing import ClassVar

from ..lutron16 import LUX_PER_FOOTCANDLE, Lutron16, encode_frame
from .base import GENERIC_FAULTS, Emulator, Param


class Lutron16Emulator(Emulator):
    """A streaming lux meter: one frame per period, independent of the host."""

    model: ClassVar[str] = "lutron-16"
    line = Lutron16.line
    FAULTS: ClassVar[frozenset[str]] = GENERIC_FAULTS | {"bad-frame"}
    PARAMS: ClassVar[dict[str, Param]] = {
        "lux": Param(512.0, "illuminance [lx]", 0.0),
        "decimals": Param(1, "digits after the decimal point", 0, 3),
        "unit": Param("lx", "display unit", choices=("lx", "fc")),
        "period_s": Param(0.5, "stream period [s]", 0.001, 60.0),
        "lower": Param(0, "1 = also stream lower-display frames", 0, 1),
    }
    GARBAGE: ClassVar[bytes] = b"0123456789\r"

    def __init__(self, *args: object, **kw: object) -> None:
        super().__init__(*args, **kw)  # type: ignore[arg-type]
        self._next = self.now() + self.scaled(float(self.p["period_s"]))

    def handle_input(self) -> None:
        """Ignore the host: the meter only talks."""
        self._inbuf.clear()

    def next_tick(self) -> float | None:
        """Get the time of the next frame."""
        return None if self.disconnected else self._next

    def tick(self) -> None:
        """Stream every frame that is due."""
        period = max(self.scaled(float(self.p["period_s"])), 1e-4)
        while not self.disconnected and self.now() >= self._next:
            self._next += period
            self.frame()
            if math.isinf(self._next):  # pragma: no cover - defensive
                return

    def frame(self) -> None:
        """Send one frame (and the lower display, if asked)."""
        lux = self.noisy(float(self.p["lux"]))
        value = lux / LUX_PER_FOOTCANDLE if self.p["unit"] == "fc" else lux
        data = encode_frame(value, decimals=int(self.p["decimals"]), unit=str(self.p["unit"]))
        faults = self.faults.next_reply()
        if "bad-frame" in faults:
            data = data[:8] + b"A" + data[9:]
        self.reply(data, delay_s=-float(self.p["reply_s"]), faults=faults)
        if int(self.p["lower"]):
            self.emit(encode_frame(0.0, decimals=0, display=2), delay_s=-float(self.p["reply_s"]))


EMULATOR = Lutron16Emulator
