"""Konica Minolta CL-200A chroma meter.

Source: "Konica Minolta CL-200A Communication Specifications".

Sequence: ``54`` PC mode → ``55`` HOLD (broadcast, no reply) → ``40 10`` EXT mode per
head → per measurement ``40 21`` (broadcast, no reply), wait, then per head the read commands
``02`` (Ev, x, y), ``03`` (Ev, u′, v′), ``08`` (Ev, Tcp, Δuv) and ``01`` (X, Y, Z).

Status: ERR ``1``–``3`` are device faults, ``4`` means EXT without HOLD (the driver
re-runs 55 / 40 once), ``5`` over range (raises), ``6`` low luminance (flag), ``7`` Tcp/Δuv out of
range (those two values are ``None``, flagged). RNG ``0`` = read too early (wait, re-read),
``6`` = range changing (re-measure; persistent → over range). BA ``1`` = low battery (raises).
"""

from __future__ import annotations

from typing import ClassVar

from .base import (
    MeterLowBattery,
    MeterOverRange,
    MeterTimeout,
    PhotometricReading,
    utc_now,
)
from .konica import BROADCAST, KonicaFrame, KonicaMeter, check_status, parse_number

#: Read commands and the metric ids of their three data fields.
READ_COMMANDS: dict[str, tuple[str, str, str]] = {
    "02": ("illuminance_lx", "x", "y"),
    "03": ("illuminance_lx", "u_prime", "v_prime"),
    "08": ("illuminance_lx", "cct_K", "duv"),
    "01": ("X", "Y", "Z"),
}
READ_PARAM = "1200"  # 1, CF 2 = colour correction disabled, 0, calibration NORM

ERR_FAULTS = {
    "1": "receptor head powered off; power-cycle the meter",
    "2": "EEPROM error 1; power-cycle the meter",
    "3": "EEPROM error 2; power-cycle the meter",
}
#: Status characters the specification documents: ERR space, 1-7; RNG 0-4 and 6, plus 5 (the
#: T-10A range digit the emulator sends above 29 999 lx); BA 0 / 1.
ERR_KNOWN = " " + "".join(ERR_FAULTS) + "4567"
RNG_KNOWN = "0123456"


# --------------------------------------------------------------------------- pure protocol
def parse_measurement(reply: KonicaFrame) -> tuple[dict[str, float | None], frozenset[str]]:
    """Decode a long reply to a read command into metric values and flags.

    Raises
    ------
    MeterOverRange
        ERR ``5`` (value over range).
    MeterLowBattery
        BA ``1``.
    MeterProtocolError
        Not a long reply to a known read command, an unknown ERR / RNG / BA character, or a
        malformed data field.
    """
    from .base import MeterProtocolError

    if reply.command not in READ_COMMANDS or len(reply.fields) != 3:
        raise MeterProtocolError(
            f"not a long reply to a read command (command {reply.command})", raw=reply.raw
        )
    if reply.err == "5":
        raise MeterOverRange(f"head {reply.head:02d}: measurement over range (ERR 5)")
    check_status(reply, err=ERR_KNOWN, rng=RNG_KNOWN, battery="01")
    if reply.battery == "1":
        raise MeterLowBattery(f"head {reply.head:02d}: low battery; replace it and measure again")
    flags = {f"range-{reply.rng}"}
    if reply.hold:
        flags.add("hold")
    if reply.err == "6":
        flags.add("low-luminance")
    values: dict[str, float | None] = {}
    for name, text in zip(READ_COMMANDS[reply.command], reply.fields, strict=True):
        values[name] = parse_number(text, raw=reply.raw)
    if reply.command == "08" and reply.err == "7":
        values["cct_K"] = values["duv"] = None
        flags.add("tcp-out-of-range")
    return values, frozenset(flags)


