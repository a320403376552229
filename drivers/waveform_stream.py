"""luxcheck waveform stream: a photodiode/ADC flicker sensor and its binary record format.

This is luxcheck's own documented protocol for a DIY flicker sensor, modelled on the 12-byte
record of the TU Liberec open-hardware flickermeter (``uint32 index | uint16 X |
uint16 Y | uint16 Z | uint16 check`` with an XOR check). One port, 921600 8N1.

Commands (ASCII, terminated by LF; replies are one LF-terminated line)
-----------------------------------------------------------------------
``*IDN?``     → ``LUXCHECK-WFS,<serial>,<firmware>``
``RATE?``     → ``<sample rate in Hz, integer>`` (1 to 10 000 000; the driver refuses others)
``DARK?``     → ``<ADC output in darkness, counts>``
``CAPT <n>``  → ``OK <n>`` and then exactly ``n`` binary records (1 ≤ n ≤ 10 000 000)
anything else → ``ERR <code> <text>`` (1 unknown command, 2 bad argument, 3 sensor fault)

Binary record (12 bytes, little-endian)
---------------------------------------
====== ====== ========= ===================================================================
offset size   field     meaning
====== ====== ========= ===================================================================
0      2      sync      bytes ``A5 5A`` (word 0x5AA5); the reader resynchronises on it
2      4      index     uint32 sample counter, +1 per sample, wraps at 2³²
6      2      sample    uint16 ADC counts (full scale 65535)
8      2      status    bit 0 ADC saturated (over range), bit 1 low battery, others 0
10     2      check     XOR of the five 16-bit words at offsets 0, 2, 4, 6, 8
====== ====== ========= ===================================================================

so ``check = 0x5AA5 ^ (index & 0xFFFF) ^ (index >> 16) ^ sample ^ status`` (the TU Liberec rule with
the sync and status words added). A reader checks every record: a bad check is a protocol error
with the raw record; a jump in ``index`` is a gap (a lost sample), also a protocol error — the
driver never fills in samples. A saturated record raises :class:`MeterOverRange`; a low-battery
record raises :class:`MeterLowBattery`. The driver retries a failed capture once.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Unpack

if TYPE_CHECKING:  # NumPy is imported where a reading is decoded (the CLI starts without it)
    import numpy as np
    import numpy.typing as npt

from .base import (
    DriverOption,
    LineSettings,
    Meter,
    MeterArgs,
    MeterDeviceFault,
    MeterError,
    MeterInfo,
    MeterLowBattery,
    MeterOverRange,
    MeterProtocolError,
    MeterTimeout,
    SampledWaveform,
    Transport,
    retry_once,
    utc_now,
)

SYNC = b"\xa5\x5a"
SYNC_WORD = 0x5AA5
RECORD_LENGTH = 12
STATUS_SATURATED = 0x0001
STATUS_LOW_BATTERY = 0x0002
FULL_SCALE = 65535
MAX_CAPTURE = 10_000_000
#: Sample rates [Hz] the driver accepts from RATE?: a rate below 1 Hz (e.g. 1e-300) would make
#: the capture deadline effectively endless; one 1 s capture must fit in one CAPT.
MIN_RATE_HZ = 1.0
MAX_RATE_HZ = float(MAX_CAPTURE)
_RECORD = struct.Struct("<HIHHH")


# --------------------------------------------------------------------------- pure protocol
def record_check(index: int, sample: int, status: int) -> int:
    """Get the check word of a record (XOR of the sync, index, sample and status words)."""
    return SYNC_WORD ^ (index & 0xFFFF) ^ (index >> 16) ^ sample ^ status


def encode_record(index: int, sample: int, status: int = 0) -> bytes:
    """Build one 12-byte record (sensors, emulators and tests use this)."""
    if not (0 <= index < 2**32 and 0 <= sample <= FULL_SCALE and 0 <= status <= 3):
        raise ValueError(f"record out of range: index {index}, sample {sample}, status {status}")
    return _RECORD.pack(SYNC_WORD, index, sample, status, record_check(index, sample, status))


@dataclass(frozen=True)
class Record:
    """One decoded record."""

    index: int
    sample: int
    status: int


def parse_record(record: bytes) -> Record:
    """Decode and check one 12-byte record.

    Raises
    ------
    MeterProtocolError
        Wrong length, no sync word, reserved status bits set, or a bad check word.
    """
    if len(record) != RECORD_LENGTH:
        raise MeterProtocolError(f"record of {len(record)} bytes, expected 12", raw=record)
    sync, index, sample, status, check = _RECORD.unpack(record)
    if sync != SYNC_WORD:
        raise MeterProtocolError("record does not start with the sync bytes A5 5A", raw=record)
    if check != record_check(index, sample, status):
        raise MeterProtocolError(f"bad check word in record {index}", raw=record)
    if status & ~0x0003:
        raise MeterProtocolError(f"reserved status bits set in record {index}", raw=record)
    return Record(index, sample, status)


def encode_command(command: str) -> bytes:
    """Build a command line (ASCII, LF-terminated)."""
    if not command.isascii() or "\n" in command:
        raise ValueError(f"command must be one ASCII line, got {command!r}")
    return command.encode("ascii") + b"\n"


def parse_reply(line: bytes, command: str) -> str:
    """Decode a reply line; ``ERR <code> <text>`` raises :class:`MeterDeviceFault`."""
    try:
        text = line.decode("ascii").strip()
    except UnicodeDecodeError:
        raise MeterProtocolError(f"non-ASCII reply to {command}", raw=line) from None
    if text.startswith("ERR"):
        parts = text.split(maxsplit=2)
        code = parts[1] if len(parts) > 1 else "?"
        detail = parts[2] if len(parts) > 2 else ""
        raise MeterDeviceFault(f"sensor error {code} on {command}: {detail}", code=code)
    return text


#: numpy view of a record (packed, little-endian, 12 bytes).
RECORD_FIELDS = [
    ("sync", "<u2"),
    ("index", "<u4"),
    ("sample", "<u2"),
    ("status", "<u2"),
    ("check", "<u2"),
]


@dataclass(frozen=True, eq=False)
class Records:
    """A run of decoded records as arrays (``index`` uint32, ``sample`` / ``status`` uint16)."""

    index: npt.NDArray[np.uint32]
    sample: npt.NDArray[np.uint16]
    status: npt.NDArray[np.uint16]


def parse_records(data: bytes) -> Records:
    """Decode and check a run of whole records at once (vectorised :func:`parse_record`).

    Raises
    ------
    MeterProtocolError
        A length that is not a multiple of 12, or — at the first bad record, with its raw
        bytes — a missing sync word, a bad check word or reserved status bits.
    """
    import numpy as np

    if len(data) % RECORD_LENGTH:
        raise MeterProtocolError(f"{len(data)} bytes is not a whole number of records", raw=data)
    rec = np.frombuffer(data, dtype=np.dtype(RECORD_FIELDS))
    index = rec["index"]
    sample, status = rec["sample"], rec["status"]
    check = SYNC_WORD ^ (index & 0xFFFF) ^ (index >> 16) ^ sample ^ status
    bad = (rec["sync"] != SYNC_WORD) | (check != rec["check"]) | ((status & 0xFFFC) != 0)
    if bad.any():
        first = int(np.argmax(bad))
        parse_record(data[first * RECORD_LENGTH : (first + 1) * RECORD_LENGTH])  # raises
    return Records(index.copy(), sample.copy(), status.copy())


def check_sequence(records: Records, raw: bytes) -> None:
    """Check that indices increase by one (mod 2³²); raise on a gap, saturation or low battery."""
    import numpy as np

    steps = np.diff(records.index)  # uint32 arithmetic wraps at 2**32 like the counter
    if np.any(steps != 1):
        at = int(np.argmax(steps != 1))
        prev, cur = int(records.index[at]), int(records.index[at + 1])
        missing = (cur - prev - 1) % 2**32
        raise MeterProtocolError(
            f"gap in the waveform: index {prev} then {cur} ({missing} samples lost)", raw=raw
        )
    saturated = (records.status & STATUS_SATURATED) != 0
    if saturated.any():
        at_index = int(records.index[int(np.argmax(saturated))])
        raise MeterOverRange(
            f"sensor saturated at record {at_index}: too bright for the ADC (over range)"
        )
    if np.any(records.status & STATUS_LOW_BATTERY):
        raise MeterLowBattery("sensor battery low; replace it and measure again")


# --------------------------------------------------------------------------- device
class WaveformStream(Meter):
    """luxcheck waveform-stream flicker sensor (photodiode + ADC, records of 12 bytes).

    Parameters
    ----------
    transport
        An open port at 921600 8N1.
    duration_s
        Record length of :meth:`read` [s].
    timeout_s, opener
        See :class:`luxcheck.drivers.base.Meter`.
    """

    model: ClassVar[str] = "waveform-stream"
    name: ClassVar[str] = "luxcheck waveform stream sensor"
    kind: ClassVar[str] = "waveform"
    line: ClassVar[LineSettings] = LineSettings(921600, 8, "N", 1)
    roles: ClassVar[frozenset[str]] = frozenset({"flicker"})
    options: ClassVar[tuple[DriverOption, ...]] = (
        DriverOption("duration_s", float, 1.0, "record length of one reading [s]"),
    )

    def __init__(
        self, transport: Transport, *, duration_s: float = 1.0, **kw: Unpack[MeterArgs]
    ) -> None:
        super().__init__(transport, **kw)
        if not 0 < duration_s <= 600:
            raise ValueError(f"duration_s must be in (0, 600], got {duration_s!r}")
        self.duration_s = float(duration_s)
        self.sample_rate_hz = 0.0
        self.dark_level = 0.0

    def _query(self, command: str) -> str:
        def attempt() -> bytes:
            self.link.send(encode_command(command))
            return self.link.read_until(b"\n", self.link.deadline(), what=f"reply to {command}")

        line = retry_once(attempt, on=(MeterTimeout,))
        with self.port_errors():
            return parse_reply(line, command)

    def identify(self) -> MeterInfo:
        """Get the identity line (``*IDN?``): ``LUXCHECK-WFS,<serial>,<firmware>``."""
        parts = self._query("*IDN?").split(",")
        return MeterInfo(
            model=self.model,
            identity=parts[0],
            serial_number=parts[1] if len(parts) > 1 else "",
            firmware=parts[2] if len(parts) > 2 else "",
        )

    def _number(self, command: str) -> float:
        text = self._query(command)
        try:
            value = float(text)
        except ValueError:
            raise MeterProtocolError(
                f"reply to {command} is not a number", raw=text.encode(), port=self.port
            ) from None
        if not math.isfinite(value):
            raise MeterProtocolError(
                f"reply to {command} is not finite", raw=text.encode(), port=self.port
            )
        return value

    def _handshake(self) -> None:
        """Control the link: identify and get the sample rate and dark level."""
        self.identify()
        rate = self._number("RATE?")
        if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
            raise MeterProtocolError(
                f"the sensor reports a sample rate of {rate:.10g} Hz; expected "
                f"{MIN_RATE_HZ:.0f}-{MAX_RATE_HZ:.0f} Hz",
                raw=str(rate).encode(),
                port=self.port,
            )
        self.sample_rate_hz = rate
        self.dark_level = self._number("DARK?")

    def capture(self, n_samples: int) -> SampledWaveform:
        """Measure ``n_samples`` contiguous samples [ADC counts] (retried once on a bad record)."""
        if not 1 <= n_samples <= MAX_CAPTURE:
            raise ValueError(f"n_samples must be 1-{MAX_CAPTURE}, got {n_samples!r}")
        self.connect()
        return retry_once(lambda: self._capture_once(n_samples))

    def _capture_once(self, n_samples: int) -> SampledWaveform:
        import numpy as np

        reply = self._query(f"CAPT {n_samples}")
        if reply != f"OK {n_samples}":
            raise MeterProtocolError(
                f"unexpected reply to CAPT {n_samples}", raw=reply.encode(), port=self.port
            )
        deadline = self.link.deadline(n_samples / self.sample_rate_hz + self.link.timeout_s)
        chunks: list[bytes] = []
        got = 0
        while got < n_samples:  # bulk reads; resync on A5 5A where the stream is misaligned
            self.link.skip_to(SYNC, deadline, what="record sync (A5 5A)")
            data = self.link.read_exact(
                (n_samples - got) * RECORD_LENGTH, deadline, what=f"{n_samples} records"
            )
            aligned = np.frombuffer(data, dtype=np.dtype(RECORD_FIELDS))["sync"] == SYNC_WORD
            keep = len(aligned) if aligned.all() else max(1, int(np.argmin(aligned)))
            chunks.append(data[: keep * RECORD_LENGTH])
            self.link.unread(data[keep * RECORD_LENGTH :])
            got += keep
        data = b"".join(chunks)
        with self.port_errors():
            records = parse_records(data)
            check_sequence(records, data)
        return SampledWaveform(
            model=self.model,
            taken_at=utc_now(),
            raw=(data,),
            samples=records.sample,
            sample_rate_hz=self.sample_rate_hz,
            first_index=int(records.index[0]),
            full_scale=FULL_SCALE,
            dark_level=self.dark_level,
        )

    def read(self) -> SampledWaveform:
        """Measure a waveform of ``duration_s`` at the sensor's sample rate [ADC counts]."""
        self.connect()
        n_samples = max(1, round(self.duration_s * self.sample_rate_hz))
        if n_samples > MAX_CAPTURE:
            raise MeterError(
                f"{self.duration_s:g} s at {self.sample_rate_hz:g} Hz is {n_samples} samples, "
                f"more than one capture takes ({MAX_CAPTURE}); use a shorter duration_s",
                port=self.port,
            )
        return self.capture(n_samples)


__all__ = [
    "RECORD_LENGTH",
    "Record",
    "WaveformStream",
    "check_sequence",
    "encode_command",
    "encode_record",
    "parse_record",
    "parse_records",
    "parse_reply",
    "record_check",
]
