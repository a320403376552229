"""Reading the CSV files of a campaign folder, with every error located (file, line, column).

Two readers, one result:

- :func:`read_rows` streams a file row by row with the :mod:`csv` module (the metadata files:
  schools, classrooms, readings; small) into :class:`Row` objects whose typed accessors raise
  located errors;
- :func:`long_arrays` reads the long-format files (``spectrum_values.csv``,
  ``waveform_samples.csv``: one row per wavelength or sample, gigabytes in a large campaign)
  with pandas' C parser in chunks, cells as raw fixed-width text, validated whole columns at a
  time with the strict grammar of :mod:`luxcheck.numbers`, values stored in the dtype their
  reading declares. Whenever a chunk is not plainly valid (a bad number, a blank or ragged
  line, a quoted cell, a sample index out of order, a value that does not fit its dtype, …)
  the file is read again row by row by :func:`_long_arrays_by_row`, which finds the first
  fault and reports it exactly as it always did: the fast path only ever proves a file valid,
  every message comes from one place.
- :func:`stream_long_arrays` hands the same arrays over one reading at a time, each when its
  last row is read (a campaign's waveform samples are never all in memory), for a plain file
  whose readings' rows are consecutive; for any other file it says so
  (:class:`NotStreamableError`) and the caller uses :func:`long_arrays`.

Numbers are parsed by :mod:`luxcheck.numbers` (ASCII decimal only); line numbers are the
physical lines of the file, the header being line 1.
"""

from __future__ import annotations

import array
import csv
import datetime as dt
import sys
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.journal.csv_safe import restore
from luxcheck.numbers import NumberSyntaxError, column_floats, column_naturals, to_float, to_int

if TYPE_CHECKING:  # pandas is imported where a file is read (start-up time of the CLI)
    import pandas as pd

ALLOWED_DTYPES = ("float64", "float32", "int64", "int32", "int16", "uint16", "uint32", "uint8")

#: Rows per chunk of a long-format file read by pandas (about 6 MB of cells at a time, which
#: keeps the peak memory of an import small; larger chunks are no faster).
CHUNK_ROWS = 50_000
#: Widths of the cells in the fast path [bytes]: a cell that fills its width (so may have been
#: cut) sends the file to the row reader, whose grammar has no length limit.
_ID_WIDTH = 72  # ids are at most 64 characters (model); a multiple of 8 bytes
_VALUE_WIDTH = 32
_INDEX_WIDTH = 12


@dataclass(frozen=True)
class FileSpec:
    """One file of the layout: its columns (required ones first) and what a row becomes."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


# --------------------------------------------------------------------------- cell parsers
class Row:
    """A CSV row with its file and line, and typed accessors that raise located errors.

    ``cells`` are stripped of surrounding white space; numbers are parsed from the cells as
    written (only ASCII blanks may surround a number): ``raw`` holds those that stripping
    changed.
    """

    def __init__(
        self, path: Path, line: int, cells: Mapping[str, str], raw: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self.line = line
        self.cells = cells
        self.raw = {} if raw is None else raw

    def _written(self, name: str) -> str:
        """The cell as written in the file."""
        raw = self.raw.get(name)
        return self.cells.get(name, "") if raw is None else raw

    def error(self, column: str | int | None, message: str) -> InputError:
        return InputError(message, source=str(self.path), line=self.line, column=column)

    def text(self, name: str, default: str = "") -> str:
        """A text cell, with the export's spreadsheet-formula guard undone
        (:func:`luxcheck.journal.csv_safe.restore`). Interned: the session, instrument,
        surface … of 10⁵ readings are then one string each in memory, not one per row."""
        value = self.cells.get(name)
        return default if value is None else sys.intern(restore(value))

    def opt_text(self, name: str) -> str | None:
        value = self.cells.get(name, "")
        return sys.intern(restore(value)) if value != "" else None

    def number(self, name: str) -> float:
        if self.cells.get(name, "") == "":
            raise self.error(name, "a number is required (the cell is empty)")
        raw = self._written(name)
        try:
            return to_float(raw)
        except NumberSyntaxError as exc:
            raise self.error(name, f"expected {exc.expected} like 12.5, got {raw!r}") from None

    def opt_number(self, name: str) -> float | None:
        return None if self.cells.get(name, "") == "" else self.number(name)

    def integer(self, name: str) -> int:
        raw = self._written(name)
        try:
            return to_int(raw)
        except NumberSyntaxError:
            raise self.error(name, f"expected a whole number, got {raw!r}") from None

    def opt_integer(self, name: str) -> int | None:
        return None if self.cells.get(name, "") == "" else self.integer(name)

    def date(self, name: str) -> dt.date:
        raw = self.cells.get(name, "")
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise self.error(name, f"expected a date YYYY-MM-DD, got {raw!r}") from None

    def opt_date(self, name: str) -> dt.date | None:
        return None if self.cells.get(name, "") == "" else self.date(name)

    def timestamp(self, name: str) -> dt.datetime:
        raw = self.cells.get(name, "")
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise self.error(
                name,
                f"expected an ISO 8601 time stamp with a time zone, e.g. "
                f"2026-11-02T09:00:00+08:00, got {raw!r}",
            )
        return value

    def choice(self, name: str, mapping: Mapping[str, Any], default: str | None = None) -> Any:
        raw = self.cells.get(name, "")
        if raw == "" and default is not None:
            raw = default
        if raw not in mapping:
            raise self.error(name, f"expected one of {', '.join(mapping)}, got {raw!r}")
        return mapping[raw]

    def build(self, factory: Callable[..., Any], **kwargs: Any) -> Any:
        """Construct a model object; its validation errors get this row's file and line."""
        try:
            return factory(**kwargs)
        except InputError as exc:
            raise self.error(exc.column if exc.column is not None else None, exc.message) from None


