"""Read light waveforms from CSV files (oscilloscope exports and sensor logs).

Accepted layouts (oscilloscope CSV exports; ``docs/meters.md``):

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
#: Jitter: a time stamp may sit at most this fraction of a step off the uniform grid, beyond the
#: resolution it is printed with (a scope printing 4 digits rounds every stamp to that).
_JITTER_TOLERANCE_STEPS = 0.01
#: Largest magnitude of a value or time stamp: the statistics of a record (sums of squares
#: over up to 10⁸ samples) stay finite in float64 below it.
_MAX_MAGNITUDE = 1e150


def _plain(x: float) -> str:
    """A number for a message: ``0.0``, never ``np.float64(0.0)``."""
    return repr(float(x))


def _printed_resolution(part: str) -> float:
    """The resolution a number is printed with: ``0.0125`` → 1e-4, ``1.25e-3`` → 1e-5."""
    mantissa, _, exponent = part.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** ((int(exponent) if exponent else 0) - decimals)


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
    if sample_rate_hz is not None and not (math.isfinite(sample_rate_hz) and sample_rate_hz > 0):
        raise InputError(
            f"{_plain(sample_rate_hz)}: expected a positive, finite number of Hz",
            source="--sample-rate",
        )
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", source=src) from exc
    except UnicodeDecodeError as exc:
        raise InputError("not a UTF-8 text file", source=src) from exc

    rows: list[list[float]] = []
    line_numbers: list[int] = []
    resolution: list[float] = []
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
            if abs(values[-1]) > _MAX_MAGNITUDE:
                raise InputError(
                    f"{part!r}: magnitude above {_MAX_MAGNITUDE:g}, too large to analyse "
                    "(its statistics overflow); check the column's scale",
                    source=src,
                    line=lineno,
                    column=col,
                )
        if ncol == 2:
            resolution.append(_printed_resolution(parts[0]))
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
        return Waveform(samples=data[:, 0].copy(), sample_rate_hz=fs, source=src)

    t = data[:, 0]
    steps = np.diff(t)
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise InputError(
            f"time {_plain(t[i])} s does not increase (previous {_plain(t[i - 1])} s)",
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
            f"non-uniform time steps: sample at {_plain(t[worst])} s is {offset[worst]:.2f} "
            "steps off "
            f"the uniform grid of {dt:.6g} s (gaps or jitter; resample before analysis)",
            source=src,
            line=line_numbers[worst],
            column=1,
        )
    # jitter: off the grid by more than the tolerance plus the printed resolution
    allowed = _JITTER_TOLERANCE_STEPS + np.asarray(resolution) / dt
    excess = offset - allowed
    worst = int(np.argmax(excess))
    if excess[worst] > 0:
        raise InputError(
            f"jittered time stamps: sample at {_plain(t[worst])} s is {offset[worst]:.3g} steps "
            f"off the uniform grid of {dt:.6g} s (time steps range from {steps.min():.6g} s to "
            f"{steps.max():.6g} s, a spread of {(steps.max() - steps.min()) / dt:.3g} steps); "
            f"the tolerance is {_JITTER_TOLERANCE_STEPS:g} step beyond the printed resolution "
            "of the time stamps: the record is not uniformly sampled",
            source=src,
            line=line_numbers[worst],
            column=1,
        )
    fs = 1.0 / dt
    if sample_rate_hz is not None and abs(float(sample_rate_hz) - fs) > 1e-3 * fs:
        raise InputError(
            f"--sample-rate {_plain(sample_rate_hz)} Hz disagrees with the time column "
            f"({fs:.6g} Hz)",
            source=src,
        )
    return Waveform(samples=data[:, 1].copy(), sample_rate_hz=fs, source=src, start_s=float(t[0]))
