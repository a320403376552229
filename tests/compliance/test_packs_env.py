"""User packs for every command through LUXCHECK_STANDARDS_DIR (README "Adding a provincial
pack"): a profile in that folder is found by the registry without --standards-dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from luxcheck.compliance import packs as standards
from luxcheck.errors import InputError
from luxcheck.resources import standards_dir


def test_environment_folder_adds_a_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (standards_dir() / "profiles" / "cn-classroom.toml").read_text(encoding="utf-8")
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "my-tender.toml").write_text(
        text.replace('id = "cn-classroom"', 'id = "my-tender"'), encoding="utf-8"
    )
    standards.clear_cache()
    with pytest.raises(InputError, match="my-tender"):
        standards.get_profile("my-tender")
    monkeypatch.setenv(standards.STANDARDS_DIR_ENV, str(tmp_path))
    standards.clear_cache()
    try:
        profile = standards.get_profile("my-tender")
        assert profile.id == "my-tender"
        assert standards.profile_limits("my-tender") == standards.profile_limits("cn-classroom")
    finally:
        monkeypatch.delenv(standards.STANDARDS_DIR_ENV)
        standards.clear_cache()
