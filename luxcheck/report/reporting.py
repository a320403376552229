"""Acceptance reports: classroom, school and campaign dashboard, in HTML and PDF (DESIGN §10).

Data flow: :func:`build_classroom_report` assembles a
:class:`~luxcheck.report.model.ClassroomReportData` from the store and the verdicts;
:func:`render_campaign` writes every report, the school summaries, the dashboard and the CSV
export into an output folder, in a process pool, re-rendering only what changed.

- Jinja2 with autoescape and ``StrictUndefined``; gettext catalogs (``reports/locale``) through
  Jinja2's i18n extension; Chinese by default. Numbers, dates and units are formatted here, in
  Python (:class:`Formatter`); templates only print strings.
- Figures (:mod:`luxcheck.report.figures`) are files named by the hash of what they show, so the
same
  figure is drawn once; the chromaticity diagram and the flicker limit chart are drawn once per
  campaign and the measured point is overlaid as an inline SVG marker.
- Output file names come from ids through :func:`safe_component`, and every write is checked to
  stay inside the output folder.
- Each classroom report carries :func:`digest`, a SHA-256 over its raw readings and the pack
  versions; ``luxcheck verify`` recomputes it (:func:`verify_report`).
"""

from __future__ import annotations

import concurrent.futures
import csv
import dataclasses
import datetime as dt
import functools
import gettext as gettext_module
import hashlib
import html
import html.parser
import io
import json
import math
import multiprocessing
import os
import re
import shutil
import struct
import tempfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import numpy.typing as npt

from luxcheck import __version__
from luxcheck.compliance.verdict import Verdict
from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.model import (
    Classroom,
    IlluminanceReading,
    Instrument,
    SpectrumReading,
    WaveformReading,
)
from luxcheck.report.figures import FIGURE_STYLE_VERSION, AxesGeometry, FigureRenderer
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    ClassroomSummary,
    CriData,
    FigureInputs,
    FlickerPoint,
    PackRef,
    PlanePoints,
    PolicyStatement,
    RoomOutcome,
    SchoolSummaryData,
    SpectrumData,
    WaveformExcerpt,
)
from luxcheck.report.reason_text import reason_text
from luxcheck.resources import reports_dir
from luxcheck.vocabulary import METRICS

LANGUAGES: dict[str, str] = {"zh": "zh_CN", "en": "en"}
DOMAIN = "luxcheck"
DIGEST_VERSION = "luxcheck-digest-v1"
PROVENANCE_PREFIX = "luxcheck-provenance:v1"
MANIFEST_NAME = ".luxcheck-manifest.json"
#: Length of the waveform excerpt drawn from a stored record [s] (a few mains periods), and
#: the fewest samples drawn.
WAVEFORM_EXCERPT_S = 0.05
WAVEFORM_EXCERPT_MIN_SAMPLES = 200
_SAFE_RE = re.compile(r"[^A-Za-z0-9_.\-]")


def _n(message: str) -> str:
    """Mark a message for translation (extracted by scripts/update_catalogs.py)."""
    return message


# --------------------------------------------------------------------------- digest
def digest(raw_rows: Iterable[Sequence[Any]], packs: Iterable[PackRef]) -> str:
    """SHA-256 over a classroom's raw reading rows and the pack ids and versions.

    Parameters
    ----------
    raw_rows
        :meth:`luxcheck.journal.store.CampaignStore.raw_reading_rows`: every stored row, superseded
        ones included, in journal order.
    packs
        The packs the verdicts came from; their order does not matter.

    Returns
    -------
    str
        64 hex digits. Every value is length-prefixed and typed (None, int, float as its exact
        hex form, text as UTF-8, bytes as is), so no two different inputs share an encoding.
    """
    h = hashlib.sha256(DIGEST_VERSION.encode())
    for pack in sorted(packs, key=lambda p: (p.pack_id, p.version)):
        _feed(h, b"P", pack.pack_id.encode())
        _feed(h, b"V", pack.version.encode())
    for row in raw_rows:
        h.update(b"R" + struct.pack(">I", len(row)))
        for value in row:
            if value is None:
                h.update(b"N")
            elif isinstance(value, bool | int):
                _feed(h, b"I", str(int(value)).encode())
            elif isinstance(value, float):
                _feed(h, b"F", value.hex().encode())
            elif isinstance(value, str):
                _feed(h, b"S", value.encode())
            elif isinstance(value, bytes | bytearray | memoryview):
                _feed(h, b"B", bytes(value))
            else:
                raise TypeError(f"cannot digest a {type(value).__name__} in a reading row")
    return h.hexdigest()


def _feed(h: Any, tag: bytes, data: bytes) -> None:
    h.update(tag + struct.pack(">Q", len(data)) + data)


def store_digest(store: CampaignStore, classroom_id: str, packs: Iterable[PackRef]) -> str:
    """:func:`digest` of one classroom of ``store``."""
    return digest(store.raw_reading_rows(classroom_id), packs)


# --------------------------------------------------------------------------- assembly
def build_classroom_report(
    store: CampaignStore,
    classroom_id: str,
    verdicts: Sequence[Verdict],
    room_result: str | RoomOutcome,
    policy: PolicyStatement,
    *,
    profile_id: str,
    packs: Sequence[PackRef],
    figures: FigureInputs | None = None,
    issued_on: dt.date | None = None,
) -> ClassroomReportData:
    """Assemble a classroom report from the store, the verdicts and the room result.

    Parameters
    ----------
    store
        The campaign.
    classroom_id
        Which classroom.
    verdicts
        From :func:`luxcheck.compliance.engine.evaluate` for this classroom.
    room_result
        The overall result (``'pass' | 'fail' | 'incomplete'`` or a ready
        :class:`RoomOutcome`); checked against the verdicts.
    policy
        The profile's acceptance policy and decision rule texts.
    profile_id, packs
        The profile and the packs (with versions) the verdicts came from.
    figures
        Figure inputs from the analysis (chromaticity, UGR observers, flicker limit curves, an
        interpolated desk surface, ...). Parts it leaves empty are taken from the store: desk
        and board points (current lights-on readings), the first spectrum and waveform, the
        CRI bars and the flicker point from the stored metrics.
    issued_on
        Report date (default: today). Not part of the content key for re-rendering.
    """
    room = store.classroom(classroom_id)
    schools = {s.school_id: s for s in store.schools()}
    school = schools[room.school_id]
    sessions = tuple(store.sessions(classroom_id))
    wanted = {iid for s in sessions for iid in s.instrument_ids}
    instruments = tuple(i for i in store.instruments() if i.instrument_id in wanted)
    metrics, reasons = store.metrics(classroom_id)
    verdict_tuple = tuple(verdicts)
    outcome = (
        room_result
        if isinstance(room_result, RoomOutcome)
        else RoomOutcome.from_verdicts(room_result, verdict_tuple)
    )
    raw = store.raw_reading_rows(classroom_id)
    merged = _merge_figures(_figures_from_store(store, classroom_id, metrics), figures)
    return ClassroomReportData(
        campaign=store.campaign,
        school=school,
        classroom=room,
        sessions=sessions,
        instruments=instruments,
        verdicts=verdict_tuple,
        outcome=outcome,
        metrics=metrics,
        reasons=reasons,
        policy=policy,
        profile_id=profile_id,
        packs=tuple(packs),
        digest=digest(raw, packs),
        raw_reading_count=len(raw),
        figures=merged,
        issued_on=issued_on or dt.date.today(),
    )


def _figures_from_store(
    store: CampaignStore, classroom_id: str, metrics: Mapping[str, float | str | None]
) -> FigureInputs:
    desk: list[tuple[float, float, float]] = []
    board: list[tuple[float, float, float]] = []
    for reading in store.readings(classroom_id, kind="illuminance"):
        assert isinstance(reading, IlluminanceReading)
        if not reading.lights_on:
            continue
        target = (
            desk if reading.surface == "desk" else board if reading.surface == "board" else None
        )
        if target is not None:
            target.append((reading.x_m, reading.y_m, reading.illuminance_lx))
    spectrum = None
    spectra = store.readings(classroom_id, kind="spectrum")
    if spectra:
        first = spectra[0]
        assert isinstance(first, SpectrumReading)
        spectrum = SpectrumData(
            np.asarray(first.wavelength_nm, dtype=float),
            np.asarray(first.values, dtype=float),
            first.unit,
        )
    waveform = None
    waves = store.readings(classroom_id, kind="waveform")
    if waves:
        w = waves[0]
        assert isinstance(w, WaveformReading)
        count = max(WAVEFORM_EXCERPT_MIN_SAMPLES, round(WAVEFORM_EXCERPT_S * w.sample_rate_hz))
        excerpt = np.asarray(w.samples[:count], dtype=float) - w.dark_level
        waveform = WaveformExcerpt(excerpt, w.sample_rate_hz, w.duration_s, w.unit)
    cri = None
    ri = [_number(metrics.get(f"cri_r{i}")) for i in range(1, 15)]
    if any(math.isfinite(v) for v in ri):
        cri = CriData(_number(metrics.get("cri_ra")), np.array(ri))
    flicker = None
    f_hz = _number(metrics.get("flicker_frequency_hz"))
    f_pc = _number(metrics.get("flicker_percent"))
    if math.isfinite(f_hz) and math.isfinite(f_pc):
        flicker = FlickerPoint(f_hz, f_pc)
    return FigureInputs(
        desk=_plane(desk),
        board=_plane(board),
        spectrum=spectrum,
        cri=cri,
        waveform=waveform,
        flicker_point=flicker,
    )


