"""The standards-pack file format: records and the strict loader of one TOML file.

A *pack* (``standards/<slug>.toml``) holds the limits of one standard edition; a *profile*
(``standards/profiles/<id>.toml``) composes packs for a contract and fixes its acceptance
policy and decision rule. The schema is documented in ``standards/README.md``. Every number
lives in the TOML files; this module only reads and checks them, one file at a time
(:func:`load_file`); the registry of all files and the profile resolution are
:mod:`luxcheck.compliance.packs`.

The loader is strict: an unknown key, a missing key, a wrong type, a unit that is not the
metric's, a value outside the metric's physical range, an unknown metric, room type or
comparator, or a duplicate id raises :class:`~luxcheck.errors.InputError` naming the file, the
line (where it can be found) and the key.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

from luxcheck.compliance.verdict import Comparator, Confidence, Obligation
from luxcheck.errors import InputError
from luxcheck.kernels.piecewise import PiecewiseLinear
from luxcheck.messages import Message, _n
from luxcheck.model import LUMINAIRE_TECHNOLOGIES, ROOM_TYPES
from luxcheck.vocabulary import METRICS, TEXT_VALUES, UNIT_ALIASES, metric_bounds

SCHEMA_VERSION = 1

COMPARATORS: tuple[Comparator, ...] = (">=", ">", "<=", "<", "range", "in")
OBLIGATIONS: tuple[Obligation, ...] = ("shall", "should", "advisory")
CONFIDENCES: tuple[Confidence, ...] = ("verified", "to-be-confirmed")
STATUSES_OF_STANDARD = ("in-force", "issued", "withdrawn", "draft")
APPLIES_TO = ("room", "general-luminaire", "board-luminaire", "light-source")
LIMIT_SURFACES = ("desk", "board")
#: Room types a limit may name: the model's, plus ``any``.
LIMIT_ROOM_TYPES: tuple[str, ...] = (*ROOM_TYPES, "any")

AcceptanceKind = Literal["direct", "initial-over-mf"]
ACCEPTANCE_POLICIES: tuple[AcceptanceKind, ...] = ("direct", "initial-over-mf")
DecisionKind = Literal["simple", "guarded"]
DECISION_RULES: tuple[DecisionKind, ...] = ("simple", "guarded")

_KEY_RE = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_ARRAY_HEADER_RE = re.compile(r"^\s*\[\[\s*([A-Za-z_][\w.-]*)\s*\]\]")
_TABLE_HEADER_RE = re.compile(r"^\s*\[\s*([A-Za-z_][\w.-]*)\s*\]")
_TOML_LINE_RE = re.compile(r"at line (\d+)")


#: Significant digits kept of a derived limit (interpolated, or divided by an MF).
LIMIT_DIGITS = 12


def clean_limit(x: float) -> float:
    """Round a derived limit to :data:`LIMIT_DIGITS` significant digits.

    Removes binary floating-point noise (0.032 × 100 → 3.1999999999999997) so that a
    measured value exactly at a table limit is judged at the limit; pack values have at most
    six significant digits, so no real digit is lost.
    """
    return float(f"{x:.{LIMIT_DIGITS}g}")


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class MaintenanceFactor:
    """A pack's maintenance factor (MF) with its clause; used by ``initial-over-mf``."""

    value: float
    clause: str
    clause_zh: str
    confidence: Confidence
    basis: str


@dataclass(frozen=True)
class Standard:
    """One standard edition (a pack's ``[standard]`` table) with its limits' ids."""

    id: str
    slug: str
    title: str
    title_zh: str
    year: int
    status: str
    source: str
    path: Path
    limit_ids: tuple[str, ...]
    maintenance_factor: MaintenanceFactor | None = None


