"""luxcheck waveform stream: record format, checks, gaps, capture exchange (waveform_stream.py
docstring; modelled on the 12-byte record of the TU Liberec open-hardware flickermeter,
ProchyMicrochip/Flicker)."""

from __future__ import annotations

import struct
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from luxcheck.drivers import (
    MeterError,
    MeterLowBattery,
    MeterOverRange,
    MeterProtocolError,
    WaveformStream,
)
from luxcheck.drivers.testing import expected_exchange
from luxcheck.drivers.waveform_stream import (
    Records,
    check_sequence,
    encode_record,
    parse_record,
    parse_records,
    record_check,
)

from .helpers import corrupted


def test_record_layout_by_hand() -> None:
    """Documented layout: A5 5A | uint32 index | uint16 sample | uint16 status | uint16 check,
    little-endian, check = 0x5AA5 ^ idx_lo ^ idx_hi ^ sample ^ status (computed by hand)."""
    index, sample = 0x00012345, 0x1234
    check = 0x5AA5 ^ 0x2345 ^ 0x0001 ^ 0x1234 ^ 0
    assert record_check(index, sample, 0) == check
    expected = bytes.fromhex("a55a") + bytes.fromhex("45230100") + bytes.fromhex("3412")
    expected += b"\x00\x00" + struct.pack("<H", check)
    assert encode_record(index, sample) == expected
    assert parse_record(expected).sample == sample


def test_bad_check_and_reserved_bits() -> None:
    """A flipped bit anywhere fails the XOR check; reserved status bits are refused."""
    good = encode_record(7, 1000)
    for i in range(2, 12):
        flipped = good[:i] + bytes([good[i] ^ 0x10]) + good[i + 1 :]
        with pytest.raises(MeterProtocolError):
            parse_record(flipped)
    sync, index, sample, status = 0x5AA5, 7, 1000, 4
    raw = struct.pack("<HIHHH", sync, index, sample, status, 0x5AA5 ^ 7 ^ 0 ^ 1000 ^ 4)
    with pytest.raises(MeterProtocolError, match="reserved"):
        parse_record(raw)


def _run(*records: tuple[int, int, int]) -> Records:
    return parse_records(b"".join(encode_record(*r) for r in records))


def test_gap_saturation_battery() -> None:
    """A jump in index is a gap (never filled in); status bits raise over range / low battery."""
    with pytest.raises(MeterProtocolError, match="2 samples lost"):
        check_sequence(_run((5, 100, 0), (6, 100, 0), (9, 100, 0)), b"")
    check_sequence(_run((2**32 - 1, 100, 0), (0, 100, 0)), b"")  # the counter wraps at 2**32
    with pytest.raises(MeterOverRange):
        check_sequence(_run((1, 65535, 1)), b"")
    with pytest.raises(MeterLowBattery):
        check_sequence(_run((1, 100, 2)), b"")


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2**32 - 1), st.integers(0, 65535), st.integers(0, 3)),
        min_size=1,
        max_size=20,
    ),
    st.integers(0, 239),
    st.integers(0, 7),
)
def test_vectorised_parse_matches_per_record_parse(
    recs: list[tuple[int, int, int]], flip_byte: int, flip_bit: int
) -> None:
    """Hypothesis: parse_records accepts / refuses exactly what per-record parse_record does."""
    data = bytearray(b"".join(encode_record(*r) for r in recs))
    if flip_byte < len(data):
        data[flip_byte] ^= 1 << flip_bit
    one_by_one: list[tuple[int, int, int]] | None = []
    try:
        for k in range(len(recs)):
            rec = parse_record(bytes(data[k * 12 : (k + 1) * 12]))
            one_by_one.append((rec.index, rec.sample, rec.status))  # type: ignore[union-attr]
    except MeterProtocolError:
        one_by_one = None
    try:
        got = parse_records(bytes(data))
        columns = (got.index.tolist(), got.sample.tolist(), got.status.tolist())
        together = list(zip(*columns, strict=True))
    except MeterProtocolError:
        together = None
    assert together == one_by_one


