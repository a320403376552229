"""Konica Minolta CL-200A / T-10A shared protocol: framing, BCC, number format, exchange.

Source: "Konica Minolta CL-200A Communication Specifications" and "Konica Minolta T-10A
Communication Specifications", which share this wire format: 9600 baud 7E1, printable ASCII
between control bytes::

    STX | head(2) | cmd(2) | param/status(4) | [data 3 × 6] | ETX | BCC(2) | CR LF

BCC is the XOR of every byte after STX up to and including ETX, written as two upper-case hex
digits (either case accepted on receipt). Short frames are 14 bytes, long frames 32. Numbers are
``sign | mantissa(4) | exponent`` with value = sign × mantissa × 10^(exponent − 4); six
spaces mean "no value".

The pure functions come first; :class:`KonicaMeter` adds the exchange rules:
flush before a request (never after), read to CR LF with a deadline, resync on STX, check
length, ETX, BCC and the echoed head and command, retry once on a timeout or a bad frame.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import ClassVar, Unpack

from .base import (
    DriverOption,
    LineSettings,
    Meter,
    MeterArgs,
    MeterDeviceFault,
    MeterProtocolError,
    MeterTimeout,
    Transport,
    retry_once,
)

STX = 0x02
ETX = 0x03
CRLF = b"\r\n"
SHORT_LENGTH = 14
LONG_LENGTH = 32
BROADCAST = 99
LINE_7E1 = LineSettings(9600, 7, "E", 1)
HEADS = range(30)  # receptor head numbers on one line


# --------------------------------------------------------------------------- pure protocol
def bcc(body: bytes) -> bytes:
    """Get the block check characters of ``body`` (the bytes after STX, ETX included).

    Returns two upper-case ASCII hex digits (*not* decimal, see the pitfall
    noted there).
    """
    value = 0
    for byte in body:
        value ^= byte
    return f"{value:02X}".encode("ascii")


def encode_command(head: int, command: str, param: str, data: str = "") -> bytes:
    """Build a request frame.

    Parameters
    ----------
    head
        Receptor head 0–29, or 99 (broadcast); written as two decimal digits.
    command
        Two-digit command code, e.g. ``"54"``.
    param
        Four parameter characters, e.g. ``"1   "``.
    data
        Optional data characters (command 48 only).
    """
    if not (0 <= head <= 29 or head == BROADCAST):
        raise ValueError(f"head must be 0-29 or 99, got {head!r}")
    if len(command) != 2 or not command.isdigit():
        raise ValueError(f"command must be two digits, got {command!r}")
    if len(param) != 4:
        raise ValueError(f"param must be four characters, got {param!r}")
    body = f"{head:02d}{command}{param}{data}".encode("ascii") + bytes([ETX])
    return bytes([STX]) + body + bcc(body) + CRLF


@dataclass(frozen=True)
class KonicaFrame:
    """A checked reply frame: head, command echo, 4 status characters and the data fields."""

    head: int
    command: str
    status: str
    fields: tuple[str, ...]
    raw: bytes

    @property
    def err(self) -> str:
        """Get the ERR character (index 6; space = OK)."""
        return self.status[1]

    @property
    def rng(self) -> str:
        """Get the RNG character (index 7)."""
        return self.status[2]

    @property
    def battery(self) -> str:
        """Get the BA character (index 8)."""
        return self.status[3]

    @property
    def hold(self) -> bool:
        """Get the HOLD bit (bit 0 of the status digit at index 5)."""
        return self.status[0].isdigit() and int(self.status[0]) & 1 == 1


def parse_frame(frame: bytes) -> KonicaFrame:
    """Check and split a reply frame (STX ... CR LF).

    Raises
    ------
    MeterProtocolError
        Wrong length, misplaced STX/ETX/CR LF, bad BCC, bytes with bit 7 set (a 7E1 meter read
        at 8N1), or non-decimal head/command.
    """
    if any(b >= 0x80 for b in frame):
        raise MeterProtocolError(
            "bytes with bit 7 set: the port is not at 7E1 (opened at 8N1?)", raw=frame
        )
    if len(frame) not in (SHORT_LENGTH, LONG_LENGTH):
        raise MeterProtocolError(f"reply of {len(frame)} bytes, expected 14 or 32", raw=frame)
    if frame[0] != STX or frame[-5] != ETX or frame[-2:] != CRLF:
        raise MeterProtocolError("STX, ETX or CR LF misplaced", raw=frame)
    body = frame[1:-4]
    if frame[-4:-2].upper() != bcc(body):
        raise MeterProtocolError(
            f"BCC {frame[-4:-2]!r} does not match the computed {bcc(body)!r}", raw=frame
        )
    try:
        text = body[:-1].decode("ascii")
    except UnicodeDecodeError as exc:  # pragma: no cover - bytes < 0x80 always decode
        raise MeterProtocolError("non-ASCII bytes", raw=frame) from exc
    if not (text[:4].isdigit() and text[:4].isascii()):
        raise MeterProtocolError("head or command is not decimal", raw=frame)
    data = text[8:]
    fields = tuple(data[i : i + 6] for i in range(0, len(data), 6))
    return KonicaFrame(int(text[:2]), text[2:4], text[4:8], fields, frame)


def check_status(reply: KonicaFrame, *, err: str, rng: str, battery: str) -> None:
    """Refuse a reply whose ERR, RNG or BA character is not one the model documents.

    Parameters
    ----------
    reply
        A checked reply frame.
    err, rng, battery
        The characters the model documents for each position (e.g. ``" 1234567"``).

    Raises
    ------
    MeterProtocolError
        An unknown character: a frame garbled past the BCC or another dialect must not be
        coerced into a normal reading or a made-up flag.
    """
    for name, char, known in (("ERR", reply.err, err), ("RNG", reply.rng, rng)):
        if char not in known:
            raise MeterProtocolError(f"unknown {name} character {char!r}", raw=reply.raw)
    if reply.battery not in battery:
        raise MeterProtocolError(f"unknown BA (battery) character {reply.battery!r}", raw=reply.raw)


def parse_number(field: str, *, raw: bytes = b"") -> float | None:
    """Decode a 6-character data field; six spaces give ``None`` (no value).

    ``sign(+|-) | mantissa (4 digits, leading spaces or zeros) | exponent digit e``;
    value = sign × mantissa × 10^(e − 4).
    """
    if len(field) != 6:
        raise MeterProtocolError(f"data field {field!r} is not 6 characters", raw=raw)
    if field == "      ":
        return None
    sign, mantissa, exponent = field[0], field[1:5], field[5]
    digits = mantissa.lstrip(" ")
    if (
        sign not in "+-"
        or not exponent.isdigit()
        or not digits
        or not all(c in "0123456789" for c in digits)
        or not exponent.isascii()
    ):
        raise MeterProtocolError(f"data field {field!r} is not a number", raw=raw)
    power = int(exponent) - 4
    value = float(int(digits) * 10**power) if power >= 0 else int(digits) / 10**-power
    return -value if sign == "-" else value


def format_number(value: float | None, *, fixed: bool = False) -> str:
    """Encode a value the way the meter does (emulators and tests use this).

    ``fixed=False`` (Ev, X, Y, Z, Tcp): round to 0.1, keep at most 4 significant digits, write
    the shortest mantissa right-aligned with spaces (captures ``+ 2733`` = 27.3, ``+30744`` =
    3074). ``fixed=True`` (x, y, u′, v′, Δuv): 4 decimals, zero-padded, exponent 0 (``+45450``,
    ``+01490``). ``None`` gives six spaces.
    """
    if value is None:
        return "      "
    if not math.isfinite(value):
        raise ValueError(f"cannot encode {value!r}")
    sign = "-" if value < 0 else "+"
    magnitude = abs(value)
    if fixed:
        mantissa = round(magnitude * 10_000)
        if mantissa > 9999:
            raise ValueError(f"{value!r} does not fit a fixed 4-decimal field")
        return f"{sign}{mantissa:04d}0"
    tenths = round(magnitude * 10)
    exponent = 3  # value = tenths × 10^(3 − 4)
    if tenths > 9999:  # 4 significant digits, rounded once from the value (rounding the
        # rounded tenths again moved 10 254 546 to 1026e4 instead of 1025e4)
        shift = len(str(tenths)) - 4
        tenths = round(magnitude * 10 / 10**shift)
        exponent += shift
        if tenths > 9999:  # the rounding carried into a fifth digit (99 995 -> 10 000)
            tenths //= 10
            exponent += 1
    while tenths and tenths % 10 == 0 and exponent < 9:
        tenths //= 10
        exponent += 1
    if exponent > 9:
        raise ValueError(f"{value!r} is too large for a data field")
    return f"{sign}{tenths:>4d}{exponent}"


# --------------------------------------------------------------------------- exchange
class KonicaMeter(Meter):
    """Shared exchange logic of the Konica Minolta meters (not a model of its own).

    Parameters
    ----------
    transport
        An open port at 9600 7E1.
    heads
        Receptor head numbers to read (0–29, up to 30 heads on one line), the first is
        :meth:`read`'s.
    wait_scale
        Factor applied to the meter's documented settling waits (1 = as documented; tests use
        less against fast emulators).
    timeout_s, opener
        See :class:`luxcheck.drivers.base.Meter`.
    """

    line: ClassVar[LineSettings] = LINE_7E1
    roles: ClassVar[frozenset[str]] = frozenset({"lux"})
    head_numbers: ClassVar[range | None] = HEADS
    options: ClassVar[tuple[DriverOption, ...]] = (
        DriverOption("heads", tuple, (0,), "receptor head numbers to read, 0-29"),
        DriverOption("wait_scale", float, 1.0, "factor on the documented settling waits"),
    )

    def __init__(
        self,
        transport: Transport,
        *,
        heads: tuple[int, ...] = (0,),
        wait_scale: float = 1.0,
        **kw: Unpack[MeterArgs],
    ) -> None:
        super().__init__(transport, **kw)
        if not heads or any(h not in HEADS for h in heads):
            raise ValueError(f"heads must be numbers 0-29, got {heads!r}")
        if not wait_scale >= 0:
            raise ValueError(f"wait_scale must be ≥ 0, got {wait_scale!r}")
        self.heads = tuple(heads)
        self.wait_scale = float(wait_scale)

    def _wait(self, seconds: float) -> None:
        time.sleep(seconds * self.wait_scale)

    def _send(self, head: int, command: str, param: str) -> None:
        """Send a request that gets no reply (broadcast 55 and 40 21)."""
        self.link.send(encode_command(head, command, param))

    def _request(self, head: int, command: str, param: str) -> KonicaFrame:
        """Send a request and return its checked reply; retry once on a timeout or bad frame."""
        frame = encode_command(head, command, param)

        def attempt() -> KonicaFrame:
            self.link.send(frame)  # flush before the request, never after
            with self.port_errors():
                return self._read_reply(head, command)

        return retry_once(attempt)

    def _read_reply(self, head: int, command: str) -> KonicaFrame:
        deadline = self.link.deadline()
        stale: list[bytes] = []
        while True:
            try:
                line = self.link.read_until(CRLF, deadline, what=f"reply to command {command}")
            except MeterTimeout as exc:
                if stale:
                    raise MeterProtocolError(
                        f"only stale replies to command {command} (wrong echo)",
                        raw=b"".join(stale),
                        port=self.port,
                    ) from exc
                raise
            start = line.rfind(bytes([STX]))
            if start < 0:
                if any(b >= 0x80 for b in line):
                    parse_frame(line)  # raises the 7E1/8N1 hint
                continue  # garbage without STX: resync
            reply = parse_frame(line[start:])
            if reply.head != head or reply.command != command:
                stale.append(reply.raw)
                continue
            return reply

    def _device_fault(self, reply: KonicaFrame, meaning: dict[str, str]) -> None:
        if reply.err in meaning:
            raise MeterDeviceFault(
                f"meter error {reply.err!r} on head {reply.head:02d}: {meaning[reply.err]}",
                code=reply.err,
                port=self.port,
            )


__all__ = [
    "BROADCAST",
    "LINE_7E1",
    "KonicaFrame",
    "KonicaMeter",
    "bcc",
    "check_status",
    "encode_command",
    "format_number",
    "parse_frame",
    "parse_number",
]