def raw_csv(path: Path, spec: FileSpec) -> Generator[tuple[int, list[str], list[str]]]:
    """Stream a layout file: ``(line, header, cells)`` per data row, header checked first.

    The file is read as it is parsed (waveform sample files run to gigabytes), never whole.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        line = 1
        try:
            try:
                header = next(reader)
            except StopIteration:
                raise InputError(
                    "the file is empty; expected a header row: " + ",".join(spec.columns),
                    source=str(path),
                    line=1,
                ) from None
            header = [h.strip() for h in header]
            for i, name in enumerate(header, start=1):
                if name not in spec.columns:
                    raise InputError(
                        f"unknown column {name!r}; expected columns: {', '.join(spec.columns)}",
                        source=str(path),
                        line=1,
                        column=i,
                    )
            if len(set(header)) != len(header):
                raise InputError("a column appears twice in the header", source=str(path), line=1)
            missing = [c for c in spec.required if c not in header]
            if missing:
                raise InputError(
                    f"missing required column(s): {', '.join(missing)}", source=str(path), line=1
                )
            for cells in reader:
                line = reader.line_num
                if not cells or all(c.strip() == "" for c in cells):
                    continue
                if len(cells) != len(header):
                    raise InputError(
                        f"{len(cells)} cells, expected {len(header)} (one per header column)",
                        source=str(path),
                        line=line,
                    )
                yield line, header, cells
        except UnicodeDecodeError as exc:
            # the text is decoded in blocks ahead of the parser: find the line in the bytes
            bad_line, byte = _first_non_utf8(path)
            raise InputError(
                f"not UTF-8 text (byte 0x{byte:02x}: {exc.reason}); save the file as CSV UTF-8",
                source=str(path),
                line=bad_line or line + 1,
            ) from None
        except csv.Error as exc:
            message = f"malformed CSV ({exc})"
            if "field limit" in str(exc):
                message = f"a cell is longer than {csv.field_size_limit()} characters ({exc})"
            raise InputError(message, source=str(path), line=reader.line_num) from None


def _first_non_utf8(path: Path) -> tuple[int | None, int]:
    """The physical line (1-based) and value of the first byte that is not UTF-8."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                return number, raw[exc.start]
    return None, 0


def _row(path: Path, line: int, header: list[str], cells: list[str]) -> Row:
    stripped = {h: c.strip() for h, c in zip(header, cells, strict=True)}
    raw = {h: c for h, c in zip(header, cells, strict=True) if c != stripped[h]}
    return Row(path, line, stripped, raw)


def read_rows(path: Path, spec: FileSpec) -> Iterator[Row]:
    """The data rows of a layout file, each with its line."""
    for line, header, cells in raw_csv(path, spec):
        yield _row(path, line, header, cells)


