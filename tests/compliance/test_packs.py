"""Standards packs and profiles: every shipped file loads, broken files are refused with the
file and key named, lookups, confidence marks, and the frequency-dependent limits."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.compliance import packs as S
from luxcheck.compliance import schema
from luxcheck.errors import InputError
from luxcheck.i18n import gettext_for
from luxcheck.resources import standards_dir
from tests.support.user_packs import write_profile

BROKEN = Path(__file__).parents[1] / "data" / "broken_packs"
PACKS = sorted(standards_dir().glob("*.toml"))
PROFILES = sorted((standards_dir() / "profiles").glob("*.toml"))
EXPECTED_PACKS = {
    "gb-7793-2010",
    "gb-t-36876-2018",
    "gb-40070-2021",
    "gb-t-50034-2024",
    "gb-50034-2013",
    "gb-t-31831-2015",
    "iec-62471-2006",
    "ieee-1789-2015",
    "en-12464-1-2021",
    "jiangsu-2021",
    "gb-55016-2021",
    "gb-55015-2021",
}
EXPECTED_PROFILES = {"cn-classroom", "cn-classroom-2013", "jiangsu-2021", "en-12464-1-2021"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    S.clear_cache()


# --------------------------------------------------------------------------- shipped files
def test_every_pack_and_profile_is_shipped() -> None:
    """Issue 3 list of packs and the profiles of README, Standards and profiles."""
    reg = S.load_registry()
    assert set(reg.standards) == EXPECTED_PACKS
    assert set(reg.profiles) == EXPECTED_PROFILES


@pytest.mark.parametrize("path", PACKS + PROFILES, ids=lambda p: p.name)
def test_every_file_loads_on_its_own(path: Path) -> None:
    """Strict loader accepts each shipped pack and profile (issue 3: every pack loads)."""
    loaded = schema.load_file(path)
    if loaded.standard is not None:
        assert loaded.limits, "a pack without limits"
        assert loaded.standard.slug == path.stem
    else:
        assert loaded.profile is not None
        assert loaded.profile.id == path.stem


def test_every_profile_resolves_and_has_shall_requirements() -> None:
    """Each profile's packs and limit ids exist; each judges some shall-requirement."""
    reg = S.load_registry()
    for prof in reg.profiles.values():
        limits = reg.profile_limits(prof)
        assert any(lim.obligation == "shall" for lim in limits), prof.id
        assert len({lim.id for lim in limits}) == len(limits)


def test_confidence_is_never_higher_than_the_reference() -> None:
    """Confidence marks of the packs (standards/README.md): C2/C1 -> verified, R -> to-be-confirmed.
    A basis that carries an R mark must be to-be-confirmed; a verified limit must cite C1 or C2."""
    reg = S.load_registry()
    for lim in reg.limits.values():
        marks = re.findall(r"\b(C2|C1|R)\b", lim.basis.split("(")[0])
        assert marks, f"{lim.id}: basis {lim.basis!r} has no confidence mark"
        if "R" in marks:
            assert lim.confidence == "to-be-confirmed", lim.id
        if lim.confidence == "verified":
            assert set(marks) <= {"C1", "C2"}, lim.id


def test_flicker_table_is_to_be_confirmed() -> None:
    """GB 40070-2021 波动深度 table: C1 + R (its table number unverified)."""
    lim = S.get_limit("gb40070.flicker-percent")
    assert lim.confidence == "to-be-confirmed"
    assert lim.obligation == "shall"
    assert lim.metric == "flicker_percent"
    assert lim.function is not None
    assert lim.function.of == "flicker_frequency_hz"


