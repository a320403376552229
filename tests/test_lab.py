"""The laboratory profile (luxcheck.lab): the fields ISO/IEC 17025 §7.8.2.1 asks a report to
carry about its laboratory, and the signatories of §7.8.1 (prepared, reviewed, approved)."""

from __future__ import annotations

from pathlib import Path

import pytest

from luxcheck.errors import InputError
from luxcheck.lab import LAB_ENV, load_lab_profile, resolve_lab_path
from luxcheck.resources import data_dir

DEMO_LAB = data_dir() / "demo-lab.toml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lab.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _demo_text() -> str:
    return DEMO_LAB.read_text(encoding="utf-8")


def test_demo_profile_reads() -> None:
    """The shipped fictitious laboratory has the three roles of §7.8.1 held by different
    people, and its report numbers follow its pattern."""
    lab = load_lab_profile(DEMO_LAB)
    assert lab.lab_id == "DEMOLAB"
    assert lab.report_number(2026, 42) == "DEMOLAB-2026-00042"
    assert lab.may("li.ming", "prepare") and not lab.may("li.ming", "approve")
    assert lab.may("chen.jun", "approve")
    assert lab.signing is None
    assert "（演示）" in lab.cma_number


def test_unknown_person_names_known_ones() -> None:
    """Asking for someone not in the profile names the people who are."""
    lab = load_lab_profile(DEMO_LAB)
    with pytest.raises(InputError, match=r"no person 'nobody'.*li\.ming"):
        lab.person("nobody")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("schema_version = 1", "schema_version = 7", "schema_version"),
        ('lab_id = "DEMOLAB"', 'lab_id = "bad id!"', "lab_id"),
        (
            'report_number_pattern = "{lab}-{year}-{seq:05d}"',
            'report_number_pattern = "{lab}-{year}"',
            "report_number_pattern",
        ),
        (
            'report_number_pattern = "{lab}-{year}-{seq:05d}"',
            'report_number_pattern = "{who}-{seq}"',
            "report_number_pattern",
        ),
        (
            'report_number_pattern = "{lab}-{year}-{seq:05d}"',
            'report_number_pattern = "{seq"',
            "report_number_pattern",
        ),
        ("objection_days = 15", "objection_days = 0", "objection_days"),
        ('cma_number = "000000000000（演示）"', 'cma_number = ""', "cma_number"),
        ('roles = ["prepare"]', 'roles = ["sign"]', "person[0].roles"),
        ('roles = ["review", "approve"]', 'roles = ["review"]', "person"),
        ('id = "zhao.hong"', 'id = "li.ming"', "person[1].id"),
    ],
)
def test_bad_field_is_named(tmp_path: Path, old: str, new: str, field: str) -> None:
    """Each malformed field is refused with the file and the field named (property of the
    checker: a profile no signatory could use never loads)."""
    text = _demo_text()
    assert old in text
    path = _write(tmp_path, text.replace(old, new))
    with pytest.raises(InputError) as info:
        load_lab_profile(path)
    assert info.value.source == str(path)
    assert info.value.column == field


def test_signing_files_resolve_relative_to_profile(tmp_path: Path) -> None:
    """[signing] paths are relative to the profile; a missing file is named; fingerprints are
    normalised to lower-case hex without colons."""
    (tmp_path / "k.pem").write_text("key")
    fingerprint = ":".join(["AB"] * 32)
    text = (
        _demo_text()
        + '\n[signing]\nkey = "k.pem"\ncertificate = "c.pem"\n'
        + f'trusted_fingerprints = ["{fingerprint}"]\n'
    )
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as info:
        load_lab_profile(path)
    assert info.value.column == "signing.certificate"
    (tmp_path / "c.pem").write_text("cert")
    lab = load_lab_profile(path)
    assert lab.signing is not None
    assert lab.signing.key == (tmp_path / "k.pem").resolve()
    assert lab.signing.trusted_fingerprints == ("ab" * 32,)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    """A file that is not TOML, or not there, is a located input error."""
    with pytest.raises(InputError, match="not valid TOML"):
        load_lab_profile(_write(tmp_path, "name = ["))
    with pytest.raises(InputError, match="cannot read"):
        load_lab_profile(tmp_path / "absent.toml")


def test_lab_path_option_wins_over_environment() -> None:
    """--lab wins; LUXCHECK_LAB is the fallback; neither means no profile (a draft report)."""
    assert resolve_lab_path("a.toml", {LAB_ENV: "b.toml"}) == Path("a.toml")
    assert resolve_lab_path(None, {LAB_ENV: "b.toml"}) == Path("b.toml")
    assert resolve_lab_path(None, {}) is None
