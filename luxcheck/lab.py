"""The laboratory profile: who issues the reports (ISO/IEC 17025 §7.8, CMA practice).

A laboratory profile is a TOML file, chosen with ``--lab FILE`` or the ``LUXCHECK_LAB``
environment variable. It names the laboratory (name, address, accreditation numbers, contact,
logo and seal images), the pattern of its report numbers, the people who may prepare, review
and approve reports, and the key and certificate with which its reports are signed. Without a
profile, reports are drafts (草稿, 不作为检验检测报告), never issued ones.

Example::

    schema_version = 1
    lab_id = "DEMO"
    name = "示例检测技术有限公司"
    name_en = "Example Testing Co., Ltd."
    address = "..."
    phone = "..."
    email = "..."
    cma_number = "..."            # 检验检测机构资质认定证书编号
    cnas_number = "CNAS L0000"      # optional
    report_number_pattern = "{lab}-{year}-{seq:05d}"
    objection_days = 15           # days after receipt to raise an objection
    logo = "logo.png"             # optional, relative to this file
    seal = "seal.png"             # optional
    verify_url = "https://..."    # optional: where a reader checks a report

    [[person]]
    id = "wang"
    name = "王工"
    roles = ["prepare"]           # any of prepare, review, approve

    [signing]                     # optional: how reports are signed
    key = "lab-key.pem"           # PEM private key, or:
    certificate = "lab-cert.pem"
    pkcs12 = "lab.p12"            # instead of key + certificate
    pkcs12_password_env = "LUXCHECK_LAB_P12_PASSWORD"
    signer = "mylab_token:signer" # instead: a function returning the signer (a key on a
                                  # hardware token through pyHanko's PKCS#11 signer)
    timestamp_url = "http://..."  # optional RFC 3161 server (PAdES B-T)
    trusted_fingerprints = ["sha256 hex of a certificate", ...]

Paths are relative to the profile file. This module reads and checks the file; it imports
nothing of luxcheck but its errors, so every stage above may use it.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from luxcheck.errors import InputError

__all__ = [
    "LAB_ENV",
    "ROLES",
    "SCHEMA_VERSION",
    "LabProfile",
    "Person",
    "Signing",
    "load_lab_profile",
    "resolve_lab_path",
]

#: The environment variable naming the laboratory profile when ``--lab`` is not given.
LAB_ENV = "LUXCHECK_LAB"
#: The version of the profile format this code reads.
SCHEMA_VERSION = 1
#: The roles of a report's signatories, in signing order (编制 / 审核 / 批准).
ROLES = ("prepare", "review", "approve")

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_FINGERPRINT_RE = re.compile(r"^[0-9a-f]{64}$")
_PATTERN_FIELDS = {"lab", "year", "seq"}


@dataclass(frozen=True)
class Person:
    """Someone of the laboratory who may sign reports in the given roles."""

    person_id: str
    name: str
    roles: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Signing:
    """Where the laboratory's signing key and certificate are (paths resolved)."""

    key: Path | None
    certificate: Path | None
    pkcs12: Path | None
    pkcs12_password_env: str | None
    timestamp_url: str | None
    trusted_fingerprints: tuple[str, ...]
    #: ``module:function`` returning the signer (e.g. pyHanko's PKCS#11 signer for a token)
    signer: str | None = None


@dataclass(frozen=True)
class LabProfile:
    """A laboratory, as read from its profile file."""

    lab_id: str
    name: str
    name_en: str
    address: str
    phone: str
    email: str
    cma_number: str
    cnas_number: str
    report_number_pattern: str
    objection_days: int
    people: tuple[Person, ...]
    logo: Path | None
    seal: Path | None
    verify_url: str | None
    signing: Signing | None
    path: Path

    def person(self, person_id: str) -> Person:
        """The person with this id; an :class:`InputError` listing the known ids otherwise."""
        for person in self.people:
            if person.person_id == person_id:
                return person
        known = ", ".join(p.person_id for p in self.people)
        raise InputError(
            f"no person {person_id!r} in the laboratory profile (known: {known})",
            source=str(self.path),
        )

    def may(self, person_id: str, role: str) -> bool:
        """Whether the person may sign in this role."""
        return role in self.person(person_id).roles

    def report_number(self, year: int, seq: int) -> str:
        """The report number for the ``seq``-th report of ``year``."""
        return self.report_number_pattern.format(lab=self.lab_id, year=year, seq=seq)


def resolve_lab_path(option: str | None, environ: Mapping[str, str] | None = None) -> Path | None:
    """The profile path from ``--lab`` or else ``LUXCHECK_LAB``; ``None`` when neither is set."""
    env = os.environ if environ is None else environ
    chosen = option if option else env.get(LAB_ENV) or None
    return Path(chosen) if chosen else None


class _Fields:
    """Typed access to one TOML table, with errors naming the file and the field."""

    def __init__(self, data: Mapping[str, Any], path: Path, prefix: str = "") -> None:
        self.data = data
        self.path = path
        self.prefix = prefix

    def error(self, key: str, message: str) -> InputError:
        return InputError(message, source=str(self.path), column=f"{self.prefix}{key}")

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.error(key, "missing: expected a text")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(key, f"{value!r}: expected a non-empty text")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key, required=False) or None

    def file(self, key: str) -> Path | None:
        name = self.optional_text(key)
        if name is None:
            return None
        resolved = (self.path.parent / name).resolve()
        if not resolved.is_file():
            raise self.error(key, f"{name!r}: no such file (relative to the profile)")
        return resolved

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, f"{value!r}: expected a list of texts")
        return tuple(value)


