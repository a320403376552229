"""Reasons and verdict notes: messages (luxcheck.messages) rendered in the reader's language.

Every msgid the code marks with ``_n`` has a Chinese translation: ``scripts/update_catalogs.py
--check`` (Babel extracts the producing modules, luxcheck/**.py) fails otherwise. Here: a message
round-trips through its stored form; nested messages, words and metric ids render in zh and en;
an old campaign's text is shown as written; a demo campaign's reasons and notes are all
translated.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.compliance.engine import evaluate
from luxcheck.demo.plan import plan_campaign
from luxcheck.demo.runner import measure_campaign, prepare_store
from luxcheck.journal.store import CampaignStore
from luxcheck.kernels import flicker as fl
from luxcheck.messages import Message, MetricId, Word, _n, from_json, joined, not_measured, stored
from luxcheck.report.format import Formatter

ROOT = Path(__file__).resolve().parents[2]
ZH, EN = Formatter("zh"), Formatter("en")

#: Latin words a Chinese reason may keep: symbols, standards, proper names.
#: Words a Chinese text keeps as they are in English (units, symbols, names).
_KEPT = {
    "lx", "Hz", "UGR", "Duv", "CIE", "TM", "MF", "mel", "DER", "EDI", "Ohno", "GB", "K", "LED",
}  # fmt: skip


def _untranslated(message: Message) -> list[str]:
    """The msgids of ``message`` (nested ones and words too) the zh catalog lacks."""
    gettext = ZH._
    return [m for m in message.msgids() if gettext(m) == m and m not in _KEPT]


def test_every_marked_message_has_a_chinese_translation() -> None:
    """Babel extracts every ``_n`` msgid of luxcheck/**.py and the templates; the catalogs
    translate each one and the .mo files are compiled from them."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_catalogs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_round_trip_through_the_stored_form() -> None:
    """to_json → from_json gives the same message: numbers (int and float), plain strings,
    words, metric ids and nested messages; the form is compact JSON."""
    message = Message(
        _n("{metric}: {why}"),
        metric=MetricId("cri_ra"),
        why=not_measured(
            Message(_n("|Duv| {duv:.4f} > {tol} (CIE 13.3 tolerance)"), duv=0.00612345, tol=0.0054)
        ),
    )
    text = message.to_json()
    assert " " not in text.replace("CIE 13.3", "").replace("(", "").split('"msg"')[0]
    assert from_json(text) == message
    assert stored(text) == message
    grid = Message(_n("no {word} grid"), word=Word("desk"))
    assert from_json(grid.to_json()) == grid
    count = Message(_n("{k} of {n} points missing"), k=3, n=56)
    assert from_json(count.to_json()).param("k") == 3
    assert isinstance(from_json(count.to_json()).param("k"), int)


def test_english_rendering_is_todays_text() -> None:
    """str() is the English the code wrote before messages: ids as ids, words as written."""
    assert str(not_measured(Message(_n("no {word} grid"), word=Word("board")))) == (
        "not measured: no board grid"
    )
    verdict = Message(
        _n("{metric}: {why}"),
        metric=MetricId("cri_ra"),
        why=not_measured(
            Message(_n("|Duv| {duv:.4f} > {tol} (CIE 13.3 tolerance)"), duv=0.00612, tol=0.0054)
        ),
    )
    assert str(verdict) == "cri_ra: not measured: |Duv| 0.0061 > 0.0054 (CIE 13.3 tolerance)"


def test_nested_messages_render_in_zh_and_en() -> None:
    """A not-measured verdict names the metric by name; notes joined by '; ' are translated
    one by one; numbers keep their placeholder's format."""
    verdict = Message(
        _n("{metric}: {why}"),
        metric=MetricId("cri_ra"),
        why=not_measured(Message(_n("no spectrum of the general luminaires"))),
    )
    assert ZH.reason(verdict) == "一般显色指数 Ra：未测量：无一般照明灯具的光谱"
    assert EN.reason(verdict) == (
        f"{EN.metric_name('cri_ra')}: not measured: no spectrum of the general luminaires"
    )
    limit = Message(
        _n("limit at {metric} = {value:g} {unit}"),
        metric=MetricId("board_flicker_frequency_hz"),
        value=100.001,
        unit="Hz",
    )
    assert ZH.reason(limit) == "限值按 黑板灯波动频率 = 100.001 Hz 取值"
    notes = joined(
        [
            Message(_n("measured value within the guard band")),
            Message(_n("guard band U = {value:g} {unit}"), value=12.0, unit="lx"),
        ]
    )
    assert ZH.reason(notes) == "测量值落在保护带内；保护带 U = 12 lx"
    assert EN.reason(notes) == "measured value within the guard band; guard band U = 12 lx"
    assert ZH.reason(Message(_n("{k} of {n} points missing"), k=3, n=56)) == "56 个测点中缺 3 个"


def test_old_text_and_unknown_msgids_are_shown_as_written() -> None:
    """A stored reason that is not a message (a campaign not yet re-analysed) is shown as
    written, also inside a verdict; a msgid the catalog lacks stays English, never dropped."""
    assert ZH.reason("not measured: no board grid") == "not measured: no board grid"
    assert ZH.reason("{not json") == "{not json"
    assert ZH.reason(None) == ""
    verdicts = evaluate({}, "cn-classroom", reasons={"cri_ra": "an old reason"})
    verdict = next(v for v in verdicts if v.metric == "cri_ra")
    assert ZH.reason(verdict.reason) == "一般显色指数 Ra：an old reason"
    odd = not_measured(Message("a message nobody marked"))
    assert ZH.reason(odd) == "未测量：a message nobody marked"
    with pytest.raises(ValueError):
        from_json('{"msg": 3}')


@pytest.mark.parametrize(
    ("full_scale", "zero_scale"),
    [(4095, None), (None, 0), (4095, 0)],
    ids=["top", "bottom", "both"],
)
def test_clipping_message_translates(full_scale: int | None, zero_scale: int | None) -> None:
    """Each form of the clipping reason (a waveform touching both rails at 20 kHz) is a
    message with a Chinese wording."""
    t = np.arange(20000) / 20000.0
    counts = np.round(2047.5 + 2047.5 * np.sin(2 * np.pi * 100 * t))
    r = fl.flicker_metrics(counts, 20000.0, full_scale=full_scale, zero_scale=zero_scale)
    reason = r.reasons["percent_flicker"].item()
    assert str(reason).startswith("clipped")
    assert not _untranslated(reason)
    assert ZH.reason(reason).startswith("饱和")


def test_demo_campaign_reasons_all_translate(tmp_path: Path) -> None:
    """Every stored reason and every verdict note of a 24-classroom demo campaign (with its
    defects and unmeasured items) is a stored message whose every part the zh catalog
    translates, and its Chinese rendering keeps no English sentence."""
    path = tmp_path / "d.lux"
    plans = plan_campaign(24, seed=11)
    with prepare_store(path, plans, "test") as store:
        measure_campaign(store, plans, start=dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC))
    messages: dict[str, Message] = {}
    with CampaignStore.open(path) as store:
        analyse_campaign(store, jobs=1)
        for room in store.classrooms():
            values, reasons = store.metrics(room.classroom_id)
            for text in reasons.values():
                message = stored(text)
                assert isinstance(message, Message), text
                messages[text] = message
            for rule in ("simple", "guarded"):
                verdicts = evaluate(
                    values,
                    store.campaign.profile,
                    room.room_type,
                    reasons=reasons,
                    decision_rule=rule,
                    uncertainty={"desk_illuminance_mean_lx": 20.0},
                )
                messages |= {v.reason.to_json(): v.reason for v in verdicts if v.reason}
    assert len(messages) >= 5
    untranslated = sorted({m for message in messages.values() for m in _untranslated(message)})
    assert not untranslated, untranslated
    for message in messages.values():
        zh = ZH.reason(message)
        words = set(re.findall(r"\b[a-z]{4,}\b", zh)) - {w.lower() for w in _KEPT}
        assert not words, zh
