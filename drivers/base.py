"""The driver contract: the :class:`Meter` base class, reading records and the error hierarchy.

Drivers return readings as plain records: values with the unit in the field name, status flags
and the raw frames the meter sent. They do no analysis: a value the meter did not report is
``None`` (with a flag saying why), an over-range reply raises :class:`MeterOverRange`, and nothing
is clipped or coerced.

Errors follow pyserial's small hierarchy (``serialutil.py``): one base class, :class:`MeterError`,
which is a :class:`luxcheck.errors.DeviceError` so that the command line exits with code 3.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol, TypedDict, TypeVar

if TYPE_CHECKING:  # NumPy is imported where a reading is decoded (the CLI starts without it)
    import numpy as np
    import numpy.typing as npt

from luxcheck.errors import DeviceError

T = TypeVar("T")

# --------------------------------------------------------------------------- errors
_RAW_SHOWN = 48  # bytes of a raw frame quoted in a one-line error message


def _show(raw: bytes) -> str:
    text = repr(raw[:_RAW_SHOWN])
    return text + (f"... ({len(raw)} bytes)" if len(raw) > _RAW_SHOWN else "")


class MeterError(DeviceError):
    """Base class of every meter error; the command line exits with code 3 on it.

    Parameters
    ----------
    message
        One line saying what went wrong and, where possible, what to do.
    port
        The port or URL of the meter, where known.
    """

    def __init__(self, message: str, *, port: str | None = None) -> None:
        self.message = " ".join(message.split())  # always one line
        self.port = port
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.port}: {self.message}" if self.port else self.message


class MeterTimeout(MeterError):  # noqa: N818 - public names of the driver API
    """The meter did not answer (completely) within the timeout; ``raw`` holds what did arrive."""

    def __init__(self, message: str, *, raw: bytes = b"", port: str | None = None) -> None:
        self.raw = bytes(raw)
        if raw:
            message = f"{message} (received only {_show(self.raw)})"
        super().__init__(message, port=port)


class MeterProtocolError(MeterError):
    """A reply that breaks the protocol (length, checksum, echo, format); ``raw`` holds it."""

    def __init__(self, message: str, *, raw: bytes = b"", port: str | None = None) -> None:
        self.raw = bytes(raw)
        super().__init__(f"{message}; raw {_show(self.raw)}", port=port)


class MeterOverRange(MeterError):  # noqa: N818 - public names of the driver API
    """The meter reported over range (or saturation); there is no number to record."""


class MeterLowBattery(MeterError):  # noqa: N818 - public names of the driver API
    """The meter reported a low battery; its reading is discarded (Konica sample, error 11)."""


class MeterDeviceFault(MeterError):  # noqa: N818 - public names of the driver API
    """The meter reported a fault of its own (head off, EEPROM error, firmware error code).

    ``code`` is the meter's own error code as text.
    """

    def __init__(self, message: str, *, code: str = "", port: str | None = None) -> None:
        self.code = code
        super().__init__(message, port=port)


class MeterDisconnected(MeterError):  # noqa: N818 - public names of the driver API
    """The port is gone or could not be opened (cable pulled, meter off, wrong port name)."""

    def __init__(self, message: str, *, port: str | None = None) -> None:
        super().__init__(message, port=port)


class MeterPortBusy(MeterError):  # noqa: N818 - public names of the driver API
    """Another program holds the port (another luxcheck session, a terminal program): the
    port is opened exclusively (an advisory ``flock`` on POSIX), so two readers never
    interleave their commands on one meter."""

    def __init__(self, message: str, *, port: str | None = None) -> None:
        super().__init__(message, port=port)


# --------------------------------------------------------------------------- readings
def utc_now() -> dt.datetime:
    """Get the current time, UTC (the time stamp of a reading)."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, kw_only=True)