@dataclass(frozen=True)
class Limit:
    """One requirement of a pack (``[[limit]]``).

    Exactly one of ``value`` (for ``>= > <= <``), ``min``/``max`` (``range``), ``allowed``
    (``in``) or ``function`` (a :class:`~luxcheck.kernels.piecewise.PiecewiseLinear` of another
    metric,
    for ``>= > <= <``) is set. ``standard`` is the pack's slug, ``standard_id`` its printed id.
    """

    id: str
    standard: str
    standard_id: str
    metric: str
    comparator: Comparator
    unit: str
    room_types: tuple[str, ...]
    applies_to: str
    obligation: Obligation
    clause: str
    clause_zh: str
    confidence: Confidence
    basis: str
    value: float | None = None
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] = ()
    function: PiecewiseLinear | None = None
    maintained: bool = False
    surface: str | None = None
    #: The luminaire technologies the limit speaks of (``luxcheck.model.LUMINAIRE_TECHNOLOGIES``;
    #: empty: every technology), e.g. GB 40070-2021's R9 > 0 for LED luminaires.
    technologies: tuple[str, ...] = ()
    #: Other readings of a function's argument (``[limit.function] also_of``): the limit is
    #: evaluated at each; where they give different verdicts the verdict is indeterminate.
    also_of: tuple[str, ...] = ()

    def applies_to_room(self, room_type: str) -> bool:
        """Whether the limit applies to a room of ``room_type``."""
        return "any" in self.room_types or room_type in self.room_types

    def threshold(self, argument: float | None = None) -> float | None:
        """The numeric limit: ``value``, or ``function(argument)`` [``unit``].

        Returns None where a function has no limit at ``argument`` (beyond its last point) or
        ``argument`` is None/NaN. An interpolated value is passed through :func:`clean_limit`
        (0.032·100 gives 3.2, not 3.1999999999999997). Raises ``ValueError`` for ``range``
        and ``in`` limits.
        """
        if self.function is not None:
            if argument is None or math.isnan(argument):
                return None
            y = float(self.function(argument))
            return None if math.isnan(y) else clean_limit(y)
        if self.value is None:
            raise ValueError(f"limit {self.id} ({self.comparator}) has no single threshold")
        return self.value


@dataclass(frozen=True)
class ProfileInclude:
    """One ``[[include]]`` of a profile: a pack, and which of its limits (all by default)."""

    pack: str
    limits: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


_POLICY_TEXT: dict[str, str] = {
    "direct": _n(
        "Measured initial illuminance is compared directly with the maintained value of "
        "the standard (common laboratory practice)."
    ),
    "initial-over-mf": _n(
        "Measured initial illuminance must reach the maintained value divided by the "
        "maintenance factor MF = {mf:g} ({source})."
    ),
}
_RULE_TEXT: dict[str, str] = {
    "simple": _n(
        "Simple acceptance (ILAC-G8:09/2019, ISO/IEC 17025 §7.8.6): the measured value is "
        "compared with the limit; measurement uncertainty is stated but not subtracted."
    ),
    "guarded": _n(
        "Guarded acceptance (ILAC-G8:09/2019, ISO/IEC 17025 §7.8.6): pass only if the "
        "interval measured ± expanded uncertainty U lies within the limit, fail only if "
        "it lies wholly outside; otherwise indeterminate."
    ),
}


@dataclass(frozen=True)
class AcceptancePolicy:
    """How measured (initial) illuminance is compared with maintained limits."""

    policy: AcceptanceKind
    maintenance_factor: float | None = None
    maintenance_factor_from: str | None = None
    maintenance_factor_clause: str = ""

    def describe(self) -> Message:
        """The policy as a sentence for reports (a message, translated where it is shown)."""
        if self.policy == "direct":
            return Message(_POLICY_TEXT[self.policy])
        source = f"{self.maintenance_factor_from} {self.maintenance_factor_clause}".strip()
        return Message(_POLICY_TEXT[self.policy], mf=self.maintenance_factor or 0.0, source=source)


