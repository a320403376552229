"""CL-200A driver: exchange test from the published captures, status codes, emulator physics.

Sources: "Konica Minolta CL-200A Communication Specifications" (status, sequence, bytes), the
real captures of the cl200a_controller project's tests;
colour-science 0.4.7 as the oracle for the emulator's chromaticity (Ohno 2013 CCT/Duv).
"""

from __future__ import annotations

import warnings

import pytest
from luxcheck.drivers import (
    CL200A,
    MeterDeviceFault,
    MeterLowBattery,
    MeterOverRange,
    MeterProtocolError,
)
from luxcheck.drivers.emulators.konica import build_frame
from luxcheck.drivers.emulators.konica_cl200a import CL200AEmulator, chromaticity, planck_uv
from luxcheck.drivers.konica import encode_command, parse_frame
from luxcheck.drivers.konica_cl200a import parse_measurement
from luxcheck.drivers.testing import expected_exchange

from .test_konica_protocol import CAPTURES

CAPTURE = {command: frame for frame, command, _ in CAPTURES}


def handshake_pairs() -> list[tuple[bytes | None, bytes | None]]:
    """§1.6 steps 2-4 for head 00, with the §1.7 bytes."""
    return [
        (encode_command(0, "54", "1   "), build_frame(0, "54", "    ")),
        (encode_command(99, "55", "1  0"), None),
        (encode_command(0, "40", "10  "), build_frame(0, "40", "1 10")),
    ]


def measure_pairs() -> list[tuple[bytes | None, bytes | None]]:
    """§1.6 steps 5-6: 40 21 broadcast, then 02, 03, 08, 01 answered by the real captures."""
    return [
        (encode_command(99, "40", "21  "), None),
        *[(encode_command(0, c, "1200"), CAPTURE[c]) for c in ("02", "03", "08", "01")],
    ]


def test_exchange_from_the_published_captures() -> None:
    """CL-200A Communication Specifications: the exact request bytes; readings as captured."""
    with expected_exchange(CL200A, handshake_pairs() + measure_pairs(), wait_scale=0) as meter:
        reading = meter.read()
    assert reading.illuminance_lx == pytest.approx(27.3)  # from the 02 reply
    assert (reading.x, reading.y) == pytest.approx((0.4545, 0.4499))
    assert (reading.u_prime, reading.v_prime) == pytest.approx((0.2427, 0.5407))
    assert (reading.cct_K, reading.duv) == pytest.approx((3074.0, 0.0149))
    assert pytest.approx((26.9, 26.7, 5.6)) == (reading.X, reading.Y, reading.Z)
    assert reading.flags == {"hold", "range-1"}
    assert reading.raw == tuple(CAPTURE[c] for c in ("02", "03", "08", "01"))


def test_empty_exchange_construction_sends_nothing() -> None:
    """pymeasure's empty-protocol test: building the driver sends nothing."""
    with expected_exchange(CL200A, []) as meter:
        assert not meter.connected


def test_err4_on_ext_resends_hold_then_ext() -> None:
    """§1.6 step 4: ERR 4 on 40 → redo 55, then 40."""
    pairs = [
        handshake_pairs()[0],
        (encode_command(99, "55", "1  0"), None),
        (encode_command(0, "40", "10  "), build_frame(0, "40", "04 0")),
        (encode_command(99, "55", "1  0"), None),
        (encode_command(0, "40", "10  "), build_frame(0, "40", "1 10")),
    ]
    with expected_exchange(CL200A, pairs, wait_scale=0) as meter:
        meter.connect()


def test_bad_bcc_reply_is_retried_once() -> None:
    """§6.5 rule 4: one retry on a BCC error; the request is re-sent after a flush."""
    bad = CAPTURE["02"][:-4] + b"00\r\n"
    pairs = [
        *handshake_pairs(),
        (encode_command(99, "40", "21  "), None),
        (encode_command(0, "02", "1200"), bad),
        (encode_command(0, "02", "1200"), CAPTURE["02"]),
        *[(encode_command(0, c, "1200"), CAPTURE[c]) for c in ("03", "08", "01")],
    ]
    with expected_exchange(CL200A, pairs, wait_scale=0, timeout_s=0.2) as meter:
        assert meter.read().illuminance_lx == pytest.approx(27.3)


def _with_status(frame: bytes, status: str) -> bytes:
    reply = parse_frame(frame)
    return build_frame(reply.head, reply.command, status, reply.fields)