def _plane(points: list[tuple[float, float, float]]) -> PlanePoints | None:
    if not points:
        return None
    array = np.asarray(points, dtype=float)
    return PlanePoints(array[:, 0], array[:, 1], array[:, 2])


def _merge_figures(base: FigureInputs, extra: FigureInputs | None) -> FigureInputs:
    if extra is None:
        return base
    changes = {
        f.name: getattr(extra, f.name)
        for f in dataclasses.fields(FigureInputs)
        if getattr(extra, f.name) not in (None, ())
    }
    return dataclasses.replace(base, **changes)


def pass_rate(passed: int, of: int) -> float:
    """The reports' one pass rate, in percent: ``passed`` out of ``of`` (NaN when ``of`` is 0).

    ``of`` counts everything the rate is about, judged or not: every classroom for a school or
    the campaign, every classroom a requirement applies to for a requirement. A classroom that
    was not measured, is indeterminate or incomplete counts as not passing, so 1 pass and 99
    not measured is 1 %, never 100 %.
    """
    return passed / of * 100 if of else math.nan


def _number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


# --------------------------------------------------------------------------- locale
@cache
def translations(lang: str) -> gettext_module.GNUTranslations:
    """The compiled gettext catalog of ``lang`` ('zh' or 'en')."""
    if lang not in LANGUAGES:
        raise InputError(
            f"language {lang!r}: expected one of {', '.join(LANGUAGES)}", source="argument --lang"
        )
    path = reports_dir() / "locale" / LANGUAGES[lang] / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return gettext_module.GNUTranslations(handle)


_UNIT_DISPLAY = {"1": "", "W/m2": "W/m²", "W/lm": "W/lm", "": ""}
# Display precision per unit (presentation only; never used to judge).
_DECIMALS_BY_METRIC = {
    "desk_uniformity": 2,
    "board_uniformity": 2,
    "desk_uniformity_min_max": 2,
    "ugr": 1,
    "duv": 4,
    "flicker_index": 3,
    "flicker_svm": 2,
    "flicker_pst_lm": 2,
    "blue_light_kbv_w_per_lm": 4,
    "melanopic_der": 2,
    "cri_ra": 1,
    "tm30_rf": 1,
    "tm30_rg": 1,
    "flicker_percent": 2,
    "board_flicker_percent": 2,
    "flicker_frequency_hz": 1,
    "board_flicker_frequency_hz": 1,
    "lpd_w_per_m2": 2,
    "room_index": 2,
    "luminaire_height_above_desk_m": 2,
    "colour_consistency_sdcm": 1,
}
_DECIMALS_BY_UNIT = {"lx": 0, "K": 0, "%": 2, "Hz": 1, "m": 2}


class Formatter:
    """Locale-aware formatting of numbers, dates, units and verdict fields ('zh' or 'en')."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._ = translations(lang).gettext

    # ---- basics
    def number(self, value: float, decimals: int) -> str:
        """A number with grouping and a true minus sign; NaN → '—'."""
        if not math.isfinite(value):
            return "—"
        text = f"{value:,.{decimals}f}"
        return text.replace("-", "−")

    def signed(self, value: float, decimals: int) -> str:
        """A number with its sign (+ or −)."""
        if not math.isfinite(value):
            return "—"
        return ("+" if value >= 0 else "") + self.number(value, decimals)

    def date(self, value: dt.date) -> str:
        """A calendar date: 2026年11月2日 / 2 November 2026."""
        if self.lang == "zh":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {value.strftime('%B')} {value.year}"

    def timestamp(self, value: dt.datetime) -> str:
        """A time stamp with its UTC offset."""
        offset = value.strftime("%z")
        offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
        return f"{self.date(value.date())} {value.strftime('%H:%M')} {offset}".strip()

    def unit(self, unit: str) -> str:
        """A unit as printed (W/m2 → W/m²; dimensionless → '')."""
        return _UNIT_DISPLAY.get(unit, unit)

    def with_unit(self, text: str, unit: str) -> str:
        shown = self.unit(unit)
        if not shown:
            return text
        if shown == "%" and self.lang == "zh":
            return f"{text}%"
        return f"{text} {shown}"

    def decimals(self, metric_id: str, unit: str) -> int:
        if metric_id in _DECIMALS_BY_METRIC:
            return _DECIMALS_BY_METRIC[metric_id]
        if metric_id.startswith("cri_r"):
            return 0
        return _DECIMALS_BY_UNIT.get(unit, 2)

    def metric_name(self, metric_id: str) -> str:
        info = METRICS.get(metric_id)
        if info is None:
            return metric_id
        return info.name_zh if self.lang == "zh" else info.name_en

    def metric_value(self, metric_id: str, value: object, unit: str | None = None) -> str:
        """A stored metric value with its unit ('—' if absent)."""
        info = METRICS.get(metric_id)
        unit = unit if unit is not None else (info.unit if info else "")
        if isinstance(value, str):
            return value
        number = _number(value)
        if not math.isfinite(number):
            return "—"
        return self.with_unit(self.number(number, self.decimals(metric_id, unit)), unit)

    def reason(self, text: str) -> str:
        """A stored reason or a verdict note in the report's language."""
        return reason_text(text, self.lang)

    # ---- verdict fields
    def status(self, status: str) -> str:
        words = {
            "pass": self._("Pass"),
            "fail": self._("Fail"),
            "indeterminate": self._("Indeterminate"),
            "not-measured": self._("Not measured"),
            "not-applicable": self._("Not applicable"),
            "incomplete": self._("Incomplete"),
        }
        return words[status]

    def clause(self, v: Verdict) -> str:
        """The standard and clause of a verdict in the report's language."""
        text = v.clause_zh if self.lang == "zh" and v.clause_zh else v.clause
        return f"{v.standard} {text}".strip()

    def obligation(self, obligation: str) -> str:
        words = {
            "shall": self._("Shall"),
            "should": self._("Should"),
            "advisory": self._("Advisory"),
        }
        return words[obligation]

    def confidence(self, confidence: str) -> str:
        words = {"verified": self._("Verified"), "to-be-confirmed": self._("To be confirmed")}
        return words[confidence]

    def room_type(self, room_type: str) -> str:
        words = {
            "ordinary": self._("Ordinary classroom"),
            "art": self._("Art room"),
            "computer": self._("Computer room"),
            "laboratory": self._("Laboratory"),
            "multimedia": self._("Multimedia classroom"),
        }
        return words.get(room_type, room_type)

    def measured(self, v: Verdict) -> str:
        if v.measured is None:
            return "—"
        if isinstance(v.measured, str):
            return v.measured
        decimals = self._distinct_decimals(v)
        return self.with_unit(self.number(float(v.measured), decimals), v.unit)

    def limit(self, v: Verdict) -> str:
        if v.limit is None:
            return "—"
        decimals = self._distinct_decimals(v)
        if v.comparator == "in" and isinstance(v.limit, tuple):
            return " / ".join(str(item) for item in v.limit)
        if v.comparator == "range" and isinstance(v.limit, tuple):
            low, high = (float(x) for x in v.limit)
            return self.with_unit(
                f"{self.number(low, decimals)}–{self.number(high, decimals)}", v.unit
            )
        symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(v.comparator, v.comparator)
        assert isinstance(v.limit, int | float)
        return f"{symbol} " + self.with_unit(self.number(float(v.limit), decimals), v.unit)

    def margin(self, v: Verdict) -> str:
        if v.margin is None or not math.isfinite(v.margin):
            return "—"
        return self.with_unit(self.signed(v.margin, self._distinct_decimals(v)), v.unit)

    def _distinct_decimals(self, v: Verdict) -> int:
        """Display decimals, more where rounding would hide the difference between the
        measured value and a limit it is compared with: a margin that is not zero must not
        print as zero, nor the measured value as one of the limit's bounds (U0 0.698 against
        ≥ 0.70; CCT 5,300.4 K against 3,300–5,300 K). The same rule for every comparator."""
        decimals = self.decimals(v.metric, v.unit)
        if not isinstance(v.measured, int | float):
            return decimals
        pairs = [(float(v.measured), bound) for bound in _numeric_bounds(v.limit)]
        if v.margin is not None and math.isfinite(v.margin):
            pairs.append((v.margin, 0.0))
        while decimals < 6 and any(
            a != b and round(a, decimals) == round(b, decimals) for a, b in pairs
        ):
            decimals += 1
        return decimals


def _numeric_bounds(limit: object) -> tuple[float, ...]:
    """The numbers a measured value is compared with: a scalar limit or a range's two bounds
    (none for a set of allowed texts)."""
    if isinstance(limit, int | float):
        return (float(limit),)
    if isinstance(limit, tuple) and all(isinstance(x, int | float) for x in limit):
        return tuple(float(x) for x in limit)
    return ()