@dataclass(frozen=True)
class DecisionRule:
    """The decision rule of a profile: ``simple`` or ``guarded`` acceptance."""

    rule: DecisionKind

    def describe(self) -> Message:
        """The rule as a sentence for reports (a message, translated where it is shown)."""
        return Message(_RULE_TEXT[self.rule])


@dataclass(frozen=True)
class Profile:
    """A profile: packs composed for a contract, with its acceptance policy and decision rule."""

    id: str
    title: str
    title_zh: str
    includes: tuple[ProfileInclude, ...]
    acceptance: AcceptancePolicy
    decision: DecisionRule
    path: Path


# --------------------------------------------------------------------------- small helpers
def normalise_id(text: str) -> str:
    """Lookup key of an id: lower case, letters and digits only (``GB/T 50034-2024`` →
    ``gbt500342024``)."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


class _Lines:
    """Find the line of a key in a TOML text (tomllib reports no positions for values)."""

    def __init__(self, text: str) -> None:
        self._lines: dict[tuple[str, int, str], int] = {}
        self._headers: dict[tuple[str, int], int] = {}
        counts: dict[str, int] = {}
        current: tuple[str, int] = ("", 0)
        for number, line in enumerate(text.splitlines(), start=1):
            if m := _ARRAY_HEADER_RE.match(line):
                name = m.group(1)
                counts[name] = counts.get(name, 0) + 1
                current = (name, counts[name] - 1)
                self._headers.setdefault(current, number)
            elif m := _TABLE_HEADER_RE.match(line):
                name = m.group(1)
                parent = name.split(".")[0]
                index = counts.get(parent, 1) - 1 if parent in counts else 0
                current = (name, index)
                self._headers.setdefault(current, number)
            elif m := _KEY_RE.match(line):
                self._lines.setdefault((current[0], current[1], m.group(1)), number)

    def find(self, table: str, index: int, key: str | None) -> int | None:
        if key is not None and (table, index, key) in self._lines:
            return self._lines[(table, index, key)]
        return self._headers.get((table, index))


class _Checker:
    """Strict reading of one parsed TOML file; every error names the file, line and key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _Lines(text)

    def error(
        self, message: str, key: str, *, table: str = "", index: int = 0, name: str | None = None
    ) -> InputError:
        line = self.lines.find(table, index, name)
        return InputError(message, source=str(self.path), line=line, column=key)

    def keys(
        self,
        data: Mapping[str, Any],
        where: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
        *,
        table: str = "",
        index: int = 0,
    ) -> None:
        for key in data:
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                raise self.error(
                    f"unknown key {key!r}: expected one of {allowed}",
                    f"{where}{key}",
                    table=table,
                    index=index,
                    name=key,
                )
        for key in required:
            if key not in data:
                raise self.error(
                    f"missing required key {key!r}", f"{where}{key}", table=table, index=index
                )

    def text(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        *,
        table: str = "",
        index: int = 0,
        allow_empty: bool = False,
        default: str | None = None,
    ) -> str:
        if key not in data and default is not None:
            return default
        value = data[key]
        if not isinstance(value, str) or (not allow_empty and not value.strip()):
            raise self.error(
                f"expected {'text' if allow_empty else 'non-empty text'}, got {value!r}",
                f"{where}{key}",
                table=table,
                index=index,
                name=key,
            )
        return value

    def choice(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        choices: tuple[str, ...],
        *,
        table: str = "",
        index: int = 0,
    ) -> str:
        value = data[key]
        if value not in choices:
            raise self.error(
                f"{value!r} is not allowed: expected one of {', '.join(choices)}",
                f"{where}{key}",
                table=table,
                index=index,
                name=key,
            )
        return str(value)

    def number(
        self,
        value: Any,
        key: str,
        *,
        table: str = "",
        index: int = 0,
        name: str | None = None,
        bounds: tuple[float | None, float | None] = (None, None),
        what: str = "",
    ) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.error(
                f"expected a finite number, got {value!r}", key, table=table, index=index, name=name
            )
        low, high = bounds
        if (low is not None and value < low) or (high is not None and value > high):
            lo = "-inf" if low is None else f"{low:g}"
            hi = "inf" if high is None else f"{high:g}"
            span = f"[{lo}, {hi}]"
            raise self.error(
                f"impossible value {value!r}{what}: expected a number in {span}",
                key,
                table=table,
                index=index,
                name=name,
            )
        return float(value)

    def string_list(
        self, data: Mapping[str, Any], key: str, where: str, *, table: str = "", index: int = 0
    ) -> tuple[str, ...]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(
                f"expected a list of non-empty texts, got {value!r}",
                f"{where}{key}",
                table=table,
                index=index,
                name=key,
            )
        if len(set(value)) != len(value):
            raise self.error(
                f"an entry is listed twice in {value!r}",
                f"{where}{key}",
                table=table,
                index=index,
                name=key,
            )
        return tuple(value)


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", source=str(path)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_LINE_RE.search(str(exc))
        raise InputError(
            f"not valid TOML: {exc}", source=str(path), line=int(m.group(1)) if m else None
        ) from exc
    return data, text