# --------------------------------------------------------------------------- device
class CL200A(KonicaMeter):
    """Konica Minolta CL-200A chroma meter, one or more receptor heads on one line.

    Parameters
    ----------
    transport
        An open port at 9600 7E1.
    heads
        Receptor head numbers to read (0–29), first one is :meth:`read`'s.
    wait_scale, timeout_s, opener
        See :class:`luxcheck.drivers.konica.KonicaMeter`.
    """

    model: ClassVar[str] = "cl-200a"
    name: ClassVar[str] = "Konica Minolta CL-200A"
    kind: ClassVar[str] = "photometric"

    #: Documented waits [s]: after 54, after 55, after 40 10, after 40 21.
    WAIT_PC_S = 0.5
    WAIT_HOLD_S = 0.5
    WAIT_EXT_S = 0.175
    WAIT_MEASURE_S = 0.5
    ATTEMPTS = 3  # re-reads on RNG 0 / re-measures on RNG 6

    def _handshake(self) -> None:
        """Control the link: PC mode (54, retried once by the exchange), HOLD and EXT."""
        reply = self._request(self.heads[0], "54", "1   ")
        self._device_fault(reply, ERR_FAULTS)
        self._wait(self.WAIT_PC_S)
        self._set_ext()

    def _set_ext(self) -> None:
        for attempt in (1, 2):
            self._send(BROADCAST, "55", "1  0")
            self._wait(self.WAIT_HOLD_S)
            refused: KonicaFrame | None = None  # the first head that answered ERR 4
            for head in self.heads:
                reply = self._request(head, "40", "10  ")
                self._device_fault(reply, ERR_FAULTS)
                self._wait(self.WAIT_EXT_S)
                if reply.err == "4" and refused is None:
                    refused = reply
            if refused is None:
                return
            if attempt == 2:
                self._device_fault(refused, {"4": "EXT mode refused although HOLD was sent"})

    def measure_heads(self) -> dict[int, PhotometricReading]:
        """Measure once (40 21) and get the reading of every configured head.

        Returns
        -------
        dict[int, PhotometricReading]
            Head number → reading with ``illuminance_lx`` [lx], ``x``, ``y``, ``u_prime``,
            ``v_prime``, ``cct_K`` [K], ``duv``, ``X``, ``Y``, ``Z``.
        """
        self.connect()
        for measure_attempt in range(self.ATTEMPTS):
            self._send(BROADCAST, "40", "21  ")
            self._wait(self.WAIT_MEASURE_S)
            try:
                return {head: self._read_head(head) for head in self.heads}
            except _RangeChanging as exc:
                if measure_attempt == self.ATTEMPTS - 1:
                    raise MeterOverRange(
                        f"head {exc.head:02d}: range kept changing or result out of range "
                        f"(RNG 6) after {self.ATTEMPTS} measurements",
                        port=self.port,
                    ) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _read_head(self, head: int) -> PhotometricReading:
        values: dict[str, float | None] = {}
        flags: set[str] = set()
        raws: list[bytes] = []
        for command in READ_COMMANDS:
            reply = self._read_command(head, command)
            with self.port_errors():
                got, got_flags = parse_measurement(reply)
            if command == "02" or "illuminance_lx" not in values:
                values.update(got)
            else:
                values.update({k: v for k, v in got.items() if k != "illuminance_lx"})
            flags |= got_flags
            raws.append(reply.raw)
        ev = values.pop("illuminance_lx")
        if ev is None:
            from .base import MeterProtocolError

            raise MeterProtocolError("the meter sent no illuminance", raw=raws[0], port=self.port)
        return PhotometricReading(
            model=self.model,
            taken_at=utc_now(),
            raw=tuple(raws),
            flags=frozenset(flags),
            head=head,
            illuminance_lx=ev,
            **values,
        )

    def _read_command(self, head: int, command: str) -> KonicaFrame:
        for _ in range(self.ATTEMPTS):
            reply = self._request(head, command, READ_PARAM)
            self._device_fault(reply, ERR_FAULTS)
            if reply.err == "4":  # EXT lost (meter restarted?): set it up again once
                self._set_ext()
                raise _RangeChanging(head)
            if reply.rng == "6":
                raise _RangeChanging(head)
            if reply.rng != "0":
                return reply
            self._wait(self.WAIT_MEASURE_S)  # read too early: wait and read again
        raise MeterTimeout(
            f"head {head:02d} kept answering 'not ready' (RNG 0) to command {command}",
            port=self.port,
        )

    def read(self) -> PhotometricReading:
        """Measure one reading of the first configured head (Ev, xy, u′v′, Tcp, Δuv, XYZ)."""
        return self.measure_heads()[self.heads[0]]


class _RangeChanging(Exception):  # noqa: N818 - internal signal, not an error
    def __init__(self, head: int) -> None:
        self.head = head


__all__ = ["CL200A", "READ_COMMANDS", "parse_measurement"]
