"""Device errors as the inspector reads them (robustness issue, item 6): what to check, in the
session's language; the driver's detail only with --verbose."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from luxcheck.drivers.base import MeterDisconnected, MeterTimeout

from luxcheck.acquire.advice import device_message
from luxcheck.acquire.session import ScriptedConsole, Step, plan_steps, run_session
from luxcheck.cli import main
from luxcheck.journal.store import CampaignStore
from luxcheck.model import MeasurementSession
from tests.support.builders import T0, make_classroom

SILENT = MeterTimeout("no complete reply to command 54 from the meter", port="/dev/ttyUSB0")
LATIN = re.compile(r"[A-Za-z]{3,}")


def test_silence_says_what_to_check() -> None:
    assert device_message(SILENT) == (
        "/dev/ttyUSB0: the meter does not answer. Check that the cable is plugged in at both "
        "ends, that the meter is switched on, and that it is in PC (remote) mode; then try again"
    )
    assert device_message(SILENT, "en", verbose=True).endswith(
        "[detail: /dev/ttyUSB0: no complete reply to command 54 from the meter]"
    )


@pytest.mark.parametrize(
    "exc", [SILENT, MeterDisconnected("cannot open the port (x)", port="COM3")]
)
def test_chinese_message_has_no_english_words(exc: MeterTimeout) -> None:
    text = device_message(exc, "zh")
    assert not LATIN.findall(
        text.split(": ", 1)[1].replace("PC", "").replace("COM", "").replace("/dev/ttyUSB", "")
    ), text
    assert "command 54" not in text


def test_meter_read_tells_the_inspector_what_to_check(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["meter", "read", "--model", "t-10a", "--port", "emu://t-10a?fault=silence"]
    assert main([*argv, "--timeout", "0.2"]) == 3
    err = capsys.readouterr().err
    assert "switched on" in err and "PC (remote) mode" in err
    assert "command 54" not in err
    assert main([*argv, "--timeout", "0.2", "--verbose"]) == 3
    assert "[detail: emu://t-10a?fault=silence: no complete reply to command 54" in (
        capsys.readouterr().err
    )


class _Silent:
    instrument_id = "T10A-1"

    def read(self, step: Step) -> Mapping[str, Any]:
        raise SILENT

    def reconnect(self) -> None:
        raise MeterDisconnected(
            "cannot open the port ([Errno 2] no such file)", port="/dev/ttyUSB0"
        )


def test_a_chinese_session_speaks_chinese_about_the_meter(store: CampaignStore) -> None:
    """Was "仪器未恢复连接;已保存…" after "meter error: no complete reply to command 54…"."""
    lines: list[str] = []
    steps = plan_steps(
        make_classroom(), [(0, 1.0, 3.0, "D1")], [(0, 0.5, 0.6, "B1")], roles=("lux",)
    )
    out = run_session(
        store,
        MeasurementSession("SE3", "R101", "李工", T0, ("T10A-1",)),
        steps,
        {"lux": _Silent()},
        ScriptedConsole(out=lines.append),
        reconnect_attempts=2,
        reconnect_wait_s=0.0,
        lang="zh",
    )
    assert out.stopped and out.device_error.startswith("/dev/ttyUSB0: 仪器无应答")
    device_lines = [line for line in lines if "仪器" in line or "meter" in line]
    assert device_lines[0].startswith("仪器错误:/dev/ttyUSB0: 仪器无应答")
    assert any(line.startswith("仍未连接:/dev/ttyUSB0: 无法连接仪器") for line in device_lines)
    for line in device_lines:
        assert "meter" not in line and "command" not in line and "cannot" not in line, line