def _check_schema_version(data: Mapping[str, Any], check: _Checker) -> None:
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise check.error(
            f"schema_version {version!r}: expected {SCHEMA_VERSION}",
            "schema_version",
            name="schema_version",
        )


def _check_stem(value: str, path: Path, check: _Checker, key: str, table: str) -> None:
    if value != path.stem:
        raise check.error(
            f"{value!r} must equal the file name stem {path.stem!r}",
            key,
            table=table,
            name=key.split(".")[-1],
        )


# --------------------------------------------------------------------------- packs
_STANDARD_KEYS = ("id", "slug", "title", "title_zh", "year", "status", "source")
_LIMIT_REQUIRED = (
    "id",
    "metric",
    "comparator",
    "unit",
    "room_types",
    "applies_to",
    "obligation",
    "clause",
    "confidence",
    "basis",
)
_LIMIT_OPTIONAL = (
    "value",
    "min",
    "max",
    "allowed",
    "function",
    "maintained",
    "surface",
    "clause_zh",
    "technologies",
)
_FUNCTION_KEYS = ("of", "points", "step_side", "beyond")
_MF_KEYS = ("value", "clause", "clause_zh", "confidence", "basis")


def _pack_from_data(
    data: dict[str, Any], path: Path, check: _Checker
) -> tuple[Standard, tuple[Limit, ...]]:
    check.keys(data, "", ("schema_version", "standard"), ("limit", "maintenance_factor"))
    _check_schema_version(data, check)
    std = data["standard"]
    if not isinstance(std, dict):
        raise check.error("expected a table [standard]", "standard", name="standard")
    check.keys(std, "standard.", _STANDARD_KEYS, table="standard")
    for key in ("id", "slug", "title", "source", "status"):
        check.text(std, key, "standard.", table="standard")
    check.text(std, "title_zh", "standard.", table="standard", allow_empty=True)
    _check_stem(std["slug"], path, check, "standard.slug", "standard")
    check.choice(std, "status", "standard.", STATUSES_OF_STANDARD, table="standard")
    year = std["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
        raise check.error(
            f"expected a year 1900-2100, got {year!r}",
            "standard.year",
            table="standard",
            name="year",
        )
    mf = _maintenance_factor(data.get("maintenance_factor"), check)
    raw_limits = data.get("limit", [])
    if not isinstance(raw_limits, list):
        raise check.error("expected an array of tables [[limit]]", "limit", name="limit")
    limits: list[Limit] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_limits):
        limit = _limit_from_data(raw, index, std["slug"], std["id"], check)
        key = normalise_id(limit.id)
        if key in seen:
            raise check.error(
                f"duplicate limit id {limit.id!r} (first used by limit[{seen[key]}])",
                f"limit[{index}] ({limit.id}).id",
                table="limit",
                index=index,
                name="id",
            )
        seen[key] = index
        limits.append(limit)
    standard = Standard(
        id=std["id"],
        slug=std["slug"],
        title=std["title"],
        title_zh=std["title_zh"],
        year=year,
        status=std["status"],
        source=std["source"],
        path=path,
        limit_ids=tuple(lim.id for lim in limits),
        maintenance_factor=mf,
    )
    return standard, tuple(limits)