def test_capture_exchange() -> None:
    """Commands *IDN?, RATE?, DARK?, CAPT n → OK n + n records; garbage before sync skipped."""
    records = b"".join(encode_record(100 + i, 1000 + i) for i in range(4))
    pairs = [
        (b"*IDN?\n", b"LUXCHECK-WFS,S1,1.0\n"),
        (b"RATE?\n", b"4000\n"),
        (b"DARK?\n", b"12\n"),
        (b"CAPT 4\n", b"OK 4\n" + b"xx" + records),
    ]
    with expected_exchange(WaveformStream, pairs, duration_s=0.001) as meter:
        reading = meter.read()
    assert reading.samples.tolist() == [1000, 1001, 1002, 1003]
    assert reading.samples.dtype == np.uint16
    assert (reading.sample_rate_hz, reading.dark_level, reading.first_index) == (4000, 12, 100)


def test_sensor_error_reply() -> None:
    """'ERR <code> <text>' replies raise a device fault with the code."""
    from luxcheck.drivers import MeterDeviceFault

    with (
        expected_exchange(WaveformStream, [(b"*IDN?\n", b"ERR 3 sensor fault\n")]) as meter,
        pytest.raises(MeterDeviceFault) as info,
    ):
        meter.identify()
    assert info.value.code == "3"


VALID_RECORDS = st.builds(
    encode_record, st.integers(0, 2**32 - 1), st.integers(0, 65535), st.integers(0, 3)
)


def test_fuzz_parse_record() -> None:
    """Hypothesis: arbitrary bytes give a record or MeterProtocolError, nothing else.

    Arbitrary bytes and valid records with 0-3 random edits, so the sync, check-word and
    reserved-bit checks are reached and some examples parse (their post-parse checks run).
    """
    outcomes: Counter[str] = Counter()

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.binary(min_size=0, max_size=16), corrupted(VALID_RECORDS)))
    def run(data: bytes) -> None:
        try:
            rec = parse_record(data)
        except MeterProtocolError:
            outcomes["refused"] += 1
            return
        outcomes["parsed"] += 1
        assert 0 <= rec.sample <= 65535
        assert rec.status <= 3
        assert encode_record(rec.index, rec.sample, rec.status) == data

    run()
    assert outcomes["parsed"] > 0
    assert outcomes["refused"] > 0


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 65535), st.integers(0, 3))
def test_round_trip(index: int, sample: int, status: int) -> None:
    """Hypothesis: parse(encode(r)) = r for every valid record."""
    rec = parse_record(encode_record(index, sample, status))
    assert (rec.index, rec.sample, rec.status) == (index, sample, status)


def _handshake_with_rate(rate: bytes) -> list[tuple[bytes | None, bytes | None]]:
    return [(b"*IDN?\n", b"LUXCHECK-WFS,S1,1.0\n"), (b"RATE?\n", rate + b"\n")]


@pytest.mark.parametrize("rate", [b"20000000", b"1e-300", b"0.5", b"0", b"-4000"])
def test_implausible_sample_rate_is_a_protocol_error(rate: bytes) -> None:
    """RATE? outside 1 Hz-10 MHz (the driver's documented range): a protocol error naming the
    rate, raised at the handshake — not a ValueError from capture() (above the capture limit)
    or an endless capture deadline (a rate like 1e-300)."""
    with (
        expected_exchange(WaveformStream, _handshake_with_rate(rate), duration_s=1.0) as meter,
        pytest.raises(MeterProtocolError, match=r"sample rate of \S+ Hz; expected 1-10000000 Hz"),
    ):
        meter.read()


def test_duration_longer_than_one_capture_is_a_meter_error() -> None:
    """duration_s × rate above the 10 000 000-record capture limit: a MeterError (exit 3) that
    says to shorten duration_s, and no CAPT is sent."""
    pairs = [*_handshake_with_rate(b"10000000"), (b"DARK?\n", b"12\n")]
    with (
        expected_exchange(WaveformStream, pairs, duration_s=2.0) as meter,
        pytest.raises(MeterError, match=r"20000000 samples.*shorter duration_s"),
    ):
        meter.read()
