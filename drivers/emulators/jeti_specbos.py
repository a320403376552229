"""JETI specbos emulator (JETI "specbos 1211 firmware command reference") with a white-LED
spectrum.

Commands end in CR and are case-insensitive. Settings (``*CONF:EXPO|MAXTINT|TINT|WRAN|AVER|FORM``)
answer ACK, or NAK with the error register set (``*STAT:ERR?`` → ``Error Code: <n>``).
``*IDN?``, ``*VERS?``, ``*CONTR:MHEAD?`` answer text. ``*MEAS:SPRAD`` answers ACK, then BEL after
the integration time ``tint_ms``, then the spectrum block ``<v>\\r ... \\r\\r`` (``*CONF:FORM 4``
only). Unknown commands, and commands with a LF, get NAK with error 4.

Spectrum model (a documented stand-in, not a measured lamp): a phosphor-converted white LED as
the sum of two Gaussians in wavelength — a blue pump at ``blue_nm`` (FWHM 20 nm) and a phosphor
band at ``phosphor_nm`` (FWHM 120 nm) with peak height ratio ``blue`` (blue / phosphor). It is
scaled so that 683 lm/W × Σ S(λ) V(λ) Δλ = ``lux``, with V(λ) by the Gaussian approximation
V(λ) ≈ 1.019 exp(−285.4 (λ/µm − 0.559)²) — so the photometric value is ``lux`` to within the
approximation's error (a few per cent against the CIE table).

Extra faults: ``error`` (NAK on the measurement, ``Error Code`` = ``error_code``),
``over-range`` (NAK, error 120 overexposed), ``enq`` (ENQ bytes before ACK and the block),
``stale`` (the previous spectrum block arrives before the ACK), ``bad-block`` (a value line is
not a number), ``wrong-length`` (one value missing).
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from ..jeti_specbos import ACK, BEL, ENQ, NAK, JetiSpecbos
from .base import GENERIC_FAULTS, Emulator, Param

_FWHM_TO_SIGMA = 1.0 / (2.0 * math.sqrt(2.0 * math.log(2.0)))
K_M = 683.002  # lm/W


def photopic_approx(wavelength_nm: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Get the Gaussian approximation of the CIE photopic V(λ) (peak 1.019 at 559 nm)."""
    um = wavelength_nm / 1000.0
    return 1.019 * np.exp(-285.4 * (um - 0.559) ** 2)


def white_led_spectrum(
    wavelength_nm: npt.NDArray[np.float64],
    *,
    lux: float,
    blue: float = 0.9,
    blue_nm: float = 450.0,
    phosphor_nm: float = 570.0,
) -> npt.NDArray[np.float64]:
    """Get a white-LED spectral irradiance [W m⁻² nm⁻¹] whose illuminance is ``lux``."""

    def band(peak: float, fwhm: float) -> npt.NDArray[np.float64]:
        sigma = fwhm * _FWHM_TO_SIGMA
        return np.exp(-0.5 * ((wavelength_nm - peak) / sigma) ** 2)

    shape = blue * band(blue_nm, 20.0) + band(phosphor_nm, 120.0)
    step = float(wavelength_nm[1] - wavelength_nm[0]) if wavelength_nm.size > 1 else 1.0
    ev_per_unit = K_M * float(np.sum(shape * photopic_approx(wavelength_nm))) * step
    return shape * (lux / ev_per_unit)


