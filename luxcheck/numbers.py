"""The one number grammar of every file luxcheck reads: ASCII decimal and nothing else.

Python's ``float()`` and ``int()`` (and NumPy's string casts) accept far more than a number an
inspector or a meter writes: ``4_50``, full-width ``４５０``, Arabic-Indic ``٤٥٠``, ``nan``,
``-Infinity``. Every reader turns text into numbers here instead, so that all of them refuse
the same things:

- a number is ``[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`` with the ASCII
  digits ``0-9`` only (:data:`NUMBER_PATTERN`); a whole number is ``[+-]? digits``;
- blanks (ASCII space and tab) around the number are allowed, nothing else is;
- ``nan``, ``inf`` and values that overflow to infinity (``1e999``) are refused: every field
  luxcheck reads needs a finite number. Missing values are the callers' business (an empty
  optional cell is "none" in the campaign CSV layout; the other formats have none).

:func:`to_float` and :func:`to_int` parse one cell and raise :class:`NumberSyntaxError` (a
``ValueError``, so the callers' located error messages stay theirs). :func:`number_mask` and
:func:`column_floats` are the vectorised forms for whole columns of fixed-width text
(``numpy`` ``S`` or ``U`` arrays, e.g. read by ``pandas.read_csv`` with ``dtype="S40"``): a small
automaton walks all cells one character position at a time.
"""

from __future__ import annotations

import functools
import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy is imported by the vectorised forms only (the CLI starts without it)
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "INTEGER_PATTERN",
    "NUMBER_PATTERN",
    "NumberSyntaxError",
    "column_floats",
    "column_naturals",
    "is_integer",
    "is_number",
    "number_mask",
    "to_float",
    "to_int",
]

#: A decimal number in ASCII (no blanks): what every number field of every file must hold.
NUMBER_PATTERN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
#: A whole number in ASCII (no blanks).
INTEGER_PATTERN = r"[+-]?[0-9]+"

_NUMBER = re.compile(NUMBER_PATTERN)
_INTEGER = re.compile(INTEGER_PATTERN)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_BLANKS = " \t"


class NumberSyntaxError(ValueError):
    """The text is not an ASCII decimal number (or not a finite one).

    Attributes
    ----------
    text
        The text as given.
    non_finite
        The text spells NaN or infinity, or overflows to infinity: it has the form of a number
        but the field needs a finite one.
    expected
        ``"a finite number"`` or ``"a number"``, for messages.
    """

    def __init__(self, text: str, *, non_finite: bool = False) -> None:
        self.text = text
        self.non_finite = non_finite
        self.expected = "a finite number" if non_finite else "a number"
        super().__init__(f"expected {self.expected}, got {text!r}")


def is_number(text: str) -> bool:
    """Whether ``text`` (exactly, no blanks) is an ASCII decimal number."""
    return _NUMBER.fullmatch(text) is not None


def is_integer(text: str) -> bool:
    """Whether ``text`` (exactly, no blanks) is an ASCII whole number."""
    return _INTEGER.fullmatch(text) is not None


def to_float(text: str) -> float:
    """The finite value of an ASCII decimal number, blanks around it allowed.

    Raises
    ------
    NumberSyntaxError
        Anything else, including ``nan``, ``inf`` and overflow to infinity.
    """
    core = text.strip(_BLANKS)
    if not is_number(core):
        raise NumberSyntaxError(text, non_finite=_NON_FINITE.fullmatch(core) is not None)
    value = float(core)
    if not math.isfinite(value):
        raise NumberSyntaxError(text, non_finite=True)
    return value


def to_int(text: str) -> int:
    """The value of an ASCII whole number, blanks around it allowed.

    Raises
    ------
    NumberSyntaxError
        Anything else (``4.0``, ``4_50``, ``٤٥٠``, …).
    """
    core = text.strip(_BLANKS)
    if not is_integer(core):
        raise NumberSyntaxError(text)
    return int(core)


# --------------------------------------------------------------------------- vectorised form
# Character classes and the automaton of NUMBER_PATTERN with blanks around it. Cells are
# left-aligned and padded with NUL (the NumPy fixed-width layout); NUL ends the cell.
_PAD, _DIGIT, _SIGN, _DOT, _EXP, _BLANK, _OTHER = range(7)
# states: 0 leading blanks, 1 sign, 2 integer digits*, 3 point after digits*, 4 leading point,
# 5 fraction digits*, 6 exponent mark, 7 exponent sign, 8 exponent digits*, 9 trailing blanks*,
# 10 ended*, 11 refused (* = a number so far)
_ENDED, _REFUSED = 10, 11
_ACCEPTING = (2, 3, 5, 8, 9, 10)


@functools.cache
def _automaton() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
    """The class of every byte and the flat transition table (``state * 7 + class``)."""
    import numpy as np

    char_class = np.full(128, _OTHER, dtype=np.uint8)
    char_class[0] = _PAD
    char_class[ord("0") : ord("9") + 1] = _DIGIT
    char_class[[ord("+"), ord("-")]] = _SIGN
    char_class[ord(".")] = _DOT
    char_class[[ord("e"), ord("E")]] = _EXP
    char_class[[ord(" "), ord("\t")]] = _BLANK
    step = np.full((12, 7), _REFUSED, dtype=np.uint8)
    step[0, [_BLANK, _SIGN, _DIGIT, _DOT]] = [0, 1, 2, 4]
    step[1, [_DIGIT, _DOT]] = [2, 4]
    step[2, [_DIGIT, _DOT, _EXP]] = [2, 3, 6]
    step[3, [_DIGIT, _EXP]] = [5, 6]
    step[4, _DIGIT] = 5
    step[5, [_DIGIT, _EXP]] = [5, 6]
    step[6, [_SIGN, _DIGIT]] = [7, 8]
    step[7, _DIGIT] = 8
    step[8, _DIGIT] = 8
    for state in _ACCEPTING:
        step[state, _PAD] = _ENDED
        if state != _ENDED:
            step[state, _BLANK] = 9
    step[9, _BLANK] = 9
    byte_class = np.full(256, _OTHER, dtype=np.uint8)
    byte_class[:128] = char_class
    return byte_class, step.reshape(-1)


