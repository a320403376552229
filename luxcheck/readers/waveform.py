"""Read light waveforms from CSV files (oscilloscope exports and sensor logs).

Accepted layouts (meters.md §4.3):

- two columns ``time, value`` (seconds, any light-proportional unit), with or without header
  lines, e.g. the oscilloscope export ``-0.014,1.136``; the sampling rate is derived from the
  time column, which must be uniformly spaced;
- one column ``value`` — then the sampling rate must be given (``sample_rate_hz``).

Separators: comma, semicolon, tab or spaces. Lines starting with ``#`` and blank lines are
skipped. Lines before the first numeric line are header lines (oscilloscope preambles); after
it, every line must be numeric. Errors name the file, the line and the column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.numbers import NumberSyntaxError, is_number, to_float

__all__ = ["Waveform", "read_waveform_csv"]

_SPLIT = re.compile(r"[,;\t ]+")
#: A sample may sit at most this fraction of a step away from the uniform grid (time stamps are
#: printed with limited digits, so they jitter; a missing or doubled sample moves one step).
_GRID_TOLERANCE_STEPS = 0.5


@dataclass(frozen=True)
class Waveform:
    """A uniformly sampled light waveform.

    Attributes
    ----------
    samples
        Values, shape ``(n,)`` [unit of the file].
    sample_rate_hz
        Sampling rate [Hz].
    source
        Where it came from (file name).
    start_s
        Time of the first sample [s] (0 for value-only files).
    """

    samples: npt.NDArray[np.float64]
    sample_rate_hz: float
    source: str
    start_s: float = 0.0

    @property
    def duration_s(self) -> float:
        """Record length ``n / fs`` [s]."""
        return self.samples.size / self.sample_rate_hz


def _fields(line: str) -> list[str]:
    return [f for f in _SPLIT.split(line.strip()) if f != ""]


def read_waveform_csv(path: str | Path, *, sample_rate_hz: float | None = None) -> Waveform:
    """Read a waveform CSV file.

    Parameters
    ----------
    path
        The file.
    sample_rate_hz
        Sampling rate [Hz]: required for one-column files; for two-column files, if given, it
        must agree with the time column within 0.1 %.

    Returns
    -------
    :class:`Waveform`.

    Raises
    ------
    InputError
        Unreadable file, a non-numeric or missing value (with line and column), a changing
        number of columns, non-increasing or non-uniform time steps, fewer than two samples,
        a one-column file without a sampling rate, or a rate that disagrees with the file.
    """
    src = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", source=src) from exc
    except UnicodeDecodeError as exc:
        raise InputError("not a UTF-8 text file", source=src) from exc

    rows: list[list[float]] = []
    line_numbers: list[int] = []
    ncol = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        parts = _fields(stripped)
        if not rows:
            if not all(is_number(p) for p in parts):
                continue  # header line before the data
            ncol = len(parts)
            if ncol not in (1, 2):
                raise InputError(
                    f"{ncol} columns: expected 'time, value' or 'value'", source=src, line=lineno
                )
        if len(parts) != ncol:
            raise InputError(
                f"{len(parts)} fields: expected {ncol} like the first data line",
                source=src,
                line=lineno,
            )
        values = []
        for col, part in enumerate(parts, start=1):
            try:
                values.append(to_float(part))
            except NumberSyntaxError as exc:
                message = (
                    f"{part!r}: expected a finite number"
                    if exc.non_finite
                    else f"{part!r} is not a number (expected ASCII digits, e.g. 1.25)"
                )
                raise InputError(message, source=src, line=lineno, column=col) from None
        rows.append(values)
        line_numbers.append(lineno)

    if len(rows) < 2:
        raise InputError("fewer than two numeric data lines", source=src)
    data = np.asarray(rows, dtype=np.float64)

    if ncol == 1:
        if sample_rate_hz is None:
            raise InputError(
                "a value-only file needs the sampling rate (--sample-rate HZ)", source=src
            )
        fs = float(sample_rate_hz)
        if not math.isfinite(fs) or fs <= 0:
            raise InputError(f"sample rate {sample_rate_hz!r}: expected a positive number of Hz")
        return Waveform(samples=data[:, 0].copy(), sample_rate_hz=fs, source=src)

    t = data[:, 0]
    steps = np.diff(t)
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise InputError(
            f"time {t[i]!r} s does not increase (previous {t[i - 1]!r} s)",
            source=src,
            line=line_numbers[i],
            column=1,
        )
    n = t.size
    dt = (t[-1] - t[0]) / (n - 1)
    offset = np.abs(t - (t[0] + dt * np.arange(n))) / dt
    worst = int(np.argmax(offset))
    if offset[worst] > _GRID_TOLERANCE_STEPS:
        raise InputError(
            f"non-uniform time steps: sample at {t[worst]!r} s is {offset[worst]:.2f} steps off "
            f"the uniform grid of {dt:.6g} s (gaps or jitter; resample before analysis)",
            source=src,
            line=line_numbers[worst],
            column=1,
        )
    fs = 1.0 / dt
    if sample_rate_hz is not None and abs(float(sample_rate_hz) - fs) > 1e-3 * fs:
        raise InputError(
            f"--sample-rate {sample_rate_hz!r} Hz disagrees with the time column ({fs:.6g} Hz)",
            source=src,
        )
    return Waveform(samples=data[:, 1].copy(), sample_rate_hz=fs, source=src, start_s=float(t[0]))
