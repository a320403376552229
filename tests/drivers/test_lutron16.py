"""Lutron-type 16-byte stream: the manual's example frame, field checks, fuzzing.

Source: the "RS-232 PC serial interface" section of the Lutron LX-1108 operation manual.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from luxcheck.drivers import Lutron16, MeterProtocolError
from luxcheck.drivers.lutron16 import LUX_PER_FOOTCANDLE, encode_frame, parse_frame
from luxcheck.drivers.testing import expected_exchange

from .helpers import corrupted

EXAMPLE = bytes.fromhex("02 34 31 31 35 30 31 30 30 30 31 32 33 34 35 0D")  # §2b: 1234.5 lx


def test_manual_example_frame() -> None:
    """§2b (Lutron YK-2005LX manual): lux, +, 1 decimal, digits 00012345 → 1234.5 lx."""
    assert parse_frame(EXAMPLE) == (1234.5, "lx", 1)
    assert encode_frame(1234.5) == EXAMPLE


def test_lf_terminator_negative_and_footcandle() -> None:
    """§2b: accept LF as the end word; polarity '1' is negative; unit 16 = foot-candle."""
    assert parse_frame(EXAMPLE[:-1] + b"\n")[0] == 1234.5
    assert parse_frame(encode_frame(-3.25, decimals=2))[0] == -3.25
    frame = encode_frame(10.0, decimals=1, unit="fc")
    with expected_exchange(Lutron16, [(None, b"123" + frame)]) as meter:
        reading = meter.read()
    assert reading.illuminance_lx == pytest.approx(10.0 * LUX_PER_FOOTCANDLE)
    assert reading.flags == {"unit-fc"}


def test_driver_skips_lower_display_and_resyncs_after_a_bad_frame() -> None:
    """§2b driver rule: sync on 0x02, check digits; a lower-display frame is not the reading."""
    bad = EXAMPLE[:5] + b"A" + EXAMPLE[6:]
    stream = b"\x02\x02" + bad + encode_frame(7.0, display=2) + encode_frame(512.0)
    with expected_exchange(Lutron16, [(None, stream)]) as meter:
        reading = meter.read()
    assert reading.illuminance_lx == 512.0
    assert reading.raw == (encode_frame(512.0),)


@pytest.mark.parametrize(
    "frame",
    [
        EXAMPLE[:-1] + b"X",
        EXAMPLE[:3] + b"99" + EXAMPLE[5:],  # unit code 99
        EXAMPLE[:9] + b"A" + EXAMPLE[10:],
        EXAMPLE[:6] + b"7" + EXAMPLE[7:],  # 7 decimals
        EXAMPLE[:15],
    ],
)
def test_bad_frames(frame: bytes) -> None:
    """§2b: terminator, unit, digits, decimals and length are all checked."""
    with pytest.raises(MeterProtocolError):
        parse_frame(frame)


#: Valid frames: any 8-digit value, decimals, unit and display, with a CR or LF end word.
VALID_FRAMES = st.builds(
    lambda digits, decimals, negative, unit, display, lf: (
        encode_frame(
            (-1 if negative else 1) * digits / 10**decimals,
            decimals=decimals,
            unit=unit,
            display=display,
        )[:-1]
        + (b"\n" if lf else b"\r")
    ),
    st.integers(0, 99_999_999),
    st.integers(0, 3),
    st.booleans(),
    st.sampled_from(("lx", "fc")),
    st.sampled_from((1, 2)),
    st.booleans(),
)


def test_fuzz_parse_frame() -> None:
    """Hypothesis: any bytes parse to a value or raise MeterProtocolError, nothing else.

    Arbitrary bytes and valid frames with 0-3 random edits, so the checks after the length and
    start byte are reached and some examples parse (their post-parse checks run).
    """
    outcomes: Counter[str] = Counter()

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.binary(min_size=0, max_size=20), corrupted(VALID_FRAMES)))
    def run(data: bytes) -> None:
        try:
            value, unit, display = parse_frame(data)
        except MeterProtocolError:
            outcomes["refused"] += 1
            return
        outcomes["parsed"] += 1
        assert unit in ("lx", "fc")
        assert display in (1, 2)
        assert abs(value) <= 99_999_999

    run()
    assert outcomes["parsed"] > 0
    assert outcomes["refused"] > 0


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 99_999_999), st.integers(0, 3))
def test_encode_parse_round_trip(digits: int, decimals: int) -> None:
    """Hypothesis: parse(encode(v)) = v for every 8-digit value and decimal count."""
    value = digits / 10**decimals
    assert parse_frame(encode_frame(value, decimals=decimals))[0] == pytest.approx(value)