# Rectification advice per metric family (plain words for a school administrator).
_ADVICE: dict[str, str] = {
    "desk_illuminance": _n(
        "Raise the desk illuminance: check that every luminaire works and is clean, replace "
        "under-performing luminaires or add luminaires, then re-measure the desk grid."
    ),
    "desk_uniformity": _n(
        "Improve the desk uniformity: rearrange or add luminaires over the dark zones (often "
        "near the walls and the back row) and re-measure the desk grid."
    ),
    "board_illuminance": _n(
        "Raise the blackboard illuminance: install or adjust dedicated blackboard luminaires "
        "(asymmetric optics, aimed at the board) and re-measure the board grid."
    ),
    "board_uniformity": _n(
        "Improve the blackboard uniformity: adjust the position and aiming of the blackboard "
        "luminaires so that the board is lit evenly, then re-measure."
    ),
    "ugr": _n(
        "Reduce glare: use luminaires with louvres or diffusers, lower luminance at viewing "
        "angles, or orient luminaires with their long axis perpendicular to the blackboard."
    ),
    "cri": _n(
        "Replace the light sources with products of sufficient colour rendering (check Ra and "
        "R9 on the product test report) and re-measure the spectrum."
    ),
    "board_cri": _n(
        "Replace the blackboard luminaires' light sources with products of sufficient colour "
        "rendering and re-measure their spectrum."
    ),
    "cct": _n(
        "Replace the light sources with products whose colour temperature lies in the required "
        "range and re-measure."
    ),
    "duv": _n("Replace the light sources with products closer to the Planckian locus."),
    "flicker": _n(
        "Replace the drivers or luminaires with flicker-free products (low percent flicker at "
        "the mains ripple frequency) and re-measure the waveform."
    ),
    "board_flicker": _n(
        "Replace the blackboard luminaires' drivers with flicker-free products and re-measure."
    ),
    "blue_light": _n(
        "Use luminaires of the required photobiological risk group (product test report per "
        "IEC/TR 62778) and replace those that exceed it."
    ),
    "board_blue_light": _n(
        "Use blackboard luminaires of the required photobiological risk group and replace those "
        "that exceed it."
    ),
    "lpd": _n(
        "Reduce the lighting power density: replace luminaires with more efficient ones or "
        "remove excess luminaires, while keeping the illuminance requirements."
    ),
    "luminaire_height": _n(
        "Raise the luminaires so that their height above the desks meets the requirement."
    ),
    "board_luminaire_distance": _n(
        "Re-position the blackboard luminaires so that every one of them lies within the "
        "required distance from the board face, then re-measure each lamp."
    ),
    "board_luminaire_height": _n(
        "Re-mount the blackboard luminaires so that every one of them lies within the required "
        "height above the board's top edge, then re-measure each lamp."
    ),
    "colour_consistency": _n(
        "Replace luminaires whose colour differs visibly from the others so that the room is "
        "consistent."
    ),
}
_GENERIC_ADVICE = _n("Correct the installation so that this requirement is met and re-measure.")
# not measured: the acceptance depends on the item only if it is a shall-requirement
_NOT_MEASURED_ADVICE = _n("Measure this item; the classroom cannot be accepted without it.")
_NOT_MEASURED_RECOMMENDED_ADVICE = _n(
    "Measure this item to complete the report; it is a recommendation (should or advisory), "
    "so the classroom's acceptance does not depend on it."
)


def advice_key(metric_id: str) -> str | None:
    """The advice family of a metric id (longest matching prefix), or None."""
    best = None
    for key in _ADVICE:
        if (metric_id == key or metric_id.startswith(key + "_") or metric_id.startswith(key)) and (
            best is None or len(key) > len(best)
        ):
            best = key
    return best