def test_status_codes() -> None:
    """§1.4: ERR 5 over range raises; BA 1 raises; ERR 6 flags; ERR 7 on 08 blanks Tcp/Δuv."""
    with pytest.raises(MeterOverRange):
        parse_measurement(parse_frame(_with_status(CAPTURE["02"], "1510")))
    with pytest.raises(MeterLowBattery):
        parse_measurement(parse_frame(_with_status(CAPTURE["02"], "1 11")))
    values, flags = parse_measurement(parse_frame(_with_status(CAPTURE["02"], "1610")))
    assert "low-luminance" in flags
    assert values["x"] == pytest.approx(0.4545)
    values, flags = parse_measurement(parse_frame(_with_status(CAPTURE["08"], "1710")))
    assert values["cct_K"] is None
    assert values["duv"] is None
    assert "tcp-out-of-range" in flags
    assert values["illuminance_lx"] == pytest.approx(27.0)


@pytest.mark.parametrize(
    ("status", "message"),
    [("0X10", "ERR character 'X'"), ("0 Z0", "RNG character 'Z'"), ("0 19", "BA")],
)
def test_unknown_status_characters_are_refused(status: str, message: str) -> None:
    """§1.4 lists ERR space/1-7, RNG 0-6, BA 0/1: anything else is a protocol error, not a
    normal reading (the malformed statuses of the drivers review, finding A2)."""
    frame = _with_status(CAPTURE["02"], status)
    with pytest.raises(MeterProtocolError, match=message) as info:
        parse_measurement(parse_frame(frame))
    assert info.value.raw == frame


def test_head_fault_raises_device_fault() -> None:
    """§1.4: ERR 1 = receptor head powered off → a device fault naming the code."""
    pairs = [
        *handshake_pairs(),
        (encode_command(99, "40", "21  "), None),
        (encode_command(0, "02", "1200"), _with_status(CAPTURE["02"], "1110")),
    ]
    with (
        expected_exchange(CL200A, pairs, wait_scale=0) as meter,
        pytest.raises(MeterDeviceFault) as info,
    ):
        meter.read()
    assert info.value.code == "1"


@pytest.mark.parametrize(("cct", "duv"), [(2700.0, 0.0), (4000.0, 0.003), (6500.0, -0.004)])
def test_emulator_chromaticity_matches_colour_oracle(cct: float, duv: float) -> None:
    """colour-science as oracle: Ohno 2013 CCT/Duv of the emulator's (u, v) ≈ its cct/duv."""
    colour = pytest.importorskip("colour")
    c = chromaticity(cct, duv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = colour.temperature.uv_to_CCT_Ohno2013([c["u_prime"], c["v_prime"] / 1.5])
        xy = colour.UCS_uv_to_xy([c["u_prime"], c["v_prime"] / 1.5])
    assert got[0] == pytest.approx(cct, rel=2e-3)
    assert got[1] == pytest.approx(duv, abs=2e-4)
    assert (c["x"], c["y"]) == pytest.approx(tuple(xy), abs=1e-9)
    on_locus = chromaticity(cct, 0.0)
    assert (on_locus["u_prime"], on_locus["v_prime"] / 1.5) == pytest.approx(planck_uv(cct))


def test_multi_head_emulator() -> None:
    """§1.1: up to 30 heads on one line; one 40 21 latches them all, each read in turn."""
    from luxcheck.drivers import open_meter

    from .helpers import emu_url

    url = emu_url("cl-200a", heads=3, lux="100,200,300")
    with open_meter(url, "cl-200a", timeout_s=0.25, wait_scale=0.04, heads=(0, 1, 2)) as meter:
        readings = meter.measure_heads()
    assert [readings[h].illuminance_lx for h in (0, 1, 2)] == [100.0, 200.0, 300.0]
    assert [readings[h].head for h in (0, 1, 2)] == [0, 1, 2]


class _RefusesExtOnHead0(CL200AEmulator):
    """A two-head CL-200A whose head 00 answers ERR 4 to every ``40 10`` (EXT set refused)."""

    def model_command(self, head: int, command: str, param: str) -> None:
        if command == "40" and param.startswith("10") and head == 0:
            self.send(build_frame(head, "40", self.status("4")))
            return
        super().model_command(head, command, param)


def test_ext_refused_by_an_earlier_head_raises_device_fault_at_connect() -> None:
    """§1.6 step 4: ERR 4 on 40 → redo 55 / 40 once; still refused → a device fault.

    Head 00 refuses, head 01 (the last one asked) accepts: the refusal of the earlier head must
    not be lost behind the last head's good reply.
    """
    from luxcheck.drivers import open_meter

    from .helpers import TIME_SCALE, emu_url

    url = emu_url("cl-200a", heads=2)
    with open_meter(url, "cl-200a", timeout_s=0.25, wait_scale=0.04, heads=(0, 1)) as meter:
        meter.link.transport.emulator = _RefusesExtOnHead0({"heads": 2, "time_scale": TIME_SCALE})
        with pytest.raises(MeterDeviceFault, match="EXT mode refused") as info:
            meter.connect()
        assert not meter.connected
    assert info.value.code == "4"
    assert "head 00" in str(info.value)