class MeterReading(ABC):
    """Fields shared by every reading a driver returns.

    Attributes
    ----------
    model
        The driver's model slug (``"cl-200a"`` ...).
    taken_at
        When the (last) reply arrived, UTC.
    raw
        Every frame the meter sent for this reading, as received (after resynchronisation).
    flags
        Status flags, e.g. ``"hold"``, ``"range-3"``, ``"low-luminance"``, ``"tcp-out-of-range"``.
    head
        Receptor head number for multi-head meters, else ``None``.
    """

    model: str
    taken_at: dt.datetime
    raw: tuple[bytes, ...] = ()
    flags: frozenset[str] = frozenset()
    head: int | None = None

    kind: ClassVar[str] = ""

    @abstractmethod
    def values(self) -> dict[str, Any]:
        """Get the reported values keyed by metric-vocabulary ids (``None`` = not reported)."""

    def to_json(self) -> dict[str, Any]:
        """Get a JSON-ready dict: kind, model, head, time, flags, values and raw frames (hex)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "model": self.model,
            "head": self.head,
            "taken_at": self.taken_at.isoformat(),
            "flags": sorted(self.flags),
        }
        out.update(self.values())
        out["raw_hex"] = [r.hex() for r in self.raw]
        return out


#: Units of the photometric fields (the unit is also in each name, as in the metric vocabulary).
PHOTOMETRIC_UNITS: dict[str, str] = {
    "illuminance_lx": "lx",
    "x": "1",
    "y": "1",
    "u_prime": "1",
    "v_prime": "1",
    "cct_K": "K",
    "duv": "1",
    "X": "1",
    "Y": "1",
    "Z": "1",
    "delta_lx": "lx",
    "ratio_percent": "%",
}


@dataclass(frozen=True, kw_only=True)
class PhotometricReading(MeterReading):
    """An illuminance reading, with the chromaticity a chroma meter reports alongside.

    ``X``, ``Y``, ``Z`` are the meter's tristimulus values (``Y`` in lx); ``delta_lx`` and
    ``ratio_percent`` are the T-10A's difference from / ratio to its stored reference.
    """

    illuminance_lx: float
    x: float | None = None
    y: float | None = None
    u_prime: float | None = None
    v_prime: float | None = None
    cct_K: float | None = None
    duv: float | None = None
    X: float | None = None
    Y: float | None = None
    Z: float | None = None
    delta_lx: float | None = None
    ratio_percent: float | None = None

    kind: ClassVar[str] = "photometric"

    def values(self) -> dict[str, Any]:
        """Get the reported values keyed by metric-vocabulary ids (``None`` = not reported)."""
        return {name: getattr(self, name) for name in PHOTOMETRIC_UNITS}


@dataclass(frozen=True, kw_only=True, eq=False)
class SpectralReading(MeterReading):
    """A spectrum as the spectroradiometer sent it: ``values`` [``unit``] at ``wavelength_nm``."""

    wavelength_nm: npt.NDArray[np.float64]
    spectral_values: npt.NDArray[np.float64]
    unit: str = "W/(m2 nm)"

    kind: ClassVar[str] = "spectrum"

    def values(self) -> dict[str, Any]:
        """Get the spectrum as lists: ``wavelength_nm``, ``values`` and ``unit``."""
        return {
            "wavelength_nm": self.wavelength_nm.tolist(),
            "values": self.spectral_values.tolist(),
            "unit": self.unit,
        }


@dataclass(frozen=True, kw_only=True, eq=False)
class SampledWaveform(MeterReading):
    """A contiguous light waveform: ADC ``samples`` at ``sample_rate_hz``.

    ``first_index`` is the sensor's record index of ``samples[0]``; ``full_scale`` the ADC code
    at saturation; ``dark_level`` the sensor's reported output in darkness.
    """

    samples: npt.NDArray[np.uint16]
    sample_rate_hz: float
    first_index: int = 0
    full_scale: int = 65535
    dark_level: float = 0.0
    unit: str = "counts"

    kind: ClassVar[str] = "waveform"

    def values(self) -> dict[str, Any]:
        """Get the waveform: ``sample_rate_hz``, ``samples`` and the sensor's scale fields."""
        return {
            "sample_rate_hz": self.sample_rate_hz,
            "samples": self.samples.tolist(),
            "first_index": self.first_index,
            "full_scale": self.full_scale,
            "dark_level": self.dark_level,
            "unit": self.unit,
        }


