"""Emulator contract (pvlib's one-suite-two-backends habit): every driver against its emulator,
emu:// and pty.

Source: the behaviour each emulator documents (the emulator modules' docstrings,
after the makers' documents and the waveform record format) — the same checks run on the in-process
handler and on a real pseudo-terminal through pyserial's POSIX code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from luxcheck.drivers import (
    MeterReading,
    PhotometricReading,
    SampledWaveform,
    SpectralReading,
)

from .helpers import MODELS, open_emulated, pty_meter

PARAMS = {
    "t-10a": {"lux": "512"},
    "cl-200a": {"lux": "27.3", "cct": "4500", "duv": "0.002"},
    "lutron-16": {"lux": "1234.5"},
    "jeti-specbos": {"lux": "500"},
    "waveform-stream": {"rate": "10000", "freq": "100", "percent": "20"},
}


def check_reading(model: str, reading: MeterReading) -> None:
    """The reading carries what the emulator was told to produce."""
    assert reading.model == model
    assert reading.raw
    assert all(isinstance(r, bytes) for r in reading.raw)
    if model == "t-10a":
        assert isinstance(reading, PhotometricReading)
        assert reading.illuminance_lx == 512.0
    elif model == "cl-200a":
        assert isinstance(reading, PhotometricReading)
        assert reading.illuminance_lx == pytest.approx(27.3)
        assert reading.cct_K == 4500.0
        assert reading.duv == pytest.approx(0.002)
        assert pytest.approx(27.3) == reading.Y
        assert reading.x is not None
        assert reading.y is not None
    elif model == "lutron-16":
        assert isinstance(reading, PhotometricReading)
        assert reading.illuminance_lx == pytest.approx(1234.5)
    elif model == "jeti-specbos":
        assert isinstance(reading, SpectralReading)
        assert reading.wavelength_nm[0] == 380
        assert reading.wavelength_nm[-1] == 780
        assert reading.spectral_values.shape == (401,)
        assert np.all(reading.spectral_values > 0)
    else:
        assert isinstance(reading, SampledWaveform)
        assert reading.sample_rate_hz == 10000
        assert reading.samples.size == 500  # duration 0.05 s
        s = reading.samples.astype(float)
        percent = 100 * (s.max() - s.min()) / (s.max() + s.min() - 2 * reading.dark_level)
        assert percent == pytest.approx(20, abs=0.5)


@pytest.mark.parametrize("model", MODELS)
def test_driver_reads_its_emulator_in_process(model: str) -> None:
    """emu:// path: handshake, one reading, the values the emulator was given."""
    with open_emulated(model, **PARAMS[model]) as meter:
        check_reading(model, meter.read())
        check_reading(model, meter.read())  # a second reading on the same connection


@pytest.mark.parametrize("model", MODELS)
def test_driver_reads_its_emulator_on_a_pty(model: str) -> None:
    """pty path: the same contract through pyserial's POSIX serial class."""
    with pty_meter(model, **PARAMS[model]) as meter:
        check_reading(model, meter.read())


@pytest.mark.parametrize("model", MODELS)
def test_construction_sends_nothing(model: str) -> None:
    """Opening a meter does not talk to it (pymeasure's empty-protocol test)."""
    with open_emulated(model) as meter:
        emulator = meter.link.transport.emulator  # type: ignore[attr-defined]
        assert not emulator._inbuf
        assert not emulator._out
        assert not meter.connected


def test_values_are_never_nan() -> None:
    """Photometric fields are numbers or None, never NaN (analytic: nothing invented)."""
    with open_emulated("cl-200a") as meter:
        for value in meter.read().values().values():
            assert value is None or math.isfinite(value)
