"""Konica Minolta T-10A / T-10 illuminance meter.

Source: "Konica Minolta T-10A Communication Specifications" (the T-10 uses the same commands).

Same framing and BCC as the CL-200A. Sequence: ``54`` PC mode, wait 0.5 s; the
first ``10`` (read measurement data, param ``H C R 0`` = ``0200``: RUN, CCF code 2, auto range)
sets the conditions, then wait 3 s in auto range before trusting data; every later ``10`` reads
the current value. Several heads are polled in turn.

Status: index 5 HOLD bit (odd = HOLD); ERR space or ``7`` normal, ``1`` head off, ``2`` /
``3`` EEPROM, ``5`` over range; RANGE ``1``–``5``; BATTERY bit 0 set (``1``/``3``) = low. Data 1 =
Ev [lx]; data 2 = Δ from the reference [lx]; data 3 = % of the reference (both six spaces when
no reference is set).
"""

from __future__ import annotations

from typing import ClassVar

from .base import (
    MeterLowBattery,
    MeterOverRange,
    MeterProtocolError,
    PhotometricReading,
    utc_now,
)
from .konica import KonicaFrame, KonicaMeter, check_status, parse_number

READ_PARAM = "0200"  # H=0 RUN, C=2 (CCF code 2), R=0 auto range, 0
ERR_FAULTS = {
    "1": "receptor head powered off; power-cycle the meter",
    "2": "EEPROM error 1; power-cycle the meter",
    "3": "EEPROM error 2; power-cycle the meter",
}
ERR_NORMAL = (" ", "7")
ERR_KNOWN = "".join(ERR_NORMAL) + "".join(ERR_FAULTS)  # ERR 5 (over range) is handled first


# --------------------------------------------------------------------------- pure protocol
def parse_measurement(reply: KonicaFrame) -> PhotometricReading:
    """Decode a long reply to command 10 into a reading.

    Raises
    ------
    MeterOverRange
        ERR ``5``.
    MeterLowBattery
        BATTERY with bit 0 set.
    MeterProtocolError
        Not a long command-10 reply, an unknown ERR/RANGE/BATTERY character, or no Ev.
    """
    if reply.command != "10" or len(reply.fields) != 3:
        raise MeterProtocolError("not a long reply to command 10", raw=reply.raw)
    if reply.err == "5":
        raise MeterOverRange(f"head {reply.head:02d}: illuminance over range (ERR 5)")
    check_status(reply, err=ERR_KNOWN, rng="012345", battery="0123")
    if int(reply.battery) & 1:
        raise MeterLowBattery(f"head {reply.head:02d}: low battery; replace it and measure again")
    ev = parse_number(reply.fields[0], raw=reply.raw)
    if ev is None:
        raise MeterProtocolError("the meter sent no illuminance", raw=reply.raw)
    flags = {f"range-{reply.rng}"}
    if reply.hold:
        flags.add("hold")
    return PhotometricReading(
        model="t-10a",
        taken_at=utc_now(),
        raw=(reply.raw,),
        flags=frozenset(flags),
        head=reply.head,
        illuminance_lx=ev,
        delta_lx=parse_number(reply.fields[1], raw=reply.raw),
        ratio_percent=parse_number(reply.fields[2], raw=reply.raw),
    )


# --------------------------------------------------------------------------- device
class T10A(KonicaMeter):
    """Konica Minolta T-10A illuminance meter, one or more receptor heads on one line.

    Parameters
    ----------
    transport
        An open port at 9600 7E1.
    heads
        Receptor head numbers to read (0–29), first one is :meth:`read`'s.
    wait_scale, timeout_s, opener
        See :class:`luxcheck.drivers.konica.KonicaMeter`.
    """

    model: ClassVar[str] = "t-10a"
    name: ClassVar[str] = "Konica Minolta T-10A"
    kind: ClassVar[str] = "photometric"

    #: Documented waits [s]: after 54; after the first 10 in auto range.
    WAIT_PC_S = 0.5
    WAIT_SETTLE_S = 3.0

    def _handshake(self) -> None:
        """Control the link: PC mode (54), then set the conditions on every head and settle."""
        reply = self._request(self.heads[0], "54", "1   ")
        self._device_fault(reply, ERR_FAULTS)
        self._wait(self.WAIT_PC_S)
        for head in self.heads:
            self._device_fault(self._request(head, "10", READ_PARAM), ERR_FAULTS)
        self._wait(self.WAIT_SETTLE_S)

    def read_head(self, head: int) -> PhotometricReading:
        """Measure the illuminance [lx] at one head (with Δ [lx] and % of the reference)."""
        self.connect()
        reply = self._request(head, "10", READ_PARAM)
        self._device_fault(reply, ERR_FAULTS)
        with self.port_errors():
            return parse_measurement(reply)

    def measure_heads(self) -> dict[int, PhotometricReading]:
        """Measure every configured head in turn; get head number → reading."""
        return {head: self.read_head(head) for head in self.heads}

    def read(self) -> PhotometricReading:
        """Measure the illuminance [lx] at the first configured head."""
        return self.read_head(self.heads[0])


__all__ = ["T10A", "parse_measurement"]
