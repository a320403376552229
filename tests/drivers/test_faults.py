"""Every emulator fault against its driver (the faults each emulator module documents).

Each row: model, fault options, and the driver's documented answer — a reading (the driver
copes: resync, retry once, skip stale frames) or one typed MeterError. The same faults are then
run on a pseudo-terminal for the paths that depend on the real POSIX port (timeouts,
disconnect). A last test checks the table covers every fault every emulator declares.
"""

from __future__ import annotations

from typing import Any

import pytest
from luxcheck.drivers import (
    MeterDeviceFault,
    MeterDisconnected,
    MeterError,
    MeterLowBattery,
    MeterOverRange,
    MeterProtocolError,
    MeterReading,
    MeterTimeout,
    PhotometricReading,
    SampledWaveform,
    SpectralReading,
    open_meter,
)
from luxcheck.drivers.emulators import EMULATORS
from luxcheck.drivers.emulators.jeti_specbos import white_led_spectrum

from .helpers import emu_url, open_emulated, pty_meter

OK = None
ONCE = {"fault_count": 1}

# (model, fault, extra options, expected exception or OK)
CASES: list[tuple[str, str, dict[str, Any], type[MeterError] | None]] = []
for _model in ("cl-200a", "t-10a"):
    CASES += [
        (_model, "silence", {}, MeterTimeout),
        (_model, "partial", {}, MeterTimeout),
        (_model, "split", {}, OK),
        (_model, "garbage", {}, OK),
        (_model, "disconnect", {}, MeterDisconnected),
        (_model, "framing", {}, MeterProtocolError),
        (_model, "bad-bcc", {}, MeterProtocolError),
        (_model, "bad-bcc", ONCE, OK),  # one retry on a BCC error
        (_model, "partial", ONCE, OK),  # one retry on a timeout
        (_model, "stale", {}, OK),  # wrong echo skipped
        (_model, "wrong-length", {}, MeterProtocolError),
        (_model, "error", {}, MeterDeviceFault),
        (_model, "over-range", {}, MeterOverRange),
        (_model, "low-battery", {}, MeterLowBattery),
    ]
CASES += [
    ("cl-200a", "range", {}, MeterOverRange),  # RNG 6 persists
    ("cl-200a", "range", ONCE, OK),  # RNG 6 once: measure again
    ("cl-200a", "low-luminance", {}, OK),
    ("cl-200a", "tcp-range", {}, OK),
    ("lutron-16", "silence", {}, MeterTimeout),
    ("lutron-16", "partial", {}, MeterProtocolError),
    ("lutron-16", "split", {}, OK),
    ("lutron-16", "garbage", {}, OK),
    ("lutron-16", "disconnect", {}, MeterDisconnected),
    ("lutron-16", "framing", {}, MeterProtocolError),
    ("lutron-16", "bad-frame", {}, MeterProtocolError),
    ("lutron-16", "bad-frame", ONCE, OK),
    ("jeti-specbos", "silence", {}, MeterTimeout),
    ("jeti-specbos", "partial", {}, MeterTimeout),
    ("jeti-specbos", "partial", ONCE, OK),
    ("jeti-specbos", "split", {}, OK),
    ("jeti-specbos", "garbage", {}, OK),
    ("jeti-specbos", "disconnect", {}, MeterDisconnected),
    ("jeti-specbos", "framing", {}, MeterProtocolError),
    ("jeti-specbos", "error", {}, MeterDeviceFault),
    ("jeti-specbos", "over-range", {}, MeterOverRange),
    ("jeti-specbos", "enq", {}, OK),
    ("jeti-specbos", "stale", {"fault_after": 1}, OK),
    ("jeti-specbos", "bad-block", {}, MeterProtocolError),
    ("jeti-specbos", "bad-block", ONCE, OK),
    ("jeti-specbos", "wrong-length", {}, MeterProtocolError),
    ("waveform-stream", "silence", {}, MeterTimeout),
    ("waveform-stream", "partial", {}, MeterTimeout),
    ("waveform-stream", "split", {}, OK),
    ("waveform-stream", "garbage", {}, OK),
    ("waveform-stream", "disconnect", {}, MeterDisconnected),
    ("waveform-stream", "framing", {}, MeterProtocolError),
    ("waveform-stream", "bad-checksum", {}, MeterProtocolError),
    ("waveform-stream", "bad-checksum", ONCE, OK),  # the capture is retried once
    ("waveform-stream", "gap", {}, MeterProtocolError),
    ("waveform-stream", "over-range", {}, MeterOverRange),
    ("waveform-stream", "low-battery", {}, MeterLowBattery),
    ("waveform-stream", "error", {}, MeterDeviceFault),
]