@dataclass(frozen=True)
class MeterInfo:
    """What a meter says about itself (or what the driver knows, for meters that cannot tell)."""

    model: str
    identity: str = ""
    firmware: str = ""
    serial_number: str = ""


# --------------------------------------------------------------------------- transport
class Transport(Protocol):
    """The part of :class:`serial.SerialBase` a driver uses (a fake implements just this)."""

    @property
    def port(self) -> str | None: ...
    @property
    def in_waiting(self) -> int: ...
    @property
    def timeout(self) -> float | None: ...
    def read(self, size: int = 1) -> bytes: ...
    def write(self, data: bytes, /) -> int | None: ...
    def reset_input_buffer(self) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class LineSettings:
    """Serial line settings a meter needs (baud rate, data bits, parity, stop bits)."""

    baudrate: int
    bytesize: int = 8
    parity: Literal["N", "E", "O"] = "N"
    stopbits: int = 1

    def __str__(self) -> str:
        return f"{self.baudrate} {self.bytesize}{self.parity}{self.stopbits}"


def _link_errors() -> tuple[type[BaseException], ...]:
    """What a transport raises when the port went away: pyserial's ``SerialException``,
    ``OSError``, and on POSIX ``termios.error`` (not an ``OSError``), which pyserial's
    ``flush()`` (tcdrain) and ``reset_input_buffer()`` (tcflush) let through unwrapped."""
    import serial

    errors: tuple[type[BaseException], ...] = (OSError, serial.SerialException)
    try:
        import termios
    except ImportError:  # Windows
        return errors
    return (*errors, termios.error)


