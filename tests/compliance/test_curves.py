"""Tests of luxcheck.compliance.curves: the limit curves the kernels take, read from packs."""

from __future__ import annotations

from pathlib import Path

import pytest

from luxcheck.compliance.curves import ieee1789_curves
from luxcheck.errors import InputError


def test_ieee1789_curves_bad_pack(tmp_path: Path) -> None:
    """Bad input: a malformed user pack is refused by the strict standards loader, naming
    the file and the key (the curves come from luxcheck.compliance.packs)."""
    (tmp_path / "ieee-1789-2015.toml").write_text(
        'schema_version = 1\n[[limit]]\nid = "ieee1789.low-risk"\nmetric = "flicker_percent"\n'
        'comparator = "<"\n[limit.function]\nof = "flicker_frequency_hz"\n'
        "points = [[0.0, 0.0], [1250.0, 100.0]]\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"ieee-1789-2015\.toml, column standard"):
        ieee1789_curves(tmp_path)
