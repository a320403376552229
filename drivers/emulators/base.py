"""Emulator core: a behavioural state machine per meter, bytes in → timed bytes out, with faults.

An emulator knows nothing about ports. A runner feeds it what the host wrote
(:meth:`Emulator.receive`) and collects what is due (:meth:`Emulator.take_output`) at the time
:meth:`Emulator.next_due` says: in-process as a pyserial ``emu://`` URL handler
(:mod:`luxcheck.drivers.emulators.protocol_emu`) or on a pseudo-terminal
(:mod:`luxcheck.drivers.emulators.pty_runner`).

Parameters come from the URL query (``emu://cl-200a?lux=512&fault=bad-bcc&seed=1``) or from
``luxcheck emulate --set KEY=VALUE --fault NAME``. Unknown keys or fault names are refused with
a message listing the allowed ones.

Common parameters
-----------------
``fault``        comma-separated fault names (each emulator lists its ``FAULTS``)
``fault_after``  data replies passed untouched before faults start (default 0)
``fault_count``  data replies that get the fault, 0 = all (default 0)
``seed``         random seed for noise and garbage (default 0)
``noise``        relative standard deviation of the simulated reading (default 0)
``time_scale``   factor on every emulator delay (default 1; tests use 0.05)
``reply_s``      reply latency [s] (default 0.005)
``split_s``      pause inside a split frame [s] (default 0.05)
``reconnect_s``  pseudo-terminal only: seconds until a disconnected port reappears (default 1)

Generic faults (applied to data replies)
----------------------------------------
``silence``      no reply to anything (meter off / not connected); ignores after/count
``partial``      the first half of the reply, then silence
``split``        the reply in two pieces, ``split_s`` apart (a correct driver copes)
``garbage``      random bytes before the reply (a correct driver resyncs)
``disconnect``   half the reply, then the port disappears (pty closed / SerialException)
``framing``      line-settings mismatch: a 7E1 meter read at 8N1 shows the parity bit as bit 7
                 (as the Konica meters do); an 8N1 meter read at 7E1 shows parity errors as NUL
                 bytes.
                 Ignores after/count. The ``emu://`` handler also applies it by itself when the
                 host opens the port with other data bits or parity than the meter's.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import time
import urllib.parse
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from ..base import LineSettings

GENERIC_FAULTS = frozenset({"silence", "partial", "split", "garbage", "disconnect", "framing"})
_TOTAL_FAULTS = frozenset({"silence", "framing"})


@dataclass(frozen=True)
class Param:
    """One emulator parameter: default, type, bounds and a line of documentation."""

    default: float | int | str
    doc: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None
    many: bool = False  # a comma-separated list (e.g. one lux value per head)

    def parse(self, key: str, text: str) -> Any:
        """Parse and check a value given as text; raise ``ValueError`` naming the key."""
        if self.many:
            return tuple(
                Param(self.default, self.doc, self.minimum, self.maximum).parse(key, t)
                for t in text.split(",")
            )
        if isinstance(self.default, str):
            if self.choices is not None and text not in self.choices:
                raise ValueError(f"emulator option {key}={text!r}: expected one of {self.choices}")
            return text
        try:
            value: float | int = int(text) if isinstance(self.default, int) else float(text)
        except ValueError:
            kind = "a whole number" if isinstance(self.default, int) else "a number"
            raise ValueError(f"emulator option {key}={text!r}: expected {kind}") from None
        if not math.isfinite(value):
            raise ValueError(f"emulator option {key}={text!r}: expected a finite number")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"emulator option {key}={text!r}: expected ≥ {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"emulator option {key}={text!r}: expected ≤ {self.maximum:g}")
        return value


COMMON_PARAMS: dict[str, Param] = {
    "fault_after": Param(0, "data replies passed untouched before faults start", 0),
    "fault_count": Param(0, "data replies that get the fault (0 = all)", 0),
    "seed": Param(0, "random seed for noise and garbage", 0),
    "noise": Param(0.0, "relative standard deviation of the simulated reading", 0, 0.5),
    "time_scale": Param(1.0, "factor on every emulator delay", 0.0, 100.0),
    "reply_s": Param(0.005, "reply latency [s]", 0.0, 10.0),
    "split_s": Param(0.05, "pause inside a split frame [s]", 0.0, 10.0),
    "reconnect_s": Param(1.0, "pty: seconds until a disconnected port reappears", 0.0, 3600.0),
}


class FaultPlan:
    """Which faults fire on which data reply; shared across reconnects of one emulator process."""

    def __init__(self, names: frozenset[str] = frozenset(), *, after: int = 0, count: int = 0):
        self.names = names
        self.after = after
        self.count = count
        self.seen = 0
        self.fired = 0

    def total(self, name: str) -> bool:
        """Get whether a fault that affects all traffic (silence, framing) is on."""
        return name in self.names and name in _TOTAL_FAULTS

    def next_reply(self) -> frozenset[str]:
        """Get the faults for the next data reply (advances the counters)."""
        self.seen += 1
        active = self.names - _TOTAL_FAULTS
        if not active or self.seen <= self.after:
            return frozenset()
        if self.count and self.fired >= self.count:
            return frozenset()
        self.fired += 1
        return active


def parity_bit(byte: int) -> int:
    """Get the even-parity bit of the low 7 bits of ``byte``."""
    return bin(byte & 0x7F).count("1") & 1


def read_7e1_at_8n1(data: bytes) -> bytes:
    """Get what a host at 8N1 sees of a 7E1 stream: the parity bit lands in bit 7."""
    return bytes((b & 0x7F) | (parity_bit(b) << 7) for b in data)


def read_8n1_at_7e1(data: bytes) -> bytes:
    """Get what a host at 7E1 sees of an 8N1 stream: bit 7 read as parity; errors give NUL."""
    return bytes((b & 0x7F) if parity_bit(b) == (b >> 7) else 0 for b in data)


class Emulator(ABC):
    """A meter emulator. Subclasses implement :meth:`handle_input` (and :meth:`tick` to stream).

    Parameters
    ----------
    params
        Option values as text (from a URL query or ``--set``) or already typed values.
    faults
        A fault plan to share (the pty runner keeps one across reconnects); default from params.
    clock
        Monotonic clock [s].
    """

    model: ClassVar[str]
    line: ClassVar[LineSettings]
    FAULTS: ClassVar[frozenset[str]]
    PARAMS: ClassVar[dict[str, Param]]
    GARBAGE: ClassVar[bytes] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-.?!"

    def __init__(
        self,
        params: Mapping[str, Any] | None = None,
        *,
        faults: FaultPlan | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.p = self.resolve(params or {})
        self.faults = faults if faults is not None else self.fault_plan(self.p)
        self.clock = clock
        self.rng = random.Random(int(self.p["seed"]))
        self._out: list[tuple[float, int, bytes | None]] = []
        self._seq = itertools.count()
        self._inbuf = bytearray()
        self.disconnected = False
        self.host_mismatch = False

    # -- options
    @classmethod
    def all_params(cls) -> dict[str, Param]:
        """Get every option of this emulator (common and model-specific)."""
        return {**COMMON_PARAMS, **cls.PARAMS}

    @classmethod
    def resolve(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check options and fill in defaults; unknown keys raise ``ValueError``."""
        spec = cls.all_params()
        out: dict[str, Any] = {k: (p.default,) if p.many else p.default for k, p in spec.items()}
        faults: list[str] = []
        for key, value in params.items():
            if key == "fault":
                items = value if isinstance(value, list | tuple) else [value]
                faults.extend(n for item in items for n in str(item).split(",") if n)
                continue
            if key not in spec:
                raise ValueError(
                    f"unknown emulator option {key!r} for {cls.model}; "
                    f"expected fault or one of {', '.join(sorted(spec))}"
                )
            if isinstance(value, list | tuple):
                if spec[key].many:
                    value = ",".join(str(v) for v in value)
                elif len(value) != 1:
                    raise ValueError(f"emulator option {key} given {len(value)} times")
                else:
                    value = value[0]
            out[key] = spec[key].parse(key, str(value))
        unknown = [f for f in faults if f not in cls.FAULTS]
        if unknown:
            raise ValueError(
                f"unknown fault {unknown[0]!r} for {cls.model}; "
                f"expected one of {', '.join(sorted(cls.FAULTS))}"
            )
        out["fault"] = frozenset(faults)
        return out

    @staticmethod
    def fault_plan(p: Mapping[str, Any]) -> FaultPlan:
        """Get the fault plan the options describe."""
        return FaultPlan(p["fault"], after=int(p["fault_after"]), count=int(p["fault_count"]))

    @classmethod
    def from_query(cls, query: str, **kw: Any) -> Emulator:
        """Build from a URL query string (``lux=512&fault=bad-bcc``)."""
        parsed = urllib.parse.parse_qs(query, keep_blank_values=True, strict_parsing=False)
        return cls(dict(parsed.items()), **kw)

    # -- time and output
    def scaled(self, seconds: float) -> float:
        """Get an emulator delay [s] after ``time_scale``."""
        return float(seconds) * float(self.p["time_scale"])

    def now(self) -> float:
        """Get the emulator clock [s]."""
        return self.clock()

    def _schedule(self, at: float, data: bytes | None) -> None:
        heapq.heappush(self._out, (at, next(self._seq), data))

    def emit(self, data: bytes, *, delay_s: float = 0.0) -> None:
        """Send bytes after the reply latency plus ``delay_s`` (both scaled); no faults."""
        if self.faults.total("silence") or not data:
            return
        self._schedule(self.now() + self.scaled(self.p["reply_s"] + delay_s), data)

    def reply(
        self, data: bytes, *, delay_s: float = 0.0, faults: frozenset[str] = frozenset()
    ) -> None:
        """Send a data reply with the generic faults in ``faults`` applied."""
        half = max(1, len(data) // 2)
        if "garbage" in faults:
            noise = bytes(self.rng.choice(self.GARBAGE) for _ in range(self.rng.randint(3, 12)))
            data = noise + data
            half += len(noise)
        if "partial" in faults:
            self.emit(data[:half], delay_s=delay_s)
        elif "disconnect" in faults:
            self.emit(data[:half], delay_s=delay_s)
            if not self.faults.total("silence"):
                self._schedule(self.now() + self.scaled(self.p["reply_s"] + delay_s) + 1e-3, None)
        elif "split" in faults:
            self.emit(data[:half], delay_s=delay_s)
            self.emit(data[half:], delay_s=delay_s + float(self.p["split_s"]))
        else:
            self.emit(data, delay_s=delay_s)

    def tick(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Produce unsolicited output that is due (streaming meters override this)."""

    def next_tick(self) -> float | None:
        """Get when :meth:`tick` next has something to do (streaming meters override this)."""
        return None

    def next_due(self) -> float | None:
        """Get the clock time of the next output (or tick), ``None`` if nothing is pending."""
        candidates = (self._out[0][0] if self._out else None, self.next_tick())
        times = [t for t in candidates if t is not None]
        return min(times) if times else None

    def take_output(self) -> bytes:
        """Get every byte due by now (after a line-settings mismatch transform, if any)."""
        self.tick()
        now = self.now()
        out = bytearray()
        while self._out and self._out[0][0] <= now and not self.disconnected:
            _, _, data = heapq.heappop(self._out)
            if data is None:
                self.disconnected = True
            else:
                out.extend(data)
        if out and (self.host_mismatch or self.faults.total("framing")):
            seven_bit = self.line.bytesize == 7
            return read_7e1_at_8n1(bytes(out)) if seven_bit else read_8n1_at_7e1(bytes(out))
        return bytes(out)

    def receive(self, data: bytes) -> None:
        """Take bytes the host wrote."""
        if self.disconnected:
            return
        self._inbuf.extend(data)
        self.handle_input()

    @abstractmethod
    def handle_input(self) -> None:
        """Parse complete commands from ``self._inbuf`` and schedule replies."""

    def noisy(self, value: float) -> float:
        """Get ``value`` with the configured relative Gaussian noise."""
        noise = float(self.p["noise"])
        return value * (1.0 + self.rng.gauss(0.0, noise)) if noise else value

    def per_head(self, key: str, head_index: int) -> float:
        """Get a per-head option value (a single value applies to every head)."""
        values: Sequence[float] = self.p[key]
        return float(values[head_index] if len(values) > 1 else values[0])


__all__ = [
    "COMMON_PARAMS",
    "GENERIC_FAULTS",
    "Emulator",
    "FaultPlan",
    "Param",
    "read_7e1_at_8n1",
    "read_8n1_at_7e1",
]
