"""CL-200A chroma meter emulator ("Konica Minolta CL-200A Communication Specifications").

States ``OFF → PC (54) → HOLD (55 1) → EXT (40 10, per head)``. A ``40 21`` broadcast latches a
new measurement into every head in EXT mode, ready ``measure_s`` later; a read sooner answers
RNG ``0`` (read too early). A read without EXT mode answers ERR ``4``; ``40 10`` without HOLD
answers ERR ``4``.

Values: the light is given by its illuminance ``lux``, correlated colour temperature ``cct``
and ``duv``. The chromaticity is the Planckian locus point at ``cct`` in the CIE 1960 (u, v)
diagram, by Krystek's rational approximation (Krystek 1985, valid 1000–15 000 K), moved by
``duv`` along the locus normal (positive = above the locus, towards +v, as Ohno 2013 defines
Duv). Then u′ = u, v′ = 1.5 v, x = 3u / (2u − 8v + 4), y = 2v / (2u − 8v + 4), Y = Ev,
X = x Y / y, Z = (1 − x − y) Y / y. The meter's Tcp/Δuv are ``cct`` and ``duv`` themselves.

Over range: ERR ``5`` above 99 990 lx (the CL-200A's display limit) or with the fault.

Extra faults: ``range`` (RNG ``6``), ``low-luminance`` (ERR ``6``), ``tcp-range`` (ERR ``7`` on
command 08) — see :mod:`luxcheck.drivers.emulators.konica` for the rest.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from .base import Param
from .konica import KONICA_FAULTS, KonicaEmulator, range_digit

MAX_LUX = 99_990.0


def planck_uv(cct_K: float) -> tuple[float, float]:
    """Get the CIE 1960 (u, v) of the Planckian locus at ``cct_K`` (Krystek 1985)."""
    t = cct_K
    u = (0.860117757 + 1.54118254e-4 * t + 1.28641212e-7 * t * t) / (
        1 + 8.42420235e-4 * t + 7.08145163e-7 * t * t
    )
    v = (0.317398726 + 4.22806245e-5 * t + 4.20481691e-8 * t * t) / (
        1 - 2.89741816e-5 * t + 1.61456053e-7 * t * t
    )
    return u, v


def chromaticity(cct_K: float, duv: float) -> dict[str, float]:
    """Get u′, v′, x, y of a light ``duv`` off the Planckian locus at ``cct_K``."""
    u0, v0 = planck_uv(cct_K)
    u1, v1 = planck_uv(cct_K + 1.0)
    du, dv = u1 - u0, v1 - v0
    norm = math.hypot(du, dv)
    nu, nv = -dv / norm, du / norm
    if nv < 0:
        nu, nv = -nu, -nv
    u, v = u0 + duv * nu, v0 + duv * nv
    d = 2 * u - 8 * v + 4
    return {"u_prime": u, "v_prime": 1.5 * v, "x": 3 * u / d, "y": 2 * v / d}


class CL200AEmulator(KonicaEmulator):
    """Behavioural CL-200A: PC/HOLD/EXT state machine, latched measurements, status codes."""

    model: ClassVar[str] = "cl-200a"
    FAULTS: ClassVar[frozenset[str]] = KONICA_FAULTS | {"range", "low-luminance", "tcp-range"}
    PARAMS: ClassVar[dict[str, Param]] = {
        **KonicaEmulator.HEAD_PARAMS,
        "cct": Param(4500.0, "correlated colour temperature [K]", 1000.0, 15000.0),
        "duv": Param(0.002, "distance from the Planckian locus", -0.05, 0.05),
        "measure_s": Param(0.5, "time from 40 21 until the data are ready [s]", 0.0, 60.0),
    }

    def __init__(self, params: Any = None, **kw: Any) -> None:
        super().__init__(params, **kw)
        self.ext: set[int] = set()
        self.latched: dict[int, dict[str, float]] = {}
        self.ready_at = math.inf

    def model_command(self, head: int, command: str, param: str) -> None:
        """Act on 40 (EXT set / measure) and the read commands 01, 02, 03, 08."""
        if command == "40" and head == 99 and param.startswith("21"):
            self.latch()
        elif command == "40" and param.startswith("10"):
            err = " " if self.hold else "4"
            if self.hold:
                self.ext.add(head)
            self.send(build(head, "40", self.status(err)))
        elif command in ("01", "02", "03", "08"):
            self.read(head, command)

    def latch(self) -> None:
        """Take a new measurement in every head in EXT mode."""
        cct, duv = float(self.p["cct"]), float(self.p["duv"])
        for head in sorted(self.ext):
            ev = self.noisy(self.per_head("lux", head))
            c = chromaticity(cct, duv)
            y_ = c["y"]
            self.latched[head] = {
                "ev": ev,
                **c,
                "cct": cct,
                "duv": duv,
                "X": c["x"] * ev / y_,
                "Y": ev,
                "Z": (1 - c["x"] - y_) * ev / y_,
            }
        self.ready_at = self.now() + self.scaled(float(self.p["measure_s"]))

    def read(self, head: int, command: str) -> None:
        """Answer a read command from the latched values."""
        values = self.latched.get(head)
        if head not in self.ext:
            self.send_data(head, command, "4", "0", ("      ",) * 3)
            return
        if values is None or self.now() < self.ready_at:
            self.send_data(head, command, " ", "0", ("      ",) * 3)
            return
        ev = values["ev"]
        err = "5" if ev > MAX_LUX else " "
        n = self.number
        fields = {
            "02": (n(ev), n(values["x"], fixed=True), n(values["y"], fixed=True)),
            "03": (n(ev), n(values["u_prime"], fixed=True), n(values["v_prime"], fixed=True)),
            "08": (n(ev), n(round(values["cct"])), n(values["duv"], fixed=True)),
            "01": (n(values["X"]), n(values["Y"]), n(values["Z"])),
        }[command]
        if err == "5":
            fields = ("      ",) * 3
        self.send_data(head, command, err, range_digit(ev), fields)

    def model_faults(
        self, faults: frozenset[str], command: str, err: str, rng: str
    ) -> tuple[str, str]:
        """Apply the CL-200A status faults: range (RNG 6), low-luminance, tcp-range."""
        if "range" in faults:
            rng = "6"
        if "low-luminance" in faults and err == " ":
            err = "6"
        if "tcp-range" in faults and command == "08" and err == " ":
            err = "7"
        return err, rng


def build(head: int, command: str, status: str) -> bytes:
    """Build a short reply frame."""
    from .konica import build_frame

    return build_frame(head, command, status)


EMULATOR = CL200AEmulator
