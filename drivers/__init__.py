"""Meter drivers (installed as ``luxcheck.drivers``): transport → protocol → device.

Open a meter by model slug and URL, read one reading, close::

    from luxcheck.drivers import open_meter

    with open_meter("emu://cl-200a?lux=512", "cl-200a") as meter:
        reading = meter.read()          # PhotometricReading: illuminance_lx, x, y, cct_K, ...

Every error is a :class:`MeterError` (a :class:`luxcheck.errors.DeviceError`, exit code 3):
:class:`MeterTimeout`, :class:`MeterProtocolError` (``.raw``), :class:`MeterOverRange`,
:class:`MeterLowBattery`, :class:`MeterDeviceFault` (``.code``) and :class:`MeterDisconnected`
(``.port``). After a disconnect, ``meter.reconnect()`` reopens the same URL.
"""

from __future__ import annotations

from typing import cast

from luxcheck.errors import InputError

from .base import (
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

#: Model slug → driver class (DESIGN §5).
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
        Passed to the driver class: ``heads=(0, 1)`` (Konica), ``wait_scale=0.1``,
        ``max_integration_ms`` and ``wavelength_range_nm`` (JETI), ``duration_s`` (waveform).

    Returns
    -------
    Meter
        The driver on the open port; ``reconnect()`` reopens ``url``.
    """
    cls = driver_class(model)
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
    "MODELS",
    "T10A",
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
    "open_meter",
    "open_transport",
]
