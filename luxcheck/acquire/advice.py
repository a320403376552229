"""What a device error means for the inspector, in the session's language.

A driver's message says what happened on the wire ("no complete reply to command 54 from the
meter"); the inspector needs what to check (the cable, that the meter is on, PC/remote mode).
:func:`device_message` gives that; the driver's own words follow only with ``verbose``
(``--verbose``), so that a message never mixes languages.
"""

from __future__ import annotations

from typing import Literal

from luxcheck.drivers.base import (
    MeterDeviceFault,
    MeterDisconnected,
    MeterLowBattery,
    MeterOverRange,
    MeterPortBusy,
    MeterProtocolError,
    MeterTimeout,
)
from luxcheck.errors import DeviceError

Lang = Literal["zh", "en"]

#: (English, Chinese) advice per kind of fault.
_ADVICE: dict[str, tuple[str, str]] = {
    "silent": (
        "the meter does not answer. Check that the cable is plugged in at both ends, that the "
        "meter is switched on, and that it is in PC (remote) mode; then try again",
        "仪器无应答。请检查连接线两端是否插好、仪器是否开机、是否处于 PC(遥控)模式,然后重试",
    ),
    "not-ready": (
        "the meter keeps saying it is not ready. Check that the receptor head is connected and "
        "not covered, then try again",
        "仪器一直未就绪。请检查测头是否连接、是否被遮挡,然后重试",
    ),
    "gone": (
        "cannot reach the meter. Check the cable, that the meter is switched on, and the port "
        "name (e.g. /dev/ttyUSB0 or COM3)",
        "无法连接仪器。请检查连接线、仪器是否开机以及端口名称(如 /dev/ttyUSB0 或 COM3)",
    ),
    "busy": (
        "another program is using this port (another luxcheck session or a terminal "
        "program). Close it, then try again",
        "另一个程序(另一个 luxcheck 会话或串口工具)正在使用此端口。请关闭它后重试",
    ),
    "garbled": (
        "the meter's replies are garbled. Check the cable and that the model option names this "
        "meter; then try again",
        "仪器应答无法识别。请检查连接线,以及型号选项是否与此仪器一致,然后重试",
    ),
    "over-range": (
        "the meter reports over range: there is no number to record. Check the receptor and the "
        "range, then take the reading again",
        "仪器显示超量程,没有可记录的读数。请检查测头和量程后重测",
    ),
    "battery": (
        "the meter's battery is low; the reading was discarded. Replace the battery",
        "仪器电池电量低,读数已作废。请更换电池",
    ),
    "fault": (
        "the meter reports a fault of its own. Check the receptor head and restart the meter",
        "仪器报告自身故障。请检查测头并重启仪器",
    ),
}


def _kind(exc: DeviceError) -> str | None:
    if isinstance(exc, MeterTimeout):
        return "silent" if exc.message.startswith("no ") else "not-ready"
    if isinstance(exc, MeterPortBusy):
        return "busy"
    if isinstance(exc, MeterDisconnected):
        return "gone"
    if isinstance(exc, MeterProtocolError):
        return "garbled"
    if isinstance(exc, MeterOverRange):
        return "over-range"
    if isinstance(exc, MeterLowBattery):
        return "battery"
    if isinstance(exc, MeterDeviceFault):
        return "fault"
    return None


def device_message(exc: DeviceError, lang: Lang = "en", *, verbose: bool = False) -> str:
    """The inspector's message for a device error: where, what to check; the driver's detail
    only if ``verbose``. An English session keeps a driver message that has no advice of its
    own (e.g. an implausible sample rate), since it is already in the session's language."""
    kind = _kind(exc)
    port = getattr(exc, "port", None)
    detail = str(exc)
    if kind is None:
        if lang == "en":
            return detail
        text = "仪器出错,请检查仪器和连接线后重试"
    else:
        english, chinese = _ADVICE[kind]
        if lang == "en" and kind == "garbled":
            return detail  # the driver's words say which frame was wrong, raw bytes included
        text = english if lang == "en" else chinese
        code = getattr(exc, "code", "")
        if code:
            text += f" (code {code})" if lang == "en" else f"(代码 {code})"
    if port:
        text = f"{port}: {text}"
    if verbose:
        text += f" [detail: {detail}]" if lang == "en" else f" [详情 (driver): {detail}]"
    return text