class Link:
    """Byte-level helpers over a transport: deadlines always, resync, disconnect mapping.

    Every read has a deadline (``timeout_s``); a pyserial ``SerialException`` (or ``OSError``,
    or ``termios.error``) on read or write becomes :class:`MeterDisconnected` naming the port.
    """

    def __init__(
        self, transport: Transport, *, timeout_s: float, line: LineSettings | None = None
    ) -> None:
        if not timeout_s > 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s!r}")
        self.transport = transport
        self.timeout_s = float(timeout_s)
        self.line = line
        self._buf = bytearray()
        self._errors = _link_errors()

    @property
    def port(self) -> str:
        """Get the port name or URL of the transport."""
        return str(self.transport.port)

    def _disconnected(self, exc: BaseException) -> MeterDisconnected:
        return MeterDisconnected(f"meter disconnected ({exc})", port=self.port)

    def flush_input(self) -> None:
        """Discard everything received so far (done before each request, never after)."""
        self._buf.clear()
        try:
            self.transport.reset_input_buffer()
        except self._errors as exc:
            raise self._disconnected(exc) from exc

    def send(self, data: bytes) -> None:
        """Flush the input, then send a request (flush before a request, never after)."""
        self.flush_input()
        self.write(data)

    def write(self, data: bytes) -> None:
        """Send bytes; a failed write means the meter is gone."""
        try:
            self.transport.write(data)
            self.transport.flush()
        except self._errors as exc:
            raise self._disconnected(exc) from exc

    def _fill(self, deadline: float) -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        # The port's own timeout is never changed: on a pty (and some adapters) every change
        # re-runs tcsetattr, which fails at 7E1. Block in read(1) only while the port timeout
        # fits before the deadline, else poll.
        try:
            waiting = self.transport.in_waiting
            port_timeout = self.transport.timeout
            if waiting:
                chunk = self.transport.read(waiting)
            elif port_timeout is not None and port_timeout <= remaining:
                chunk = self.transport.read(1)
            else:
                time.sleep(min(0.002, remaining))
                chunk = b""
        except self._errors as exc:
            raise self._disconnected(exc) from exc
        self._buf.extend(chunk)
        return bool(chunk)

    def deadline(self, timeout_s: float | None = None) -> float:
        """Get a deadline ``timeout_s`` (default: the link's timeout) from now [monotonic s]."""
        return time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)

    def read_until(self, terminator: bytes, deadline: float, *, what: str) -> bytes:
        """Read up to and including ``terminator``; raise :class:`MeterTimeout` at the deadline."""
        while True:
            end = self._buf.find(terminator)
            if end >= 0:
                cut = end + len(terminator)
                out = bytes(self._buf[:cut])
                del self._buf[:cut]
                return out
            if time.monotonic() >= deadline:
                raw = bytes(self._buf)
                self._buf.clear()
                if any(b == 0 or b >= 0x80 for b in raw):
                    raise self._garbled(what, raw)
                raise MeterTimeout(f"no complete {what} from the meter", raw=raw, port=self.port)
            self._fill(deadline)

    def _garbled(self, what: str, raw: bytes) -> MeterProtocolError:
        need = f"; the meter needs {self.line}" if self.line is not None else ""
        return MeterProtocolError(
            f"no {what}, only garbled bytes (NUL or bit 7 set): line settings mismatch?{need}",
            raw=raw,
            port=self.port,
        )

    def read_exact(self, n: int, deadline: float, *, what: str) -> bytes:
        """Read exactly ``n`` bytes; raise :class:`MeterTimeout` at the deadline."""
        while len(self._buf) < n:
            if time.monotonic() >= deadline:
                raw = bytes(self._buf)
                self._buf.clear()
                raise MeterTimeout(f"no complete {what} from the meter", raw=raw, port=self.port)
            self._fill(deadline)
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def skip_to(self, marker: bytes, deadline: float, *, what: str) -> int:
        """Discard bytes before ``marker`` (resync); return how many bytes were dropped."""
        dropped = bytearray()
        count = 0
        while True:
            at = self._buf.find(marker)
            if at >= 0:
                del self._buf[:at]
                return count + at
            keep = len(marker) - 1
            if len(self._buf) > keep:
                count += len(self._buf) - keep
                dropped += self._buf[: len(self._buf) - keep]
                del self._buf[: len(self._buf) - keep]
                del dropped[:-64]  # a sample for the error message
            if time.monotonic() >= deadline:
                if any(b == 0 or b >= 0x80 for b in dropped) and marker.isascii():
                    raise self._garbled(what, bytes(dropped[-64:]))
                raise MeterTimeout(f"no {what} from the meter", port=self.port)
            self._fill(deadline)

    def unread(self, data: bytes) -> None:
        """Put bytes back at the front of the receive buffer (resync inside a rejected frame)."""
        self._buf[:0] = data

    def close(self) -> None:
        """Close the transport (errors on closing a dead port are ignored)."""
        with contextlib.suppress(*self._errors):
            self.transport.close()


def retry_once(
    action: Callable[[], T],
    *,
    on: tuple[type[MeterError], ...] = (MeterTimeout, MeterProtocolError),
) -> T:
    """Run ``action``; after one of the ``on`` errors run it once more."""
    try:
        return action()
    except on:
        return action()


# --------------------------------------------------------------------------- meter
#: The guided session's roles a driver can fill (luxcheck.acquire.session.Role, the subset with
#: a meter on a port): desk and board illuminance, spectrum, flicker waveform.
DRIVER_ROLES: frozenset[str] = frozenset({"lux", "spectrum", "flicker"})


@dataclass(frozen=True)
class DriverOption:
    """A keyword option of a driver class, which :func:`luxcheck.drivers.open_meter` passes on.

    ``name`` is the keyword, ``type`` the type of its value and ``default`` its value when not
    given; ``help`` says what it does, in a few words.
    """

    name: str
    type: type
    default: object
    help: str


class MeterArgs(TypedDict, total=False):
    """The keyword arguments every driver class takes (beyond its own :class:`DriverOption`)."""

    timeout_s: float
    opener: Callable[[], Transport] | None


