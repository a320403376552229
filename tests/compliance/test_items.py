"""One result per quantity (luxcheck.compliance.items): grouping a room's verdicts by metric,
each limit once with every clause that sets it, and the single-item verdict (单项判定)."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.compliance.engine import evaluate, room_result
from luxcheck.compliance.items import LimitLine, group_verdicts, item_status
from luxcheck.compliance.verdict import Verdict
from tests.support.rooms import GOOD


def _clauses(line: LimitLine) -> list[tuple[str, str, str]]:
    return [(c.standard, c.clause, c.obligation) for c in line.citations]


def test_each_quantity_once_and_a_shared_limit_cites_every_clause() -> None:
    """cn-classroom limits desk mean illuminance ≥ 300 lx in GB 7793-2010 §5.2 and
    GB/T 36876-2018 §4.1 (both 应): one item, one limit line citing both clauses. Desk U0 has
    ≥ 0.70 (GB 7793-2010 §5.2, GB/T 36876-2018 §4.1) and ≥ 0.60 (GB 55016-2021 §3.3.3 item 1):
    one item, two lines. Ra is limited ≥ 80 by four standards: one item, one line, four
    clauses (GB 7793's light-source clause says 宜, the others 应). Every metric appears in
    exactly one item and every verdict in exactly one line."""
    verdicts = evaluate(GOOD, "cn-classroom", "ordinary")
    items = group_verdicts(verdicts)
    metrics = [i.metric for i in items]
    assert len(metrics) == len(set(metrics)) == len({v.metric for v in verdicts})
    assert sorted(v.requirement_id for i in items for line in i.lines for v in line.verdicts) == (
        sorted(v.requirement_id for v in verdicts)
    )
    by_metric = {i.metric: i for i in items}
    (mean,) = by_metric["desk_illuminance_mean_lx"].lines
    assert (mean.comparator, mean.limit) == (">=", 300.0)
    assert _clauses(mean) == [
        ("GB 7793-2010", "5.2", "shall"),
        ("GB/T 36876-2018", "4.1", "shall"),
    ]
    u0 = by_metric["desk_uniformity"]
    assert [line.limit for line in u0.lines] == [0.7, 0.6]
    assert [c[0] for c in _clauses(u0.lines[1])] == ["GB 55016-2021"]
    (ra,) = by_metric["cri_ra"].lines
    assert [c[0] for c in _clauses(ra)] == [
        "GB 7793-2010",
        "GB/T 36876-2018",
        "GB 40070-2021",
        "GB 55016-2021",
    ]
    assert ra.obligations == ("shall", "should")
    assert all(i.status == "pass" for i in items)


def test_item_fails_if_any_shall_limit_fails() -> None:
    """The single-item rule: U0 = 0.65 fails ≥ 0.70 (GB 7793-2010 §5.2, 应) and meets ≥ 0.60
    (GB 55016-2021 §3.3.3): the item fails, each line keeps its own result. UGR 20 exceeds
    ≤ 19 in GB 55016-2021 §3.3.4 (应) as in GB 7793-2010 §5.8 (宜): the item fails, decided
    by the shall-clause."""
    metrics = {**GOOD, "desk_uniformity": 0.65, "ugr": 20.0}
    items = {i.metric: i for i in group_verdicts(evaluate(metrics, "cn-classroom", "ordinary"))}
    u0 = items["desk_uniformity"]
    assert (u0.status, u0.decided_by) == ("fail", "shall")
    assert [line.status for line in u0.lines] == ["fail", "pass"]
    ugr = items["ugr"]
    assert (ugr.status, ugr.decided_by, len(ugr.lines)) == ("fail", "shall", 1)


def _verdict(obligation: str, status: str, limit: float) -> Verdict:
    return Verdict(
        f"x.{obligation}.{limit}",
        "lpd_w_per_m2",
        status,  # type: ignore[arg-type]
        10.0 if status != "not-measured" else None,
        limit,
        "<=",
        None,
        "W/m2",
        "GB X",
        "1",
        obligation,  # type: ignore[arg-type]
        "verified",
    )


def test_should_limit_not_met_does_not_fail_a_shall_decided_item() -> None:
    """Property of the rule (the room rule of README 'How results are decided' per quantity):
    a should-limit (宜) that is not met leaves an item its shall-limits pass as a pass, and the
    item says a should-clause was not met; an item only should-clauses limit is decided by them;
    not measured is never a pass."""
    shall_pass, should_fail = _verdict("shall", "pass", 11.0), _verdict("should", "fail", 9.0)
    (item,) = group_verdicts([shall_pass, should_fail])
    assert (item.status, item.decided_by, item.should_not_met) == ("pass", "shall", True)
    (only_should,) = group_verdicts([should_fail])
    assert (only_should.status, only_should.decided_by) == ("fail", "should")
    missing = [_verdict("shall", "not-measured", 11.0), _verdict("should", "not-measured", 9.0)]
    assert item_status(missing) == ("not-measured", "shall")
    assert item_status([missing[0], dataclasses.replace(should_fail, status="pass")])[0] == (
        "not-measured"
    )
    na = dataclasses.replace(shall_pass, status="not-applicable", limit=None)
    assert item_status([na]) == ("not-applicable", "shall")


_STATUSES = ("pass", "fail", "indeterminate", "not-measured", "not-applicable")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["m1", "m2", "m3"]),
            st.sampled_from(["shall", "should", "advisory"]),
            st.sampled_from(_STATUSES),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_room_fails_exactly_when_a_shall_decided_item_fails(
    spec: list[tuple[str, str, str]],
) -> None:
    """Hypothesis property: the single-item verdicts agree with the room rule
    (engine.room_result): the room fails if and only if some item decided by shall-clauses
    fails; it passes only if every shall-decided item passes."""
    verdicts = [
        dataclasses.replace(
            _verdict(obligation, status, float(k)),
            requirement_id=f"r{k}",
            metric="ugr",
            measured=None,
            unit="1",
        )
        if metric == "m1"
        else dataclasses.replace(
            _verdict(obligation, status, float(k)), requirement_id=f"r{k}", metric=metric
        )
        for k, (metric, obligation, status) in enumerate(spec)
    ]
    items = group_verdicts(verdicts)
    shall_items = [i for i in items if i.decided_by == "shall" and i.status != "not-applicable"]
    room = room_result(verdicts).status
    assert (room == "fail") == any(i.status == "fail" for i in shall_items)
    if room == "pass":
        assert shall_items and all(i.status == "pass" for i in shall_items)


def test_full_value_comparison_and_the_limit_of_an_unmeasured_item() -> None:
    """GB/T 8170-2008 §4.3: unless a standard says otherwise, a measured value is compared with
    a limit by the full-value method (全数值比较法), unrounded: U0 0.6996 fails ≥ 0.70 although
    it rounds to 0.70 (the rounded-value method would pass it). An unmeasured quantity keeps
    the limit it would be judged against (GB 7793-2010 §5.2: ≥ 300 lx), so the report prints the
    requirement, and the item is not measured, never a pass."""
    items = {
        i.metric: i
        for i in group_verdicts(
            evaluate(
                {**GOOD, "desk_uniformity": 0.6996, "desk_illuminance_mean_lx": None},
                "cn-classroom",
                "ordinary",
            )
        )
    }
    assert items["desk_uniformity"].status == "fail"
    assert items["desk_uniformity"].lines[0].status == "fail"
    mean = items["desk_illuminance_mean_lx"]
    assert mean.status == "not-measured"
    assert [line.limit for line in mean.lines] == [300.0]
