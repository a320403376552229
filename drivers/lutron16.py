"""Lutron-type "16-digit data stream" lux meters (YK-2005LX, LX-1108 and rebrands).

Source: the "RS-232 PC serial interface" section of the Lutron LX-1108 operation manual.

The meter streams a 16-byte frame at 9600 8N1 without being asked::

    D15 0x02 | D14 '4' | D13 '1' upper / '2' lower display | D12-D11 unit ("15" lx, "16" fc)
    | D10 polarity '0' + / '1' − | D9 decimals '0'..'3' | D8-D1 8 digits, MSD first | D0 CR (or LF)

Example: ``02 34 31 31 35 30 31 30 30 30 31 32 33 34 35 0D`` = +1234.5 lx. The driver
flushes, syncs on 0x02, reads 16 bytes and checks every field; it returns the next upper-display
frame. A foot-candle frame is converted exactly (1 fc = 1 lm/ft² = 10.763 910 416 7 lx, with
1 ft = 0.3048 m) and flagged ``unit-fc``.
"""

from __future__ import annotations

from typing import ClassVar

from .base import (
    LineSettings,
    Meter,
    MeterProtocolError,
    MeterTimeout,
    PhotometricReading,
    utc_now,
)

FRAME_LENGTH = 16
START = 0x02
LUX_PER_FOOTCANDLE = 1.0 / 0.3048**2  # lm/ft² → lm/m²
UNITS = {"15": "lx", "16": "fc"}


# --------------------------------------------------------------------------- pure protocol
def encode_frame(value: float, *, decimals: int = 1, unit: str = "lx", display: int = 1) -> bytes:
    """Build the frame a meter sends for ``value`` (emulators and tests use this)."""
    if decimals not in (0, 1, 2, 3):
        raise ValueError(f"decimals must be 0-3, got {decimals!r}")
    code = {"lx": "15", "fc": "16"}[unit]
    digits = round(abs(value) * 10**decimals)
    if digits > 99_999_999:
        raise ValueError(f"{value!r} does not fit 8 digits with {decimals} decimals")
    text = f"4{display}{code}{1 if value < 0 else 0}{decimals}{digits:08d}"
    return bytes([START]) + text.encode("ascii") + b"\r"


def parse_frame(frame: bytes) -> tuple[float, str, int]:
    """Decode one 16-byte frame into (value, unit, display).

    Raises
    ------
    MeterProtocolError
        Wrong length, start or end byte, a non-digit in D14–D1, or an unknown unit or field.
    """
    if len(frame) != FRAME_LENGTH or frame[0] != START or frame[15] not in (0x0D, 0x0A):
        raise MeterProtocolError(
            "not a 16-byte 0x02 ... CR frame (is the port at 9600 8N1?)", raw=frame
        )
    body = frame[1:15]
    if not all(0x30 <= b <= 0x39 for b in body):
        raise MeterProtocolError(
            "non-digit in the data stream (is the port at 9600 8N1?)", raw=frame
        )
    text = body.decode("ascii")
    if text[0] != "4" or text[1] not in "12":
        raise MeterProtocolError("unknown D14/D13 (expected '4', display '1' or '2')", raw=frame)
    unit = UNITS.get(text[2:4])
    if unit is None:
        raise MeterProtocolError(f"unit code {text[2:4]!r} is not lux or foot-candle", raw=frame)
    if text[4] not in "01" or text[5] not in "0123":
        raise MeterProtocolError("polarity or decimals out of range", raw=frame)
    value = int(text[6:]) / 10 ** int(text[5])
    return (-value if text[4] == "1" else value), unit, int(text[1])


# --------------------------------------------------------------------------- device
class Lutron16(Meter):
    """Lutron-type lux meter streaming 16-byte frames (YK-2005LX, LX-1108 and rebrands).

    Parameters
    ----------
    transport
        An open port at 9600 8N1.
    timeout_s
        Deadline for a valid frame [s]; longer than the meter's output period (about 1 s).
    opener
        See :class:`luxcheck.drivers.base.Meter`.
    """

    model: ClassVar[str] = "lutron-16"
    name: ClassVar[str] = "Lutron-type 16-digit stream lux meter"
    kind: ClassVar[str] = "photometric"
    line: ClassVar[LineSettings] = LineSettings(9600, 8, "N", 1)
    roles: ClassVar[frozenset[str]] = frozenset({"lux"})

    def _handshake(self) -> None:
        """Control the link: nothing to send; the meter streams by itself."""

    def read(self) -> PhotometricReading:
        """Measure the illuminance [lx] from the next upper-display frame after a flush."""
        self.connect()
        self.link.flush_input()
        deadline = self.link.deadline()
        bad: list[bytes] = []
        while True:
            try:
                self.link.skip_to(bytes([START]), deadline, what="frame start (0x02)")
                frame = self.link.read_exact(FRAME_LENGTH, deadline, what="16-byte frame")
            except MeterTimeout:
                if bad:
                    raise MeterProtocolError(
                        "no valid frame before the deadline", raw=b"".join(bad), port=self.port
                    ) from None
                raise
            try:
                value, unit, display = parse_frame(frame)
            except MeterProtocolError:
                bad.append(frame)
                self.link.unread(frame[1:])  # resync on the next 0x02 inside
                continue
            if display != 1:
                continue
            flags = {"unit-fc"} if unit == "fc" else set()
            return PhotometricReading(
                model=self.model,
                taken_at=utc_now(),
                raw=(frame,),
                flags=frozenset(flags),
                illuminance_lx=value * LUX_PER_FOOTCANDLE if unit == "fc" else value,
            )


__all__ = ["Lutron16", "encode_frame", "parse_frame"]