def _maintenance_factor(raw: Any, check: _Checker) -> MaintenanceFactor | None:
    if raw is None:
        return None
    t, w = "maintenance_factor", "maintenance_factor."
    if not isinstance(raw, dict):
        raise check.error("expected a table [maintenance_factor]", t, name=t)
    check.keys(raw, w, ("value", "clause", "confidence", "basis"), ("clause_zh",), table=t)
    value = check.number(raw["value"], w + "value", table=t, name="value", bounds=(0.0, 1.0))
    if value == 0.0:
        raise check.error("impossible value 0: expected 0 < MF ≤ 1", w + "value", table=t)
    clause = check.text(raw, "clause", w, table=t)
    return MaintenanceFactor(
        value=value,
        clause=clause,
        clause_zh=check.text(raw, "clause_zh", w, table=t, default=clause),
        confidence=cast(Confidence, check.choice(raw, "confidence", w, CONFIDENCES, table=t)),
        basis=check.text(raw, "basis", w, table=t),
    )


def _limit_from_data(raw: Any, index: int, slug: str, standard_id: str, check: _Checker) -> Limit:
    t = "limit"
    if not isinstance(raw, dict):
        raise check.error("expected a table", f"limit[{index}]", table=t, index=index)
    named = isinstance(raw.get("id"), str) and raw["id"].strip()
    where = f"limit[{index}] ({raw['id']})." if named else f"limit[{index}]."
    kw: dict[str, Any] = {"table": t, "index": index}
    check.keys(raw, where, _LIMIT_REQUIRED, _LIMIT_OPTIONAL, **kw)
    limit_id = check.text(raw, "id", where, **kw)
    if any(ch.isspace() for ch in limit_id):
        raise check.error(f"{limit_id!r}: an id has no spaces", where + "id", name="id", **kw)
    metric_id = check.choice(raw, "metric", where, tuple(METRICS), **kw)
    info = METRICS[metric_id]
    comparator = cast(Comparator, check.choice(raw, "comparator", where, COMPARATORS, **kw))
    unit = check.text(raw, "unit", where, allow_empty=True, **kw)
    if UNIT_ALIASES.get(unit, unit) != info.unit:
        raise check.error(
            f"unit {unit!r} is not the unit of {metric_id}: expected {info.unit!r}",
            where + "unit",
            name="unit",
            **kw,
        )
    room_types = check.string_list(raw, "room_types", where, **kw)
    if not room_types or any(r not in LIMIT_ROOM_TYPES for r in room_types):
        raise check.error(
            f"room_types {list(room_types)!r}: expected a non-empty list of "
            f"{', '.join(LIMIT_ROOM_TYPES)}",
            where + "room_types",
            name="room_types",
            **kw,
        )
    if "any" in room_types and len(room_types) > 1:
        raise check.error(
            "'any' cannot be combined with other room types",
            where + "room_types",
            name="room_types",
            **kw,
        )
    technologies = (
        check.string_list(raw, "technologies", where, **kw) if "technologies" in raw else ()
    )
    if "technologies" in raw and (
        not technologies or any(t not in LUMINAIRE_TECHNOLOGIES for t in technologies)
    ):
        raise check.error(
            f"technologies {list(technologies)!r}: expected a non-empty list of "
            f"{', '.join(LUMINAIRE_TECHNOLOGIES)}",
            where + "technologies",
            name="technologies",
            **kw,
        )
    applies_to = check.choice(raw, "applies_to", where, APPLIES_TO, **kw)
    obligation = cast(Obligation, check.choice(raw, "obligation", where, OBLIGATIONS, **kw))
    confidence = cast(Confidence, check.choice(raw, "confidence", where, CONFIDENCES, **kw))
    clause = check.text(raw, "clause", where, **kw)
    clause_zh = check.text(raw, "clause_zh", where, default=clause, **kw)
    basis = check.text(raw, "basis", where, **kw)
    surface = None
    if "surface" in raw:
        surface = check.choice(raw, "surface", where, LIMIT_SURFACES, **kw)
        if not metric_id.startswith(surface + "_"):
            raise check.error(
                f"surface {surface!r} does not match metric {metric_id}",
                where + "surface",
                name="surface",
                **kw,
            )
    maintained = raw.get("maintained", False)
    if not isinstance(maintained, bool):
        raise check.error(
            f"expected true or false, got {maintained!r}",
            where + "maintained",
            name="maintained",
            **kw,
        )
    if maintained and (info.unit != "lx" or comparator not in (">=", ">")):
        raise check.error(
            "maintained = true is only for illuminance limits [lx] with >= or >",
            where + "maintained",
            name="maintained",
            **kw,
        )
    forms = [k for k in ("value", "min", "allowed", "function") if k in raw]
    expected = {"range": "min", "in": "allowed"}.get(comparator)
    if "max" in raw and "min" not in raw:
        forms.append("max")
    if len(forms) != 1 or (expected is not None and forms[0] != expected):
        want = {
            "range": "min and max",
            "in": "allowed",
        }.get(comparator, "exactly one of value or [limit.function]")
        raise check.error(
            f"comparator {comparator!r} needs {want}; found {', '.join(forms) or 'none'}",
            where + (forms[-1] if forms else "value"),
            name=forms[-1] if forms else None,
            **kw,
        )
    if comparator not in ("range", "in") and forms[0] in ("min", "allowed"):
        raise check.error(
            f"comparator {comparator!r} takes value or [limit.function], not {forms[0]}",
            where + forms[0],
            name=forms[0],
            **kw,
        )
    is_text = info.kind == "text"
    if is_text != (comparator == "in"):
        raise check.error(
            f"metric {metric_id} is a {info.kind}: "
            + ("use comparator 'in'" if is_text else "comparator 'in' is for text metrics"),
            where + "comparator",
            name="comparator",
            **kw,
        )
    bounds = metric_bounds(metric_id)
    what = f" for {metric_id}"
    value = low = high = None
    allowed: tuple[str, ...] = ()
    function = None
    also_of: tuple[str, ...] = ()
    if "value" in raw:
        value = check.number(
            raw["value"], where + "value", name="value", bounds=bounds, what=what, **kw
        )
    elif comparator == "range":
        if "max" not in raw:
            raise check.error("range needs max", where + "max", **kw)
        low = check.number(raw["min"], where + "min", name="min", bounds=bounds, what=what, **kw)
        high = check.number(raw["max"], where + "max", name="max", bounds=bounds, what=what, **kw)
        if not low < high:
            raise check.error(
                f"impossible range: min {low!r} must be below max {high!r}",
                where + "max",
                name="max",
                **kw,
            )
    elif comparator == "in":
        allowed = check.string_list(raw, "allowed", where, **kw)
        valid = TEXT_VALUES.get(metric_id, ())
        bad = [a for a in allowed if a not in valid]
        if not allowed or bad:
            raise check.error(
                f"allowed {list(allowed)!r}: expected a non-empty list of {', '.join(valid)}",
                where + "allowed",
                name="allowed",
                **kw,
            )
    else:
        function = _function_from_data(raw["function"], index, where, metric_id, check)
        also_of = _also_of(raw["function"], index, where, function.of, check)
    return Limit(
        id=limit_id,
        standard=slug,
        standard_id=standard_id,
        metric=metric_id,
        comparator=comparator,
        unit=info.unit,
        room_types=room_types,
        applies_to=applies_to,
        obligation=obligation,
        clause=clause,
        clause_zh=clause_zh,
        confidence=confidence,
        basis=basis,
        value=value,
        min=low,
        max=high,
        allowed=allowed,
        function=function,
        maintained=maintained,
        surface=surface,
        technologies=technologies,
        also_of=also_of,
    )


