"""What a device error means for the inspector, in the session's language.

A driver's message says what happened on the wire ("no complete reply to command 54 from the
meter"); the inspector needs what to check (the cable, that the meter is on, PC/remote mode).
:func:`device_message` gives that; the driver's own words follow only with ``verbose``
(``--verbose``), so that a message never mixes languages.
"""

from __future__ import annotations

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
from luxcheck.i18n import gettext_for, shows_source_text
from luxcheck.messages import _n

#: What the inspector should check, per kind of fault (English msgids, translated when shown).
_ADVICE: dict[str | None, str] = {
    "silent": _n(
        "the meter does not answer. Check that the cable is plugged in at both ends, that the "
        "meter is switched on, and that it is in PC (remote) mode; then try again"
    ),
    "not-ready": _n(
        "the meter keeps saying it is not ready. Check that the receptor head is connected and "
        "not covered, then try again"
    ),
    "gone": _n(
        "cannot reach the meter. Check the cable, that the meter is switched on, and the port "
        "name (e.g. /dev/ttyUSB0 or COM3)"
    ),
    "busy": _n(
        "another program is using this port (another luxcheck session or a terminal "
        "program). Close it, then try again"
    ),
    "garbled": _n(
        "the meter's replies are garbled. Check the cable and that the model option names this "
        "meter; then try again"
    ),
    "over-range": _n(
        "the meter reports over range: there is no number to record. Check the receptor and the "
        "range, then take the reading again"
    ),
    "battery": _n("the meter's battery is low; the reading was discarded. Replace the battery"),
    "fault": _n(
        "the meter reports a fault of its own. Check the receptor head and restart the meter"
    ),
    # a driver error of no kind above (e.g. an implausible sample rate)
    None: _n("the meter reported an error. Check the meter and the cable, then try again"),
}
#: Kinds whose driver message is the best advice where it can be shown as written: it says
#: which frame was wrong (raw bytes included), or it is an error of no kind above.
_DETAIL_IS_ADVICE = frozenset({"garbled", None})


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


def device_message(exc: DeviceError, lang: str = "en", *, verbose: bool = False) -> str:
    """The inspector's message for a device error: where, what to check; the driver's detail
    only if ``verbose``. Where the session's language is the drivers' own
    (:func:`luxcheck.i18n.shows_source_text`), a garbled reply or an error with no advice of its
    own is told in the driver's words, which say more than the advice."""
    _ = gettext_for(lang)
    kind = _kind(exc)
    port = getattr(exc, "port", None)
    detail = str(exc)
    if kind in _DETAIL_IS_ADVICE and shows_source_text(lang):
        return detail
    text = _(_ADVICE[kind])
    code = getattr(exc, "code", "")
    if code and kind is not None:
        text = _("{advice} (code {code})").format(advice=text, code=code)
    if port:
        text = f"{port}: {text}"
    if verbose:
        text = _("{message} [detail: {detail}]").format(message=text, detail=detail)
    return text