#: JETI: the light the emulator shows for the first and the second reading. The change makes
#: the 'stale' fault testable: the stale block (the first reading's, 512 lx) must be skipped.
JETI_LUX = (512.0, 256.0)
#: waveform-stream: the contract-test light (test_contract.py), 0.05 s at 10 kHz = 500 samples.
WAVEFORM = {"rate": 10000, "freq": 100, "percent": 20}


def _read_twice(meter: Any, model: str) -> MeterReading:
    """Two readings: the 'stale' fault on JETI needs an earlier block to replay.

    Between the two JETI readings the emulator's light changes from 512 to 256 lx, so a stale
    block returned as the second reading gives the wrong spectrum.
    """
    first = meter.read()
    if model != "jeti-specbos":
        return first
    _check_spectrum(first, JETI_LUX[0])
    meter.link.transport.emulator.p["lux"] = JETI_LUX[1]  # the in-process emu:// emulator
    return meter.read()


def _check_spectrum(reading: MeterReading, lux: float) -> None:
    """The spectrum the emulator sends for ``lux`` (written with 7 significant digits)."""
    assert isinstance(reading, SpectralReading)
    assert reading.spectral_values.shape == (401,)
    assert (reading.wavelength_nm[0], reading.wavelength_nm[-1]) == (380, 780)
    expected = white_led_spectrum(reading.wavelength_nm.astype(float), lux=lux)
    assert reading.spectral_values == pytest.approx(expected, rel=1e-6)


def _check_ok(model: str, fault: str, reading: MeterReading) -> None:
    if model in ("cl-200a", "t-10a", "lutron-16"):
        assert isinstance(reading, PhotometricReading)
        assert reading.illuminance_lx == pytest.approx(512.0)
    if model == "jeti-specbos":
        _check_spectrum(reading, JETI_LUX[1])
    if model == "waveform-stream":  # as test_contract.py: count, rate and percent flicker
        assert isinstance(reading, SampledWaveform)
        assert reading.sample_rate_hz == WAVEFORM["rate"]
        assert reading.samples.size == 500
        s = reading.samples.astype(float)
        percent = 100 * (s.max() - s.min()) / (s.max() + s.min() - 2 * reading.dark_level)
        assert percent == pytest.approx(WAVEFORM["percent"], abs=0.5)
    if fault == "low-luminance":
        assert "low-luminance" in reading.flags
    if fault == "tcp-range":
        assert isinstance(reading, PhotometricReading)
        assert reading.cct_K is None
        assert reading.duv is None
        assert "tcp-out-of-range" in reading.flags
        assert reading.x is not None


@pytest.mark.parametrize(
    ("model", "fault", "extra", "expected"),
    CASES,
    ids=[f"{m}-{f}{'-once' if e.get('fault_count') else ''}" for m, f, e, _ in CASES],
)
def test_fault_in_process(
    model: str, fault: str, extra: dict[str, Any], expected: type[MeterError] | None
) -> None:
    """emu://: each fault gives its documented driver behaviour."""
    params = {"fault": fault, **extra}
    if model in ("cl-200a", "t-10a", "lutron-16", "jeti-specbos"):
        params.setdefault("lux", 512)
    if model == "waveform-stream":
        params.update(WAVEFORM)
    with open_emulated(model, **params) as meter:
        if expected is None:
            _check_ok(model, fault, _read_twice(meter, model))
        else:
            with pytest.raises(expected) as info:
                _read_twice(meter, model)
            assert "\n" not in str(info.value)  # one-line message for the CLI
            assert info.value.port is not None  # every error names the meter's port
            assert info.value.port.startswith(f"emu://{model}")
            assert str(info.value).startswith(info.value.port)


