"""The error hierarchy shared by the library and the command line.

Every error that reaches the command line maps to one exit code (the README's "Exit codes"):
0 ok, 1 a check failed, 2 bad input or usage, 3 device error, 4 a report run wrote the reports it
could but some classroom could not be reported (it is listed, with the reason).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_DEVICE = 3
EXIT_INCOMPLETE = 4


class LuxcheckError(Exception):
    """Base class of every error luxcheck raises on purpose."""

    exit_code = EXIT_BAD_INPUT


class InputError(LuxcheckError, ValueError):
    """Bad input: a file, a field or an argument that is not of the expected form.

    The message names where the problem is (file, line, column or field) and what was expected,
    so that an inspector can fix the file by hand.

    Parameters
    ----------
    message
        What is wrong and what was expected.
    source
        The file (or other source, e.g. ``"argument --classroom"``) the input came from.
    line
        1-based line number in ``source``, where known.
    column
        The column (field) name or 1-based column number, where known.
    """

    exit_code = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: str | int | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.source is not None:
            where.append(str(self.source))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!s}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class StoreError(LuxcheckError):
    """The campaign store refused an operation (integrity, schema version, append-only rule)."""

    exit_code = EXIT_BAD_INPUT


class DeviceError(LuxcheckError):
    """A meter or its connection failed (timeout, protocol error, disconnect, over-range)."""

    exit_code = EXIT_DEVICE