class JetiSpecbosEmulator(Emulator):
    """Behavioural specbos 1211: ACK/NAK/BEL, error register, integration delay, ASCII block."""

    model: ClassVar[str] = "jeti-specbos"
    line = JetiSpecbos.line
    FAULTS: ClassVar[frozenset[str]] = GENERIC_FAULTS | {
        "error",
        "over-range",
        "enq",
        "stale",
        "bad-block",
        "wrong-length",
    }
    PARAMS: ClassVar[dict[str, Param]] = {
        "lux": Param(500.0, "illuminance of the simulated light [lx]", 0.0),
        "blue": Param(0.9, "blue / phosphor peak height ratio", 0.0, 10.0),
        "blue_nm": Param(450.0, "blue pump peak [nm]", 400.0, 500.0),
        "phosphor_nm": Param(570.0, "phosphor band peak [nm]", 500.0, 650.0),
        "tint_ms": Param(200.0, "integration time of a measurement [ms]", 0.0, 60000.0),
        "error_code": Param(121, "error code of the 'error' fault", 1, 999),
        "serial": Param("EMU0001", "serial number in *IDN?"),
    }
    GARBAGE: ClassVar[bytes] = b"AT+JSCR\r\n"

    def __init__(self, params: Any = None, **kw: Any) -> None:
        super().__init__(params, **kw)
        self.wran = (380, 780, 1)
        self.form = 4
        self.error = 0
        self.last_block: bytes | None = None

    def handle_input(self) -> None:
        """Take complete CR-terminated commands."""
        while True:
            end = self._inbuf.find(b"\r")
            if end < 0:
                return
            text = bytes(self._inbuf[:end]).decode("ascii", "replace")
            del self._inbuf[: end + 1]
            self.command(text)

    def nak(self, code: int) -> None:
        """Refuse a command and remember why."""
        self.error = code
        self.emit(bytes([NAK]))

    def command(self, text: str) -> None:
        """Act on one command line."""
        if "\n" in text:
            self.nak(4)
            return
        words = text.strip().split()
        if not words:
            return
        cmd, args = words[0].upper(), words[1:]
        queries = {
            "*IDN?": f"JETI_SB1211 luxcheck-emulator {self.p['serial']}",
            "*VERS?": "3.12",
            "*CONTR:MHEAD?": "mhead: 1",
            "*STAT:ERR?": f"Error Code: {self.error}",
            "*STAT:TXTERR?": f"error {self.error}",
        }
        if cmd in queries:
            self.emit(queries[cmd].encode("ascii") + b"\r")
        elif cmd.startswith("*CONF:"):
            self.setting(cmd[6:], args)
        elif cmd == "*MEAS:SPRAD":
            self.measure()
        else:
            self.nak(4)

    def setting(self, name: str, args: list[str]) -> None:
        """Apply a *CONF setting (ACK) or refuse it (NAK, argument error 10)."""
        try:
            numbers = [int(a) for a in args]
        except ValueError:
            self.nak(10)
            return
        ok = {
            "EXPO": len(numbers) == 1 and numbers[0] in (1, 2),
            "MAXTINT": len(numbers) == 1 and 1 <= numbers[0] <= 60000,
            "TINT": len(numbers) == 1 and 1 <= numbers[0] <= 60000,
            "AVER": len(numbers) == 1 and 1 <= numbers[0] <= 100,
            "FORM": len(numbers) == 1 and numbers[0] == 4,
            "WRAN": len(numbers) == 3
            and 200 <= numbers[0] < numbers[1] <= 1100
            and 1 <= numbers[2] <= 10
            and (numbers[1] - numbers[0]) % numbers[2] == 0,
        }.get(name)
        if ok is None:
            self.nak(4)
        elif not ok:
            self.nak(10)
        else:
            if name == "WRAN":
                self.wran = (numbers[0], numbers[1], numbers[2])
            self.emit(bytes([ACK]))

    def spectrum(self) -> npt.NDArray[np.float64]:
        """Get the simulated spectrum over the configured range [W m⁻² nm⁻¹]."""
        start, end, step = self.wran
        wl = np.arange(start, end + step, step, dtype=np.float64)
        return white_led_spectrum(
            wl,
            lux=self.noisy(float(self.p["lux"])),
            blue=float(self.p["blue"]),
            blue_nm=float(self.p["blue_nm"]),
            phosphor_nm=float(self.p["phosphor_nm"]),
        )

    def measure(self) -> None:
        """ACK, integrate, BEL, then the spectrum block (with this reply's faults)."""
        faults = self.faults.next_reply()
        enq = bytes([ENQ]) if "enq" in faults else b""
        if "stale" in faults and self.last_block is not None:
            self.emit(self.last_block)
        if "error" in faults or "over-range" in faults:
            self.emit(enq)
            self.nak(120 if "over-range" in faults else int(self.p["error_code"]))
            return
        self.emit(enq + bytes([ACK]))
        values = self.spectrum()
        lines = [f"{v:.6e}".encode("ascii") for v in values]
        if "bad-block" in faults:
            lines[len(lines) // 2] = b"1.2x3e-03"
        if "wrong-length" in faults:
            lines = lines[:-1]
        block = b"\r".join(lines) + b"\r\r"
        self.last_block = block
        tint = float(self.p["tint_ms"]) / 1000.0
        self.reply(enq + bytes([BEL]) + enq + block, delay_s=tint, faults=faults)


EMULATOR = JetiSpecbosEmulator