def _bytes(cells: np.ndarray) -> npt.NDArray[np.uint8]:
    """The characters of fixed-width text cells as bytes, one row per cell, trimmed to the
    widest cell; any non-ASCII character is the byte 255 (never part of a number)."""
    import numpy as np

    cells = np.ascontiguousarray(cells).reshape(-1)
    if cells.dtype.kind == "S":
        matrix = cells.view(np.uint8).reshape(cells.size, cells.dtype.itemsize)
    elif cells.dtype.kind == "U":
        wide = cells.view(np.uint32).reshape(cells.size, cells.dtype.itemsize // 4)
        matrix = np.where(wide < 128, wide, 255).astype(np.uint8)
    else:
        raise TypeError(f"expected a fixed-width text array, got dtype {cells.dtype}")
    if not matrix.size:
        return np.ascontiguousarray(matrix[:, :0])
    # the widest cell: one pass OR-ing all rows (a column-by-column test reads strided memory)
    if matrix.shape[1] % 8 == 0:  # 8 bytes at a time, one contiguous row per word position
        words = np.ascontiguousarray(matrix.view(np.uint64).T)
        seen = np.bitwise_or.reduce(words, axis=1).view(np.uint8)
    else:
        seen = np.bitwise_or.reduce(matrix, axis=0)
    used = int(np.flatnonzero(seen)[-1]) + 1 if seen.any() else 0
    return np.ascontiguousarray(matrix[:, :used])


def _digits(matrix: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """Which cells are ASCII digits only (at least one, then only the NUL padding), and their
    values (meaningful for those cells with at most 18 digits), one character position at a
    time over all cells (whole-column operations, no per-cell loop)."""
    import numpy as np

    n = matrix.shape[0]
    plain = np.ones(n, dtype=bool)
    ended = np.zeros(n, dtype=bool)
    acc = np.zeros(n, dtype=np.int64)
    for position, column in enumerate(np.ascontiguousarray(matrix.T)):
        digit = column - np.uint8(ord("0"))  # wraps below "0": one comparison for 0-9
        is_digit = digit < 10
        pad = column == 0
        if position == 0:
            plain &= is_digit
        else:
            plain &= np.where(ended, pad, is_digit | pad)  # NUL ends the cell for good
        ended |= pad
        if position < 18:
            acc = np.where(pad, acc, acc * 10 + digit)
    if matrix.shape[1] == 0:
        plain[:] = False
    return plain, acc


def _mask(matrix: npt.NDArray[np.uint8]) -> npt.NDArray[np.bool_]:
    import numpy as np

    byte_class, step_flat = _automaton()
    classes = byte_class[matrix.T]  # one contiguous row per character position
    state = np.zeros(matrix.shape[0], dtype=np.uint8)
    for position in classes:
        state = step_flat[state * 7 + position]
    state = step_flat[state * 7 + _PAD]  # the end of the widest cell
    return np.asarray(state == _ENDED)


def number_mask(cells: np.ndarray) -> npt.NDArray[np.bool_]:
    """Vectorised :func:`to_float` syntax check: for each cell, whether it is an ASCII decimal
    number with blanks (space, tab) around it allowed. Equal to ``is_number(c.strip(" \\t"))``
    for every cell without NUL characters (NUL is the padding of fixed-width arrays)."""
    return _mask(_bytes(cells))


def column_floats(
    cells: np.ndarray,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Vectorised :func:`to_float`: the values and, per cell, whether it was a finite ASCII
    decimal number (where not, the value is NaN). Cells of plain digits (up to 15) are
    converted arithmetically, the rest by NumPy's correctly rounded string cast."""
    import numpy as np

    cells = np.ascontiguousarray(cells).reshape(-1)
    matrix = _bytes(cells)
    values = np.full(cells.size, np.nan)
    if matrix.shape[1] <= 15:  # plain digits: exact in float64, no string cast
        plain, whole = _digits(matrix)
        if plain.all():
            return whole.astype(np.float64), plain
        values[plain] = whole[plain]
    else:
        plain = np.zeros(cells.size, dtype=bool)
    rest = ~plain
    ok = plain.copy()
    ok[rest] = _mask(matrix[rest])
    rest &= ok
    if rest.any():
        text = np.char.strip(cells[rest].astype(np.str_), _BLANKS)
        values[rest] = text.astype(np.float64)
    ok &= np.isfinite(values)
    values[~ok] = np.nan
    return values, ok


def column_naturals(cells: np.ndarray) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Vectorised ``str(i)`` check: per cell, its value and whether it is a natural number
    written as Python writes it (ASCII digits, no sign, no blank, no leading zero)."""

    matrix = _bytes(cells)
    ok, values = _digits(matrix)
    if matrix.shape[1] > 18:
        ok &= matrix[:, 18] == 0  # at most 18 digits
    if matrix.shape[1] > 1:
        ok &= (matrix[:, 0] != ord("0")) | (matrix[:, 1] == 0)
    values[~ok] = 0
    return values, ok
