"""Meter drivers (installed as ``luxcheck.drivers``): transport → protocol → device.

Open a meter by model slug and URL, read one reading, close::

    from luxcheck.drivers import open_meter

    with open_meter("emu://cl-200a?lux=512", "cl-200a") as meter:
        reading = meter.read()          # PhotometricReading: illuminance_lx, x, y, cct_K, ...

Every error is a :class:`MeterError` (a :class:`luxcheck.errors.DeviceError`, exit code 3):
:class:`MeterTimeout`, :class:`MeterProtocolError` (``.raw``), :class:`MeterOverRange`,
:class:`MeterLowBattery`, :class:`MeterDeviceFault` (``.code``) and :class:`MeterDisconnected`
(``.port``). After a disconnect, ``meter.reconnect()`` reopens the same URL.

What sets a model apart is declared on its driver class (see :class:`Meter`): the session
roles it measures (``roles``), its keyword options (``options``, each a :class:`DriverOption`)
and its receptor head numbers (``head_numbers``). Callers consult these, never the model slug.
"""

from __future__ import annotations

from typing import cast

from luxcheck.errors import InputError

from .base import (
    DRIVER_ROLES,
    DriverOption,
    LineSettings,
    Meter,
    MeterDeviceFault,
    MeterDisconnected,
    MeterError,
    MeterInfo,
    MeterLowBattery,
    MeterOverRange,
    MeterProtocolError,
    MeterReading,
    MeterTimeout,
    PhotometricReading,
    SampledWaveform,
    SpectralReading,
    Transport,
)
from .jeti_specbos import JetiSpecbos
from .konica_cl200a import CL200A
from .konica_t10a import T10A
from .lutron16 import Lutron16
from .transport import open_transport
from .waveform_stream import WaveformStream

#: Model slug → driver class. For each role, the first model that measures it is the default.
DRIVERS: dict[str, type[Meter]] = {
    cls.model: cls for cls in (T10A, CL200A, Lutron16, JetiSpecbos, WaveformStream)
}
MODELS: tuple[str, ...] = tuple(DRIVERS)
PORT_POLL_S = 0.05


def driver_class(model: str) -> type[Meter]:
    """Get the driver class of a model slug; an unknown slug raises ``InputError``."""
    try:
        return DRIVERS[model]
    except KeyError:
        raise InputError(
            f"unknown meter model {model!r}; expected one of {', '.join(MODELS)}", column="model"
        ) from None


def models_for(role: str) -> tuple[str, ...]:
    """Get the model slugs whose driver measures ``role`` (one of :data:`DRIVER_ROLES`)."""
    if role not in DRIVER_ROLES:
        raise ValueError(f"no meter driver measures {role!r}")
    return tuple(model for model, cls in DRIVERS.items() if role in cls.roles)


def open_meter(
    url: str,
    model: str,
    *,
    timeout_s: float = 2.0,
    line: LineSettings | None = None,
    **options: object,
) -> Meter:
    """Open the meter ``model`` at ``url`` (nothing is sent until the first read).

    Parameters
    ----------
    url
        Device path (``/dev/ttyUSB0``, ``COM3``) or pyserial URL (``socket://``, ``spy://``,
        ``emu://MODEL?...`` for an emulator).
    model
        Model slug: ``t-10a``, ``cl-200a``, ``lutron-16``, ``jeti-specbos``, ``waveform-stream``.
    timeout_s
        Deadline for one reply [s].
    line
        Override the model's line settings (e.g. a JETI on Bluetooth at 115200 8N1).
    **options
        The driver class's own options, as its ``options`` declare them: ``heads=(0, 1)`` and
        ``wait_scale=0.1`` (Konica), ``max_integration_ms`` and ``wavelength_range_nm`` (JETI),
        ``duration_s`` (waveform). An option the model does not declare is an ``InputError``.

    Returns
    -------
    Meter
        The driver on the open port; ``reconnect()`` reopens ``url``.
    """
    cls = driver_class(model)
    unknown = [name for name in options if cls.option(name) is None]
    if unknown:
        takes = ", ".join(o.name for o in cls.options) or "none"
        raise InputError(
            f"bad option for {model}: {', '.join(unknown)} (its options: {takes})",
            column="options",
        )
    settings = cls.line if line is None else line

    def opener() -> Transport:
        # The driver's Link enforces each reply deadline (timeout_s); the port's own timeout is
        # only how long one read() may block, kept short so deadlines are met closely.
        port = open_transport(url, line=settings, timeout_s=min(timeout_s, PORT_POLL_S))
        return cast(Transport, port)

    transport = opener()
    try:
        return cls(transport, timeout_s=timeout_s, opener=opener, **options)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        transport.close()
        raise InputError(f"bad option for {model}: {exc}", column="options") from None


__all__ = [
    "CL200A",
    "DRIVERS",
    "DRIVER_ROLES",
    "MODELS",
    "T10A",
    "DriverOption",
    "JetiSpecbos",
    "LineSettings",
    "Lutron16",
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
    "WaveformStream",
    "driver_class",
    "models_for",
    "open_meter",
    "open_transport",
]