# --------------------------------------------------------------------------- long-format files
@dataclass
class LongArray:
    """The x and y columns of one reading in a long-format file, as read so far.

    The row reader appends floats to ``x`` and ``y``; the chunked reader appends whole typed
    arrays to ``x_parts`` and ``y_parts``.
    """

    first: Row
    x: array.array[float] = field(default_factory=lambda: array.array("d"))
    y: array.array[float] = field(default_factory=lambda: array.array("d"))
    x_parts: list[np.ndarray] = field(default_factory=list)
    y_parts: list[np.ndarray] = field(default_factory=list)
    count: int = 0

    def x_values(self) -> npt.NDArray[np.float64]:
        if self.x_parts:
            return np.concatenate(self.x_parts)
        return np.frombuffer(self.x, dtype=np.float64).copy()

    def y_values(self) -> np.ndarray:
        if self.y_parts:
            return np.concatenate(self.y_parts)
        return np.frombuffer(self.y, dtype=np.float64)


def long_arrays(
    path: Path, spec: FileSpec, x_col: str, *, sequential: bool, dtypes: Mapping[str, str]
) -> dict[str, LongArray]:
    """Read a long-format file (one row per wavelength or sample) into arrays per reading.

    ``sequential``: x must run 0, 1, 2, … per reading (sample indices). ``dtypes``: the dtype
    each reading declares (from its metadata file); values are kept in it as they are read,
    so a campaign's samples take 2 bytes each rather than 8. The file is streamed in chunks;
    a reading's rows may be anywhere in it (interleaved with others').
    """
    header = _header(path, spec)
    if header is None:
        return {}
    try:
        chunked = _by_chunk(path, header, x_col, sequential=sequential, dtypes=dtypes, held=True)
        return {entry.first.cells["reading_id"]: entry for entry in chunked}
    except _NotPlainError:
        return _long_arrays_by_row(path, spec, x_col, sequential=sequential)


class NotStreamableError(Exception):
    """:func:`stream_long_arrays` cannot hand a file over one reading at a time: a reading's
    rows are not consecutive, or the file is not plainly valid (only :func:`long_arrays`'
    row reader locates its fault). Raised before or after readings were handed over."""


def stream_long_arrays(
    path: Path, spec: FileSpec, x_col: str, *, sequential: bool, dtypes: Mapping[str, str]
) -> Iterator[LongArray]:
    """The arrays of :func:`long_arrays`, one reading at a time, each as soon as its last row
    is read: only one reading's values and one chunk of cells are in memory (a campaign's
    samples are gigabytes of CSV). For a plain file whose readings' rows are consecutive, as
    ``campaign export`` writes them; anything else raises :class:`NotStreamableError` and the
    caller reads the file with :func:`long_arrays`, which reads any valid file and locates
    any fault."""
    header = _header(path, spec)
    if header is None:
        return
    try:
        yield from _by_chunk(path, header, x_col, sequential=sequential, dtypes=dtypes, held=False)
    except _NotPlainError:
        raise NotStreamableError(f"{path}: not plainly valid; read row by row") from None


def _header(path: Path, spec: FileSpec) -> list[str] | None:
    """The header of a long-format file, checked exactly with its first row; None if the file
    is missing or holds no row."""
    if not path.exists():
        return None
    rows = raw_csv(path, spec)
    try:
        first = next(rows, None)  # checks the header (and the first row) exactly
    finally:
        rows.close()
    return None if first is None else first[1]


class _NotPlainError(Exception):
    """The chunked reader met something only the row reader locates exactly."""


def _scan(path: Path) -> tuple[bool, bool]:
    """Whether the file holds a double quote, and whether it is all ASCII; read in blocks (a
    memory map would count the whole file into the process's resident memory)."""
    quoted, ascii_only = False, True
    with path.open("rb") as handle:
        while block := handle.read(1 << 24):
            quoted = quoted or b'"' in block
            ascii_only = ascii_only and block.isascii()
    return quoted, ascii_only


