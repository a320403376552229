"""JETI specbos spectroradiometers (1201/1211/25x1), spectral irradiance path.

Source: JETI's "specbos 1211 firmware command reference" (the same command set serves the
1201 and 25x1).

Commands are ASCII terminated by CR only. Settings answer ACK (0x06) or NAK (0x15);
queries answer text ending in CR, possibly after an ACK; measurements answer ACK, then BEL
(0x07) when the integration is done; ENQ (0x05) may appear at any time and is dropped.
After a NAK the driver asks ``*STAT:ERR?`` (``Error Code: <n>``) and raises the mapped error:
120 overexposed → :class:`MeterOverRange`, others → :class:`MeterDeviceFault`.

Exchange::

    *IDN?  ← "JETI_SB1211 …\\r"
    *CONF:EXPO 1 / *CONF:MAXTINT <ms> / *CONF:WRAN 380 780 1 / *CONF:AVER 1 / *CONF:FORM 4  ← ACK
    *MEAS:SPRAD  ← ACK … BEL "<v380>\\r<v381>\\r…<v780>\\r\\r"   [W m⁻² nm⁻¹ with the diffuser]
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, ClassVar, Unpack

if TYPE_CHECKING:  # NumPy is imported where a reading is decoded (the CLI starts without it)
    import numpy as np
    import numpy.typing as npt

from .base import (
    DriverOption,
    LineSettings,
    Meter,
    MeterArgs,
    MeterDeviceFault,
    MeterError,
    MeterInfo,
    MeterOverRange,
    MeterProtocolError,
    MeterTimeout,
    SpectralReading,
    Transport,
    retry_once,
    utc_now,
)

ACK, NAK, BEL, ENQ, CR = 0x06, 0x15, 0x07, 0x05, 0x0D

#: Error codes (JETI's firmware command reference; ArgyllCMS ``spectro/specbos.h``).
ERROR_CODES: dict[int, str] = {
    4: "unknown command",
    7: "password",
    8: "digit",
    10: "argument 1",
    11: "argument 2",
    12: "argument 3",
    13: "argument 4",
    20: "parameter argument",
    21: "config argument",
    22: "control argument",
    23: "read argument",
    24: "fetch argument",
    25: "measure argument",
    26: "calculation argument",
    27: "calibration argument",
    101: "checksum",
    102: "checksum",
    103: "checksum",
    104: "checksum",
    120: "overexposed",
    121: "underexposed: too little light for the integration time",
    123: "adaptation of the integration time failed",
    140: "calibration data",
    141: "exceeded the calibration wavelength range",
    147: "scan break",
    160: "cycle timing",
    161: "trigger timing",
    251: "radiometric wavelength range",
    280: "booted on battery power",
}
OVEREXPOSED = 120
_ERR_RE = re.compile(r"^\s*(?:Error Code:\s*)?(\d+)\s*$", re.IGNORECASE)


# --------------------------------------------------------------------------- pure protocol
def encode_command(command: str) -> bytes:
    """Build a command: ASCII text terminated by CR only (CR LF gets a NAK)."""
    if not command.isascii() or "\r" in command or "\n" in command:
        raise ValueError(f"command must be one line of ASCII, got {command!r}")
    return command.encode("ascii") + b"\r"


def strip_noise(data: bytes) -> bytes:
    """Drop ENQ, ACK and BEL bytes (control noise around text replies)."""
    return bytes(b for b in data if b not in (ENQ, ACK, BEL))


def parse_error_code(line: bytes) -> int:
    """Decode a ``*STAT:ERR?`` reply: ``Error Code: <n>`` (specbos) or bare ``<n>`` (spectraval)."""
    match = _ERR_RE.match(strip_noise(line).decode("ascii", "replace"))
    if not match:
        raise MeterProtocolError("not an error-code reply", raw=line)
    return int(match.group(1))


def error_for_code(code: int, *, port: str | None = None) -> MeterError:
    """Get the exception for a JETI error code (120 overexposed → over range)."""
    meaning = ERROR_CODES.get(code, "unknown error code")
    if code == OVEREXPOSED:
        return MeterOverRange(f"spectrometer overexposed (error {code})", port=port)
    return MeterDeviceFault(f"spectrometer error {code}: {meaning}", code=str(code), port=port)


def parse_spectrum_block(block: bytes, n_values: int) -> npt.NDArray[np.float64]:
    """Decode an ASCII spectrum block (one value per CR-terminated line, ending CR CR).

    Raises
    ------
    MeterProtocolError
        Missing CR CR end, a value that is not a finite decimal number, or a count other than
        ``n_values``.
    """
    import numpy as np

    text = strip_noise(block)
    if not text.endswith(b"\r\r"):
        raise MeterProtocolError("spectrum block does not end with CR CR", raw=block)
    lines = text[:-2].split(b"\r")
    values = np.empty(len(lines), dtype=np.float64)
    for i, line in enumerate(lines):
        try:
            token = line.decode("ascii").strip()
            value = float(token)
        except (UnicodeDecodeError, ValueError):
            raise MeterProtocolError(f"spectrum line {i + 1} is not a number", raw=line) from None
        if not math.isfinite(value) or token.lower() in ("nan", "inf", "+inf", "-inf"):
            raise MeterProtocolError(f"spectrum line {i + 1} is not finite", raw=line)
        values[i] = value
    if values.size != n_values:
        raise MeterProtocolError(
            f"spectrum has {values.size} values, expected {n_values}", raw=block
        )
    return values


# --------------------------------------------------------------------------- device
class JetiSpecbos(Meter):
    """JETI specbos 1211 (and compatible) measuring spectral irradiance.

    Parameters
    ----------
    transport
        An open port at 921600 8N1 (USB), 115200 (Bluetooth) or ``socket://host:2101`` (LAN).
    wavelength_range_nm
        (start, end, step) of the spectrum [nm]; default 380–780 nm in 1 nm steps.
    max_integration_ms
        Longest automatic integration time [ms]; measurements wait this long plus ``timeout_s``.
    timeout_s, opener
        See :class:`luxcheck.drivers.base.Meter`.
    """

    model: ClassVar[str] = "jeti-specbos"
    name: ClassVar[str] = "JETI specbos"
    kind: ClassVar[str] = "spectrum"
    line: ClassVar[LineSettings] = LineSettings(921600, 8, "N", 1)
    roles: ClassVar[frozenset[str]] = frozenset({"spectrum"})
    options: ClassVar[tuple[DriverOption, ...]] = (
        DriverOption(
            "wavelength_range_nm", tuple, (380, 780, 1), "(start, end, step) of the spectrum [nm]"
        ),
        DriverOption("max_integration_ms", int, 60_000, "longest automatic integration time [ms]"),
    )

    def __init__(
        self,
        transport: Transport,
        *,
        wavelength_range_nm: tuple[int, int, int] = (380, 780, 1),
        max_integration_ms: int = 60_000,
        **kw: Unpack[MeterArgs],
    ) -> None:
        super().__init__(transport, **kw)
        start, end, step = wavelength_range_nm
        if not (200 <= start < end <= 1100 and 1 <= step <= 10 and (end - start) % step == 0):
            raise ValueError(f"bad wavelength range {wavelength_range_nm!r}")
        if not 1 <= max_integration_ms <= 60_000:
            raise ValueError(f"max_integration_ms must be 1-60000, got {max_integration_ms!r}")
        self.wavelength_range_nm = (start, end, step)
        self.max_integration_ms = int(max_integration_ms)
        self.info: MeterInfo | None = None

    # -- exchanges
    def _read_byte(self, deadline: float, wanted: tuple[int, ...], what: str) -> int:
        while True:
            byte = self.link.read_exact(1, deadline, what=what)[0]
            if byte in wanted or byte == NAK:
                return byte
            # anything else (ENQ, Bluetooth "AT+JSCR" noise) is skipped

    def _raise_error(self) -> None:
        self.link.send(encode_command("*STAT:ERR?"))
        line = self.link.read_until(b"\r", self.link.deadline(), what="error code")
        with self.port_errors():
            code = parse_error_code(line)
        raise error_for_code(code, port=self.port)

    def _setting(self, command: str) -> None:
        def attempt() -> int:
            self.link.send(encode_command(command))
            return self._read_byte(self.link.deadline(), (ACK,), what=f"ACK to {command}")

        if retry_once(attempt, on=(MeterTimeout,)) == NAK:
            self._raise_error()

    def _query(self, command: str) -> str:
        def attempt() -> str:
            self.link.send(encode_command(command))
            deadline = self.link.deadline()
            while True:
                line = self.link.read_until(b"\r", deadline, what=f"reply to {command}")
                if NAK in line:
                    self._raise_error()
                text = strip_noise(line).decode("ascii", "replace").strip()
                if text and not text.startswith("AT+JSCR"):
                    return text

        return retry_once(attempt, on=(MeterTimeout,))

    def identify(self) -> MeterInfo:
        """Get the identity string (``*IDN?``), e.g. ``JETI_SB1211 ...``."""
        identity = self._query("*IDN?")
        return MeterInfo(model=self.model, identity=identity)

    def _handshake(self) -> None:
        """Control the link: identify, then configure auto exposure, range, averaging, format."""
        self.info = self.identify()
        start, end, step = self.wavelength_range_nm
        for command in (
            "*CONF:EXPO 1",
            f"*CONF:MAXTINT {self.max_integration_ms}",
            f"*CONF:WRAN {start} {end} {step}",
            "*CONF:AVER 1",
            "*CONF:FORM 4",
        ):
            self._setting(command)

    @property
    def wavelength_nm(self) -> npt.NDArray[np.float64]:
        """Get the wavelengths [nm] of the configured range."""
        import numpy as np

        start, end, step = self.wavelength_range_nm
        return np.arange(start, end + step, step, dtype=np.float64)

    def read(self) -> SpectralReading:
        """Measure the spectral irradiance [W m⁻² nm⁻¹] over the configured range (*MEAS:SPRAD)."""
        self.connect()
        wavelengths = self.wavelength_nm

        def attempt() -> SpectralReading:
            self.link.send(encode_command("*MEAS:SPRAD"))
            reply = self._read_byte(self.link.deadline(), (ACK,), what="ACK to *MEAS:SPRAD")
            if reply == NAK:
                self._raise_error()
            done = self.link.deadline(self.max_integration_ms / 1000 + self.link.timeout_s)
            if self._read_byte(done, (BEL,), what="end of measurement (BEL)") == NAK:
                self._raise_error()
            block = self.link.read_until(b"\r\r", self.link.deadline(), what="spectrum")
            with self.port_errors():
                values = parse_spectrum_block(block, wavelengths.size)
            return SpectralReading(
                model=self.model,
                taken_at=utc_now(),
                raw=(block,),
                wavelength_nm=wavelengths,
                spectral_values=values,
                unit="W/(m2 nm)",
            )

        return retry_once(attempt)


__all__ = [
    "ERROR_CODES",
    "JetiSpecbos",
    "encode_command",
    "error_for_code",
    "parse_error_code",
    "parse_spectrum_block",
]