def _pattern(fields: _Fields) -> str:
    pattern = fields.text("report_number_pattern")
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
        pattern.format(lab="X", year=2000, seq=1)
    except (ValueError, KeyError, IndexError) as exc:
        raise fields.error("report_number_pattern", f"{pattern!r}: not a pattern ({exc})") from exc
    if not names <= _PATTERN_FIELDS or "seq" not in names:
        raise fields.error(
            "report_number_pattern",
            f"{pattern!r}: expected fields among {{lab}}, {{year}}, {{seq}}, with {{seq}} present",
        )
    return pattern


def _people(data: Any, path: Path) -> tuple[Person, ...]:
    if not isinstance(data, list) or not data:
        raise InputError(
            "missing: expected [[person]] tables (who prepares, reviews and approves)",
            source=str(path),
            column="person",
        )
    people: list[Person] = []
    for index, item in enumerate(data):
        fields = _Fields(item, path, f"person[{index}].")
        person_id = fields.text("id")
        if not _ID_RE.match(person_id):
            raise fields.error("id", f"{person_id!r}: expected letters, digits, '_', '.', '-'")
        if any(p.person_id == person_id for p in people):
            raise fields.error("id", f"{person_id!r}: listed twice")
        roles = fields.texts("roles")
        unknown = [r for r in roles if r not in ROLES]
        if not roles or unknown:
            raise fields.error("roles", f"{list(roles)!r}: expected some of {', '.join(ROLES)}")
        people.append(
            Person(person_id, fields.text("name"), roles, fields.text("title", required=False))
        )
    for role in ROLES:
        if not any(role in p.roles for p in people):
            raise InputError(
                f"no person may {role} reports: give someone the role {role!r}",
                source=str(path),
                column="person",
            )
    return tuple(people)


def _signing(data: Any, path: Path) -> Signing | None:
    if data is None:
        return None
    if not isinstance(data, dict):
        raise InputError("expected a [signing] table", source=str(path), column="signing")
    fields = _Fields(data, path, "signing.")
    key, certificate, pkcs12 = fields.file("key"), fields.file("certificate"), fields.file("pkcs12")
    signer = _signer(fields)
    if signer is None and pkcs12 is None and (key is None or certificate is None):
        raise fields.error("key", "expected key and certificate (PEM files), pkcs12, or signer")
    fingerprints = tuple(f.lower().replace(":", "") for f in fields.texts("trusted_fingerprints"))
    for fingerprint in fingerprints:
        if not _FINGERPRINT_RE.match(fingerprint):
            raise fields.error(
                "trusted_fingerprints", f"{fingerprint!r}: expected a SHA-256 fingerprint (hex)"
            )
    return Signing(
        key=key,
        certificate=certificate,
        pkcs12=pkcs12,
        pkcs12_password_env=fields.optional_text("pkcs12_password_env"),
        timestamp_url=fields.optional_text("timestamp_url"),
        trusted_fingerprints=fingerprints,
        signer=signer,
    )


def _signer(fields: _Fields) -> str | None:
    """``signing.signer``: ``module:function`` of an importable module (found, not imported:
    opening a hardware token is left to the signing)."""
    import importlib.util

    value = fields.optional_text("signer")
    if value is None:
        return None
    module, _sep, function = value.partition(":")
    if (
        not _sep
        or not function.isidentifier()
        or not all(part.isidentifier() for part in module.split("."))
    ):
        raise fields.error("signer", f"{value!r}: expected module:function")
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise fields.error(
            "signer",
            f"{value!r}: no module {module!r} can be imported (install it, or put its folder "
            "on PYTHONPATH)",
        )
    return value


def load_lab_profile(path: str | Path) -> LabProfile:
    """Read and check a laboratory profile; an :class:`InputError` naming the field otherwise."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the laboratory profile: {exc.strerror}", source=str(path)
        ) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", source=str(path)) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(path)) from exc
    fields = _Fields(data, path)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise fields.error(
            "schema_version", f"{data.get('schema_version')!r}: expected {SCHEMA_VERSION}"
        )
    lab_id = fields.text("lab_id")
    if not _ID_RE.match(lab_id):
        raise fields.error("lab_id", f"{lab_id!r}: expected letters, digits, '_', '.', '-'")
    days = data.get("objection_days", 15)
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 365:
        raise fields.error("objection_days", f"{days!r}: expected whole days from 1 to 365")
    return LabProfile(
        lab_id=lab_id,
        name=fields.text("name"),
        name_en=fields.text("name_en", required=False),
        address=fields.text("address"),
        phone=fields.text("phone", required=False),
        email=fields.text("email", required=False),
        cma_number=fields.text("cma_number"),
        cnas_number=fields.text("cnas_number", required=False),
        report_number_pattern=_pattern(fields),
        objection_days=days,
        people=_people(data.get("person"), path),
        logo=fields.file("logo"),
        seal=fields.file("seal"),
        verify_url=fields.optional_text("verify_url"),
        signing=_signing(data.get("signing"), path),
        path=path,
    )
