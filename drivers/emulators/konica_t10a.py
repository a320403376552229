"""T-10A illuminance meter emulator ("Konica Minolta T-10A Communication Specifications").

``54`` → PC mode; ``10`` (param ``H C R 0``) answers a long frame: Ev, and — when a reference
``ref`` [lx] is set — Δ = Ev − ref [lx] and Ev / ref [%], else six spaces. ``55`` (head
99) sets HOLD/RUN; the HOLD bit is reported in the status digit. ``sequence`` scripts the
values of successive measurements. Over range: ERR ``5`` above 299 999 lx (range 5 limit)
or with the fault. Faults: see :mod:`luxcheck.drivers.emulators.konica`.
"""

from __future__ import annotations

from typing import ClassVar

from .base import Param
from .konica import KonicaEmulator, range_digit

MAX_LUX = 299_999.0


class T10AEmulator(KonicaEmulator):
    """Behavioural T-10A: PC mode, HOLD/RUN, command 10 with reference Δ and %."""

    model: ClassVar[str] = "t-10a"
    PARAMS: ClassVar[dict[str, Param]] = {
        **KonicaEmulator.HEAD_PARAMS,
        "ref": Param(0.0, "reference illuminance for Δ and % [lx] (0 = none set)", 0.0),
        "sequence": Param(
            -1.0,
            "illuminances [lx] answered by successive measurements, the last one repeating "
            "(comma-separated; -1 = off, answer `lux`): an inspector walking a point plan",
            -1.0,
            many=True,
        ),
    }

    #: How many measurements have been answered from ``sequence`` (the first command 10 after
    #: connecting sets the measuring conditions and does not advance it).
    answered = 0
    conditions_set = False

    def model_command(self, head: int, command: str, param: str) -> None:
        """Act on command 10 (read measurement data)."""
        if command != "10" or head == 99:
            return
        sequence = self.p["sequence"]
        if sequence[0] >= 0:
            ev = self.noisy(float(sequence[min(self.answered, len(sequence) - 1)]))
            if self.conditions_set:
                self.answered += 1
            self.conditions_set = True
        else:
            ev = self.noisy(self.per_head("lux", head))
        ref = float(self.p["ref"])
        n = self.number
        if ev > MAX_LUX:
            self.send_data(head, "10", "5", "5", ("      ",) * 3)
            return
        fields = (
            n(ev),
            n(ev - ref) if ref > 0 else "      ",
            n(100.0 * ev / ref) if ref > 0 else "      ",
        )
        self.send_data(head, "10", " ", range_digit(ev), fields)


EMULATOR = T10AEmulator