class Meter(ABC):
    """A meter driver: takes an open transport, never opens ports itself.

    Construction sends nothing. :meth:`connect` performs the meter's handshake (it is called by
    :meth:`read` when needed); :meth:`read` returns one reading; :meth:`reconnect` reopens the
    port through the ``opener`` given by :func:`luxcheck.drivers.open_meter`.

    What sets one model apart is declared on its class, for the command line and the guided
    session to consult instead of the model slug: ``model``, ``name``, ``kind`` (of reading),
    ``line`` (serial settings), ``roles`` (the session roles it measures, from
    :data:`DRIVER_ROLES`), ``options`` (its own keyword options, each a :class:`DriverOption`)
    and ``head_numbers`` (the receptor head numbers of a multi-head meter, else ``None``).

    Parameters
    ----------
    transport
        An open pyserial port (or any object with the :class:`Transport` methods).
    timeout_s
        Deadline for one reply [s]; measurements add the meter's own measuring time.
    opener
        Callable returning a fresh open transport, used by :meth:`reconnect`.
    """

    model: ClassVar[str]
    name: ClassVar[str]
    kind: ClassVar[str]
    line: ClassVar[LineSettings]
    roles: ClassVar[frozenset[str]]
    options: ClassVar[tuple[DriverOption, ...]] = ()
    head_numbers: ClassVar[range | None] = None

    def __init__(
        self,
        transport: Transport,
        *,
        timeout_s: float = 2.0,
        opener: Callable[[], Transport] | None = None,
    ) -> None:
        self.link = Link(transport, timeout_s=timeout_s, line=self.line)
        self.opener = opener
        self.connected = False

    @classmethod
    def option(cls, name: str) -> DriverOption | None:
        """Get the declared option ``name`` of this driver, or ``None`` if it has none."""
        return next((o for o in cls.options if o.name == name), None)

    @classmethod
    def accepted(cls, offered: Mapping[str, object]) -> dict[str, object]:
        """Get the values in ``offered`` that are options of this driver (the rest are not)."""
        return {name: value for name, value in offered.items() if cls.option(name) is not None}

    @property
    def port(self) -> str:
        """Get the port name or URL the meter is on."""
        return self.link.port

    @contextlib.contextmanager
    def port_errors(self) -> Iterator[None]:
        """Control error reports: name this meter's port in errors raised by pure parsers."""
        try:
            yield
        except MeterError as exc:
            if exc.port is None:
                exc.port = self.port
            raise

    @abstractmethod
    def _handshake(self) -> None:
        """Run the meter's connection sequence."""

    def connect(self) -> None:
        """Control the link: run the meter's connection sequence (idempotent)."""
        if not self.connected:
            self._handshake()
            self.connected = True

    @abstractmethod
    def read(self) -> MeterReading:
        """Measure one reading."""

    def identify(self) -> MeterInfo:
        """Get what the meter says about itself (the model, for meters that cannot tell)."""
        return MeterInfo(model=self.model, identity=self.name)

    def reconnect(self) -> None:
        """Control the link: close the port, reopen it through the opener and handshake again.

        Raises :class:`MeterDisconnected` while the meter is still unavailable, so a guided
        session can call it in a loop until the meter is back.
        """
        if self.opener is None:
            raise MeterDisconnected("cannot reconnect: no opener was given", port=self.port)
        self.link.close()
        self.link = Link(self.opener(), timeout_s=self.link.timeout_s, line=self.line)
        self.connected = False
        self.connect()

    def close(self) -> None:
        """Control the link: close the port."""
        self.link.close()
        self.connected = False

    def __enter__(self) -> Meter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "PHOTOMETRIC_UNITS",
    "LineSettings",
    "Link",
    "Meter",
    "MeterDeviceFault",
    "MeterDisconnected",
    "MeterError",
    "MeterInfo",
    "MeterLowBattery",
    "MeterOverRange",
    "MeterProtocolError",
    "MeterReading",
    "MeterTimeout",
    "PhotometricReading",
    "SampledWaveform",
    "SpectralReading",
    "Transport",
    "retry_once",
    "utc_now",
]