def test_readme_documents_every_record_field() -> None:
    """standards/README.md is the human-readable schema: every field of every loaded record
    must appear in it."""
    readme = (standards_dir() / "README.md").read_text(encoding="utf-8")
    records = [
        schema.Standard,
        schema.Limit,
        schema.MaintenanceFactor,
        schema.Profile,
        schema.ProfileInclude,
        schema.AcceptancePolicy,
        schema.DecisionRule,
    ]
    missing = [
        f"{cls.__name__}.{f.name}"
        for cls in records
        for f in dataclasses.fields(cls)
        if not re.search(rf"`{re.escape(f.name)}`|\b{re.escape(f.name)} =", readme)
    ]
    assert not missing, f"fields not documented in standards/README.md: {missing}"


# --------------------------------------------------------------------------- broken files
def _expectations(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"# expect-(\w+): (.*)", line):
            out[m.group(1)] = m.group(2)
    return out


BROKEN_FILES = sorted(BROKEN.glob("*.toml")) + sorted((BROKEN / "profiles").glob("*.toml"))


def test_broken_pack_directory_covers_the_error_classes() -> None:
    """Issue 3: one deliberately broken pack per error class (unknown key, wrong unit,
    impossible value, duplicate id, ...)."""
    names = {p.stem for p in BROKEN_FILES}
    for required in (
        "unknown-key",
        "wrong-unit",
        "impossible-value",
        "duplicate-id",
        "duplicate-across-packs",
        "unknown-metric",
        "toml-syntax",
        "unknown-pack",
    ):
        assert required in names
    assert len(BROKEN_FILES) >= 40


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_broken_file_is_refused_naming_file_and_key(path: Path, tmp_path: Path) -> None:
    """Each broken file fails with an InputError that names the file, the key and the
    problem (the expectations are written in the file's header comment)."""
    expect = _expectations(path)
    if expect.get("stage") == "registry":
        target = tmp_path / ("profiles" if path.parent.name == "profiles" else "")
        target.mkdir(parents=True, exist_ok=True)
        copy = target / path.name
        shutil.copy(path, copy)
        with pytest.raises(InputError) as info:
            S.load_registry(tmp_path)
        assert info.value.source == str(copy)
    else:
        with pytest.raises(InputError) as info:
            schema.load_file(path)
        assert info.value.source == str(path)
    message = str(info.value)
    assert path.name in message
    assert expect["message"] in message
    if "key" in expect:
        assert info.value.column == expect["key"]
        assert f"column {expect['key']}" in message