def _by_chunk(
    path: Path,
    header: list[str],
    x_col: str,
    *,
    sequential: bool,
    dtypes: Mapping[str, str],
    held: bool,
) -> Iterator[LongArray]:
    """The chunked pandas reader; raises :class:`_NotPlainError` unless the whole file is
    plainly valid. ``held``: every reading is kept to the end of the file and then handed over
    (its rows may be anywhere); else each is handed over when a row of another reading follows
    its last, and a reading whose rows resume later raises :class:`NotStreamableError`.

    Physical lines are data row + 2 as long as no cell is quoted (a quoted cell may hold a
    line break) and no line is blank (pandas keeps blank lines as empty rows here, which are
    refused): both send the file to the row reader. Every cell is read as raw fixed-width
    bytes by the C parser (no Python object per cell); reading ids too when the file is ASCII
    (else as a pandas category).
    """
    import pandas as pd  # lazily: only importing a CSV folder pays for it

    quoted, ascii_only = _scan(path)
    if quoted:
        raise _NotPlainError
    out: dict[str, LongArray] = {}
    ended: set[str] = set()
    open_run: list[str] = []  # the reading whose rows the previous chunk ended with
    offset = 0
    try:
        chunks = pd.read_csv(
            path,
            engine="c",
            header=0,
            names=header,
            dtype={
                "reading_id": f"S{_ID_WIDTH}" if ascii_only else "category",
                x_col: f"S{_INDEX_WIDTH if sequential else _VALUE_WIDTH}",
                "value": f"S{_VALUE_WIDTH}",
            },
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
            chunksize=CHUNK_ROWS,
        )
        with chunks:
            for chunk in chunks:
                names = _take_chunk(path, chunk, offset, x_col, sequential, dtypes, out)
                offset += len(chunk)
                if held:
                    continue
                continued = bool(open_run) and bool(names) and names[0] == open_run[0]
                runs = open_run + names[1:] if continued else open_run + names
                if ended.intersection(runs) or len(set(runs)) != len(runs):
                    raise NotStreamableError(f"{path}: the rows of a reading are not consecutive")
                for rid in runs[:-1]:
                    ended.add(rid)
                    yield out.pop(rid)
                open_run = runs[-1:]
    except (ValueError, UnicodeError, pd.errors.ParserError):
        raise _NotPlainError from None
    yield from out.values()


def _runs(ids: pd.Series) -> tuple[list[str], list[int]]:
    """The reading id of each run of equal ids in a chunk and where the runs start (plus the
    end); refuses (to the row reader) an empty id or one with blanks around it."""
    if isinstance(ids.dtype, np.dtype):  # fixed-width bytes
        raw = ids.to_numpy()
        if raw.dtype.kind != "S" or _full(raw):
            raise _NotPlainError
        words = raw.view(np.uint64).reshape(raw.size, -1)  # compare 8 bytes at a time
        differs = np.zeros(max(raw.size - 1, 0), dtype=bool)
        for column in words.T:
            if not column.any():
                break  # NUL padding from here on in every cell
            differs |= column[1:] != column[:-1]
        change = np.flatnonzero(differs) + 1
        starts = np.concatenate(([0], change, [raw.size]))
        names = [raw[i].decode("ascii") for i in starts[:-1].tolist()]
    else:
        codes = ids.cat.codes.to_numpy()
        if (codes < 0).any():
            raise _NotPlainError
        categories = [str(c) for c in ids.cat.categories]
        change = np.flatnonzero(codes[1:] != codes[:-1]) + 1
        starts = np.concatenate(([0], change, [codes.size]))
        names = [categories[codes[i]] for i in starts[:-1].tolist()]
    if any(n == "" or n != n.strip() for n in names):
        raise _NotPlainError
    return names, starts.tolist()


def _take_chunk(
    path: Path,
    chunk: pd.DataFrame,
    offset: int,
    x_col: str,
    sequential: bool,
    dtypes: Mapping[str, str],
    out: dict[str, LongArray],
) -> list[str]:
    """Take a chunk's rows into ``out``; return the reading id of each run of rows in it."""
    names, starts = _runs(chunk["reading_id"])
    raw_x = chunk[x_col].to_numpy()
    raw_y = chunk["value"].to_numpy()
    if raw_x.dtype.kind != "S" or raw_y.dtype.kind != "S":
        raise _NotPlainError  # a pandas that hands back Python objects: the exact reader
    if _full(raw_y) or _full(raw_x):
        raise _NotPlainError  # a cell may have been cut at the fixed width
    y, ok = column_floats(raw_y)
    if not ok.all():
        raise _NotPlainError
    x = _sample_indices(raw_x) if sequential else _finite(raw_x)
    for rid, start, stop in zip(names, starts[:-1], starts[1:], strict=True):
        entry = out.get(rid)
        if entry is None:
            line = offset + start + 2
            cells = {
                "reading_id": rid,
                x_col: raw_x[start].decode(),
                "value": raw_y[start].decode(),
            }
            entry = out[rid] = LongArray(Row(path, line, cells))
        if sequential:
            if x[start] != entry.count or not (np.diff(x[start:stop]) == 1).all():
                raise _NotPlainError
        else:
            entry.x_parts.append(x[start:stop].copy())
        entry.y_parts.append(_fitted(y[start:stop], dtypes.get(rid, "float64")))
        entry.count += stop - start
    return names


