"""``luxcheck standards list | show | validate`` (issue 3 CLI; exit codes as in README, Exit
codes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from luxcheck.cli import main
from luxcheck.compliance import packs as S
from luxcheck.resources import standards_dir
from tests.support.user_packs import write_profile

BROKEN = Path(__file__).parents[1] / "data" / "broken_packs"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    S.clear_cache()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_show_cn_classroom_prints_the_full_table_in_chinese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 3 done-when: `luxcheck standards show cn-classroom` prints every limit of the
    profile with its clause, in Chinese by default, with policy and decision rule."""
    code, out, _ = run(capsys, "standards", "show", "cn-classroom")
    assert code == 0
    for lim in S.profile_limits("cn-classroom"):
        line = next(ln for ln in out.splitlines() if ln.startswith(lim.id + " "))
        assert lim.clause_zh in line
        assert lim.standard_id in line
    assert "验收原则" in out
    assert "判定规则" in out
    assert "课桌面平均照度" in out
    assert "应" in out
    assert "宜" in out
    # GB 40070 波动深度 table printed as the standard's bands (GB 40070-2021)
    assert "f ≤ 10: 0.1 %; 10 < f ≤ 90: 0.01·f %; 90 < f ≤ 3125: 0.032·f %; f > 3125: 不限" in out


def test_show_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    """--lang en prints English metric names, clauses and obligation words."""
    code, out, _ = run(capsys, "standards", "show", "jiangsu-2021", "--lang", "en")
    assert code == 0
    assert "Desk mean illuminance" in out
    assert "maintenance factor MF = 0.8" in out
    assert "technical indicators, desk illuminance uniformity" in out
    assert "Acceptance policy: initial-over-mf" in out
    assert "Shall" in out
    assert "课桌面" not in out.split("\n", 1)[1].replace("课桌面平均照度", "")


def test_show_pack_and_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """`show` also takes a pack (slug or printed id) or a limit id."""
    code, out, _ = run(capsys, "standards", "show", "GB/T 36876-2018")
    assert code == 0
    assert "gb36876.board-luminaire-efficiency" in out
    code, out, _ = run(capsys, "standards", "show", "ieee1789.low-risk", "--lang", "en")
    assert code == 0
    assert "f < 90: 0.025·f %; 90 ≤ f ≤ 1250: 0.08·f %; f > 1250: no limit" in out


def test_show_unknown_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown id is bad input (exit 2) and the message lists the profiles."""
    code, _, err = run(capsys, "standards", "show", "cn-classroom-2099")
    assert code == 2
    assert "cn-classroom-2013" in err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    """`list` shows every pack and profile."""
    code, out, _ = run(capsys, "standards", "list", "--lang", "en")
    assert code == 0
    for name in ("gb-40070-2021", "ieee-1789-2015", "cn-classroom", "en-12464-1-2021"):
        assert name in out


@pytest.mark.parametrize("path", sorted(standards_dir().glob("*.toml")), ids=lambda p: p.name)
def test_validate_shipped_pack(capsys: pytest.CaptureFixture[str], path: Path) -> None:
    """Every shipped pack validates (exit 0)."""
    code, out, _ = run(capsys, "standards", "validate", str(path))
    assert code == 0
    assert out.startswith("ok:")


def test_validate_shipped_profile(capsys: pytest.CaptureFixture[str]) -> None:
    """A shipped profile validates with its packs resolved."""
    path = standards_dir() / "profiles" / "cn-classroom.toml"
    code, out, _ = run(capsys, "standards", "validate", str(path))
    assert code == 0
    assert "profile cn-classroom with 6 packs" in out


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("wrong-unit.toml", "limit[0] (broken.wrong-unit.a).unit"),
        ("duplicate-id.toml", "limit[1] (broken.duplicate-id.a).id"),
        ("profiles/unknown-pack.toml", "include[0].pack"),
        ("duplicate-across-packs.toml", "limit[0] (GB7793.desk-uniformity).id"),
    ],
)
def test_validate_broken_file_is_exit_2(
    capsys: pytest.CaptureFixture[str], name: str, key: str
) -> None:
    """`validate` on a broken file exits 2 and names the file and key (issue 3)."""
    path = BROKEN / name
    code, out, err = run(capsys, "standards", "validate", str(path))
    assert code == 2
    assert out == ""
    assert str(path) in err
    assert key in err


def test_standards_dir_option_before_or_after_the_action(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--standards-dir works on the group and on each action: a user pack appears, and a
    profile in DIR/profiles validates against a pack in DIR."""
    shutil.copy(standards_dir() / "jiangsu-2021.toml", tmp_path / "jiangsu-2021.toml")
    text = (tmp_path / "jiangsu-2021.toml").read_text(encoding="utf-8")
    text = text.replace('slug = "jiangsu-2021"', 'slug = "suzhou-2022"').replace(
        'id = "Jiangsu 2021"', 'id = "Suzhou 2022"'
    )
    text = text.replace('id = "jiangsu2021.', 'id = "suzhou2022.')
    (tmp_path / "jiangsu-2021.toml").unlink()
    (tmp_path / "suzhou-2022.toml").write_text(text, encoding="utf-8")
    write_profile(
        tmp_path,
        "suzhou",
        [("suzhou-2022", [])],
        policy="initial-over-mf",
        mf_from="suzhou-2022",
    )
    code, out, _ = run(capsys, "standards", "--standards-dir", str(tmp_path), "list")
    assert code == 0
    assert "suzhou-2022" in out
    code, out, _ = run(capsys, "standards", "show", "suzhou", "--standards-dir", str(tmp_path))
    assert code == 0
    assert "suzhou2022.desk-illuminance" in out
    profile = str(tmp_path / "profiles" / "suzhou.toml")
    code, out, _ = run(capsys, "standards", "validate", profile, "--standards-dir", str(tmp_path))
    assert code == 0, out
    # without the folder its pack is unknown: exit 2 naming the profile and the key
    code, _, err = run(capsys, "standards", "validate", profile)
    assert code == 2
    assert f"{profile}, column include[0].pack: unknown standards pack 'suzhou-2022'" in err
