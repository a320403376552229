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
from luxcheck.journal.store import CampaignStore
from luxcheck.model import ENVIRONMENT_FIELDS, EnvironmentRecord, MeasurementSession

#: What the prompt says for each condition (zh, en).
PROMPTS: dict[str, tuple[str, str]] = {
    "temperature_C": ("环境温度", "ambient temperature"),
    "relative_humidity_percent": ("相对湿度", "relative humidity"),
    "supply_voltage_V": ("电源电压", "supply voltage"),
    "stray_light_lx": ("杂散光(关灯时桌面照度)", "stray light (desk illuminance, lamps off)"),
    "warmup_min": ("光源预热时间", "lamp warm-up time"),
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
    values: dict[str, float | None] = {}
    for name, unit, low, high in ENVIRONMENT_FIELDS:
        value = given.get(name)
        if value is not None or not ask:
            values[name] = value
            continue
        zh, en = PROMPTS[name]
        prompt = (
            f"{zh} [{unit}](回车 = 不记录):"
            if lang == "zh"
            else f"{en} [{unit}] (Enter = not recorded):"
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
                f"expected a number from {low:g} to {high:g} {unit}, got {answer!r}"
                if lang == "en"
                else f"应为 {low:g} 至 {high:g} {unit} 的数值,收到 {answer!r}"
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
