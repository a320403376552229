"""Provenance of a classroom report: the SHA-256 over its raw readings and packs, the
provenance string a report carries, and ``luxcheck verify`` (recompute and compare)."""

from __future__ import annotations

import hashlib
import html
import html.parser
import re
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.report.model import ClassroomReportData, PackRef

DIGEST_VERSION = "luxcheck-digest-v1"
PROVENANCE_PREFIX = "luxcheck-provenance:v1"


def digest(raw_rows: Iterable[Sequence[Any]], packs: Iterable[PackRef]) -> str:
    """SHA-256 over a classroom's raw reading rows and the pack ids and versions.

    Parameters
    ----------
    raw_rows
        :meth:`luxcheck.journal.store.CampaignStore.raw_reading_rows`: every stored row, superseded
        ones included, in journal order.
    packs
        The packs the verdicts came from; their order does not matter.

    Returns
    -------
    str
        64 hex digits. Every value is length-prefixed and typed (None, int, float as its exact
        hex form, text as UTF-8, bytes as is), so no two different inputs share an encoding.
    """
    h = hashlib.sha256(DIGEST_VERSION.encode())
    for pack in sorted(packs, key=lambda p: (p.pack_id, p.version)):
        _feed(h, b"P", pack.pack_id.encode())
        _feed(h, b"V", pack.version.encode())
    # The same bytes as one update per value, gathered into one update: R, the value count,
    # then each value tagged and length-prefixed (the exact types first: a reading row holds
    # None, float, str, int and bytes; subclasses take the general path).
    lengths, pack_length, count = _LENGTHS, _LENGTH.pack, _COUNT.pack
    parts: list[bytes] = []
    append = parts.append
    for row in raw_rows:
        append(b"R")
        append(count(len(row)))
        for value in row:
            if value is None:
                append(b"N")
                continue
            kind = type(value)
            if kind is float:
                tag, data = b"F", value.hex().encode()
            elif kind is str:
                tag, data = b"S", value.encode()
            elif kind is int or kind is bool:
                tag, data = b"I", str(int(value)).encode()
            elif kind is bytes:
                tag, data = b"B", value
            else:
                tag, data = _tagged(value)
            size = len(data)
            append(tag)
            append(lengths[size] if size < _SHORT else pack_length(size))
            append(data)
    h.update(b"".join(parts))
    return h.hexdigest()


_LENGTH = struct.Struct(">Q")
_COUNT = struct.Struct(">I")
#: The length prefixes of short values, packed once.
_SHORT = 4096
_LENGTHS = [_LENGTH.pack(size) for size in range(_SHORT)]


def _tagged(value: object) -> tuple[bytes, bytes]:
    """The tag and bytes of a value of a subclass of the row types (a numpy float, ...)."""
    if isinstance(value, bool | int):
        return b"I", str(int(value)).encode()
    if isinstance(value, float):
        return b"F", value.hex().encode()
    if isinstance(value, str):
        return b"S", value.encode()
    if isinstance(value, bytes | bytearray | memoryview):
        return b"B", bytes(value)
    raise TypeError(f"cannot digest a {type(value).__name__} in a reading row")


def _feed(h: Any, tag: bytes, data: bytes) -> None:
    h.update(tag + _LENGTH.pack(len(data)) + data)


def store_digest(store: CampaignStore, classroom_id: str, packs: Iterable[PackRef]) -> str:
    """:func:`digest` of one classroom of ``store``."""
    return digest(store.raw_reading_rows(classroom_id), packs)


def provenance_string(report: ClassroomReportData) -> str:
    # "|" between packs: PDF writers split keywords at commas.
    packs = "|".join(f"{p.pack_id}@{p.version}" for p in report.packs)
    return (
        f"{PROVENANCE_PREFIX};campaign={report.campaign.campaign_id};"
        f"classroom={report.classroom.classroom_id};digest={report.digest};packs={packs}"
    )


@dataclass(frozen=True)
class Provenance:
    """What a classroom report states about where it came from."""

    campaign_id: str
    classroom_id: str
    digest: str
    packs: tuple[PackRef, ...]


