"""JETI specbos driver: the §3.5 exchange, NAK → error code, spectrum block, emulator spectrum.

Sources: meters.md §3.2 (ACK/NAK/BEL/ENQ), §3.4 (error codes), §3.5 (example exchange);
colour-science 0.4.7 as oracle for the emulated white LED (illuminance, CCT).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from luxcheck.drivers import JetiSpecbos, MeterDeviceFault, MeterOverRange, MeterProtocolError
from luxcheck.drivers.emulators.jeti_specbos import white_led_spectrum
from luxcheck.drivers.jeti_specbos import parse_error_code, parse_spectrum_block
from luxcheck.drivers.testing import expected_exchange

ACK, NAK, BEL, ENQ = b"\x06", b"\x15", b"\x07", b"\x05"
SETUP = [
    (b"*CONF:EXPO 1\r", ACK),
    (b"*CONF:MAXTINT 60000\r", ACK),
    (b"*CONF:WRAN 380 780 1\r", ACK),
    (b"*CONF:AVER 1\r", ACK),
    (b"*CONF:FORM 4\r", ACK),
]


def block(values: list[float]) -> bytes:
    return b"".join(f"{v:.5e}\r".encode() for v in values) + b"\r"


def test_example_exchange() -> None:
    """§3.5: *IDN?, the five *CONF settings (ACK each), *MEAS:SPRAD → ACK, BEL, 401 values."""
    values = list(np.linspace(0.001, 0.002, 401))
    pairs = [
        (b"*IDN?\r", b"JETI_SB1211 12345\r"),
        *SETUP,
        (b"*MEAS:SPRAD\r", ENQ + ACK + BEL + block(values)),
    ]
    with expected_exchange(JetiSpecbos, pairs) as meter:
        reading = meter.read()
        assert meter.info is not None
        assert meter.info.identity == "JETI_SB1211 12345"
    assert reading.wavelength_nm.tolist() == list(range(380, 781))
    assert reading.spectral_values == pytest.approx(values, rel=1e-5)
    assert reading.unit == "W/(m2 nm)"


@pytest.mark.parametrize(
    ("reply", "error", "code"),
    [
        (b"Error Code: 120\r", MeterOverRange, None),
        (b"Error Code: 121\r", MeterDeviceFault, "121"),
        (b"141\r", MeterDeviceFault, "141"),
    ],
)
def test_nak_then_error_query(reply: bytes, error: type[Exception], code: str | None) -> None:
    """§3.2: after a NAK ask *STAT:ERR?; §3.4: 120 overexposed → over range, others faults."""
    pairs = [
        (b"*IDN?\r", b"JETI_SB1211\r"),
        *SETUP,
        (b"*MEAS:SPRAD\r", NAK),
        (b"*STAT:ERR?\r", reply),
    ]
    with expected_exchange(JetiSpecbos, pairs) as meter, pytest.raises(error) as info:
        meter.read()
    if code is not None:
        assert info.value.code == code  # type: ignore[attr-defined]


def test_parse_error_code_forms() -> None:
    """§3.2: specbos 'Error Code: <n>', spectraval bare '<n>', ENQ/ACK noise stripped."""
    assert parse_error_code(b"Error Code: 120\r") == 120
    assert parse_error_code(b"\x0641\r") == 41
    with pytest.raises(MeterProtocolError):
        parse_error_code(b"busy\r")


def test_spectrum_block_checks() -> None:
    """§3.2: a block ends CR CR; every value a finite number; the count matches the range."""
    assert parse_spectrum_block(b"1.0\r2.5e-3\r\r", 2).tolist() == [1.0, 0.0025]
    for bad in (b"1.0\r2.0\r", b"1.0\rnan\r\r", b"1.0\rx\r\r", b"1.0\r\r"):
        with pytest.raises(MeterProtocolError):
            parse_spectrum_block(bad, 2)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=60))
def test_fuzz_spectrum_block(data: bytes) -> None:
    """Hypothesis: arbitrary bytes give an array of finite values or MeterProtocolError."""
    try:
        values = parse_spectrum_block(data, 3)
    except MeterProtocolError:
        return
    assert values.shape == (3,)
    assert np.all(np.isfinite(values))


def test_emulated_white_led_against_colour_oracle() -> None:
    """colour-science oracle: the emulated spectrum gives ≈ the requested lux and a white CCT."""
    colour = pytest.importorskip("colour")
    wl = np.arange(380.0, 781.0)
    spd = white_led_spectrum(wl, lux=500.0)
    sd = colour.SpectralDistribution(dict(zip(wl, spd, strict=True)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cmfs = colour.MSDS_CMFS["CIE 1931 2 Degree Standard Observer"]
        XYZ = colour.sd_to_XYZ(sd, cmfs, k=683.002)
        cct, _ = colour.temperature.uv_to_CCT_Ohno2013(colour.xy_to_UCS_uv(colour.XYZ_to_xy(XYZ)))
    assert XYZ[1] == pytest.approx(500.0, rel=0.03)  # Gaussian V(λ) approximation
    assert 3500 < cct < 6500
