"""Konica Minolta framing, BCC and number format.

Sources: "Konica Minolta CL-200A Communication Specifications" (framing, BCC, number format,
example exchange), "Konica Minolta T-10A Communication Specifications" (command table, reply
status) and the real CL-200A captures of the cl200a_controller project's tests.
"""

from __future__ import annotations

import contextlib
from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from luxcheck.drivers import MeterProtocolError
from luxcheck.drivers.emulators.konica import build_frame
from luxcheck.drivers.konica import (
    bcc,
    encode_command,
    format_number,
    parse_frame,
    parse_number,
)

from .helpers import corrupted

# CL-200A Communication Specifications example exchange, PC → meter (BCCs recomputed).
EXAMPLE_REQUESTS = [
    ((0, "54", "1   "), "02 30 30 35 34 31 20 20 20 03 31 33 0D 0A"),
    ((99, "55", "1  0"), "02 39 39 35 35 31 20 20 30 03 30 32 0D 0A"),
    ((0, "40", "10  "), "02 30 30 34 30 31 30 20 20 03 30 36 0D 0A"),
    ((99, "40", "21  "), "02 39 39 34 30 32 31 20 20 03 30 34 0D 0A"),
    ((0, "02", "1200"), "02 30 30 30 32 31 32 30 30 03 30 32 0D 0A"),
]


@pytest.mark.parametrize(("args", "hexbytes"), EXAMPLE_REQUESTS)
def test_encode_matches_the_published_example_exchange(
    args: tuple[int, str, str], hexbytes: str
) -> None:
    """CL-200A Communication Specifications: byte-exact requests 54, 55, 40 10, 40 21, 02."""
    assert encode_command(*args) == bytes.fromhex(hexbytes)


@pytest.mark.parametrize(
    ("args", "expected_bcc"),
    [
        ((0, "08", "1200"), b"08"),
        ((0, "01", "1200"), b"01"),
        ((0, "03", "1200"), b"03"),
        ((0, "15", "1200"), b"04"),
        ((0, "10", "0200"), b"00"),  # T-10A command table
        ((0, "11", "0200"), b"01"),
        ((0, "28", "    "), b"09"),
        ((99, "55", "0  0"), b"03"),
        ((28, "10", "0200"), b"0A"),  # needs an upper-case hex digit, not decimal (BCC rule)
    ],
)
def test_bcc_of_published_frames(args: tuple[int, str, str], expected_bcc: bytes) -> None:
    """CL-200A Communication Specifications (other read requests) and the T-10A command table."""
    assert encode_command(*args)[-4:-2] == expected_bcc


# Real CL-200A captures (the cl200a_controller project's tests), decoded there.
CAPTURES = [
    (b"\x0200021 10+ 2733+45450+44990\x031F\r\n", "02", (27.3, 0.4545, 0.4499)),
    (b"\x0200011 10+ 2693+ 2673+  563\x0307\r\n", "01", (26.9, 26.7, 5.6)),
    (b"\x0200031 10+ 2723+24270+54070\x031A\r\n", "03", (27.2, 0.2427, 0.5407)),
    (b"\x0200081 10+ 2703+30744+01490\x031E\r\n", "08", (27.0, 3074.0, 0.0149)),
]


@pytest.mark.parametrize(("frame", "command", "values"), CAPTURES)
def test_parse_real_captures(frame: bytes, command: str, values: tuple[float, ...]) -> None:
    """Real captures: status hold, no error, range 1, battery OK; values as decoded there."""
    reply = parse_frame(frame)
    assert (reply.head, reply.command) == (0, command)
    assert reply.hold
    assert reply.err == " "
    assert reply.rng == "1"
    assert reply.battery == "0"
    assert tuple(parse_number(f) for f in reply.fields) == pytest.approx(values)


def test_t10a_synthetic_frame_decodes_by_the_number_rule() -> None:
    """Synthetic T-10A frame (T-10A Communication Specifications layout): BCC 1F checks; blank Δ and
    % fields are None.

    The field ``+ 5123`` is 512 × 10^(3−4) = 51.2 lx by the CL-200A number rule that the four
    real captures confirm; reading it as 512 lx would contradict that rule, so the rule wins.
    """
    reply = parse_frame(b"\x0200100 30+ 5123            \x031F\r\n")
    assert (reply.command, reply.rng, reply.battery) == ("10", "3", "0")
    assert parse_number(reply.fields[0]) == pytest.approx(51.2)
    assert parse_number(reply.fields[1]) is None
    assert parse_number(reply.fields[2]) is None


def test_lower_case_bcc_is_accepted() -> None:
    """CL-200A Communication Specifications BCC: send upper case, accept either case."""
    body = b"28100200\x03"
    frame = b"\x02" + body + bcc(body).lower() + b"\r\n"
    assert parse_frame(frame).head == 28


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (b"\x0200021 10+ 2733+45450+44990\x0310\r\n", "BCC"),
        (b"\x0200021 10+ 2733+45450+4499\x031F\r\n", "31 bytes"),
        (b"\x0200021 10+ 2733+45450+44990\x031F\n\r", "misplaced"),
        (bytes.fromhex("82 30 30 35 B4 B1 A0 A0 A0 03 B1 33 8D 0A"), "bit 7"),  # §1.9
    ],
)
def test_bad_frames_raise_protocol_errors_with_raw_bytes(frame: bytes, message: str) -> None:
    """§1.8 fixes: check length, STX/ETX/CR LF, BCC; §1.9: 7E1 read at 8N1 sets bit 7."""
    with pytest.raises(MeterProtocolError, match=message) as info:
        parse_frame(frame)
    assert info.value.raw == frame


