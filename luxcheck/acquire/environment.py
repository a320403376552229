"""The environmental conditions of a guided session: temperature, relative humidity, supply
voltage, stray light (the desk illuminance with the lamps off) and the lamps' warm-up time.

The test report states them (ISO/IEC 17025 §7.8.3.1 a)); the session asks for them before the
first reading, or takes them from the command line (``luxcheck measure --temperature ...``) when
nobody is at the prompt. A condition the inspector does not give is recorded as not recorded
(None), never guessed; a record is appended to the campaign file (a later one supersedes it in
the report, the earlier stays).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

from luxcheck.acquire.session import Console
from luxcheck.i18n import gettext_for
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import _n
from luxcheck.model import ENVIRONMENT_FIELDS, EnvironmentRecord, MeasurementSession

#: What the prompt calls each condition (English msgids, translated when asked).
PROMPTS: dict[str, str] = {
    "temperature_C": _n("ambient temperature"),
    "relative_humidity_percent": _n("relative humidity"),
    "supply_voltage_V": _n("supply voltage"),
    "stray_light_lx": _n("stray light (desk illuminance, lamps off)"),
    "warmup_min": _n("lamp warm-up time"),
}
#: Answers that are no number this often leave a condition not recorded.
MAX_TRIES = 3


def ask_environment(
    console: Console,
    lang: str,
    given: Mapping[str, float | None],
    *,
    ask: bool,
) -> dict[str, float | None]:
    """The conditions: each from ``given`` if there, else asked (when ``ask``), else None.

    An empty answer (or ``s``) leaves a condition not recorded; a number outside its range or
    no number is asked again, at most :data:`MAX_TRIES` times."""
    _ = gettext_for(lang)
    values: dict[str, float | None] = {}
    for name, unit, low, high in ENVIRONMENT_FIELDS:
        value = given.get(name)
        if value is not None or not ask:
            values[name] = value
            continue
        prompt = _("{condition} [{unit}] (Enter = not recorded):").format(
            condition=_(PROMPTS[name]), unit=unit
        )
        values[name] = None
        for _try in range(MAX_TRIES):
            answer = console.ask(prompt).strip()
            if answer.lower() in ("", "s"):
                break
            try:
                number = float(answer)
            except ValueError:
                number = math.nan
            if math.isfinite(number) and low <= number <= high:
                values[name] = number
                break
            console.say(
                _("expected a number from {low:g} to {high:g} {unit}, got {answer!r}").format(
                    low=low, high=high, unit=unit, answer=answer
                )
            )
    return values


def record_environment(
    store: CampaignStore,
    session: MeasurementSession,
    values: Mapping[str, float | None],
    *,
    note: str = "",
    now: dt.datetime | None = None,
) -> EnvironmentRecord | None:
    """Append the session's conditions to the campaign file (nothing when none was given)."""
    if all(values.get(name) is None for name, *_ in ENVIRONMENT_FIELDS):
        return None
    count = sum(
        1 for r in store.environments(session.classroom_id) if r.session_id == session.session_id
    )
    record = EnvironmentRecord(
        f"{session.session_id}.env.{count + 1}",
        session.session_id,
        now or dt.datetime.now(dt.UTC),
        note=note,
        **{name: values.get(name) for name, *_ in ENVIRONMENT_FIELDS},
    )
    store.add_environment(record)
    return record
