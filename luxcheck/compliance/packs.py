"""Standards packs and profiles: the cached registry and profile resolution.

:func:`load_registry` reads the bundled packs (``standards/*.toml``) and profiles
(``standards/profiles/*.toml``) plus a user folder, each file through the strict loader of
:mod:`luxcheck.compliance.schema`, checks what spans files (duplicate ids, the packs and limits
a profile names) and caches the result; :func:`get_limit`, :func:`get_profile` and
:func:`profile_limits` answer from it. The schema is documented in ``standards/README.md``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from luxcheck.compliance.schema import (
    AcceptancePolicy,
    Limit,
    Profile,
    Standard,
    load_file,
    normalise_id,
)
from luxcheck.errors import InputError
from luxcheck.resources import standards_dir as bundled_standards_dir


# --------------------------------------------------------------------------- registry
@dataclass(frozen=True, eq=False)
class Registry:
    """Every loaded pack, limit and profile, with case/punctuation-insensitive lookup."""

    directories: tuple[Path, ...]
    standards: Mapping[str, Standard]
    limits: Mapping[str, Limit]
    profiles: Mapping[str, Profile]
    index: Mapping[str, str]  # "kind:normalised name" -> canonical key

    def standard(self, name: str) -> Standard:
        """Get a pack by slug or printed id (``gb-t-50034-2024`` or ``GB/T 50034-2024``)."""
        return self.standards[self._key("pack", name, self.standards)]

    def limit(self, name: str) -> Limit:
        """Get a limit by id."""
        return self.limits[self._key("limit", name, self.limits)]

    def profile(self, name: str) -> Profile:
        """Get a profile by id."""
        return self.profiles[self._key("profile", name, self.profiles)]

    def _key(self, kind: str, name: str, table: Mapping[str, Any]) -> str:
        try:
            return self.index[f"{kind}:{normalise_id(name)}"]
        except KeyError:
            what = "standards pack" if kind == "pack" else kind
            raise InputError(
                f"unknown {what} {name!r}: available are {', '.join(sorted(table))}",
                column=what,
            ) from None

    def profile_limits(self, profile: Profile) -> tuple[Limit, ...]:
        """The limits a profile judges, in include order then pack order."""
        return _profile_limits(self, profile.id)

    def acceptance(self, profile: Profile) -> AcceptancePolicy:
        """The profile's acceptance policy with the MF filled in from its pack."""
        return _policy(self, profile.id)


@functools.lru_cache(maxsize=64)
def _profile_limits(registry: Registry, profile_id: str) -> tuple[Limit, ...]:
    profile = registry.profiles[profile_id]
    out: list[Limit] = []
    for inc in profile.includes:
        std = registry.standard(inc.pack)
        ids = inc.limits or tuple(i for i in std.limit_ids if i not in inc.exclude)
        out.extend(registry.limits[limit_id] for limit_id in ids)
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _policy(registry: Registry, profile_id: str) -> AcceptancePolicy:
    profile = registry.profiles[profile_id]
    acc = profile.acceptance
    if acc.maintenance_factor_from is None:
        return acc
    std = registry.standard(acc.maintenance_factor_from)
    mf = std.maintenance_factor
    assert mf is not None  # checked when the registry was built
    return AcceptancePolicy(acc.policy, mf.value, std.id, mf.clause)


def _iter_files(directory: Path) -> Iterator[Path]:
    yield from sorted(directory.glob("*.toml"))
    yield from sorted((directory / "profiles").glob("*.toml"))


def _build(directories: tuple[Path, ...]) -> Registry:
    standards: dict[str, Standard] = {}
    limits: dict[str, Limit] = {}
    profiles: dict[str, Profile] = {}
    owners: dict[str, Path] = {}
    index: dict[str, str] = {}

    def claim(kind: str, name: str, canonical: str, path: Path) -> None:
        key = f"{kind}:{normalise_id(name)}"
        if key in owners:
            raise InputError(
                f"duplicate {kind} id {name!r}: already defined in {owners[key]}",
                source=str(path),
                column="id",
            )
        owners[key] = path
        index[key] = canonical

    for directory in directories:
        if not directory.is_dir():
            raise InputError("not a folder of standards packs", source=str(directory))
        for path in _iter_files(directory):
            loaded = load_file(path)
            if loaded.standard is not None:
                std = loaded.standard
                claim("pack", std.slug, std.slug, path)
                if normalise_id(std.id) != normalise_id(std.slug):
                    claim("pack", std.id, std.slug, path)
                standards[std.slug] = std
                for limit in loaded.limits:
                    claim("limit", limit.id, limit.id, path)
                    limits[limit.id] = limit
            elif loaded.profile is not None:
                claim("profile", loaded.profile.id, loaded.profile.id, path)
                profiles[loaded.profile.id] = loaded.profile
    registry = Registry(directories, standards, limits, profiles, index)
    for profile in profiles.values():
        check_profile_references(registry, profile)
    return registry


