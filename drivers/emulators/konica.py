"""Shared emulator logic of the Konica Minolta meters: framing, PC mode, HOLD, data faults.

Like the real meter, the emulator ignores a request with a bad BCC, answers
nothing before command ``54`` (PC mode), and takes ``55`` (HOLD/RUN) only as a broadcast.

Konica data faults (on replies to read commands)
------------------------------------------------
``bad-bcc``      wrong BCC digits
``stale``        the previous reply (wrong command echo) arrives first, then the right one
``wrong-length`` a data character is missing (BCC still correct)
``error``        ERR ``1`` (receptor head off)
``over-range``   ERR ``5``
``low-battery``  BA ``1``
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from ..konica import BROADCAST, CRLF, ETX, LINE_7E1, STX, bcc, format_number
from .base import GENERIC_FAULTS, Emulator, Param

KONICA_FAULTS = GENERIC_FAULTS | {
    "bad-bcc",
    "stale",
    "wrong-length",
    "error",
    "over-range",
    "low-battery",
}


def range_digit(ev_lx: float) -> str:
    """Get the range digit of an illuminance (T-10A ranges: ≤ 29.99 lx → 1 ...)."""
    for digit, limit in (("1", 29.99), ("2", 299.9), ("3", 2999.0), ("4", 29999.0)):
        if ev_lx <= limit:
            return digit
    return "5"


def build_frame(head: int, command: str, status: str, fields: tuple[str, ...] = ()) -> bytes:
    """Build a reply frame (14 bytes, or 32 with three data fields)."""
    body = f"{head:02d}{command}{status}{''.join(fields)}".encode("ascii") + bytes([ETX])
    return bytes([STX]) + body + bcc(body) + CRLF


class KonicaEmulator(Emulator):
    """Command parsing and the state shared by the CL-200A and T-10A emulators."""

    line = LINE_7E1
    FAULTS: ClassVar[frozenset[str]] = KONICA_FAULTS
    HEAD_PARAMS: ClassVar[dict[str, Param]] = {
        "lux": Param(512.0, "illuminance [lx] (comma-separated: one per head)", 0.0, many=True),
        "heads": Param(1, "number of receptor heads connected (00 ...)", 1, 30),
    }

    def __init__(self, params: Any = None, **kw: Any) -> None:
        super().__init__(params, **kw)
        self.pc_mode = False
        self.hold = False
        self.last_frame: bytes | None = None
        n_lux = len(self.p["lux"])
        if n_lux not in (1, int(self.p["heads"])):
            raise ValueError(f"lux gives {n_lux} values for {self.p['heads']} heads")

    def connected(self, head: int) -> bool:
        """Get whether a head number is connected."""
        return 0 <= head < int(self.p["heads"])

    def handle_input(self) -> None:
        """Take complete frames (STX ... CR LF) from the input; ignore bad ones like the meter."""
        while True:
            end = self._inbuf.find(CRLF)
            if end < 0:
                return
            chunk = bytes(self._inbuf[: end + 2])
            del self._inbuf[: end + 2]
            start = chunk.rfind(bytes([STX]))
            frame = chunk[start:] if start >= 0 else b""
            if len(frame) < 14 or frame[-5] != ETX or frame[-4:-2].upper() != bcc(frame[1:-4]):
                continue  # the meter ignores frames with a bad BCC
            text = frame[1:-5].decode("ascii", "replace")
            if not text[:4].isdigit():
                continue
            self.command(int(text[:2]), text[2:4], text[4:8])

    def command(self, head: int, command: str, param: str) -> None:
        """Act on one request."""
        if command == "55" and head == BROADCAST:
            self.hold = param.startswith("1")
            return
        if head != BROADCAST and not self.connected(head):
            return  # nobody there
        if command == "54":
            self.pc_mode = True
            self.send(build_frame(head, "54", "    "))
            return
        if self.pc_mode:
            self.model_command(head, command, param)

    @abstractmethod
    def model_command(self, head: int, command: str, param: str) -> None:
        """Act on a model-specific request (after PC mode)."""

    def send(self, frame: bytes) -> None:
        """Send a handshake reply (no data faults)."""
        self.last_frame = frame
        self.emit(frame)

    def status(self, err: str = " ", rng: str = "1", battery: str = "0") -> str:
        """Get the four status characters: HOLD bit, ERR, RNG, BA."""
        return ("1" if self.hold else "0") + err + rng + battery

    def send_data(
        self, head: int, command: str, err: str, rng: str, fields: tuple[str, ...]
    ) -> None:
        """Send a data reply with the data faults of this reply applied."""
        faults = self.faults.next_reply()
        battery = "0"
        if "error" in faults:
            err = "1"
        if "over-range" in faults:
            err = "5"
        if "low-battery" in faults:
            battery = "1"
        err, rng = self.model_faults(faults, command, err, rng)
        frame = build_frame(head, command, self.status(err, rng, battery), fields)
        if "wrong-length" in faults:
            body = frame[1:-5]
            shortened = body[:-1] + bytes([ETX])
            frame = bytes([STX]) + shortened + bcc(shortened) + CRLF
        if "bad-bcc" in faults:
            wrong = b"%02X" % (int(frame[-4:-2], 16) ^ 0x5A)
            frame = frame[:-4] + wrong + CRLF
        if "stale" in faults:
            old = self.last_frame
            if old is None or old[3:5] == command.encode("ascii"):
                old = build_frame(head, "54", "    ")  # a reply to another command
            self.emit(old)
        self.last_frame = frame
        self.reply(frame, faults=faults)

    def model_faults(
        self, faults: frozenset[str], command: str, err: str, rng: str
    ) -> tuple[str, str]:
        """Apply model-specific status faults; get (err, rng)."""
        return err, rng

    @staticmethod
    def number(value: float | None, *, fixed: bool = False) -> str:
        """Encode a data field the meter's way."""
        return format_number(value, fixed=fixed)
