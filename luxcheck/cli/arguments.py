"""Checks of command-line values that argparse's types let through (nan, inf, 0, negatives):
each refusal names the option (exit 2)."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from luxcheck.errors import InputError
from luxcheck.numbers import NumberSyntaxError, to_float, to_int


def decimal(text: str) -> float:
    """argparse type of a number option: a finite ASCII decimal number (``-12.5``, ``1e3``),
    the grammar of every file the project reads; ``4_50``, full-width digits and ``nan`` are
    refused (argparse names the option, exit 2)."""
    try:
        return to_float(text)
    except NumberSyntaxError as exc:
        raise argparse.ArgumentTypeError(
            f"expected {exc.expected} in ASCII digits (e.g. 12.5 or 1e3), got {text!r}"
        ) from exc


def whole(text: str) -> int:
    """argparse type of a whole-number option, in ASCII digits."""
    try:
        return to_int(text)
    except NumberSyntaxError as exc:
        raise argparse.ArgumentTypeError(
            f"expected a whole number in ASCII digits, got {text!r}"
        ) from exc


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