def _also_of(
    raw: dict[str, Any], index: int, where: str, of: str, check: _Checker
) -> tuple[str, ...]:
    """``also_of``: other metric ids that read the same argument (same unit as ``of``)."""
    if "also_of" not in raw:
        return ()
    w = where + "function."
    kw: dict[str, Any] = {"table": "limit.function", "index": index}
    ids = check.string_list(raw, "also_of", w, **kw)
    for other in ids:
        info = METRICS.get(other)
        if info is None or info.kind != "number" or info.unit != METRICS[of].unit or other == of:
            raise check.error(
                f"also_of {other!r}: expected a numeric metric id in {METRICS[of].unit} "
                f"other than {of!r}",
                w + "also_of",
                name="also_of",
                **kw,
            )
    return ids


def _function_from_data(
    raw: Any, index: int, where: str, metric_id: str, check: _Checker
) -> PiecewiseLinear:
    t = "limit.function"
    w = where + "function."
    kw: dict[str, Any] = {"table": t, "index": index}
    if not isinstance(raw, dict):
        raise check.error("expected a table [limit.function]", w.rstrip("."), **kw)
    check.keys(raw, w, ("of", "points"), ("step_side", "beyond", "also_of"), **kw)
    of = check.choice(raw, "of", w, tuple(m for m in METRICS if METRICS[m].kind == "number"), **kw)
    if of == metric_id:
        raise check.error(
            "a limit cannot be a function of its own metric", w + "of", name="of", **kw
        )
    points = raw["points"]
    if not isinstance(points, list) or not all(isinstance(p, list) and len(p) == 2 for p in points):
        raise check.error("expected points = [[x, y], ...]", w + "points", name="points", **kw)
    x_bounds = metric_bounds(of)
    y_bounds = metric_bounds(metric_id)
    xs = tuple(
        check.number(
            p[0], w + "points", name="points", bounds=x_bounds, what=f" for x ({of})", **kw
        )
        for p in points
    )
    ys = tuple(
        check.number(
            p[1], w + "points", name="points", bounds=y_bounds, what=f" for y ({metric_id})", **kw
        )
        for p in points
    )
    step_side = (
        check.choice(raw, "step_side", w, ("left", "right"), **kw) if "step_side" in raw else "left"
    )
    beyond = (
        check.choice(raw, "beyond", w, ("no-limit", "hold"), **kw)
        if "beyond" in raw
        else "no-limit"
    )
    try:
        return PiecewiseLinear(
            of,
            xs,
            ys,
            cast(Literal["left", "right"], step_side),
            cast(Literal["no-limit", "hold"], beyond),
        )
    except InputError as exc:
        raise check.error(exc.message, w + "points", name="points", **kw) from exc