# --------------------------------------------------------------------------- environment
@cache
def environment(lang: str) -> jinja2.Environment:
    """The Jinja2 environment of ``lang``: autoescape, StrictUndefined, gettext installed."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(reports_dir() / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


@cache
def templates_fingerprint() -> str:
    """Hash of the templates, static files, catalogs and the rendering code: part of every
    content key, so a change to any of them re-renders (no stale report survives)."""
    h = hashlib.sha256(__version__.encode() + FIGURE_STYLE_VERSION.encode())
    here = Path(__file__).resolve().parent
    for module in sorted(here.glob("*.py")):  # every module of the report stage
        h.update(module.name.encode())
        h.update(module.read_bytes())
    root = reports_dir()
    for sub in ("templates", "static", "locale"):
        for path in sorted((root / sub).rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


# --------------------------------------------------------------------------- safe paths
def safe_component(name: str) -> str:
    """A file-name component from an id: only ``A-Z a-z 0-9 _ . -``, no leading dot or dash
    (a dash would read as an option to command-line tools), 1–64 characters. Anything else
    becomes ``_``; a name of only punctuation is refused."""
    cleaned = _SAFE_RE.sub("_", name)[:64]
    cleaned = cleaned.lstrip(".-")
    if not cleaned or set(cleaned) <= {"_", ".", "-"}:
        raise InputError(f"{name!r} cannot be made into a safe file name", column="id")
    return cleaned


def inside(out_dir: Path, *parts: str) -> Path:
    """``out_dir / parts`` after checking that it resolves inside ``out_dir`` (symlinks too)."""
    root = out_dir.resolve()
    target = root.joinpath(*parts).resolve()
    if target != root and root not in target.parents:
        raise InputError(
            f"refusing to write outside the output folder: {target}", source=str(out_dir)
        )
    return target


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- content keys
def _canonical(value: object, h: Any) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        h.update(b"D" + type(value).__name__.encode())
        for f in dataclasses.fields(value):
            h.update(f.name.encode())
            _canonical(getattr(value, f.name), h)
    elif isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        h.update(b"A" + array.dtype.str.encode() + repr(array.shape).encode())
        h.update(array.tobytes())
    elif isinstance(value, Mapping):
        h.update(b"M")
        for key in sorted(value, key=str):
            h.update(str(key).encode())
            _canonical(value[key], h)
    elif isinstance(value, list | tuple):
        h.update(b"L" + str(len(value)).encode())
        for item in value:
            _canonical(item, h)
    elif isinstance(value, float):
        h.update(b"F" + value.hex().encode())
    else:
        h.update(b"V" + repr(value).encode())


def content_key(value: object, *extra: str) -> str:
    """A SHA-256 of a report record (arrays by content), plus ``extra`` strings."""
    h = hashlib.sha256()
    for item in extra:
        h.update(item.encode() + b"\0")
    _canonical(value, h)
    return h.hexdigest()


def _report_key(report: ClassroomReportData, lang: str, pdf: bool, fmt: str) -> str:
    keyed = dataclasses.replace(report, issued_on=dt.date(1970, 1, 1))
    return content_key(keyed, lang, str(pdf), fmt, templates_fingerprint())


# --------------------------------------------------------------------------- views
def _provenance(report: ClassroomReportData) -> str:
    # "|" between packs: PDF writers split keywords at commas.
    packs = "|".join(f"{p.pack_id}@{p.version}" for p in report.packs)
    return (
        f"{PROVENANCE_PREFIX};campaign={report.campaign.campaign_id};"
        f"classroom={report.classroom.classroom_id};digest={report.digest};packs={packs}"
    )


_SVG_FONT = "LuxcheckSansSC, sans-serif"


def _shape(tag: str, attrs: Mapping[str, float | str], content: str = "") -> dict[str, Any]:
    """An SVG element for an overlay: tag, attributes (numbers formatted), text content."""
    items = [
        (name.replace("_", "-"), f"{value:.1f}" if isinstance(value, float) else str(value))
        for name, value in attrs.items()
    ]
    return {"tag": tag, "attrs": items, "text": content}


def _rect(
    g: AxesGeometry,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    *,
    fill: str,
    stroke: str,
    dash: bool = False,
) -> dict[str, Any] | None:
    a, b = g.to_pixels(x0, y0), g.to_pixels(x1, y1)
    if a is None or b is None:
        return None
    attrs: dict[str, float | str] = {
        "x": min(a[0], b[0]),
        "y": min(a[1], b[1]),
        "width": abs(b[0] - a[0]),
        "height": abs(b[1] - a[1]),
        "fill": fill,
        "stroke": stroke,
        "stroke_width": "0.8",
    }
    if dash:
        attrs["stroke_dasharray"] = "4 3"
    return _shape("rect", attrs)


def _circle(g: AxesGeometry, x: float, y: float, r: float, fill: str) -> dict[str, Any] | None:
    pixel = g.to_pixels(x, y)
    if pixel is None:
        return None
    return _shape(
        "circle",
        {
            "cx": pixel[0],
            "cy": pixel[1],
            "r": r,
            "fill": fill,
            "stroke": "#fff",
            "stroke_width": "0.6",
        },
    )


def _text(
    g: AxesGeometry,
    x: float,
    y: float,
    text: str,
    *,
    dx: float = 0.0,
    dy: float = 0.0,
    anchor: str = "start",
    fill: str = "#000",
) -> dict[str, Any] | None:
    pixel = g.to_pixels(x, y)
    if pixel is None:
        return None
    return _shape(
        "text",
        {
            "x": pixel[0] + dx,
            "y": pixel[1] + dy,
            "fill": fill,
            "text_anchor": anchor,
            "font_size": "8",
            "font_family": _SVG_FONT,
        },
        text,
    )


def _polyline(
    px: npt.NDArray[np.float64], py: npt.NDArray[np.float64], colour: str
) -> dict[str, Any]:
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(px.tolist(), py.tolist(), strict=True))
    return _shape(
        "polyline", {"points": points, "fill": "none", "stroke": colour, "stroke_width": "1"}
    )


# Approximate colours of the CIE 13.3 test colour samples TCS01–TCS14 (bar colours only).
_TCS_COLOURS = (
    "#b88a8a",
    "#a99a5a",
    "#8a9a4a",
    "#6aa06a",
    "#6a9aa8",
    "#6a7ab8",
    "#9a7ab0",
    "#b07aa0",
    "#d01010",
    "#e8d020",
    "#208040",
    "#1030a0",
    "#e8c0a0",
    "#506030",
)


class ClassroomPages:
    """Renders classroom, school and dashboard pages of one language into one output folder.

    Held once per worker process; reuses its Jinja2 environment and figure renderer.
    """

    def __init__(
        self,
        out_dir: Path,
        lang: str = "zh",
        *,
        figure_format: str = "png",
        backgrounds: Mapping[str, tuple[str, AxesGeometry]] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.lang = lang
        self.fmt = Formatter(lang)
        self._ = translations(lang).gettext
        self.env = environment(lang)
        self.figure_format = figure_format
        self.figures = FigureRenderer(self._, figure_format, lang)
        self.backgrounds = dict(backgrounds or {})

    # ----------------------------------------------------------------- paths
    def classroom_path(self, school_id: str, classroom_id: str, suffix: str = ".html") -> Path:
        return inside(
            self.out_dir,
            "schools",
            safe_component(school_id),
            safe_component(classroom_id) + suffix,
        )

    def school_path(self, school_id: str, suffix: str = ".html") -> Path:
        return inside(self.out_dir, "schools", safe_component(school_id), "index" + suffix)

    def _figure(
        self, kind: str, key_obj: object, draw: Callable[[], bytes | None], ext: str | None = None
    ) -> str | None:
        """Write a figure once under figures/<kind>-<hash>.<ext>; return its file name (None
        when there is nothing to draw). An existing file of that content is reused."""
        ext = ext or self.figure_format
        key = content_key(key_obj, kind, self.lang, ext, FIGURE_STYLE_VERSION)
        name = f"{kind}-{key[:20]}.{ext}"
        path = inside(self.out_dir, "figures", name)
        if not path.exists():
            data = draw()
            if data is None:
                return None
            _write_atomic(path, data)
        return name

    # ----------------------------------------------------------------- classroom
    def classroom_view(self, report: ClassroomReportData) -> dict[str, Any]:
        """Everything the classroom template prints, as formatted strings."""
        f, _ = self.fmt, self._
        room = report.classroom
        rel = "../../"
        rows = [self._verdict_row(v) for v in report.verdicts]
        outcome = report.outcome
        names = {v.requirement_id: f.metric_name(v.metric) for v in report.verdicts}
        headline = {
            "pass": _("The classroom lighting meets every mandatory requirement."),
            "fail": _("The classroom lighting does not meet the requirements."),
            "incomplete": _("The result is incomplete: some required items were not measured."),
        }[outcome.status]
        details = []
        if outcome.failed_shall:
            details.append(
                _("Mandatory (shall) items failed: {items}").format(
                    items=self._list(names[i] for i in outcome.failed_shall)
                )
            )
        if outcome.not_measured:
            details.append(
                _("Not measured: {items}").format(
                    items=self._list(names[i] for i in outcome.not_measured)
                )
            )
        if outcome.indeterminate:
            details.append(
                _("Indeterminate within the measurement uncertainty: {items}").format(
                    items=self._list(names[i] for i in outcome.indeterminate)
                )
            )
        if outcome.failed_should:
            details.append(
                _("Recommended (should) items not met: {items}").format(
                    items=self._list(names[i] for i in outcome.failed_should)
                )
            )
        advice = [
            {
                "metric": f.metric_name(v.metric),
                "status": f.status(v.status),
                "text": _(self._advice_msgid(v)),
            }
            for v in report.verdicts
            if v.status in ("fail", "not-measured", "indeterminate")
        ]
        ident = [
            (_("Campaign"), report.campaign.name),
            (_("Client"), report.campaign.client or "—"),
            (_("School"), report.school.name),
            (_("District"), report.school.district or "—"),
            (_("Building / floor"), " / ".join(x for x in (room.building, room.floor) if x) or "—"),
            (_("Classroom"), f"{room.name} ({room.classroom_id})"),
            (_("Room type"), f.room_type(room.room_type)),
            (
                _("Dimensions (L × W × H)"),
                f"{f.number(room.length_m, 2)} × {f.number(room.width_m, 2)} × "
                f"{f.number(room.height_m, 2)} m",
            ),
            (
                _("Luminaires (general / blackboard)"),
                f"{room.luminaire_count} / {room.board_luminaire_count}",
            ),
            (
                _("Test dates"),
                self._list(sorted({f.date(s.started_at.date()) for s in report.sessions})) or "—",
            ),
            (_("Inspectors"), self._list(sorted({s.inspector for s in report.sessions})) or "—"),
            (_("Report date"), f.date(report.issued_on)),
            (_("Standards profile"), report.profile_id),
        ]
        if room.notes:
            ident.append((_("Notes"), room.notes))
        instruments = [self._instrument_row(i) for i in report.instruments]
        sessions = [
            {
                "id": s.session_id,
                "inspector": s.inspector,
                "started": f.timestamp(s.started_at),
                "notes": s.notes or "—",
            }
            for s in report.sessions
        ]
        figures = self._classroom_figures(report)
        desk_points = []
        if report.figures.desk is not None:
            d = report.figures.desk
            desk_points = [
                {
                    "n": str(i + 1),
                    "x": f.number(float(x), 2),
                    "y": f.number(float(y), 2),
                    "e": f.number(float(e), 0),
                }
                for i, (x, y, e) in enumerate(zip(d.x_m, d.y_m, d.value_lx, strict=True))
            ]
        policy = report.policy
        zh = self.lang == "zh"
        packs_text = ", ".join(f"{p.pack_id} {p.version}" for p in report.packs) or "—"
        return {
            "doc": self._doc(
                title=f"{room.name} — {report.school.name}",
                heading=_("Classroom lighting acceptance report"),
                rel=rel,
                provenance=_provenance(report),
                running=f"{report.campaign.name} · {report.school.name} · {room.name}",
            ),
            "ident": ident,
            "outcome": {
                "status": outcome.status,
                "word": f.status(outcome.status),
                "headline": headline,
                "details": details,
            },
            "verdicts": rows,
            "policy": {
                "acceptance": policy.acceptance_policy_zh if zh else policy.acceptance_policy_en,
                "decision": policy.decision_rule_zh if zh else policy.decision_rule_en,
            },
            "figures": figures,
            "desk_points": desk_points,
            "flicker_facts": self._flicker_facts(report),
            "instruments": instruments,
            "sessions": sessions,
            "advice": advice,
            "integrity": {
                "digest": report.digest,
                "count": str(report.raw_reading_count),
                "packs": packs_text,
                "command": (
                    f"luxcheck verify {room.classroom_id}.html --campaign <{_('campaign file')}>"
                ),
            },
            "links": {
                "school": "index.html",
                "dashboard": rel + "index.html",
            },
        }

    def _advice_msgid(self, v: Verdict) -> str:
        if v.status == "not-measured":
            if v.obligation == "shall":
                return _NOT_MEASURED_ADVICE
            return _NOT_MEASURED_RECOMMENDED_ADVICE
        key = advice_key(v.metric)
        return _ADVICE[key] if key else _GENERIC_ADVICE

    def _verdict_row(self, v: Verdict) -> dict[str, str]:
        f = self.fmt
        clause = f.clause(v)
        return {
            "requirement": v.requirement_id,
            "metric": f.metric_name(v.metric),
            "measured": f.measured(v),
            "limit": f.limit(v),
            "margin": f.margin(v),
            "status": v.status,
            "status_word": f.status(v.status),
            "clause": clause,
            "obligation": f.obligation(v.obligation),
            "confidence": f.confidence(v.confidence),
            "reason": f.reason(v.reason),
        }

    def _instrument_row(self, i: Instrument) -> dict[str, str]:
        f = self.fmt
        return {
            "id": i.instrument_id,
            "model": i.model,
            "serial": i.serial_number,
            "kind": i.kind,
            "calibrated": f.date(i.calibration_date),
            "uncertainty": f"{f.with_unit(f.number(i.expanded_uncertainty_percent, 1), '%')} "
            f"(k = {f.number(i.coverage_factor, 0)})",
        }

    def _flicker_facts(self, report: ClassroomReportData) -> list[tuple[str, str]]:
        f, _ = self.fmt, self._
        wave = report.figures.waveform
        facts: list[tuple[str, str]] = []
        for metric_id in (
            "flicker_frequency_hz",
            "flicker_percent",
            "flicker_index",
            "flicker_svm",
            "flicker_pst_lm",
        ):
            if metric_id in report.metrics:
                value = f.metric_value(metric_id, report.metrics[metric_id])
                reason = report.reasons.get(metric_id)
                if value == "—" and reason:
                    value = f"— ({f.reason(reason)})"
                facts.append((f.metric_name(metric_id), value))
        if wave is not None:
            facts.append((_("Sample rate"), f.with_unit(f.number(wave.sample_rate_hz, 0), "Hz")))
            facts.append((_("Record length"), f"{f.number(wave.record_length_s, 2)} s"))
        return facts

    def background(
        self, key: str, draw: Callable[[], tuple[bytes, AxesGeometry]]
    ) -> tuple[str, AxesGeometry]:
        """A static background figure and its axes geometry: from memory, from the figures
        folder (image + JSON written by an earlier run or another worker), or drawn now."""
        cached = self.backgrounds.get(key)
        if cached is not None:
            return cached
        name = f"{key}-{self.lang}-{FIGURE_STYLE_VERSION}.{self.figure_format}"
        image = inside(self.out_dir, "figures", name)
        meta = inside(self.out_dir, "figures", name + ".json")
        if image.exists() and meta.exists():
            stored = json.loads(meta.read_text(encoding="utf-8"))
            geometry = AxesGeometry(
                float(stored["width_px"]),
                float(stored["height_px"]),
                float(stored["left_px"]),
                float(stored["right_px"]),
                float(stored["top_px"]),
                float(stored["bottom_px"]),
                (float(stored["xlim"][0]), float(stored["xlim"][1])),
                (float(stored["ylim"][0]), float(stored["ylim"][1])),
                bool(stored["xlog"]),
                bool(stored["ylog"]),
            )
        else:
            data, geometry = draw()
            _write_atomic(image, data)
            _write_atomic(meta, json.dumps(dataclasses.asdict(geometry)).encode())
        self.backgrounds[key] = (name, geometry)
        return name, geometry

    def _room_background(self, room: Classroom) -> tuple[str, AxesGeometry]:
        """The plan frame for rooms of this size class (whole metres)."""
        width, length = math.ceil(room.width_m), math.ceil(room.length_m)
        xlim, ylim = (-0.4, width + 0.4), (length + 0.4, -0.9)
        return self.background(
            f"plan-{width}x{length}",
            functools.partial(
                self.figures.plan_background,
                xlim,
                ylim,
                self._("Across the room x [m]"),
                self._("From the blackboard wall y [m]"),
                3.8,
            ),
        )

    def _room_shapes(
        self, room: Classroom, g: AxesGeometry, luminaires: Sequence[tuple[float, float]]
    ) -> list[dict[str, Any] | None]:
        board_x = (room.width_m - room.board_width_m) / 2
        shapes = [
            _rect(g, 0.0, 0.0, room.width_m, room.length_m, fill="none", stroke="#000"),
            _rect(
                g,
                0.0,
                room.desk_front_m,
                room.width_m,
                room.desk_back_m,
                fill="none",
                stroke="#666",
                dash=True,
            ),
            _rect(
                g, board_x, -0.15, board_x + room.board_width_m, 0.0, fill="#2f4f3f", stroke="none"
            ),
            _text(g, room.width_m / 2, -0.3, self._("Blackboard"), anchor="middle"),
        ]
        for x, y in luminaires:
            shapes.append(
                _rect(g, x - 0.3, y - 0.6, x + 0.3, y + 0.6, fill="#ffffcc", stroke="#666")
            )
        return shapes

    def _classroom_figures(self, report: ClassroomReportData) -> list[dict[str, Any]]:
        f, _ = self.fmt, self._
        fig = report.figures
        room = report.classroom
        rel = "../../figures/"
        out: list[dict[str, Any]] = []

        def overlay(
            bg: tuple[str, AxesGeometry],
            title: str,
            shapes: Sequence[dict[str, Any] | None],
            caption: str,
            raster: str | None = None,
        ) -> None:
            name, g = bg
            layer = None
            if raster is not None:
                layer = {
                    "src": rel + raster,
                    "x": f"{g.left_px:g}",
                    "y": f"{g.top_px:g}",
                    "width": f"{g.right_px - g.left_px:g}",
                    "height": f"{g.bottom_px - g.top_px:g}",
                }
            out.append(
                {
                    "kind": "overlay",
                    "title": title,
                    "src": rel + name,
                    "caption": caption,
                    "overlay": {
                        "width": f"{g.width_px:g}",
                        "height": f"{g.height_px:g}",
                        "raster": layer,
                        "shapes": [s for s in shapes if s],
                    },
                }
            )

        def point_chart(
            bg: tuple[str, AxesGeometry],
            title: str,
            x: float,
            y: float,
            label: str,
            caption: str,
        ) -> None:
            """A static chart with one measured point (said in words if off the chart)."""
            pixel = bg[1].to_pixels(x, y)
            if pixel is None:
                caption += " " + _("The measured point lies outside the chart: {label}.").format(
                    label=label
                )
            overlay(bg, title, self._marker(bg[1], pixel, label), caption)

        if fig.desk is not None:
            desk, surface = fig.desk, fig.desk_surface
            bg = self._room_background(room)
            geometry = bg[1]
            raster = self._figure(
                "isolux",
                (desk, surface, geometry),
                functools.partial(self.figures.contour_raster, desk, surface, geometry),
                ext="png",
            )
            shapes = self._room_shapes(room, geometry, fig.luminaires_m)
            for x, y, e in zip(desk.x_m, desk.y_m, desk.value_lx, strict=True):
                shapes.append(_circle(geometry, float(x), float(y), 2.5, "#000"))
                shapes.append(
                    _text(geometry, float(x), float(y), f.number(float(e), 0), dx=3, dy=-3)
                )
            caption = _(
                "Isolux map of the desk plane with the measured points and their values [lx]."
            )
            caption += " " + _("Bands from {low} lx (dark) to {high} lx (light).").format(
                low=f.number(float(desk.value_lx.min()), 0),
                high=f.number(float(desk.value_lx.max()), 0),
            )
            caption += self._outside_plan(geometry, desk)
            overlay(bg, _("Desk grid"), shapes, caption, raster)
        if fig.board is not None:
            board = fig.board
            width = math.ceil(max(room.board_width_m, float(board.x_m.max())) * 2) / 2
            height = math.ceil(max(room.board_height_m, float(board.y_m.max())) * 2) / 2
            bg = self.background(
                f"board-{width:g}x{height:g}",
                functools.partial(
                    self.figures.plan_background,
                    (-0.2, width + 0.2),
                    (-0.2, height + 0.2),
                    _("Along the board [m]"),
                    _("Height [m]"),
                    4.6,
                ),
            )
            g = bg[1]
            shapes = [
                _rect(
                    g,
                    0.0,
                    0.0,
                    room.board_width_m,
                    room.board_height_m,
                    fill="#2f4f3f",
                    stroke="#000",
                )
            ]
            for x, y, e in zip(board.x_m, board.y_m, board.value_lx, strict=True):
                shapes.append(_circle(g, float(x), float(y), 3.5, "#ffd24d"))
                shapes.append(
                    _text(g, float(x), float(y), f.number(float(e), 0), dx=5, dy=-4, fill="#fff")
                )
            overlay(
                bg,
                _("Blackboard grid"),
                shapes,
                _("Measured points on the blackboard and their values [lx].")
                + self._outside_plan(g, board),
            )
        if fig.spectrum is not None:
            self._spectrum_chart(fig.spectrum, overlay)
        if fig.chromaticity is not None:
            c = fig.chromaticity
            label = f"x = {f.number(c.x, 4)}, y = {f.number(c.y, 4)}"
            if math.isfinite(c.cct_K):
                label += f", {f.number(c.cct_K, 0)} K"
            if math.isfinite(c.duv):
                label += f", Duv = {f.signed(c.duv, 4)}"
            bg = self.background("chromaticity", self.figures.chromaticity_background)
            caption = _(
                "CIE 1931 2° chromaticity of the measured light on the diagram with the "
                "Planckian locus. Duv is positive above the locus."
            )
            point_chart(bg, _("Chromaticity"), c.x, c.y, label, caption)
        if fig.cri is not None:
            self._cri_chart(fig.cri, overlay)
        if fig.waveform is not None:
            self._waveform_chart(fig.waveform, overlay)
        if fig.flicker_point is not None and fig.flicker_limits:
            p = fig.flicker_point
            curves = fig.flicker_limits
            bg = self.background(
                "flicker-" + content_key(curves)[:20],
                functools.partial(self.figures.flicker_background, curves),
            )
            label = (
                f"{f.with_unit(f.number(p.frequency_hz, 1), 'Hz')}, "
                f"{f.with_unit(f.number(p.percent, 2), '%')}"
            )
            caption = _(
                "Percent flicker against frequency with the limit curves of the "
                "standards packs and the measured point."
            )
            point_chart(bg, _("Flicker"), p.frequency_hz, p.percent, label, caption)
        if fig.ugr_observers:
            bg = self._room_background(room)
            g = bg[1]
            shapes = self._room_shapes(room, g, fig.luminaires_m)
            stacked: dict[tuple[float, float], int] = {}
            for obs in fig.ugr_observers:
                value = f.number(obs.ugr, 1)
                # observers at one spot (the teacher stands where the front-wall observer
                # sits) get their labels one line apart instead of on top of each other
                spot = (round(obs.x_m, 2), round(obs.y_m, 2))
                line = stacked.get(spot, 0)
                stacked[spot] = line + 1
                shapes.append(_circle(g, obs.x_m, obs.y_m, 4.5, "#1f77b4"))
                shapes.append(
                    _text(g, obs.x_m, obs.y_m, f"{obs.label}: UGR {value}", dx=6, dy=-5 + 11 * line)
                )
            overlay(bg, _("Glare (UGR)"), shapes, _("UGR observer positions and the UGR at each."))
        return out

    def _spectrum_chart(self, data: SpectrumData, overlay: Callable[..., None]) -> None:
        """Relative spectrum (peak = 1) as a polyline over a shared frame (10 nm classes)."""
        f, _ = self.fmt, self._
        peak = float(np.max(data.values))
        if not peak > 0:
            return
        lo = math.floor(float(data.wavelength_nm.min()) / 10) * 10
        hi = math.ceil(float(data.wavelength_nm.max()) / 10) * 10
        bg = self.background(
            f"spectrum-{lo}-{hi}",
            functools.partial(
                self.figures.chart_background,
                (lo, hi),
                (-0.05, 1.08),
                _("Wavelength [nm]"),
                _("Relative spectral distribution"),
            ),
        )
        px, py = bg[1].map_arrays(data.wavelength_nm, data.values / peak)
        at = float(data.wavelength_nm[int(np.argmax(data.values))])
        caption = _(
            "Spectral distribution as measured, relative to its peak ({peak} {unit} "
            "at {wavelength} nm)."
        ).format(peak=f.number(peak, 4), unit=data.unit, wavelength=f.number(at, 0))
        overlay(bg, _("Spectrum"), [_polyline(px, py, "#1f77b4")], caption)

    def _cri_chart(self, data: CriData, overlay: Callable[..., None]) -> None:
        """R1–R14 as bars over a shared frame (lower bound in steps of 25)."""
        f, _ = self.fmt, self._
        finite = data.ri[np.isfinite(data.ri)]
        low = min(0.0, math.floor((float(finite.min()) - 5) / 25) * 25) if finite.size else 0.0
        ticks = tuple((float(i), f"R{i}") for i in range(1, 15))
        bg = self.background(
            f"cri-{low:g}",
            functools.partial(
                self.figures.chart_background, (0.4, 14.6), (low, 105.0), "", _("Index"), ticks
            ),
        )
        g = bg[1]
        shapes: list[dict[str, Any] | None] = []
        for i, (value, colour) in enumerate(zip(data.ri, _TCS_COLOURS, strict=True), start=1):
            if math.isfinite(value):
                shapes.append(
                    _rect(g, i - 0.35, 0.0, i + 0.35, float(value), fill=colour, stroke="#444")
                )
                shapes.append(
                    _text(
                        g,
                        float(i),
                        float(max(value, 0.0)),
                        f.number(value, 0),
                        dy=-2,
                        anchor="middle",
                    )
                )
        caption = _("CIE 13.3 special colour rendering indices R1–R14; Ra = {ra}.").format(
            ra=f.number(data.ra, 1)
        )
        overlay(bg, _("Colour rendering"), shapes, caption)

    def _waveform_chart(self, data: WaveformExcerpt, overlay: Callable[..., None]) -> None:
        """The waveform excerpt relative to its mean, over a shared frame."""
        f, _ = self.fmt, self._
        mean = float(np.mean(data.samples))
        if not mean > 0:
            return
        relative = data.samples / mean
        t_ms = np.arange(data.samples.size) * (1000.0 / data.sample_rate_hz)
        span = math.ceil(float(t_ms[-1]) / 10) * 10 or 10
        top = math.ceil(float(relative.max()) * 4) / 4 + 0.25
        bg = self.background(
            f"waveform-{span}-{top:g}",
            functools.partial(
                self.figures.chart_background,
                (0.0, float(span)),
                (0.0, top),
                _("Time [ms]"),
                _("Relative to the mean"),
            ),
        )
        px, py = bg[1].map_arrays(t_ms, relative)
        caption = _(
            "An excerpt of the measured light waveform, relative to its mean ({mean} {unit})."
        ).format(mean=f.number(mean, 4), unit=data.unit)
        overlay(bg, _("Light waveform"), [_polyline(px, py, "#ff7f0e")], caption)

    def _outside_plan(self, g: AxesGeometry, points: PlanePoints) -> str:
        """A sentence naming the points that fall outside the drawn plan (never hidden)."""
        outside = [
            str(i + 1)
            for i, (x, y) in enumerate(zip(points.x_m, points.y_m, strict=True))
            if g.to_pixels(float(x), float(y)) is None
        ]
        if not outside:
            return ""
        return " " + self._("Points outside the drawn plan: {points}.").format(
            points=self._list(outside)
        )

    def _marker(
        self, g: AxesGeometry, pixel: tuple[float, float] | None, label: str
    ) -> list[dict[str, Any] | None]:
        if pixel is None:
            return []
        dx = 8 if pixel[0] < g.width_px * 0.6 else -8
        return [
            _shape(
                "circle",
                {"cx": pixel[0], "cy": pixel[1], "r": 5.0, "fill": "#d62728", "stroke": "#000"},
            ),
            _shape(
                "text",
                {
                    "x": pixel[0] + dx,
                    "y": pixel[1] - 6,
                    "text_anchor": "start" if dx > 0 else "end",
                    "font_size": "10",
                    "font_family": _SVG_FONT,
                },
                label,
            ),
        ]

    def _list(self, items: Iterable[str]) -> str:
        return ("、" if self.lang == "zh" else ", ").join(items)

    def _doc(
        self,
        *,
        title: str,
        heading: str,
        rel: str,
        provenance: str,
        running: str,
        script: bool = False,
    ) -> dict[str, Any]:
        return {
            "lang": "zh-CN" if self.lang == "zh" else "en",
            "title": title,
            "heading": heading,
            "css": rel + "static/report.css",
            "page_css": rel + f"static/page-{self.lang}.css",
            "script": rel + "static/dashboard.js" if script else None,
            "provenance": provenance,
            "running": running,
            "generator": f"luxcheck {__version__}",
        }

    def render_classroom(self, report: ClassroomReportData) -> str:
        """The classroom report as an HTML document."""
        return self.env.get_template("classroom.html.j2").render(**self.classroom_view(report))

    # ----------------------------------------------------------------- school
    def school_view(self, data: SchoolSummaryData) -> dict[str, Any]:
        _ = self._
        rows = []
        for c in data.classrooms:
            rows.append(self._summary_row(c, href=safe_component(c.classroom_id) + ".html"))
        counts: Counter[str] = Counter(str(c.outcome.status) for c in data.classrooms)
        return {
            "doc": self._doc(
                title=data.school.name,
                heading=_("School summary"),
                rel="../../",
                provenance=f"{PROVENANCE_PREFIX};campaign={data.campaign.campaign_id};"
                f"school={data.school.school_id}",
                running=f"{data.campaign.name} · {data.school.name}",
            ),
            "school": {
                "name": data.school.name,
                "district": data.school.district or "—",
                "address": data.school.address or "—",
                "campaign": data.campaign.name,
            },
            "totals": self._totals(counts, len(data.classrooms)),
            "rows": rows,
            "links": {"dashboard": "../../index.html"},
        }

    def _summary_row(self, c: ClassroomSummary, href: str) -> dict[str, str]:
        f = self.fmt
        failed = [v for v in c.verdicts if v.status == "fail"]
        missing = [v for v in c.verdicts if v.status == "not-measured"]
        return {
            "id": c.classroom_id,
            "name": c.name,
            "building": " / ".join(x for x in (c.building, c.floor) if x) or "—",
            "type": f.room_type(c.room_type),
            "status": c.outcome.status,
            "status_word": f.status(c.outcome.status),
            "failed": self._list(
                f"{f.metric_name(v.metric)} ({f.measured(v)}; {f.limit(v)})" for v in failed
            )
            or "—",
            "missing": self._list(f.metric_name(v.metric) for v in missing) or "—",
            "date": f.date(c.report_date),
            "date_sort": c.report_date.isoformat(),
            "href": href,
        }

    def _totals(self, counts: Mapping[str, int], total: int) -> dict[str, str]:
        f = self.fmt
        rate = pass_rate(counts.get("pass", 0), total)
        return {
            "total": str(total),
            "pass": str(counts.get("pass", 0)),
            "fail": str(counts.get("fail", 0)),
            "incomplete": str(counts.get("incomplete", 0)),
            "rate": f.with_unit(f.number(rate, 1), "%"),
        }

    def render_school(self, data: SchoolSummaryData) -> str:
        return self.env.get_template("school.html.j2").render(**self.school_view(data))

    # ----------------------------------------------------------------- dashboard
    def dashboard_view(self, data: CampaignDashboardData) -> dict[str, Any]:
        f, _ = self.fmt, self._
        by_school: dict[str, list[ClassroomSummary]] = defaultdict(list)
        for c in data.classrooms:
            by_school[c.school_id].append(c)
        school_rows = []
        for school in data.schools:
            rooms = by_school.get(school.school_id, [])
            counts: Counter[str] = Counter(str(c.outcome.status) for c in rooms)
            rate = pass_rate(counts["pass"], len(rooms))
            school_rows.append(
                {
                    "name": school.name,
                    "district": school.district or "—",
                    "href": f"schools/{safe_component(school.school_id)}/index.html",
                    "total": str(len(rooms)),
                    "pass": str(counts["pass"]),
                    "fail": str(counts["fail"]),
                    "incomplete": str(counts["incomplete"]),
                    "rate": f.with_unit(f.number(rate, 1), "%"),
                    "rate_sort": "-1" if math.isnan(rate) else f"{rate:.4f}",
                }
            )
        metric_counts: dict[str, Counter[str]] = defaultdict(Counter)
        for c in data.classrooms:
            for v in c.verdicts:
                metric_counts[v.requirement_id][v.status] += 1
        requirement_info = {v.requirement_id: v for c in data.classrooms for v in c.verdicts}
        metric_rows = []
        for req_id in sorted(metric_counts):
            counts = metric_counts[req_id]
            # every room the requirement applies to, measured or not (not-measured and
            # indeterminate rooms count as not passing, as in the school and campaign rates)
            applicable = sum(counts.values()) - counts["not-applicable"]
            rate = pass_rate(counts["pass"], applicable)
            v = requirement_info[req_id]
            metric_rows.append(
                {
                    "requirement": req_id,
                    "metric": f.metric_name(v.metric),
                    "clause": f.clause(v),
                    "obligation": f.obligation(v.obligation),
                    "pass": str(counts["pass"]),
                    "fail": str(counts["fail"]),
                    "not_measured": str(counts["not-measured"]),
                    "indeterminate": str(counts["indeterminate"]),
                    "applicable": str(applicable),
                    "rate": f.with_unit(f.number(rate, 1), "%"),
                    "rate_sort": "-1" if math.isnan(rate) else f"{rate:.4f}",
                }
            )
        rect_rows = []
        school_names = {s.school_id: s.name for s in data.schools}
        for c in data.classrooms:
            href = f"schools/{safe_component(c.school_id)}/{safe_component(c.classroom_id)}.html"
            for v in c.verdicts:
                if v.status not in ("fail", "not-measured", "indeterminate"):
                    continue
                rect_rows.append(
                    {
                        "school": school_names.get(c.school_id, c.school_id),
                        "classroom": f"{c.name} ({c.classroom_id})",
                        "href": href,
                        "metric": f.metric_name(v.metric),
                        "status": v.status,
                        "status_word": f.status(v.status),
                        "measured": f.measured(v),
                        "limit": f.limit(v),
                        "obligation": f.obligation(v.obligation),
                        "advice": _(self._advice_msgid(v)),
                    }
                )
        counts_all: Counter[str] = Counter(str(c.outcome.status) for c in data.classrooms)
        distributions = self._distributions(data)
        packs_text = ", ".join(f"{p.pack_id} {p.version}" for p in data.packs) or "—"
        return {
            "doc": self._doc(
                title=data.campaign.name,
                heading=_("Campaign dashboard"),
                rel="",
                provenance=f"{PROVENANCE_PREFIX};campaign={data.campaign.campaign_id}",
                running=data.campaign.name,
                script=True,
            ),
            "campaign": {
                "name": data.campaign.name,
                "client": data.campaign.client or "—",
                "profile": data.profile_id,
                "packs": packs_text,
                "schools": str(len(data.schools)),
            },
            "totals": self._totals(counts_all, len(data.classrooms)),
            "schools": school_rows,
            "metrics": metric_rows,
            "distributions": distributions,
            # 整改清单 grouped by school (then classroom), as the bureau works through it
            "rectification": sorted(rect_rows, key=lambda r: (r["school"], r["classroom"])),
            "school_names": sorted({r["school"] for r in rect_rows}),
            "status_options": [(s, f.status(s)) for s in ("fail", "not-measured", "indeterminate")],
            "links": {"csv": "verdicts.csv", "xlsx": "verdicts.xlsx"},
        }

    def _distributions(self, data: CampaignDashboardData) -> list[dict[str, str]]:
        f = self.fmt
        out = []
        for metric_id in (
            "desk_illuminance_mean_lx",
            "desk_uniformity",
            "ugr",
            "flicker_percent",
            "cct_K",
            "cri_ra",
        ):
            values = [_number(c.metrics.get(metric_id)) for c in data.classrooms]
            marks = sorted(
                {
                    float(x)
                    for c in data.classrooms
                    for v in c.verdicts
                    if v.metric == metric_id
                    for x in (v.limit if isinstance(v.limit, tuple) else (v.limit,))
                    if isinstance(x, int | float)
                }
            )[:4]
            info = METRICS[metric_id]
            label = f.metric_name(metric_id)
            unit = f.unit(info.unit)
            xlabel = f"{label} [{unit}]" if unit else label
            name = self._figure(
                "hist",
                (metric_id, values, marks),
                functools.partial(self.figures.histogram, values, xlabel, marks),
            )
            assert name is not None  # a histogram always draws (empty axes when no values)
            out.append({"title": label, "src": "figures/" + name})
        return out

    def render_dashboard(self, data: CampaignDashboardData) -> str:
        return self.env.get_template("dashboard.html.j2").render(**self.dashboard_view(data))

    def page_css(self) -> str:
        """The @page rules (A4, running header, "page x of y" footer) in this language."""
        page = self._("Page {page} of {pages}")
        before, _sep, rest = page.partition("{page}")
        middle, _sep2, after = rest.partition("{pages}")
        parts = [
            _css_string(before),
            "counter(page)",
            _css_string(middle),
            "counter(pages)",
            _css_string(after),
        ]
        content = " ".join(p for p in parts if p != '""')
        return (
            "@page {\n  size: A4;\n  margin: 18mm 14mm 18mm 14mm;\n"
            "  @top-center { content: element(running); font-size: 8pt; color: #555; }\n"
            f'  @bottom-center {{ content: {content}; font-family: "LuxcheckSansSC", sans-serif;'
            " font-size: 8pt; color: #555; }\n}\n"
        )


def _css_string(text: str) -> str:
    escaped = "".join(
        c if c.isalnum() or c in " /·-" or ord(c) > 127 else f"\\{ord(c):x} " for c in text
    )
    return f'"{escaped}"'


# --------------------------------------------------------------------------- PDF
def write_pdf(html_text: str, html_path: Path, pdf_path: Path) -> None:
    """Render ``html_text`` (as if saved at ``html_path``) to ``pdf_path`` with WeasyPrint.

    Needs the ``pdf`` extra (WeasyPrint) and, for speed, HarfBuzz-Subset
    (Debian ``libharfbuzz-subset0``).
    """
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise InputError(
            "PDF output needs WeasyPrint: pip install 'luxcheck[pdf]'", source="--pdf"
        ) from exc
    document = weasyprint.HTML(string=html_text, base_url=str(html_path))
    buffer = io.BytesIO()
    document.write_pdf(buffer)
    _write_atomic(pdf_path, buffer.getvalue())


# --------------------------------------------------------------------------- export
EXPORT_COLUMNS = (
    "campaign_id",
    "school_id",
    "school_name",
    "classroom_id",
    "classroom_name",
    "overall",
    "requirement_id",
    "metric",
    "metric_name",
    "status",
    "measured",
    "limit",
    "comparator",
    "margin",
    "unit",
    "standard",
    "clause",
    "obligation",
    "confidence",
    "decision_rule",
    "reason",
    "reason_text",
)


def export_rows(
    campaign_id: str,
    schools: Mapping[str, str],
    classrooms: Iterable[ClassroomSummary],
    lang: str = "zh",
) -> list[list[str]]:
    """One row per verdict of every classroom: machine values (``reason`` as stored, in
    English), with the metric name and the reason (``reason_text``) in ``lang``."""
    fmt = Formatter(lang)
    rows = []
    for c in classrooms:
        for v in c.verdicts:
            limit = v.limit
            if isinstance(limit, tuple):
                limit_text = ";".join(str(x) for x in limit)
            else:
                limit_text = "" if limit is None else repr(float(limit))
            measured = v.measured
            measured_text = (
                ""
                if measured is None
                else measured
                if isinstance(measured, str)
                else repr(float(measured))
            )
            rows.append(
                [
                    campaign_id,
                    c.school_id,
                    schools.get(c.school_id, ""),
                    c.classroom_id,
                    c.name,
                    c.outcome.status,
                    v.requirement_id,
                    v.metric,
                    fmt.metric_name(v.metric),
                    v.status,
                    measured_text,
                    limit_text,
                    v.comparator,
                    "" if v.margin is None else repr(float(v.margin)),
                    v.unit,
                    v.standard,
                    v.clause,
                    v.obligation,
                    v.confidence,
                    v.decision_rule,
                    v.reason,
                    fmt.reason(v.reason),
                ]
            )
    return rows


def write_csv(path: Path, rows: Iterable[Sequence[str]]) -> None:
    """CSV in UTF-8 with a byte-order mark (so that Excel opens Chinese text correctly).

    A cell starting with ``= + - @`` is prefixed with ``'`` so that a spreadsheet never runs
    it as a formula (CSV injection) — except plain numbers, which stay numbers.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        writer.writerow([_csv_safe(cell) for cell in row])
    _write_atomic(path, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


#: Export columns holding numbers (written as numbers in the workbook, text in the CSV).
_NUMERIC_COLUMNS = frozenset({"measured", "limit", "margin"})


def write_xlsx(path: Path, rows: Iterable[Sequence[str]]) -> None:
    """The same table as :func:`write_csv` as an Excel workbook (one sheet, ``verdicts``).

    Numbers are written as numbers (a value that is not a number, such as a risk group or a
    range limit, stays text); text cells are never formulas. Uses openpyxl.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    numeric = [name in _NUMERIC_COLUMNS for name in EXPORT_COLUMNS]
    book = Workbook(write_only=True)
    sheet = book.create_sheet("verdicts")
    sheet.append(list(EXPORT_COLUMNS))
    for row in rows:
        out: list[object] = []
        for cell, is_number in zip(row, numeric, strict=True):
            if is_number and cell:
                try:
                    out.append(float(cell))
                    continue
                except ValueError:
                    pass
            text = WriteOnlyCell(sheet, value=cell)
            text.data_type = "s"  # always a string: '=…' must never become a formula
            out.append(text)
        sheet.append(out)
    buffer = io.BytesIO()
    book.save(buffer)
    _write_atomic(path, buffer.getvalue())


def _csv_safe(cell: str) -> str:
    if cell and cell[0] in "=+-@\t\r":
        try:
            float(cell)
        except ValueError:
            return "'" + cell
    return cell


# --------------------------------------------------------------------------- batch
@dataclass(frozen=True)
class RenderSummary:
    """What :func:`render_campaign` did."""

    out_dir: Path
    classrooms: int
    rendered: int
    skipped: int
    pdf: bool
    dashboard: Path


_WORKER: ClassroomPages | None = None
_WORKER_PDF = False


def _init_worker(
    out_dir: str, lang: str, fmt: str, backgrounds: dict[str, tuple[str, AxesGeometry]], pdf: bool
) -> None:
    global _WORKER, _WORKER_PDF
    import matplotlib

    matplotlib.use("Agg")
    _WORKER = ClassroomPages(Path(out_dir), lang, figure_format=fmt, backgrounds=backgrounds)
    _WORKER_PDF = pdf


def _render_task(report: ClassroomReportData) -> str:
    assert _WORKER is not None
    return _render_classroom(_WORKER, report, _WORKER_PDF)


def _render_classroom(pages: ClassroomPages, report: ClassroomReportData, pdf: bool) -> str:
    school_id, room_id = report.school.school_id, report.classroom.classroom_id
    html_path = pages.classroom_path(school_id, room_id)
    text = pages.render_classroom(report)
    _write_atomic(html_path, text.encode("utf-8"))
    if pdf:
        write_pdf(text, html_path, pages.classroom_path(school_id, room_id, ".pdf"))
    return room_id


def _copy_static(out_dir: Path, pages: ClassroomPages) -> None:
    root = reports_dir()
    for path in sorted((root / "static").iterdir()):
        if path.is_file() and path.suffix in (".css", ".js"):
            target = inside(out_dir, "static", path.name)
            data = path.read_bytes()
            if not target.exists() or target.read_bytes() != data:
                _write_atomic(target, data)
    font = root / "fonts" / "LuxcheckSansSC-Regular.otf"
    for name in ("LuxcheckSansSC-Regular.otf", "OFL.txt"):
        source = font.parent / name
        target = inside(out_dir, "static", "fonts", name)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    _write_atomic(
        inside(out_dir, "static", f"page-{pages.lang}.css"), pages.page_css().encode("utf-8")
    )


def _backgrounds(
    pages: ClassroomPages, figures: Iterable[FigureInputs]
) -> dict[str, tuple[str, AxesGeometry]]:
    """Draw (or load) the campaign-wide backgrounds once, before the workers start."""
    pages.background("chromaticity", pages.figures.chromaticity_background)
    for figs in figures:
        if figs.flicker_limits:
            pages.background(
                "flicker-" + content_key(figs.flicker_limits)[:20],
                functools.partial(pages.figures.flicker_background, figs.flicker_limits),
            )
    return dict(pages.backgrounds)


def render_campaign(
    reports: Iterable[ClassroomReportData],
    out_dir: str | Path,
    *,
    lang: str = "zh",
    pdf: bool = False,
    jobs: int = 1,
    figure_format: str = "png",
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RenderSummary:
    """Write every report of a campaign into ``out_dir``.

    Output: ``index.html`` (dashboard), ``schools/<school>/index.html`` (school summaries),
    ``schools/<school>/<classroom>.html`` (+ ``.pdf`` with ``pdf=True``), ``figures/``,
    ``static/``, ``verdicts.csv``. A classroom whose content key (data, language, templates,
    format) is unchanged since the last run is not re-rendered unless ``force``.

    Parameters
    ----------
    reports
        The classroom reports (:func:`build_classroom_report`), all of one campaign.
    jobs
        Worker processes; 1 renders in this process.
    progress
        Called as ``progress(done, total)`` after each classroom.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("not a folder", source=str(out))
    out.mkdir(parents=True, exist_ok=True)
    items = list(reports)
    if not items:
        raise InputError("the campaign has no classrooms to report on", source=str(out))
    campaign = items[0].campaign
    for item in items:
        if item.campaign.campaign_id != campaign.campaign_id:
            raise InputError("reports of different campaigns cannot share a dashboard")
    pages = ClassroomPages(out, lang, figure_format=figure_format)
    _copy_static(out, pages)
    backgrounds = _backgrounds(pages, (r.figures for r in items))
    manifest_path = inside(out, MANIFEST_NAME)
    manifest: dict[str, str] = {}
    if manifest_path.exists() and not force:
        try:
            manifest = dict(json.loads(manifest_path.read_text(encoding="utf-8")))
        except (ValueError, TypeError):
            manifest = {}
    todo: list[ClassroomReportData] = []
    keys: dict[str, str] = {}
    for report in items:
        rel = pages.classroom_path(report.school.school_id, report.classroom.classroom_id)
        rel_name = str(rel.relative_to(out.resolve()))
        key = _report_key(report, lang, pdf, figure_format)
        keys[rel_name] = key
        pdf_ok = not pdf or rel.with_suffix(".pdf").exists()
        if manifest.get(rel_name) == key and rel.exists() and pdf_ok:
            continue
        todo.append(report)
    total, done = len(items), len(items) - len(todo)
    if progress:
        progress(done, total)
    if jobs <= 1 or len(todo) <= 1:
        for report in todo:
            _render_classroom(pages, report, pdf)
            done += 1
            if progress:
                progress(done, total)
    else:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=context,
            initializer=_init_worker,
            initargs=(str(out), lang, figure_format, backgrounds, pdf),
            max_tasks_per_child=200 if pdf else None,
        ) as pool:
            for _room in pool.map(_render_task, todo, chunksize=4):
                done += 1
                if progress:
                    progress(done, total)
    summaries = [ClassroomSummary.from_report(r) for r in items]
    schools = {r.school.school_id: r.school for r in items}
    for school_id, school in sorted(schools.items()):
        data = SchoolSummaryData(
            campaign, school, tuple(s for s in summaries if s.school_id == school_id)
        )
        text = pages.render_school(data)
        path = pages.school_path(school_id)
        _write_atomic(path, text.encode("utf-8"))
        if pdf:
            write_pdf(text, path, pages.school_path(school_id, ".pdf"))
    dashboard = CampaignDashboardData(
        campaign,
        tuple(school for _sid, school in sorted(schools.items())),
        tuple(summaries),
        items[0].profile_id,
        items[0].packs,
    )
    text = pages.render_dashboard(dashboard)
    index = inside(out, "index.html")
    _write_atomic(index, text.encode("utf-8"))
    if pdf:
        write_pdf(text, index, inside(out, "index.pdf"))
    rows = export_rows(
        campaign.campaign_id, {k: v.name for k, v in schools.items()}, summaries, lang
    )
    write_csv(inside(out, "verdicts.csv"), rows)
    write_xlsx(inside(out, "verdicts.xlsx"), rows)
    _write_atomic(manifest_path, json.dumps(keys, indent=0, sort_keys=True).encode())
    return RenderSummary(out, total, len(todo), total - len(todo), pdf, index)


