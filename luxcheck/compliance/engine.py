"""The compliance engine: judge a classroom's metrics against a profile.

The rules are those of the README, "How results are decided".

:func:`evaluate` gives one :class:`~luxcheck.compliance.verdict.Verdict` per requirement of the
profile
that applies to the room type; :func:`room_result` folds them into the room's result;
:func:`campaign_rollup` counts results per school and failures per metric.
:func:`get_profile` (re-exported from :mod:`luxcheck.compliance.packs`) gives a profile's acceptance
policy and decision rule with the sentences reports print
(``get_profile("jiangsu-2021").acceptance.describe("zh")``); :func:`get_limit` gives one limit
(with its piecewise-linear function) by id.

Semantics
---------
- A metric that is missing, None or NaN is ``not-measured``, never a pass.
- A limit that is a function of another metric (GB 40070 波动深度 of the frequency) needs that
  metric too; where the function has no limit (above 3125 Hz) the verdict is
  ``not-applicable``.
- Acceptance policy (profile): ``direct`` compares measured illuminance with the maintained
  value; ``initial-over-mf`` judges every ``maintained`` limit at value / MF.
- Decision rule (profile, or the ``decision_rule`` argument): ``simple`` acceptance compares the
  measured value with the limit; ``guarded`` acceptance uses the expanded uncertainty U:
  pass only if every value in [measured − U, measured + U] complies, fail only if none does,
  otherwise ``indeterminate`` (ILAC-G8:09/2019, non-binary statement with a guard band).
- The room passes only if every applicable shall-requirement passes; it fails if any
  shall-requirement fails; otherwise it is incomplete.

References
----------
.. [1] ISO/IEC 17025:2017 §7.8.6 (statements of conformity) and ILAC-G8:09/2019.
.. [2] GB/T 50034-2024 §4.1 and Table 4.1.4 (maintained illuminance, maintenance factor 0.8:
   initial ≥ maintained / MF where a programme requires it).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from numbers import Real
from pathlib import Path
from typing import Literal, cast

from luxcheck.compliance.packs import clear_cache, get_limit, get_profile, load_registry
from luxcheck.compliance.schema import DECISION_RULES, AcceptancePolicy, Limit, clean_limit
from luxcheck.compliance.verdict import Status, Verdict
from luxcheck.errors import InputError
from luxcheck.messages import Message, MetricId, Word, _n, joined, not_measured, stored
from luxcheck.model import LUMINAIRE_TECHNOLOGIES, ROOM_TYPES
from luxcheck.vocabulary import METRICS, TEXT_VALUES, metric_bounds

__all__ = [
    "SIMPLE_FALLBACK",
    "CampaignRollup",
    "RoomResult",
    "SchoolCounts",
    "campaign_rollup",
    "clear_cache",
    "evaluate",
    "get_limit",
    "get_profile",
    "room_result",
]

RoomStatus = Literal["pass", "fail", "incomplete"]

#: The note on a verdict judged by simple acceptance under the guarded rule because no
#: expanded uncertainty is stated for its metric (ILAC-G8: the rule applied is reported).
SIMPLE_FALLBACK = _n("no expanded uncertainty given for {metric}: simple acceptance")


# --------------------------------------------------------------------------- input checks
def _check_metrics(
    metrics: Mapping[str, float | str | None],
) -> dict[str, float | str | None]:
    """Check ids, kinds and physical ranges; NaN and None become None (not measured)."""
    out: dict[str, float | str | None] = {}
    for key, value in metrics.items():
        info = METRICS.get(key)
        if info is None:
            close = [m for m in METRICS if key.split("_")[0] in m][:8]
            raise InputError(
                f"unknown metric id {key!r}; similar ids: {', '.join(close) or 'none'}",
                source="metrics",
                column=key,
            )
        if value is None:
            out[key] = None
        elif info.kind == "text":
            if isinstance(value, float) and math.isnan(value):
                out[key] = None
                continue
            valid = TEXT_VALUES.get(key, ())
            if not isinstance(value, str) or value not in valid:
                raise InputError(
                    f"{value!r} is not a value of {key}: expected one of {', '.join(valid)}",
                    source="metrics",
                    column=key,
                )
            out[key] = value
        else:
            if isinstance(value, bool) or not isinstance(value, Real):
                raise InputError(f"expected a number, got {value!r}", source="metrics", column=key)
            number = float(value)
            if math.isnan(number):
                out[key] = None
                continue
            low, high = metric_bounds(key)
            if (
                math.isinf(number)
                or (low is not None and number < low)
                or (high is not None and number > high)
            ):
                lo = "-inf" if low is None else f"{low:g}"
                hi = "inf" if high is None else f"{high:g}"
                raise InputError(
                    f"{number!r} {info.unit} is outside the possible range [{lo}, {hi}]",
                    source="metrics",
                    column=key,
                )
            out[key] = number
    return out


def _check_uncertainty(uncertainty: Mapping[str, float] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in (uncertainty or {}).items():
        if key not in METRICS or METRICS[key].kind != "number":
            raise InputError(
                f"{key!r} is not a numeric metric id", source="uncertainty", column=key
            )
        if isinstance(value, bool) or not isinstance(value, Real):
            raise InputError(
                f"expected an expanded uncertainty [{METRICS[key].unit}], got {value!r}",
                source="uncertainty",
                column=key,
            )
        u = float(value)
        if not (math.isfinite(u) and u >= 0.0):
            raise InputError(
                f"expected a finite expanded uncertainty ≥ 0, got {value!r}",
                source="uncertainty",
                column=key,
            )
        out[key] = u
    return out


#: Why a verdict is not measured: the metric and the reason (a report's row of that metric
#: prints the reason alone).
NAMED_REASON = _n("{metric}: {why}")


# --------------------------------------------------------------------------- judging one limit
def _complies(limit: Limit, x: float, threshold: float | tuple[float, float]) -> bool:
    c = limit.comparator
    if c == "range":
        assert isinstance(threshold, tuple)
        return threshold[0] <= x <= threshold[1]
    assert isinstance(threshold, float)
    if c == ">=":
        return x >= threshold
    if c == ">":
        return x > threshold
    if c == "<=":
        return x <= threshold
    return x < threshold


def _margin(limit: Limit, x: float, threshold: float | tuple[float, float]) -> float:
    if isinstance(threshold, tuple):
        return clean_limit(min(x - threshold[0], threshold[1] - x))
    if limit.comparator in (">=", ">"):
        return clean_limit(x - threshold)
    return clean_limit(threshold - x)


def _judge_number(
    limit: Limit, x: float, threshold: float | tuple[float, float], u: float
) -> Status:
    """Pass if all of [x − u, x + u] complies, fail if none does, else indeterminate."""
    if limit.comparator == "range":
        assert isinstance(threshold, tuple)
        lo, hi = threshold
        if lo <= x - u and x + u <= hi:
            return "pass"
        if x + u < lo or x - u > hi:
            return "fail"
        return "indeterminate"
    # one-sided: compliance is monotone in x, so the ends of the interval decide
    worst, best = (x - u, x + u) if limit.comparator in (">=", ">") else (x + u, x - u)
    if _complies(limit, worst, threshold):
        return "pass"
    if not _complies(limit, best, threshold):
        return "fail"
    return "indeterminate"


def _verdict(
    limit: Limit,
    status: Status,
    measured: float | str | None,
    threshold: float | tuple[float, float] | tuple[str, ...] | None,
    margin: float | None,
    reason: Message | None,
    rule: str,
) -> Verdict:
    return Verdict(
        requirement_id=limit.id,
        metric=limit.metric,
        status=status,
        measured=measured,
        limit=threshold,
        comparator=limit.comparator,
        margin=margin,
        unit=limit.unit,
        standard=limit.standard_id,
        clause=limit.clause,
        clause_zh=limit.clause_zh,
        obligation=limit.obligation,
        confidence=limit.confidence,
        reason=reason,
        applies_to=limit.applies_to,
        decision_rule=rule,
    )


#: The luminaire technologies as words of a verdict note (translated in the report).
_TECHNOLOGY_WORDS = {"led": _n("LED"), "fluorescent": _n("fluorescent"), "other": _n("other")}


def _either(technologies: tuple[str, ...]) -> Word | Message:
    """The technologies as words: "LED", or "LED or fluorescent"."""
    first = Word(_TECHNOLOGY_WORDS[technologies[0]])
    if len(technologies) == 1:
        return first
    return Message(_n("{first} or {rest}"), first=first, rest=_either(technologies[1:]))


def _judge_assessed(
    limit: Limit, assessed: str | None, indication: float | str | None, rule: str
) -> Verdict:
    """A limit on a declared property (the luminaires' assessed risk group): the assessed
    value is judged; the indication from the field readings is shown beside it."""
    seen = indication if isinstance(indication, str) else None
    if assessed is None:
        why = Message(
            _n(
                "the luminaires' assessed group (IEC 62471 / IEC TR 62778 test report or "
                "marking) is not recorded; field indication: {indication}"
            ),
            indication=seen or Message(_n("none")),
        )
        return _verdict(limit, "not-measured", None, None, None, why, rule)
    ok = assessed in limit.allowed
    note = None
    if seen is not None:
        note = (
            Message(_n("field indication {indication}"), indication=seen)
            if seen == assessed
            else Message(
                _n("field indication {indication} disagrees with the assessed group: check the "
                   "luminaires against their test report"),
                indication=seen,
            )
        )  # fmt: skip
    return _verdict(limit, "pass" if ok else "fail", assessed, limit.allowed, None, note, "simple")


def _judge(
    limit: Limit,
    values: Mapping[str, float | str | None],
    policy: AcceptancePolicy,
    rule: str,
    uncertainty: Mapping[str, float],
    reasons: Mapping[str, Message | str],
    declared: Mapping[str, str | None] | None,
) -> Verdict:
    measured = values.get(limit.metric)
    if declared is not None and limit.metric in declared:
        return _judge_assessed(limit, declared[limit.metric], measured, rule)
    if measured is None:
        why = Message(
            NAMED_REASON, metric=MetricId(limit.metric), why=_reason(reasons, limit.metric)
        )
        # the limit the value would have been judged against, where it does not depend on
        # another quantity (a report prints the requirement of an unmeasured item too)
        fixed = None if limit.function is not None else _fixed_threshold(limit, policy)[0]
        return _verdict(limit, "not-measured", None, fixed, None, why, rule)

    if limit.comparator == "in":
        assert isinstance(measured, str)
        ok = measured in limit.allowed
        return _verdict(
            limit, "pass" if ok else "fail", measured, limit.allowed, None, None, "simple"
        )

    assert isinstance(measured, float)
    notes: list[Message] = []
    note = reasons.get(limit.metric)
    if note:  # a note on a measured value (e.g. the percent flicker is the noise floor)
        notes.append(
            Message(
                _n("{metric}: {why}"),
                metric=MetricId(limit.metric),
                why=stored(note) if isinstance(note, str) else note,
            )
        )
    u, used_rule = _guard(limit, rule, uncertainty, notes)
    threshold: float | tuple[float, float]
    if limit.function is not None:
        return _judge_function(limit, measured, values, reasons, u, used_rule, notes)
    fixed, how = _fixed_threshold(limit, policy)
    threshold = cast("float | tuple[float, float]", fixed)  # not an "in" limit here
    if how is not None:
        notes.append(how)
    return _numeric_verdict(limit, measured, threshold, u, used_rule, notes)


def _guard(
    limit: Limit, rule: str, uncertainty: Mapping[str, float], notes: list[Message]
) -> tuple[float, str]:
    """The guard band U and the rule actually used (guarded only where U is stated), with the
    note that says which (appended to ``notes``)."""
    if rule != "guarded":
        return 0.0, rule
    if limit.metric in uncertainty:
        u = uncertainty[limit.metric]
        notes.append(Message(_n("guard band U = {value:g} {unit}"), value=u, unit=limit.unit))
        return u, rule
    notes.append(Message(SIMPLE_FALLBACK, metric=MetricId(limit.metric)))
    return 0.0, "simple"


def _numeric_verdict(
    limit: Limit,
    measured: float,
    threshold: float | tuple[float, float],
    u: float,
    rule: str,
    notes: list[Message],
) -> Verdict:
    status = _judge_number(limit, measured, threshold, u)
    if status == "indeterminate":
        notes.insert(0, Message(_n("measured value within the guard band")))
    return _verdict(
        limit, status, measured, threshold, _margin(limit, measured, threshold), joined(notes), rule
    )


def _strictest(limit: Limit) -> float:
    """The most demanding value of a limit function over its whole argument range."""
    assert limit.function is not None
    ys = limit.function.y
    return clean_limit(min(ys) if limit.comparator in ("<=", "<") else max(ys))


def _judge_function(
    limit: Limit,
    measured: float,
    values: Mapping[str, float | str | None],
    reasons: Mapping[str, Message | str],
    u: float,
    rule: str,
    notes: list[Message],
) -> Verdict:
    """A limit that is a function of another metric (GB 40070 波动深度 of the frequency).

    The argument may be read in several ways (``of`` and ``also_of``: the fundamental and the
    dominant flicker frequency): the limit is evaluated at each reading given, and where they
    give different verdicts the verdict is ``indeterminate`` and says so. Where no reading is
    given, the value is judged against the strictest value of the function: it passes only if
    it complies whatever the argument; otherwise it is ``not-measured`` (the limit depends on
    the missing argument)."""
    assert limit.function is not None
    of = limit.function.of
    readings = [
        (metric_id, argument)
        for metric_id in (of, *limit.also_of)
        if isinstance(argument := values.get(metric_id), float)
    ]
    if not readings:
        strict = _strictest(limit)
        if _judge_number(limit, measured, strict, u) == "pass":
            notes.append(
                Message(
                    _n(
                        "{metric} not determined ({why}): judged against the strictest limit "
                        "of the curve, {value:g} {unit}"
                    ),
                    metric=MetricId(of),
                    why=_reason(reasons, of),
                    value=strict,
                    unit=limit.unit,
                )
            )
            return _numeric_verdict(limit, measured, strict, u, rule, notes)
        why = Message(
            _n("{metric}: {why} (the limit depends on it)"),
            metric=MetricId(of),
            why=_reason(reasons, of),
        )
        return _verdict(limit, "not-measured", measured, None, None, why, rule)
    outcomes: list[tuple[str, float, float | None, Status]] = []
    for metric_id, argument in readings:
        value = limit.threshold(argument)
        status: Status = (
            "not-applicable" if value is None else _judge_number(limit, measured, value, u)
        )
        outcomes.append((metric_id, argument, value, status))
    first_id, first_arg, first_value, _ = outcomes[0]
    # "no limit" complies: a reading without a limit agrees with a pass
    kinds = {"pass" if o[3] == "not-applicable" else o[3] for o in outcomes}
    if len(kinds) > 1:
        parts = [_reading_note(limit, *o) for o in outcomes]
        notes.insert(
            0,
            Message(
                _n(
                    "the verdict depends on which frequency the limit is read at "
                    "(the standard does not say): {readings}"
                ),
                readings=joined(parts) or "",
            ),
        )
        margin = None if first_value is None else _margin(limit, measured, first_value)
        return _verdict(limit, "indeterminate", measured, first_value, margin, joined(notes), rule)
    if first_value is None:
        return _verdict(
            limit,
            "not-applicable",
            measured,
            None,
            None,
            Message(
                _n("no limit at {metric} = {value:g} {unit}"),
                metric=MetricId(first_id),
                value=first_arg,
                unit=METRICS[first_id].unit,
            ),
            rule,
        )
    for metric_id, argument, _value, _status in outcomes:
        notes.append(
            Message(
                _n("limit at {metric} = {value:g} {unit}"),
                metric=MetricId(metric_id),
                value=argument,
                unit=METRICS[metric_id].unit,
            )
        )
    return _numeric_verdict(limit, measured, clean_limit(first_value), u, rule, notes)


def _reading_note(
    limit: Limit, metric_id: str, argument: float, value: float | None, status: Status
) -> Message:
    if value is None:
        return Message(
            _n("{metric} = {value:g} {unit}: no limit"),
            metric=MetricId(metric_id),
            value=argument,
            unit=METRICS[metric_id].unit,
        )
    text = {
        "pass": _n("{metric} = {value:g} {unit}: limit {limit:g} {lunit}, passes"),
        "fail": _n("{metric} = {value:g} {unit}: limit {limit:g} {lunit}, fails"),
    }.get(status, _n("{metric} = {value:g} {unit}: limit {limit:g} {lunit}, within the guard band"))
    return Message(
        text,
        metric=MetricId(metric_id),
        value=argument,
        unit=METRICS[metric_id].unit,
        limit=value,
        lunit=limit.unit,
    )


def _fixed_threshold(
    limit: Limit, policy: AcceptancePolicy
) -> tuple[float | tuple[float, float] | tuple[str, ...], Message | None]:
    """The threshold of a limit that is not a function of another metric, under the
    acceptance policy (a maintained value over the MF for ``initial-over-mf``), with the note
    that says how it was taken (None when it is the pack's value as written)."""
    if limit.comparator == "in":
        return limit.allowed, None
    if limit.comparator == "range":
        assert limit.min is not None
        assert limit.max is not None
        return (limit.min, limit.max), None
    assert limit.value is not None
    if limit.maintained and policy.policy == "initial-over-mf":
        mf = policy.maintenance_factor
        assert mf is not None
        note = Message(
            _n("initial ≥ maintained {value:g} {unit} / MF {mf:g}"),
            value=limit.value,
            unit=limit.unit,
            mf=mf,
        )
        return clean_limit(limit.value / mf), note
    return limit.value, None


def _reason(reasons: Mapping[str, Message | str], metric_id: str) -> Message | str:
    """Why ``metric_id`` was not measured: the given reason (a stored one deserialised, an
    old text as written), else "not measured"."""
    why = reasons.get(metric_id)
    if why is None or why == "":
        return not_measured()
    return stored(why) if isinstance(why, str) else why


# --------------------------------------------------------------------------- public API
def evaluate(
    metrics: Mapping[str, float | str | None],
    profile: str,
    room_type: str = "ordinary",
    *,
    uncertainty: Mapping[str, float] | None = None,
    standards_dir: Path | None = None,
    decision_rule: str | None = None,
    reasons: Mapping[str, Message | str] | None = None,
    technology: str | None = None,
    declared: Mapping[str, str | None] | None = None,
) -> list[Verdict]:
    """Judge one classroom's metrics against every applicable requirement of a profile.

    Parameters
    ----------
    metrics
        Metric id (``luxcheck.vocabulary.METRICS``) → measured value in the metric's unit
        (a text for text metrics such as ``blue_light_risk_group``). Missing, None or NaN
        means not measured. An unknown id, a wrong kind or a physically impossible value
        raises :class:`~luxcheck.errors.InputError`.
    profile
        Profile id (``cn-classroom``, ``cn-classroom-2013``, ``jiangsu-2021``,
        ``en-12464-1-2021`` or one from ``standards_dir``); case and punctuation are ignored.
    room_type
        One of ``luxcheck.model.ROOM_TYPES``; limits for other room types are skipped.
    uncertainty
        Metric id → expanded uncertainty U (absolute, in the metric's unit), used by the
        ``guarded`` decision rule.
    standards_dir
        A folder with extra packs and profiles (added to the bundled ones).
    decision_rule
        ``"simple"`` or ``"guarded"`` to override the profile's rule (None: the profile's).
    reasons
        Metric id → why it was not measured (printed in the not-measured verdict): a message,
        or a reason as the campaign file keeps it (:func:`luxcheck.messages.stored`).
    technology
        The luminaires' technology (``luxcheck.model.LUMINAIRE_TECHNOLOGIES``): a limit for
        other technologies is not applicable; None (not recorded): LED is assumed (retrofits
        install LED) and the verdict says so.
    declared
        Metric id → the value declared for the installation (the luminaires' assessed
        blue-light risk group from their test report or marking; None: not recorded). A limit
        on such a metric judges the declared value; the value in ``metrics`` (the indication
        from the field readings) is shown beside it, a disagreement flagged. None: the
        metrics are judged as given.

    Returns
    -------
    list of Verdict
        One per applicable requirement, in profile order, each with its own clause.
    """
    registry = load_registry(standards_dir)
    prof = registry.profile(profile)
    if room_type not in ROOM_TYPES:
        raise InputError(
            f"unknown room type {room_type!r}: expected one of {', '.join(ROOM_TYPES)}",
            column="room_type",
        )
    rule = prof.decision.rule if decision_rule is None else decision_rule
    if rule not in DECISION_RULES:
        raise InputError(
            f"unknown decision rule {rule!r}: expected one of {', '.join(DECISION_RULES)}",
            column="decision_rule",
        )
    if technology is not None and technology not in LUMINAIRE_TECHNOLOGIES:
        raise InputError(
            f"unknown luminaire technology {technology!r}: expected one of "
            f"{', '.join(LUMINAIRE_TECHNOLOGIES)}",
            column="luminaire_technology",
        )
    values = _check_metrics(metrics)
    u = _check_uncertainty(uncertainty)
    policy = registry.acceptance(prof)
    why = dict(reasons or {})
    verdicts = []
    for limit in registry.profile_limits(prof):
        if not limit.applies_to_room(room_type):
            continue
        if limit.technologies and technology is not None and technology not in limit.technologies:
            only = Message(
                _n("applies to {technologies} luminaires; these are {technology}"),
                technologies=_either(limit.technologies),
                technology=Word(_TECHNOLOGY_WORDS[technology]),
            )
            verdicts.append(_verdict(limit, "not-applicable", None, None, None, only, rule))
            continue
        verdict = _judge(limit, values, policy, rule, u, why, declared)
        if limit.technologies and technology is None:
            assumed = Message(
                _n("luminaire technology not recorded: {technology} assumed"),
                technology=Word(_TECHNOLOGY_WORDS[limit.technologies[0]]),
            )
            notes = [assumed] if verdict.reason is None else [assumed, verdict.reason]
            verdict = dataclasses.replace(verdict, reason=joined(notes))
        verdicts.append(verdict)
    return verdicts


@dataclass(frozen=True)
class RoomResult:
    """A classroom's overall result and the verdicts behind it.

    ``status`` is ``pass`` only if every applicable shall-requirement passes, ``fail`` if any
    shall-requirement fails, otherwise ``incomplete`` (a shall-requirement not measured or
    indeterminate, or no shall-requirement applies). Failed should-requirements are listed
    but do not fail the room; advisory verdicts never count.
    """

    status: RoomStatus
    verdicts: tuple[Verdict, ...]
    failed_shall: tuple[Verdict, ...]
    failed_should: tuple[Verdict, ...]
    open_shall: tuple[Verdict, ...]
    counts: Mapping[str, int]


def room_result(verdicts: Iterable[Verdict]) -> RoomResult:
    """Fold a room's verdicts into its result (see :class:`RoomResult`)."""
    all_v = tuple(verdicts)
    shall = [v for v in all_v if v.obligation == "shall" and v.status != "not-applicable"]
    failed_shall = tuple(v for v in shall if v.status == "fail")
    open_shall = tuple(v for v in shall if v.status in ("not-measured", "indeterminate"))
    failed_should = tuple(v for v in all_v if v.obligation == "should" and v.status == "fail")
    status: RoomStatus
    if failed_shall:
        status = "fail"
    elif shall and not open_shall:
        status = "pass"
    else:
        status = "incomplete"
    counts: Counter[str] = Counter(v.status for v in all_v)
    return RoomResult(status, all_v, failed_shall, failed_should, open_shall, dict(counts))


@dataclass(frozen=True)
class SchoolCounts:
    """Room results of one school."""

    school_id: str
    rooms: int
    passed: int
    failed: int
    incomplete: int


@dataclass(frozen=True)
class CampaignRollup:
    """Campaign totals: per school result counts, per metric and per requirement failures.

    ``metric_failures[m]`` counts rooms with at least one failed shall-requirement on metric
    ``m`` (``metric_should_failures`` the same for should); ``requirement_failures`` counts
    rooms per failed shall-requirement id. ``failing_rooms`` lists (school, classroom) pairs
    for the rectification list.
    """

    rooms: int
    passed: int
    failed: int
    incomplete: int
    schools: tuple[SchoolCounts, ...]
    metric_failures: Mapping[str, int]
    metric_should_failures: Mapping[str, int]
    requirement_failures: Mapping[str, int]
    failing_rooms: tuple[tuple[str, str], ...]
    incomplete_rooms: tuple[tuple[str, str], ...]


def campaign_rollup(rooms: Iterable[tuple[str, str, RoomResult]]) -> CampaignRollup:
    """Roll up room results: ``rooms`` yields ``(school_id, classroom_id, RoomResult)``.

    A (school, classroom) pair given twice is an error.
    """
    per_school: dict[str, Counter[str]] = {}
    metric_fail: Counter[str] = Counter()
    metric_should: Counter[str] = Counter()
    req_fail: Counter[str] = Counter()
    failing: list[tuple[str, str]] = []
    incomplete: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for school_id, classroom_id, result in rooms:
        key = (school_id, classroom_id)
        if key in seen:
            raise InputError(
                f"classroom {classroom_id!r} of school {school_id!r} is given twice",
                column="classroom_id",
            )
        seen.add(key)
        per_school.setdefault(school_id, Counter())[result.status] += 1
        metric_fail.update({v.metric for v in result.failed_shall})
        metric_should.update({v.metric for v in result.failed_should})
        req_fail.update({v.requirement_id for v in result.failed_shall})
        if result.status == "fail":
            failing.append(key)
        elif result.status == "incomplete":
            incomplete.append(key)
    schools = tuple(
        SchoolCounts(sid, sum(c.values()), c["pass"], c["fail"], c["incomplete"])
        for sid, c in sorted(per_school.items())
    )
    return CampaignRollup(
        rooms=sum(s.rooms for s in schools),
        passed=sum(s.passed for s in schools),
        failed=sum(s.failed for s in schools),
        incomplete=sum(s.incomplete for s in schools),
        schools=schools,
        metric_failures=dict(metric_fail.most_common()),
        metric_should_failures=dict(metric_should.most_common()),
        requirement_failures=dict(req_fail.most_common()),
        failing_rooms=tuple(failing),
        incomplete_rooms=tuple(incomplete),
    )
