"""Helpers for the standards tests: write a user profile into a --standards-dir folder."""

from __future__ import annotations

from pathlib import Path


def write_profile(
    folder: Path,
    profile_id: str,
    includes: list[tuple[str, list[str]]],
    *,
    policy: str = "direct",
    rule: str = "simple",
    mf_from: str | None = None,
) -> Path:
    """Write ``folder/profiles/<profile_id>.toml``: ``includes`` are (pack, limit ids) pairs,
    an empty list meaning every limit of the pack."""
    lines = [
        "schema_version = 1",
        "[profile]",
        f'id = "{profile_id}"',
        f'title = "{profile_id} (test)"',
        'title_zh = "测试"',
        "[acceptance]",
        f'policy = "{policy}"',
    ]
    if mf_from is not None:
        lines.append(f'maintenance_factor_from = "{mf_from}"')
    lines += ["[decision]", f'rule = "{rule}"']
    for pack, limits in includes:
        lines += ["[[include]]", f'pack = "{pack}"']
        if limits:
            lines.append("limits = [" + ", ".join(f'"{i}"' for i in limits) + "]")
    (folder / "profiles").mkdir(parents=True, exist_ok=True)
    path = folder / "profiles" / f"{profile_id}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