def check_profile_references(registry: Registry, profile: Profile) -> None:
    """Check that the packs, limits and MF source a profile names exist in ``registry``."""
    src = str(profile.path)
    packs_seen: set[str] = set()
    for index, inc in enumerate(profile.includes):
        try:
            std = registry.standard(inc.pack)
        except InputError as exc:
            raise InputError(exc.message, source=src, column=f"include[{index}].pack") from exc
        if std.slug in packs_seen:
            raise InputError(
                f"pack {std.slug!r} is included twice", source=src, column=f"include[{index}].pack"
            )
        packs_seen.add(std.slug)
        for key, ids in (("limits", inc.limits), ("exclude", inc.exclude)):
            for limit_id in ids:
                if limit_id not in std.limit_ids:
                    raise InputError(
                        f"limit {limit_id!r} is not in pack {std.slug!r}: its limits are "
                        f"{', '.join(std.limit_ids)}",
                        source=src,
                        column=f"include[{index}].{key}",
                    )
    acc = profile.acceptance
    if acc.maintenance_factor_from is not None:
        try:
            std = registry.standard(acc.maintenance_factor_from)
        except InputError as exc:
            raise InputError(
                exc.message, source=src, column="acceptance.maintenance_factor_from"
            ) from exc
        if std.maintenance_factor is None:
            raise InputError(
                f"pack {std.slug!r} has no [maintenance_factor] table",
                source=src,
                column="acceptance.maintenance_factor_from",
            )


@functools.cache
def _bundled_dir() -> Path:
    return bundled_standards_dir().resolve()


@functools.lru_cache(maxsize=16)
def _load(directories: tuple[Path, ...]) -> Registry:
    return _build(directories)


#: Environment variable naming a folder of user packs and profiles for every command.
STANDARDS_DIR_ENV = "LUXCHECK_STANDARDS_DIR"


def load_registry(standards_dir: Path | None = None) -> Registry:
    """Load (once, then from the cache) the bundled packs plus those in ``standards_dir``.

    ``standards_dir`` holds user packs (``*.toml``) and profiles (``profiles/*.toml``); they
    are added to the bundled ones (an id that is already taken is an error). Without
    ``standards_dir``, the folder named by the environment variable ``LUXCHECK_STANDARDS_DIR``
    is used if it is set (so every command — analyse, report, demo — sees a provincial pack).
    Call :func:`clear_cache` after editing files.
    """
    dirs = [_bundled_dir()]
    if standards_dir is None and os.environ.get(STANDARDS_DIR_ENV):
        standards_dir = Path(os.environ[STANDARDS_DIR_ENV])
    if standards_dir is not None:
        extra = Path(standards_dir).resolve()
        if extra not in dirs:
            dirs.append(extra)
    return _load(tuple(dirs))


def clear_cache() -> None:
    """Forget every loaded pack (tests, or after editing a pack)."""
    _load.cache_clear()
    _profile_limits.cache_clear()
    _policy.cache_clear()


def get_limit(limit_id: str, standards_dir: Path | None = None) -> Limit:
    """Get one limit by id, e.g. ``"gb40070.flicker-percent"`` or ``"ieee1789.low-risk"``.

    The limit carries its :class:`~luxcheck.kernels.piecewise.PiecewiseLinear` in ``function``
    where it
    has one (evaluate it with ``limit.function(frequency_hz)`` or ``limit.threshold(f)``).
    """
    return load_registry(standards_dir).limit(limit_id)


def get_standard(name: str, standards_dir: Path | None = None) -> Standard:
    """Get a pack's ``[standard]`` record by slug or printed id."""
    return load_registry(standards_dir).standard(name)


def get_profile(name: str, standards_dir: Path | None = None) -> Profile:
    """Get a profile; its ``acceptance`` has the maintenance factor filled in from its pack.

    ``profile.acceptance.describe(lang)`` and ``profile.decision.describe(lang)`` give the
    sentences reports print (``lang`` ``"zh"`` or ``"en"``).
    """
    registry = load_registry(standards_dir)
    profile = registry.profile(name)
    policy = registry.acceptance(profile)
    if policy is profile.acceptance:
        return profile
    return Profile(
        profile.id,
        profile.title,
        profile.title_zh,
        profile.includes,
        policy,
        profile.decision,
        profile.path,
    )


def profile_limits(name: str, standards_dir: Path | None = None) -> tuple[Limit, ...]:
    """The limits a profile judges (every room type), in include order then pack order."""
    registry = load_registry(standards_dir)
    return registry.profile_limits(registry.profile(name))
