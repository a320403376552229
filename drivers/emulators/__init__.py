"""Meter emulators with fault injection (``emu://MODEL?...`` in-process, or on a pseudo-terminal).

``EMULATORS`` maps each model slug to its emulator class. :func:`make_emulator` builds one from
options given as text (a URL query or ``luxcheck emulate --set``); see
:mod:`luxcheck.drivers.emulators.base` for the common options and faults.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any

from .base import Emulator, FaultPlan
from .jeti_specbos import JetiSpecbosEmulator
from .konica_cl200a import CL200AEmulator
from .konica_t10a import T10AEmulator
from .lutron16 import Lutron16Emulator
from .waveform_stream import WaveformStreamEmulator

#: Model slug → emulator class.
EMULATORS: dict[str, type[Emulator]] = {
    cls.model: cls
    for cls in (
        T10AEmulator,
        CL200AEmulator,
        Lutron16Emulator,
        JetiSpecbosEmulator,
        WaveformStreamEmulator,
    )
}


def emulator_class(model: str) -> type[Emulator]:
    """Get the emulator class of a model slug; unknown slugs raise ``ValueError``."""
    try:
        return EMULATORS[model.lower()]
    except KeyError:
        raise ValueError(
            f"no emulator for model {model!r}; expected one of {', '.join(EMULATORS)}"
        ) from None


def make_emulator(
    model: str, params: Mapping[str, Any] | None = None, *, faults: FaultPlan | None = None
) -> Emulator:
    """Build an emulator from options (text values are parsed and checked)."""
    return emulator_class(model)(params or {}, faults=faults)


def emulator_from_url(url: str) -> Emulator:
    """Build an emulator from ``emu://MODEL?key=value&fault=name...``."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() != "emu" or not parts.netloc:
        raise ValueError(f"expected emu://MODEL?options, got {url!r}")
    params = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    return make_emulator(parts.netloc, dict(params.items()))


__all__ = [
    "EMULATORS",
    "Emulator",
    "FaultPlan",
    "emulator_class",
    "emulator_from_url",
    "make_emulator",
]