def _full(cells: np.ndarray) -> bool:
    """Whether any fixed-width cell fills its width (and so may have been cut)."""
    width = cells.dtype.itemsize
    return bool(cells.size) and bool(cells.view(np.uint8).reshape(cells.size, width)[:, -1].any())


def _finite(cells: np.ndarray) -> npt.NDArray[np.float64]:
    values, ok = column_floats(cells)
    if not ok.all():
        raise _NotPlainError
    return values


def _sample_indices(cells: np.ndarray) -> npt.NDArray[np.int64]:
    """Sample indices written as the row reader wants them: ``str(i)``."""
    values, ok = column_naturals(cells)
    if not ok.all():
        raise _NotPlainError
    return values


def _fitted(values: npt.NDArray[np.float64], dtype: str) -> np.ndarray:
    """The values in ``dtype`` if they fit it exactly (else the row reader reports them)."""
    if dtype not in ALLOWED_DTYPES or dtype == "float64":
        return values.copy()
    target = np.dtype(dtype)
    if target.kind in "iu":
        info = np.iinfo(target)
        if not ((values == np.floor(values)) & (values >= info.min) & (values <= info.max)).all():
            raise _NotPlainError
        return values.astype(target)
    as32 = values.astype(np.float32)
    if not np.array_equal(as32.astype(np.float64), values):
        raise _NotPlainError
    return as32


def _long_arrays_by_row(
    path: Path, spec: FileSpec, x_col: str, *, sequential: bool
) -> dict[str, LongArray]:
    """The row reader: slow, exact; the first fault of the file is raised, located."""
    out: dict[str, LongArray] = {}
    columns: tuple[int, int, int] | None = None
    for line, header, cells in raw_csv(path, spec):
        if columns is None:
            columns = (header.index("reading_id"), header.index(x_col), header.index("value"))
        i_id, i_x, i_y = columns
        rid = cells[i_id].strip()
        entry = out.get(rid)
        if entry is None:
            entry = out[rid] = LongArray(_row(path, line, header, cells))
        try:
            y = to_float(cells[i_y])
        except NumberSyntaxError as exc:
            raise InputError(
                f"expected {exc.expected} like 12.5, got {cells[i_y]!r}",
                source=str(path),
                line=line,
                column="value",
            ) from None
        if sequential:
            if cells[i_x].strip() != str(len(entry.y)):
                raise InputError(
                    f"sample indices of {rid!r} must run 0, 1, 2, … in order: expected "
                    f"{len(entry.y)}, got {cells[i_x]!r}",
                    source=str(path),
                    line=line,
                    column=x_col,
                )
        else:
            try:
                entry.x.append(to_float(cells[i_x]))
            except NumberSyntaxError as exc:
                raise InputError(
                    f"expected {exc.expected} like 550, got {cells[i_x]!r}",
                    source=str(path),
                    line=line,
                    column=x_col,
                ) from None
        entry.y.append(y)
    return out


def typed_values(values: np.ndarray, dtype: str, row: Row, column: str) -> np.ndarray:
    """The values in the dtype the file declares, refusing any that would change."""
    if values.dtype == np.dtype(dtype):
        return values
    rid = row.cells.get("reading_id", "")
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(np.dtype(dtype))
        bad = np.flatnonzero(
            (values != np.floor(values)) | (values < info.min) | (values > info.max)
        )
        if bad.size:
            raise row.error(
                column,
                f"reading {rid!r}, value #{int(bad[0])} ({values[bad[0]]!r}) is not a whole "
                f"number that fits dtype {dtype}",
            )
        return values.astype(dtype)
    if dtype == "float32":
        as32 = values.astype(np.float32)
        bad = np.flatnonzero(as32.astype(np.float64) != values)
        if bad.size:
            raise row.error(
                column,
                f"reading {rid!r}, value #{int(bad[0])} is not exactly representable as float32",
            )
        return as32
    return values