PTY_CASES = [
    ("cl-200a", "disconnect", MeterDisconnected),
    ("t-10a", "partial", MeterTimeout),
    ("lutron-16", "garbage", None),
    ("jeti-specbos", "split", None),
    ("waveform-stream", "disconnect", MeterDisconnected),
    ("t-10a", "silence", MeterTimeout),
]


@pytest.mark.parametrize(("model", "fault", "expected"), PTY_CASES)
def test_fault_on_a_pty(model: str, fault: str, expected: type[MeterError] | None) -> None:
    """pty: timeouts and a pulled port behave the same through pyserial's POSIX class."""
    with pty_meter(model, fault=fault, reconnect_s=100) as meter:
        if expected is None:
            assert meter.read().model == model
        else:
            with pytest.raises(expected) as info:
                meter.read()
            if expected is MeterDisconnected:
                assert info.value.port == meter.port


def test_host_line_settings_mismatch_is_detected() -> None:
    """§1.9: opening a 7E1 meter at 8N1 shows bit 7 set; the driver names the cause."""
    from luxcheck.drivers import LineSettings

    url = emu_url("t-10a")
    with (
        open_meter(url, "t-10a", timeout_s=0.25, wait_scale=0.02, line=LineSettings(9600)) as m,
        pytest.raises(MeterProtocolError, match="7E1"),
    ):
        m.read()


def test_fault_after_delays_the_fault() -> None:
    """fault_after=N passes N data replies untouched (emulator option contract)."""
    with open_emulated("t-10a", fault="over-range", fault_after=2) as meter:
        meter.read()  # replies 1 (conditions) and 2 pass
        with pytest.raises(MeterOverRange):
            meter.read()


def test_reconnect_after_disconnect_on_a_pty(tmp_path: Any) -> None:
    """A pulled pty comes back under the same link; meter.reconnect() resumes reading."""
    import time

    from luxcheck.drivers.emulators.pty_runner import PtyEmulator

    link = tmp_path / "ttyMETER"
    params = {"time_scale": 0.02, "fault": "disconnect", "fault_count": 1, "reconnect_s": 5}
    with PtyEmulator("t-10a", params, link=link):
        meter = open_meter(str(link), "t-10a", timeout_s=1.0, wait_scale=0.04)
        with pytest.raises(MeterDisconnected):
            meter.read()
        deadline = time.monotonic() + 5
        while True:
            try:
                meter.reconnect()
                break
            except MeterDisconnected:
                assert time.monotonic() < deadline
                time.sleep(0.02)
        assert meter.read().illuminance_lx == 512.0
        meter.close()


def test_every_declared_fault_is_exercised() -> None:
    """Meta: the table covers every fault of every emulator."""
    covered = {(m, f) for m, f, _, _ in CASES}
    missing = [(m, f) for m, cls in EMULATORS.items() for f in cls.FAULTS if (m, f) not in covered]
    assert not missing


def test_unknown_fault_and_option_are_refused() -> None:
    """Emulator options are checked: unknown fault/option names give a clear InputError."""
    from luxcheck.errors import InputError

    with pytest.raises(InputError, match=r"unknown fault 'nope'.*expected one of"):
        open_emulated("t-10a", fault="nope")
    with pytest.raises(InputError, match="unknown emulator option 'luxx'"):
        open_emulated("t-10a", luxx=3)
    with pytest.raises(InputError, match="expected ≥ 0"):
        open_emulated("t-10a", lux=-1)