@pytest.mark.parametrize(
    ("name", "line_start"),
    [
        ("wrong-unit.toml", "unit ="),  # a [[limit]] key
        ("function-unknown-key.toml", "step ="),  # a [limit.function] key of limit[1]
        ("bad-maintenance-factor.toml", "value = 1.2"),  # the [maintenance_factor] table
        ("slug-mismatch.toml", "slug ="),  # the [standard] table
    ],
)
def test_error_points_at_the_line_of_the_key(name: str, line_start: str) -> None:
    """The loader finds the line of the offending key (tomllib gives no positions)."""
    path = BROKEN / name
    with pytest.raises(InputError) as info:
        schema.load_file(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert info.value.line is not None
    assert lines[info.value.line - 1].startswith(line_start)


def test_toml_syntax_error_keeps_the_line() -> None:
    """tomllib's own line number is carried into the InputError."""
    with pytest.raises(InputError) as info:
        schema.load_file(BROKEN / "toml-syntax.toml")
    assert info.value.line is not None


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    """A path that does not exist is bad input (exit 2), not a traceback."""
    with pytest.raises(InputError, match="cannot read"):
        schema.load_file(tmp_path / "nope.toml")


# --------------------------------------------------------------------------- lookup, cache
def test_lookup_ignores_case_and_punctuation() -> None:
    """Property: ids are looked up case- and punctuation-insensitively."""
    reg = S.load_registry()
    assert reg.standard("GB/T 50034-2024").slug == "gb-t-50034-2024"
    assert reg.standard("gbt50034_2024").slug == "gb-t-50034-2024"
    assert reg.profile("CN Classroom").id == "cn-classroom"
    assert S.get_limit("GB40070 Flicker Percent").id == "gb40070.flicker-percent"


def test_unknown_ids_list_the_available_ones() -> None:
    """An unknown profile or pack is an InputError listing what exists."""
    with pytest.raises(InputError) as info:
        S.get_profile("cn-classroom-2099")
    for pid in EXPECTED_PROFILES:
        assert pid in str(info.value)
    with pytest.raises(InputError, match="gb-7793-2010"):
        S.get_standard("GB 7793-2099")
    with pytest.raises(InputError, match="unknown limit"):
        S.get_limit("gb40070.flicker")


def test_registry_is_cached_until_cleared() -> None:
    """Loaded packs are cached; clear_cache forgets them (for tests and edited packs)."""
    first = S.load_registry()
    assert S.load_registry() is first
    S.clear_cache()
    assert S.load_registry() is not first


def test_profile_accessor_reports_policy_and_rule() -> None:
    """Jiangsu 2021 操作规程 (MF 0.8): cn-classroom compares directly; Jiangsu requires initial ≥
    maintained / 0.8. ILAC-G8: simple acceptance by default (README). Reports print the text."""
    cn = S.get_profile("cn-classroom")
    assert cn.acceptance.policy == "direct"
    assert cn.acceptance.maintenance_factor is None
    assert cn.decision.rule == "simple"
    js = S.get_profile("jiangsu-2021")
    assert js.acceptance.policy == "initial-over-mf"
    assert js.acceptance.maintenance_factor == 0.8
    zh = gettext_for("zh")
    assert "0.8" in js.acceptance.describe().render(zh)
    assert "0.8" in str(js.acceptance.describe())
    assert "维护系数" in js.acceptance.describe().render(zh)
    assert "ILAC-G8" in str(cn.decision.describe())
    assert "简单接受" in cn.decision.describe().render(zh)


# --------------------------------------------------------------------------- user folders
def _write_pack(folder: Path, slug: str, limit_id: str, value: float) -> Path:
    path = folder / f"{slug}.toml"
    path.write_text(
        f"""schema_version = 1
[standard]
id = "Tender {slug}"
slug = "{slug}"
title = "A tender's stricter numbers"
title_zh = "招标文件技术要求"
year = 2026
status = "in-force"
source = "tender"

[[limit]]
id = "{limit_id}"
metric = "ugr"
comparator = "<="
value = {value}
unit = "1"
room_types = ["any"]
applies_to = "room"
obligation = "shall"
clause = "2.3"
confidence = "verified"
basis = "C1 tender text"
""",
        encoding="utf-8",
    )
    return path


def test_standards_dir_adds_packs_and_profiles(tmp_path: Path) -> None:
    """Issue 3: users add packs or profiles with --standards-dir."""
    _write_pack(tmp_path, "tender-2026", "tender.ugr", 16)
    write_profile(
        tmp_path,
        "tender",
        [("tender-2026", []), ("gb-7793-2010", ["gb7793.ugr"])],
        rule="guarded",
    )
    reg = S.load_registry(tmp_path)
    assert "tender-2026" in reg.standards
    assert "gb-7793-2010" in reg.standards  # bundled packs stay
    assert [lim.id for lim in reg.profile_limits(reg.profile("tender"))] == [
        "tender.ugr",
        "gb7793.ugr",
    ]
    assert S.get_profile("tender", tmp_path).decision.rule == "guarded"
    assert "tender" not in S.load_registry().profiles


def test_standards_dir_must_be_a_folder(tmp_path: Path) -> None:
    """A --standards-dir that does not exist is bad input."""
    with pytest.raises(InputError, match="not a folder"):
        S.load_registry(tmp_path / "missing")


def test_unit_alias_is_accepted(tmp_path: Path) -> None:
    """README: W/m² is accepted for W/m2 (vocabulary.UNIT_ALIASES)."""
    path = _write_pack(tmp_path, "lpd-pack", "lpd.a", 1)
    text = path.read_text(encoding="utf-8")
    text = text.replace('metric = "ugr"', 'metric = "lpd_w_per_m2"').replace(
        'unit = "1"', 'unit = "W/m²"'
    )
    path.write_text(text, encoding="utf-8")
    loaded = schema.load_file(path)
    assert loaded.limits[0].unit == "W/m2"


# --------------------------------------------------------------------------- limit functions
GB40070 = [
    # GB 40070-2021 波动深度 table, analytic limit checks: (frequency Hz, limit %)
    (0.0, 0.1),
    (5.0, 0.1),
    (10.0, 0.1),
    (50.0, 0.5),
    (90.0, 0.9),
    (100.0, 3.2),
    (200.0, 6.4),
    (1000.0, 32.0),
    (3125.0, 100.0),
]


@pytest.mark.parametrize(("freq", "expected"), GB40070)
def test_gb40070_flicker_table(freq: float, expected: float) -> None:
    """GB 40070 波动深度 table (GB 40070-2021; analytic checks): ≤ 10 Hz 0.1 %; 0.01·f to
    90 Hz (0.9 % at exactly 90 Hz, the band ending there); 0.032·f to 3125 Hz."""
    lim = S.get_limit("gb40070.flicker-percent")
    assert lim.threshold(freq) == pytest.approx(expected, rel=1e-12)
    board = S.get_limit("gb40070.board-flicker-percent")
    assert board.function is not None
    assert board.function.of == "board_flicker_frequency_hz"
    assert board.threshold(freq) == pytest.approx(expected, rel=1e-12)


def test_gb40070_flicker_limit_above_3125_hz_is_none() -> None:
    """Above 3125 Hz the table sets no limit; NaN/None argument gives no limit."""
    lim = S.get_limit("gb40070.flicker-percent")
    assert lim.threshold(3125.001) is None
    assert lim.threshold(None) is None
    assert lim.threshold(math.nan) is None


def test_ieee1789_curves() -> None:
    """IEEE 1789-2015 clause 8.1.1 (Figure 20): at 100 Hz 8 % (low risk) and 3.33 % (NOEL); the
    low-risk curve reaches 100 % at 1250 Hz."""
    low = S.get_limit("ieee1789.low-risk")
    noel = S.get_limit("ieee1789.no-effect")
    assert low.threshold(100.0) == pytest.approx(8.0)
    assert noel.threshold(100.0) == pytest.approx(3.33, abs=1e-9)
    assert low.threshold(1250.0) == pytest.approx(100.0)
    assert low.threshold(1300.0) is None


@settings(max_examples=100, deadline=None)
@given(
    f=st.floats(min_value=0.0, max_value=3124.0).filter(lambda f: not 89.0 <= f <= 90.0),
    delta=st.floats(min_value=1e-6, max_value=1.0),
)
def test_flicker_limit_continuous_where_the_table_is(f: float, delta: float) -> None:
    """Hypothesis property: away from the 90 Hz step the GB 40070 limit is Lipschitz
    continuous with the table's steepest slope, (100 − 2.88) / (3125 − 90) %/Hz."""
    lim = S.get_limit("gb40070.flicker-percent")
    a, b = lim.threshold(f), lim.threshold(f + delta)
    assert a is not None
    assert b is not None
    slope = (100.0 - 2.88) / (3125.0 - 90.0)
    assert abs(b - a) <= slope * delta * (1 + 1e-9) + 1e-9  # 12-digit rounding of limits


def test_flicker_limit_steps_at_90_hz_only() -> None:
    """The table is discontinuous at 90 Hz (0.9 % → 2.88 %) and continuous at 10 Hz."""
    lim = S.get_limit("gb40070.flicker-percent")
    eps = 1e-9
    below, at, above = lim.threshold(90.0 - eps), lim.threshold(90.0), lim.threshold(90.0 + eps)
    assert below == pytest.approx(0.9)
    assert at == pytest.approx(0.9)
    assert above == pytest.approx(2.88)
    assert lim.threshold(10.0 - eps) == pytest.approx(lim.threshold(10.0 + eps), abs=1e-8)
