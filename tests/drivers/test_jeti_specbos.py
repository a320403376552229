"""JETI specbos driver: the §3.5 exchange, NAK → error code, spectrum block, emulator spectrum.

Sources: JETI's "specbos 1211 firmware command reference" (ACK/NAK/BEL/ENQ); error codes as in
ArgyllCMS spectro/specbos.h; the example exchange of PySpecbos1211 and its FakeSerial test;
colour-science 0.4.7 as oracle for the emulated white LED (illuminance, CCT).
"""

from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from luxcheck.drivers import JetiSpecbos, MeterDeviceFault, MeterOverRange, MeterProtocolError
from luxcheck.drivers.emulators.jeti_specbos import white_led_spectrum
from luxcheck.drivers.jeti_specbos import parse_error_code, parse_spectrum_block
from luxcheck.drivers.testing import expected_exchange

from .helpers import corrupted

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


#: Valid 3-value blocks: finite values written as the meter does (plain or exponent form).
VALID_BLOCKS = st.lists(
    st.tuples(
        st.floats(-1e30, 1e30, allow_nan=False, allow_infinity=False),
        st.sampled_from(("{:g}", "{:.6e}", "{:.4f}")),
    ),
    min_size=3,
    max_size=3,
).map(lambda vs: b"".join(fmt.format(v).encode() + b"\r" for v, fmt in vs) + b"\r")


def test_fuzz_spectrum_block() -> None:
    """Hypothesis: arbitrary bytes give an array of finite values or MeterProtocolError.

    Arbitrary bytes and valid blocks with 0-3 random edits, so the per-line number checks and
    the count check are reached and some examples parse (their post-parse checks run).
    """
    outcomes: Counter[str] = Counter()

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.binary(max_size=60), corrupted(VALID_BLOCKS)))
    def run(data: bytes) -> None:
        try:
            values = parse_spectrum_block(data, 3)
        except MeterProtocolError:
            outcomes["refused"] += 1
            return
        outcomes["parsed"] += 1
        assert values.shape == (3,)
        assert np.all(np.isfinite(values))

    run()
    assert outcomes["parsed"] > 0
    assert outcomes["refused"] > 0


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
