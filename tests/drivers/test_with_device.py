"""Hardware tests: the emulator contract against a real meter (pymeasure's connected-device
fixture).

Skipped unless ``--meter-url`` is given, e.g.::

    pytest tests/drivers/test_with_device.py --meter-url /dev/ttyUSB0 --meter-model t-10a

Physical setup: the meter switched on, connected through its USB adapter (Konica: the FTDI
T-A15/T-A20 adapter; JETI: USB cable, irradiance diffuser fitted; Lutron: RS-232/USB cable with
the meter's data output on), under a steady lamp of roughly 100–2000 lx.
"""

from __future__ import annotations

import math

import pytest
from luxcheck.drivers import (
    MODELS,
    PhotometricReading,
    SampledWaveform,
    SpectralReading,
    open_meter,
)

pytestmark = pytest.mark.hardware


@pytest.fixture
def meter_model(request: pytest.FixtureRequest, meter_url: str) -> str:
    model = request.config.getoption("--meter-model")
    if model not in MODELS:
        pytest.skip(f"give --meter-model, one of {', '.join(MODELS)}")
    return str(model)


def test_one_reading_from_the_real_meter(meter_url: str, meter_model: str) -> None:
    """A real meter answers the handshake and gives a plausible reading of a lamp."""
    with open_meter(meter_url, meter_model, timeout_s=3.0) as meter:
        reading = meter.read()
    if isinstance(reading, PhotometricReading):
        assert math.isfinite(reading.illuminance_lx)
        assert reading.illuminance_lx >= 0
    elif isinstance(reading, SpectralReading):
        assert reading.spectral_values.size == reading.wavelength_nm.size
    else:
        assert isinstance(reading, SampledWaveform)
        assert reading.samples.size > 0


def test_two_readings_in_a_row(meter_url: str, meter_model: str) -> None:
    """The connection stays usable for a second reading (no flush-after-write bug, §1.8)."""
    with open_meter(meter_url, meter_model, timeout_s=3.0) as meter:
        first, second = meter.read(), meter.read()
    assert first.model == second.model == meter_model