# --------------------------------------------------------------------------- verify
@dataclass(frozen=True)
class Provenance:
    """What a classroom report states about where it came from."""

    campaign_id: str
    classroom_id: str
    digest: str
    packs: tuple[PackRef, ...]


def parse_provenance(text: str, source: str) -> Provenance:
    """Parse the ``luxcheck-provenance:v1;...`` string a classroom report carries."""
    if not text.startswith(PROVENANCE_PREFIX + ";"):
        raise InputError("no luxcheck provenance in this file", source=source)
    fields: dict[str, str] = {}
    for part in text[len(PROVENANCE_PREFIX) + 1 :].split(";"):
        key, _sep, value = part.partition("=")
        fields[key] = value
    missing = [k for k in ("campaign", "classroom", "digest", "packs") if k not in fields]
    if missing:
        raise InputError(
            f"the provenance lacks {', '.join(missing)}: not a classroom report", source=source
        )
    packs = []
    for item in filter(None, fields["packs"].split("|")):
        pack_id, _sep, version = item.rpartition("@")
        packs.append(PackRef(pack_id, version))
    return Provenance(fields["campaign"], fields["classroom"], fields["digest"], tuple(packs))


class _MetaParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.keywords: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            attributes = dict(attrs)
            if attributes.get("name") == "keywords" and self.keywords is None:
                self.keywords = attributes.get("content") or ""


