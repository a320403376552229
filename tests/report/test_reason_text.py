"""Reasons and verdict notes in Chinese reports (luxcheck.report.reason_text).

Sources: the messages the code writes (collected from the source by ``ast``, so a new message
without a Chinese wording fails here), the demo campaign's stored reasons and verdict notes, and
properties of the translation (English unchanged; unknown text shown as written).
"""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import re
from pathlib import Path

import numpy as np
import pytest

import luxcheck
from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.compliance.engine import evaluate
from luxcheck.demo.plan import plan_campaign
from luxcheck.demo.runner import measure_campaign, prepare_store
from luxcheck.journal.store import CampaignStore
from luxcheck.kernels import flicker as fl
from luxcheck.report.reason_text import CATALOG, WORDS_ZH, reason_text, translates

PRODUCERS = (
    "analysis/campaign.py",
    "analysis/flicker.py",
    "analysis/glare.py",
    "analysis/grids.py",
    "analysis/power.py",
    "analysis/spectral.py",
    "compliance/engine.py",
    "kernels/colorimetry.py",
    "kernels/flicker.py",
    "kernels/glare.py",
    "kernels/grids.py",
    "kernels/photobiology.py",
    "kernels/power.py",
    "kernels/sdcm.py",
)

HOLE = "\x00"  # where an f-string has a value

#: Calls and names whose string arguments or values are reasons or verdict notes.
_SINK_CALLS = {"_set_reason", "not_measured", "_verdict", "RoomUgr", "ObserverUgr", "append"}
_SINK_NAMES = re.compile(r"reason|why")

#: Pieces that are not messages on their own: the clipped message is assembled from them (its
#: three forms are catalog entries), and method labels name the UGR path, not a reason.
FRAGMENTS = {
    "clipped: samples \x00",
    "at full scale \x00",
    " or ",
    "at ",
    "the lower rail \x00",
    "path a: luminance readings",
    "path b: photometric file ",
    "path a: luminance readings with recorded ω and p; L_b measured",
}


