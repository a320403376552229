"""Checks of command-line values that argparse's types let through (nan, inf, 0, negatives):
each refusal names the option (exit 2)."""

from __future__ import annotations

import math
from pathlib import Path

from luxcheck.errors import InputError


def positive(value: float, flag: str, unit: str = "") -> float:
    """A finite number > 0 (``--timeout nan`` and ``--timeout -1`` are refused)."""
    if not (math.isfinite(value) and value > 0):
        raise InputError(
            f"expected a finite number > 0{' ' + unit if unit else ''}, got {value!r}",
            source=f"argument {flag}",
        )
    return value


def whole_at_least_one(value: int | None, flag: str) -> int | None:
    """None (the default) or a whole number ≥ 1."""
    if value is not None and value < 1:
        raise InputError(f"expected a whole number ≥ 1, got {value}", source=f"argument {flag}")
    return value


def output_folder(path: Path, flag: str = "--out") -> Path:
    """A folder to write into: refused if a file (not a folder) is already there."""
    if path.exists() and not path.is_dir():
        raise InputError(
            "a file is already there; give a folder (new or existing) to write into",
            source=f"argument {flag} {path}",
        )
    return path