# --------------------------------------------------------------------------- profiles
def _profile_from_data(data: dict[str, Any], path: Path, check: _Checker) -> Profile:
    check.keys(data, "", ("schema_version", "profile", "acceptance", "decision", "include"))
    _check_schema_version(data, check)
    head = data["profile"]
    if not isinstance(head, dict):
        raise check.error("expected a table [profile]", "profile", name="profile")
    check.keys(head, "profile.", ("id", "title", "title_zh"), table="profile")
    profile_id = check.text(head, "id", "profile.", table="profile")
    _check_stem(profile_id, path, check, "profile.id", "profile")
    title = check.text(head, "title", "profile.", table="profile")
    title_zh = check.text(head, "title_zh", "profile.", table="profile", allow_empty=True)

    acc = data["acceptance"]
    if not isinstance(acc, dict):
        raise check.error("expected a table [acceptance]", "acceptance", name="acceptance")
    check.keys(acc, "acceptance.", ("policy",), ("maintenance_factor_from",), table="acceptance")
    policy = check.choice(acc, "policy", "acceptance.", ACCEPTANCE_POLICIES, table="acceptance")
    mf_from = None
    if policy == "initial-over-mf":
        if "maintenance_factor_from" not in acc:
            raise check.error(
                "policy 'initial-over-mf' needs maintenance_factor_from = a pack slug",
                "acceptance.maintenance_factor_from",
                table="acceptance",
            )
        mf_from = check.text(acc, "maintenance_factor_from", "acceptance.", table="acceptance")
    elif "maintenance_factor_from" in acc:
        raise check.error(
            "maintenance_factor_from is only used with policy 'initial-over-mf'",
            "acceptance.maintenance_factor_from",
            table="acceptance",
            name="maintenance_factor_from",
        )

    dec = data["decision"]
    if not isinstance(dec, dict):
        raise check.error("expected a table [decision]", "decision", name="decision")
    check.keys(dec, "decision.", ("rule",), table="decision")
    rule = check.choice(dec, "rule", "decision.", DECISION_RULES, table="decision")

    raw_includes = data["include"]
    if not isinstance(raw_includes, list) or not raw_includes:
        raise check.error("expected at least one [[include]]", "include", name="include")
    includes: list[ProfileInclude] = []
    for index, raw in enumerate(raw_includes):
        where = f"include[{index}]."
        kw: dict[str, Any] = {"table": "include", "index": index}
        if not isinstance(raw, dict):
            raise check.error("expected a table", where.rstrip("."), **kw)
        check.keys(raw, where, ("pack",), ("limits", "exclude"), **kw)
        if "limits" in raw and "exclude" in raw:
            raise check.error(
                "give limits (to select) or exclude (to drop), not both",
                where + "exclude",
                name="exclude",
                **kw,
            )
        includes.append(
            ProfileInclude(
                pack=check.text(raw, "pack", where, **kw),
                limits=check.string_list(raw, "limits", where, **kw),
                exclude=check.string_list(raw, "exclude", where, **kw),
            )
        )
    return Profile(
        id=profile_id,
        title=title,
        title_zh=title_zh,
        includes=tuple(includes),
        acceptance=AcceptancePolicy(cast(AcceptanceKind, policy), maintenance_factor_from=mf_from),
        decision=DecisionRule(cast(DecisionKind, rule)),
        path=path,
    )


# --------------------------------------------------------------------------- files
@dataclass(frozen=True)
class LoadedFile:
    """The result of reading one TOML file: a pack (standard + limits) or a profile."""

    path: Path
    standard: Standard | None = None
    limits: tuple[Limit, ...] = ()
    profile: Profile | None = None


def load_file(path: Path) -> LoadedFile:
    """Read and check one pack or profile file on its own (its kind from its tables).

    Cross-file checks (duplicate ids between packs, packs and limits a profile names) are done
    by :func:`load_registry`. Raises :class:`~luxcheck.errors.InputError` naming the file, line
    and key of the first problem.
    """
    path = Path(path)
    data, text = _read_toml(path)
    check = _Checker(path, text)
    if "profile" in data:
        return LoadedFile(path, profile=_profile_from_data(data, path, check))
    if "standard" in data:
        standard, limits = _pack_from_data(data, path, check)
        return LoadedFile(path, standard=standard, limits=limits)
    raise check.error(
        "neither a pack (needs a [standard] table) nor a profile (needs a [profile] table)",
        "standard",
    )