def parse_provenance(text: str, source: str) -> Provenance:
    """Parse the ``luxcheck-provenance:v1;...`` string a classroom report carries."""
    if not text.startswith(PROVENANCE_PREFIX + ";"):
        raise InputError("no luxcheck provenance in this file", source=source)
    fields: dict[str, str] = {}
    for part in text[len(PROVENANCE_PREFIX) + 1 :].split(";"):
        key, _sep, value = part.partition("=")
        fields[key] = value
    missing = [k for k in ("campaign", "classroom", "digest", "packs") if k not in fields]
    if missing:
        raise InputError(
            f"the provenance lacks {', '.join(missing)}: not a classroom report", source=source
        )
    packs = []
    for item in filter(None, fields["packs"].split("|")):
        pack_id, _sep, version = item.rpartition("@")
        packs.append(PackRef(pack_id, version))
    return Provenance(fields["campaign"], fields["classroom"], fields["digest"], tuple(packs))


class _MetaParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.keywords: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            attributes = dict(attrs)
            if attributes.get("name") == "keywords" and self.keywords is None:
                self.keywords = attributes.get("content") or ""


def read_provenance(path: str | Path) -> Provenance:
    """Read the provenance of an HTML or PDF classroom report."""
    return parse_provenance(_stated(Path(path)), str(path))


def stated_campaign(path: str | Path) -> tuple[str, str] | None:
    """``(campaign id, kind)`` of a page whose provenance names no classroom: a school summary
    (kind ``"school summary"``) or the campaign dashboard; None for a classroom report.

    Raises
    ------
    InputError
        The file carries no luxcheck provenance.
    """
    text = _stated(Path(path))
    fields = dict(p.partition("=")[::2] for p in text.split(";")[1:])
    if "classroom" in fields or "campaign" not in fields:
        return None
    return fields["campaign"], "school summary" if "school" in fields else "campaign dashboard"


def _stated(path: Path) -> str:
    """The provenance string an HTML or PDF page carries."""
    if not path.is_file():
        raise InputError("no such report file", source=str(path))
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        text = _pdf_keywords(data)
        if text is None:
            raise InputError("no luxcheck provenance in this PDF", source=str(path))
    else:
        parser = _MetaParser()
        parser.feed(data.decode("utf-8", errors="replace"))
        if parser.keywords is None:
            raise InputError("no luxcheck provenance in this HTML file", source=str(path))
        text = html.unescape(parser.keywords)
    return text


#: Characters of a provenance string: ids, digests, pack refs (``profile:cn-classroom@…``).
_PROVENANCE_RE = re.compile(rb"luxcheck-provenance:v1;[A-Za-z0-9_.;:=|@+\-]+")


def _pdf_keywords(data: bytes) -> str | None:
    """Find the provenance in a PDF's metadata (plain or inside Flate-compressed streams)."""
    match = _PROVENANCE_RE.search(data)
    if match:
        return match.group().decode()
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            plain = zlib.decompressobj().decompress(stream.group(1))
        except zlib.error:
            continue
        match = _PROVENANCE_RE.search(plain)
        if match:
            return match.group().decode()
    return None


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify_report`."""

    ok: bool
    message: str
    stated: str
    recomputed: str


def verify_report(report_path: str | Path, store: CampaignStore) -> VerifyResult:
    """Recompute a report's SHA-256 from the store and compare it with what the report states."""
    stated = read_provenance(report_path)
    campaign_id = store.campaign.campaign_id
    if stated.campaign_id != campaign_id:
        return VerifyResult(
            False,
            f"the report is for campaign {stated.campaign_id!r}, the campaign file holds "
            f"{campaign_id!r}",
            stated.digest,
            "",
        )
    store.classroom(stated.classroom_id)  # InputError if the classroom is not there
    recomputed = store_digest(store, stated.classroom_id, stated.packs)
    packs = ", ".join(f"{p.pack_id} {p.version}" for p in stated.packs) or "none"
    if recomputed == stated.digest:
        return VerifyResult(
            True,
            f"OK: SHA-256 {recomputed} matches the raw readings of classroom "
            f"{stated.classroom_id} and the packs ({packs})",
            stated.digest,
            recomputed,
        )
    return VerifyResult(
        False,
        f"MISMATCH for classroom {stated.classroom_id}: the report states {stated.digest}, the "
        f"campaign file gives {recomputed}. The readings changed after the report was made, or "
        "the report was altered.",
        stated.digest,
        recomputed,
    )