def read_provenance(path: str | Path) -> Provenance:
    """Read the provenance of an HTML or PDF classroom report."""
    path = Path(path)
    if not path.is_file():
        raise InputError("no such report file", source=str(path))
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        text = _pdf_keywords(data)
        if text is None:
            raise InputError("no luxcheck provenance in this PDF", source=str(path))
    else:
        parser = _MetaParser()
        parser.feed(data.decode("utf-8", errors="replace"))
        if parser.keywords is None:
            raise InputError("no luxcheck provenance in this HTML file", source=str(path))
        text = html.unescape(parser.keywords)
    return parse_provenance(text, str(path))


#: Characters of a provenance string: ids, digests, pack refs (``profile:cn-classroom@…``).
_PROVENANCE_RE = re.compile(rb"luxcheck-provenance:v1;[A-Za-z0-9_.;:=|@+\-]+")


def _pdf_keywords(data: bytes) -> str | None:
    """Find the provenance in a PDF's metadata (plain or inside Flate-compressed streams)."""
    match = _PROVENANCE_RE.search(data)
    if match:
        return match.group().decode()
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            plain = zlib.decompressobj().decompress(stream.group(1))
        except zlib.error:
            continue
        match = _PROVENANCE_RE.search(plain)
        if match:
            return match.group().decode()
    return None


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify_report`."""

    ok: bool
    message: str
    stated: str
    recomputed: str


def verify_report(report_path: str | Path, store: CampaignStore) -> VerifyResult:
    """Recompute a report's SHA-256 from the store and compare it with what the report states."""
    stated = read_provenance(report_path)
    campaign_id = store.campaign.campaign_id
    if stated.campaign_id != campaign_id:
        return VerifyResult(
            False,
            f"the report is for campaign {stated.campaign_id!r}, the campaign file holds "
            f"{campaign_id!r}",
            stated.digest,
            "",
        )
    store.classroom(stated.classroom_id)  # InputError if the classroom is not there
    recomputed = store_digest(store, stated.classroom_id, stated.packs)
    packs = ", ".join(f"{p.pack_id} {p.version}" for p in stated.packs) or "none"
    if recomputed == stated.digest:
        return VerifyResult(
            True,
            f"OK: SHA-256 {recomputed} matches the raw readings of classroom "
            f"{stated.classroom_id} and the packs ({packs})",
            stated.digest,
            recomputed,
        )
    return VerifyResult(
        False,
        f"MISMATCH for classroom {stated.classroom_id}: the report states {stated.digest}, the "
        f"campaign file gives {recomputed}. The readings changed after the report was made, or "
        "the report was altered.",
        stated.digest,
        recomputed,
    )
