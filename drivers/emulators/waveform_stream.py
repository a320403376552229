"""Waveform-stream flicker sensor emulator (protocol: :mod:`luxcheck.drivers.waveform_stream`).

The light is a luminaire waveform at the ADC: ``mean`` counts modulated at ``freq`` Hz with
percent flicker ``percent`` (= 100 (max − min) / (max + min)), shape ``sine`` or ``square``,
plus ``noise`` (relative to the mean) and the sensor's ``dark`` offset. Samples above 65 535
saturate the ADC: the record carries the saturation bit (the driver raises over range). The
record index runs freely across captures, like a hardware counter. Records of a capture are
released in 10 ms blocks at the sample rate (scaled by ``time_scale``).

Extra faults (one capture each): ``bad-checksum`` (one record's check word is wrong), ``gap``
(three indices are skipped), ``over-range`` (one record saturated), ``low-battery`` (status bit
1), ``error`` (``ERR 3 sensor fault`` in reply to CAPT). Generic faults act on the record stream.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from ..waveform_stream import (
    FULL_SCALE,
    MAX_CAPTURE,
    STATUS_LOW_BATTERY,
    STATUS_SATURATED,
    WaveformStream,
    encode_record,
)
from .base import GENERIC_FAULTS, Emulator, Param

BLOCK_S = 0.01


class WaveformStreamEmulator(Emulator):
    """A photodiode + ADC sensor streaming indexed, checked records on request."""

    model: ClassVar[str] = "waveform-stream"
    line = WaveformStream.line
    FAULTS: ClassVar[frozenset[str]] = GENERIC_FAULTS | {
        "bad-checksum",
        "gap",
        "over-range",
        "low-battery",
        "error",
    }
    PARAMS: ClassVar[dict[str, Param]] = {
        "rate": Param(20000, "sample rate [Hz]", 100, 1_000_000),
        "freq": Param(100.0, "flicker frequency [Hz]", 0.0, 100_000.0),
        "percent": Param(10.0, "percent flicker [%]", 0.0, 100.0),
        "mean": Param(30000.0, "mean ADC level above dark [counts]", 0.0, 1e6),
        "dark": Param(200.0, "ADC output in darkness [counts]", 0.0, 65535.0),
        "shape": Param("sine", "waveform shape", choices=("sine", "square")),
        "serial": Param("WFS0001", "serial number in *IDN?"),
    }
    GARBAGE: ClassVar[bytes] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def __init__(self, params: Any = None, **kw: Any) -> None:
        super().__init__(params, **kw)
        self.index = 0

    def handle_input(self) -> None:
        """Take complete LF-terminated commands."""
        while True:
            end = self._inbuf.find(b"\n")
            if end < 0:
                return
            text = bytes(self._inbuf[:end]).decode("ascii", "replace").strip()
            del self._inbuf[: end + 1]
            self.command(text)

    def command(self, text: str) -> None:
        """Act on one command line."""
        words = text.split()
        if not words:
            return
        head = words[0].upper()
        answers = {
            "*IDN?": f"LUXCHECK-WFS,{self.p['serial']},1.0",
            "RATE?": str(int(self.p["rate"])),
            "DARK?": f"{float(self.p['dark']):g}",
        }
        if head in answers and len(words) == 1:
            self.emit(answers[head].encode("ascii") + b"\n")
        elif head == "CAPT" and len(words) == 2 and words[1].isdigit():
            n = int(words[1])
            if not 1 <= n <= MAX_CAPTURE:
                self.emit(b"ERR 2 capture length out of range\n")
            else:
                self.capture(n)
        else:
            self.emit(b"ERR 1 unknown command\n")

    def samples(self, n: int) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Get ``n`` simulated ADC levels (before saturation)."""
        rate = float(self.p["rate"])
        t = (self.index + np.arange(n)) / rate
        phase = 2 * math.pi * float(self.p["freq"]) * t
        wave = np.sin(phase) if self.p["shape"] == "sine" else np.sign(np.sin(phase))
        mean = float(self.p["mean"])
        level = mean * (1 + float(self.p["percent"]) / 100.0 * wave)
        noise = float(self.p["noise"])
        if noise:
            gen = np.random.default_rng(self.rng.randrange(2**32))
            level = level + gen.normal(0.0, noise * mean, n)
        return level + float(self.p["dark"])

    def capture(self, n: int) -> None:
        """Answer ``OK n`` and stream ``n`` records with this capture's faults."""
        faults = self.faults.next_reply()
        if "error" in faults:
            self.emit(b"ERR 3 sensor fault\n")
            return
        self.emit(f"OK {n}\n".encode("ascii"))
        levels = np.rint(self.samples(n))
        status = np.where(levels > FULL_SCALE, STATUS_SATURATED, 0)
        codes = np.clip(levels, 0, FULL_SCALE).astype(np.int64)  # the ADC's own limits
        mid = n // 2
        if "over-range" in faults:
            status[mid] |= STATUS_SATURATED
            codes[mid] = FULL_SCALE
        if "low-battery" in faults:
            status |= STATUS_LOW_BATTERY
        indices = (self.index + np.arange(n)) % 2**32
        if "gap" in faults:
            indices[mid:] = (indices[mid:] + 3) % 2**32
        records = [
            encode_record(int(i), int(c), int(s))
            for i, c, s in zip(indices, codes, status, strict=True)
        ]
        if "bad-checksum" in faults:
            r = records[mid]
            records[mid] = r[:10] + bytes([r[10] ^ 0x01, r[11]])
        self.index = int(indices[-1] + 1) % 2**32
        rate = float(self.p["rate"])
        block = max(1, int(rate * BLOCK_S))
        n_blocks = math.ceil(n / block)
        half_block = n_blocks // 2
        for b in range(n_blocks):
            data = b"".join(records[b * block : (b + 1) * block])
            due = (b + 1) * block / rate
            if "split" in faults and b >= half_block:
                due += float(self.p["split_s"])
            if b == half_block:
                if "garbage" in faults:
                    data = bytes(self.rng.choice(self.GARBAGE) for _ in range(7)) + data
                if "partial" in faults or "disconnect" in faults:
                    self.emit(data[: len(data) // 2 + 5], delay_s=due)
                    if "disconnect" in faults:
                        self.reply(b"", faults=frozenset({"disconnect"}), delay_s=due)
                    return
            self.emit(data, delay_s=due)


EMULATOR = WaveformStreamEmulator