@pytest.mark.parametrize("field", ["+ 2 33", "*12343", "+12a43", "+1234x", "+    3", "12345"])
def test_malformed_numbers_raise(field: str) -> None:
    """§1.5: sign, 4-digit mantissa with leading spaces/zeros only, exponent digit."""
    with pytest.raises(MeterProtocolError):
        parse_number(field)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0.0, max_value=9.99e7, allow_nan=False))
@example(10254546.0)  # once rounded twice: 1026e4
@example(99995.0)  # the rounding carries into a fifth digit
@example(9999.96)
def test_number_format_round_trips_within_display_resolution(value: float) -> None:
    """Hypothesis (InstrumentKit habit): parse(format(v)) ≈ v to 0.1 and 4 significant digits."""
    field = format_number(value)
    assert len(field) == 6
    decoded = parse_number(field)
    assert decoded is not None
    assert abs(decoded - value) <= max(0.05 + 1e-9, 5e-4 * value + 1e-9)


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-0.9999, max_value=0.9999, allow_nan=False))
@example(0.12345)
@example(5e-05)
@example(0.00035)
@example(-0.12345)
def test_fixed_format_round_trips(value: float) -> None:
    """Hypothesis: x, y, u′, v′, Δuv fields keep 4 decimals (captures ``+45450``, ``+01490``).

    Source: ``format_number`` in drivers/konica.py, docstring "fixed=True: 4 decimals" and code
    ``round(magnitude * 10_000)``: the decoded value is on the 0.0001 grid and the nearest grid
    point to the value, a tie going either way (the tie rule is pinned by the next test).
    """
    decoded = parse_number(format_number(value, fixed=True))
    assert decoded is not None
    assert decoded * 10_000 == pytest.approx(round(decoded * 10_000), abs=1e-9)  # 4 decimals
    assert abs(decoded - value) <= 0.5e-4 + 1e-12


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.12345, 0.1234), (5e-05, 0.0), (0.00035, 0.0004), (-0.12345, -0.1234), (0.00015, 0.0001)],
)
def test_fixed_format_rounds_the_scaled_value_half_to_even(value: float, expected: float) -> None:
    """Source: ``format_number`` (drivers/konica.py) writes ``round(|value| × 10 000)``: Python's
    round() of the binary product, ties to even. 0.12345 × 10 000 = 1234.5 → 1234; 5e-05 → 0.5
    → 0; 0.00035 → 3.5 → 4; 0.00015 × 10 000 = 1.4999… → 1. (``round(value, 4)`` rounds the
    decimal expansion instead and gives 0.1235, 0.0001, 0.0003 for the first three.)"""
    assert parse_number(format_number(value, fixed=True)) == pytest.approx(expected, abs=1e-12)


_FIELDS = st.one_of(
    st.just("      "),
    st.floats(0, 9.99e7).map(format_number),
    st.floats(-0.9999, 0.9999).map(lambda v: format_number(v, fixed=True)),
)
#: Valid reply frames: short (no data) or long (three data fields), any head and status.
VALID_FRAMES = st.builds(
    build_frame,
    st.integers(0, 99),
    st.integers(0, 99).map(lambda c: f"{c:02d}"),
    st.text(alphabet=" 0123456789", min_size=4, max_size=4),
    st.one_of(st.just(()), st.tuples(_FIELDS, _FIELDS, _FIELDS)),
)


def test_parse_frame_on_arbitrary_bytes_returns_or_raises_protocol_error() -> None:
    """Hypothesis fuzzing: a parsed frame or MeterProtocolError, nothing else (InstrumentKit's
    habit).

    Arbitrary bytes and valid frames with 0-3 random edits, so both the refusals at every check
    and the parsed path (data fields decoded) are reached; some examples must parse.
    """
    outcomes: Counter[str] = Counter()

    @settings(max_examples=200, deadline=None)
    @given(st.one_of(st.binary(max_size=40), corrupted(VALID_FRAMES)))
    def run(data: bytes) -> None:
        try:
            reply = parse_frame(data)
        except MeterProtocolError:
            outcomes["refused"] += 1
            return
        outcomes["parsed"] += 1
        assert reply.raw == data
        assert len(reply.fields) in (0, 3)
        for field in reply.fields:
            with contextlib.suppress(MeterProtocolError):
                parse_number(field)

    run()
    assert outcomes["parsed"] > 0
    assert outcomes["refused"] > 0


def test_well_framed_arbitrary_bodies_never_crash() -> None:
    """Hypothesis: a correctly framed, BCC-valid frame with any 7-bit body parses or raises.

    Bodies of 9 or 27 bytes (the bytes the BCC covers: 8 or 26 characters and ETX) give the 14-
    and 32-byte frames of §1.2; the head and command are often decimal, so parse_frame accepts
    the frame and parse_number meets arbitrary fields.
    """
    outcomes: Counter[str] = Counter()
    echo = st.one_of(st.text(alphabet="0123456789", min_size=4, max_size=4), st.text(max_size=0))
    seven_bit = st.sampled_from((4, 22)).flatmap(lambda n: st.binary(min_size=n, max_size=n))

    @settings(max_examples=200, deadline=None)
    @given(echo, st.binary(min_size=4, max_size=4), seven_bit)
    def run(digits: str, head: bytes, rest: bytes) -> None:
        body = bytes(c & 0x7F for c in (digits.encode() or head) + rest).replace(b"\x02", b"0")
        assert len(body) in (8, 26)
        framed = b"\x02" + body + b"\x03"
        frame = framed + bcc(framed[1:]) + b"\r\n"
        try:
            reply = parse_frame(frame)
        except MeterProtocolError:
            outcomes["refused"] += 1
            return
        outcomes["parsed"] += 1
        for field in reply.fields:
            with contextlib.suppress(MeterProtocolError):
                parse_number(field)

    run()
    assert outcomes["parsed"] > 0