def _sample(node: ast.expr) -> str | None:
    """The text of a string literal, or of an f-string with each value written as HOLE."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        out = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                out.append(str(part.value))
            else:
                out.append(HOLE)
        return "".join(out)
    return None


def _messages(source: str) -> set[str]:
    """String literals that the code uses as reasons or notes."""
    found: set[str] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        candidates: list[ast.expr] = []
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in _SINK_CALLS:
                candidates += [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                text = ast.unparse(target)
                if _SINK_NAMES.search(text) and node.value is not None:
                    candidates.append(node.value)
        elif isinstance(node, ast.Return) and node.value is not None:
            candidates.append(node.value)
        elif isinstance(node, ast.Dict):
            candidates += [v for k, v in zip(node.keys, node.values, strict=True) if k is not None]
        for candidate in candidates:
            found |= _literals(candidate)
    return found


def _literals(node: ast.AST) -> set[str]:
    """The string literals within ``node``, an f-string counted whole (not its parts)."""
    text = _sample(node) if isinstance(node, ast.expr) else None
    if text is not None:
        return {text}
    out: set[str] = set()
    for child in ast.iter_child_nodes(node):
        out |= _literals(child)
    return out


#: Values tried for each HOLE of an f-string: a number, a metric id, an observer name, a nested
#: message and every glossary word.
_VALUES = ("7", "cri_ra", "O1", "not measured", *WORDS_ZH)


def _covered(sample: str) -> bool:
    """Whether the translator covers ``sample`` for some values of its HOLEs."""
    slots = sample.count(HOLE)
    parts = sample.split(HOLE)
    for values in itertools.product(_VALUES, repeat=slots):
        text = parts[0] + "".join(v + p for v, p in zip(values, parts[1:], strict=True))
        if translates(text):
            return True
    return False


def _is_message(text: str) -> bool:
    """English words with a space: not an id, a format spec or a separator."""
    return bool(re.search(r"[a-z]{2,} [a-z|\x00]", text)) or text.startswith("not measured")


def test_every_message_in_the_code_has_a_chinese_wording() -> None:
    """Every reason or note literal in the producing modules matches a catalog entry (or is a
    listed fragment of an assembled message)."""
    root = Path(luxcheck.__file__).parent
    missing = []
    for module in PRODUCERS:
        for text in _messages((root / module).read_text("utf-8")):
            if not _is_message(text) or text in FRAGMENTS:
                continue
            if not _covered(text):
                missing.append(f"{module}: {text!r}")
    assert not missing, "\n".join(missing)


def _instance(english: str) -> str:
    values = {"metric": "cri_ra", "why": "not measured", "word": "desk", "label": "O1"}
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "7"), english)


@pytest.mark.parametrize(("english", "chinese"), CATALOG, ids=[e for e, _ in CATALOG])
def test_every_catalog_entry_translates(english: str, chinese: str) -> None:
    """Each entry, filled with sample values, is translated whole; no English word of the
    template survives (proper names and symbols aside)."""
    if "{word}" in english:
        word = next(w for w in WORDS_ZH if _instance(english.replace("{word}", w)))
        text = _instance(english.replace("{word}", word))
    else:
        text = _instance(english)
    assert translates(text), text
    zh = reason_text(text, "zh")
    assert re.search(r"[\u4e00-\u9fff]", zh), zh
    english_words = set(re.findall(r"\b[a-z]{4,}\b", english)) - {"zero"}
    assert not english_words & set(re.findall(r"\b[a-z]{4,}\b", zh)), zh


def test_examples_and_fallback() -> None:
    """Nested messages: a not-measured verdict names the metric in Chinese; engine notes joined
    by '; ' are translated one by one; English is returned unchanged; unknown text is kept."""
    assert (
        reason_text("cri_ra: not measured: no spectrum of the general luminaires", "zh")
        == "一般显色指数 Ra：未测量：无一般照明灯具的光谱"
    )
    assert (
        reason_text("limit at board_flicker_frequency_hz = 100.001 Hz", "zh")
        == "限值按 黑板灯波动频率 = 100.001 Hz 取值"
    )
    assert (
        reason_text("measured value within the guard band; guard band U = 12 lx", "zh")
        == "测量值落在保护带内；保护带 U = 12 lx"
    )
    assert reason_text("not measured: no board grid", "en") == "not measured: no board grid"
    assert not translates("not measured: a message nobody wrote")
    assert reason_text("not measured: a message nobody wrote", "zh") == (
        "未测量：a message nobody wrote"
    )
    assert not translates("no kitchen grid")  # 'kitchen' is not a word of the glossary


@pytest.mark.parametrize(
    ("full_scale", "zero_scale"),
    [(4095, None), (None, 0), (4095, 0)],
    ids=["top", "bottom", "both"],
)
def test_assembled_clipping_message_translates(full_scale: int | None, zero_scale: int | None):
    """The clipping reason is assembled from fragments in flicker.py; each form it can take
    is translated (a waveform touching both rails at 20 kHz)."""
    t = np.arange(20000) / 20000.0
    counts = np.round(2047.5 + 2047.5 * np.sin(2 * np.pi * 100 * t))
    r = fl.flicker_metrics(counts, 20000.0, full_scale=full_scale, zero_scale=zero_scale)
    reason = str(r.reasons["percent_flicker"])
    assert reason.startswith("clipped")
    assert translates(reason), reason


def test_demo_campaign_reasons_all_translate(tmp_path: Path) -> None:
    """Every stored reason and every verdict note of a 24-classroom demo campaign (with its
    defects and unmeasured items) has a complete Chinese wording."""
    path = tmp_path / "d.lux"
    plans = plan_campaign(24, seed=11)
    with prepare_store(path, plans, "test") as store:
        measure_campaign(store, plans, start=dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC))
    texts: set[str] = set()
    with CampaignStore.open(path) as store:
        analyse_campaign(store, jobs=1)
        for room in store.classrooms():
            values, reasons = store.metrics(room.classroom_id)
            texts |= set(reasons.values())
            for rule in ("simple", "guarded"):
                verdicts = evaluate(
                    values,
                    store.campaign.profile,
                    room.room_type,
                    reasons=reasons,
                    decision_rule=rule,
                    uncertainty={"desk_illuminance_mean_lx": 20.0},
                )
                texts |= {v.reason for v in verdicts if v.reason}
    assert len(texts) >= 5
    untranslated = sorted(t for t in texts if not translates(t))
    assert not untranslated, untranslated
