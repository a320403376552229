"""T-10A driver: exchange test with the command-10 frames, status decoding.

Source: "Konica Minolta T-10A Communication Specifications" (commands 54 and 10, reply
status, timing).
"""

from __future__ import annotations

import pytest
from luxcheck.drivers import T10A, MeterLowBattery, MeterOverRange, MeterProtocolError
from luxcheck.drivers.emulators.konica import build_frame
from luxcheck.drivers.konica import encode_command, parse_frame
from luxcheck.drivers.konica_t10a import parse_measurement
from luxcheck.drivers.testing import expected_exchange

SYNTHETIC = b"\x0200100 30+ 5123            \x031F\r\n"  # synthetic, T-10A reply layout


def test_exchange_54_then_10() -> None:
    """§2.4: 54 (PC mode), first 10 sets the conditions (0200), later 10s read (§2.2 bytes)."""
    read = encode_command(0, "10", "0200")
    assert read == b"\x0200100200\x0300\r\n"  # §2.2 table: body 00100200, BCC 00
    pairs = [
        (encode_command(0, "54", "1   "), build_frame(0, "54", "    ")),
        (read, SYNTHETIC),
        (read, SYNTHETIC),
    ]
    with expected_exchange(T10A, pairs, wait_scale=0) as meter:
        reading = meter.read()
    assert reading.illuminance_lx == pytest.approx(51.2)  # see test_konica_protocol
    assert reading.delta_lx is None
    assert reading.ratio_percent is None
    assert reading.flags == {"range-3"}
    assert reading.head == 0


def test_reference_fields_and_hold_bit() -> None:
    """§2.3: data 2 = Δ [lx], data 3 = %; status digit odd = HOLD."""
    frame = build_frame(0, "10", "1 30", ("+ 5124", "+  124", "+10243"))
    reading = parse_measurement(parse_frame(frame))
    assert (reading.illuminance_lx, reading.delta_lx) == pytest.approx((512.0, 12.0))
    assert reading.ratio_percent == pytest.approx(102.4)
    assert "hold" in reading.flags


@pytest.mark.parametrize(
    ("status", "error"),
    [
        ("0530", MeterOverRange),
        ("0 31", MeterLowBattery),
        ("0 33", MeterLowBattery),
        ("0X30", MeterProtocolError),
        ("0 39", MeterProtocolError),
    ],
)
def test_status_errors(status: str, error: type[Exception]) -> None:
    """§2.3: ERR 5 over range; battery bit 0 (1 or 3) low; unknown characters refused."""
    frame = build_frame(0, "10", status, ("+ 5124", "      ", "      "))
    with pytest.raises(error):
        parse_measurement(parse_frame(frame))


def test_err7_and_battery_2_are_normal() -> None:
    """§2.3: ERR '7' is listed as normal; BATTERY '2' is normal (bit 0 clear)."""
    frame = build_frame(0, "10", "0732", ("+ 5124", "      ", "      "))
    assert parse_measurement(parse_frame(frame)).illuminance_lx == 512.0


def test_emulator_sequence_scripts_successive_measurements() -> None:
    """Emulator option ``sequence`` (an inspector walking a point plan): successive reads give
    the scripted values in order, the last repeating; the condition-setting first command 10
    of the handshake (T-10A Communication Specifications, command 10) does not consume a value."""
    from luxcheck.drivers import open_meter

    url = "emu://t-10a?sequence=412.3,455.1,612.8&time_scale=0.01"
    with open_meter(url, "t-10a", wait_scale=0.01) as meter:
        values = [meter.read().illuminance_lx for _ in range(4)]
    assert values == [412.3, 455.1, 612.8, 612.8]
