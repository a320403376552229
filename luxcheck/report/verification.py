"""Checking a signed report with nothing but the report (and whom to trust).

:func:`check_signature` reads an HTML or PDF report and says whether its laboratory signature
holds: for HTML, the visible content recomputed from the file against the signed statement
(:mod:`luxcheck.report.visible`); for PDF, the PAdES signature over the whole file (pyHanko).
It names the signer (the certificate's organisation and common name, its SHA-256 fingerprint)
and says whether the certificate is trusted: pinned by fingerprint (the laboratory profile's
``trusted_fingerprints``, or ``--trust`` with a fingerprint) or issued by (or equal to) a
certificate given with ``--trust``, and valid today.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from luxcheck.errors import EXIT_CHECK_FAILED, InputError, LuxcheckError
from luxcheck.report.signing import PDF_FIELD, fingerprint, quiet_pyhanko, spaced
from luxcheck.report.visible import (
    ReadPage,
    SignatureBlock,
    Statement,
    first_differences,
    read_signed_html,
    resource_digests,
)

#: The name of the signed statement attached to a PDF report.
PDF_ATTACHMENT = "luxcheck-signature.json"
_FINGERPRINT_RE = re.compile(r"^[0-9a-f]{64}$")


class SignatureError(LuxcheckError):
    """The report carries no usable signature: a failed check (exit 1), not bad input."""

    exit_code = EXIT_CHECK_FAILED


# --------------------------------------------------------------------------- trust
@dataclass(frozen=True)
class Trust:
    """Whom the reader trusts: certificates (DER) and pinned SHA-256 fingerprints."""

    certificates: tuple[bytes, ...] = ()
    fingerprints: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.certificates and not self.fingerprints


def normal_fingerprint(text: str) -> str | None:
    """``text`` as 64 lowercase hex digits, if it is a SHA-256 fingerprint (colons and spaces
    allowed)."""
    cleaned = re.sub(r"[\s:]", "", text).lower()
    return cleaned if _FINGERPRINT_RE.match(cleaned) else None


def load_trust(items: Iterable[str], pinned: Iterable[str] = ()) -> Trust:
    """Trust from ``--trust`` arguments (a certificate file, PEM or DER, or a fingerprint) and
    the fingerprints a laboratory profile pins."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    certificates: list[bytes] = []
    fingerprints = set(pinned)
    for item in items:
        pin = normal_fingerprint(item)
        if pin is not None and not Path(item).exists():
            fingerprints.add(pin)
            continue
        path = Path(item)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(
                f"cannot read the certificate ({exc.strerror}); expected a certificate file "
                "(PEM or DER) or a SHA-256 fingerprint",
                source=item,
            ) from exc
        try:
            if b"-----BEGIN" in data:
                loaded = x509.load_pem_x509_certificates(data)
            else:
                loaded = [x509.load_der_x509_certificate(data)]
        except ValueError as exc:
            raise InputError(f"not a certificate (PEM or DER): {exc}", source=item) from exc
        certificates += [c.public_bytes(Encoding.DER) for c in loaded]
    return Trust(tuple(certificates), frozenset(fingerprints))


def _validation_context(trust: Trust, embedded: Iterable[bytes]) -> Any:
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import ValidationContext

    roots = list(trust.certificates)
    roots += [der for der in embedded if fingerprint(der) in trust.fingerprints]
    return ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(der) for der in dict.fromkeys(roots)],
        allow_fetching=False,
    )


@dataclass(frozen=True)
class Signer:
    """Who signed, as the certificate says."""

    name: str
    fingerprint: str
    not_before: dt.datetime
    not_after: dt.datetime

    @staticmethod
    def from_der(der: bytes) -> Signer:
        from cryptography import x509
        from cryptography.x509.oid import NameOID

        certificate = x509.load_der_x509_certificate(der)
        subject = certificate.subject
        parts = [
            str(a.value)
            for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME)
            for a in subject.get_attributes_for_oid(oid)
        ]
        name = " / ".join(dict.fromkeys(parts)) or subject.rfc4514_string()
        return Signer(
            name,
            fingerprint(der),
            certificate.not_valid_before_utc,
            certificate.not_valid_after_utc,
        )


# --------------------------------------------------------------------------- result
@dataclass
class SignatureCheck:
    """The outcome of :func:`check_signature`: every finding, and whether all hold."""

    kind: str  # "HTML" or "PDF"
    signer: Signer | None = None
    signature_digest: str | None = None
    statement: Statement | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    trusted: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and self.trusted

    def summary(self) -> list[str]:
        out: list[str] = []
        if self.signer is not None:
            out.append(f"signed by: {self.signer.name}")
            out.append(f"certificate SHA-256: {spaced(self.signer.fingerprint)}")
            out.append(
                f"certificate valid: {self.signer.not_before:%Y-%m-%d} to "
                f"{self.signer.not_after:%Y-%m-%d}"
            )
        if self.statement is not None:
            out.append(f"report number: {self.statement.report_number}")
        if self.signature_digest:
            out.append(f"signature SHA-256 (as in the QR code): {self.signature_digest}")
        return out


def _trust_findings(
    check: SignatureCheck, status_trusted: bool | None, trust: Trust, now: dt.datetime
) -> None:
    """Whether the signer's certificate is trusted and valid today (``status_trusted`` None:
    the signature itself failed, so its chain was not judged)."""
    signer = check.signer
    assert signer is not None
    if not now >= signer.not_before or not now <= signer.not_after:
        when = "expired on" if now > signer.not_after else "is not valid before"
        edge = signer.not_after if now > signer.not_after else signer.not_before
        check.problems.append(f"the signing certificate {when} {edge:%Y-%m-%d}")
        return
    if status_trusted:
        check.trusted = True
        return
    if status_trusted is None:
        return
    if trust.empty:
        check.problems.append(
            "the certificate is not trusted: nothing to trust was given (pass --trust with the "
            "laboratory's certificate or SHA-256 fingerprint, or --lab with its profile)"
        )
    else:
        check.problems.append(
            "the certificate is not trusted: it is neither pinned by fingerprint nor issued by a "
            "certificate given with --trust"
        )


def _cms_status(data: bytes, cms: bytes, trust: Trust) -> tuple[Any, list[bytes]]:
    from asn1crypto import cms as asn1_cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    quiet_pyhanko()
    signed_data = asn1_cms.ContentInfo.load(cms)["content"]
    embedded = [bytes(c.chosen.dump()) for c in signed_data["certificates"]]
    context = _validation_context(trust, embedded)
    status = asyncio.run(
        async_validate_detached_cms(data, signed_data, signer_validation_context=context)
    )
    return status, embedded


# --------------------------------------------------------------------------- HTML
def _check_html(text: str, source: Path, trust: Trust, now: dt.datetime) -> SignatureCheck:
    check = SignatureCheck("HTML")
    try:
        page = read_signed_html(text, str(source))
    except InputError as exc:
        raise SignatureError(exc.message) from exc
    block = page.block
    check.statement = block.statement
    check.signature_digest = block.digest
    shown = _shown_statement(page, source.parent, check)
    try:
        status, _embedded = _cms_status(shown.encode(), block.cms, trust)
    except Exception as exc:  # a damaged signature of any kind
        raise SignatureError(f"the signature cannot be read ({type(exc).__name__})") from exc
    check.signer = Signer.from_der(bytes(status.signing_cert.dump()))
    trusted: bool | None = bool(status.trusted)
    if not status.intact or not status.valid:
        trusted = _explain_html(check, page, shown, trust)
    if not page.qr_ok:
        check.problems.append("the QR code does not match the signature (replaced or edited)")
    _trust_findings(check, trusted, trust, now)
    return check


def _shown_statement(page: ReadPage, base_dir: Path, check: SignatureCheck) -> Statement:
    """The statement as the file shows it now (resources that are not beside the report are
    taken as signed, and noted as not checked)."""
    signed = page.block.statement
    found = dict(resource_digests([r for r, _d in signed.resources], base_dir))
    resources = []
    absent = []
    for reference, digest in signed.resources:
        now = found.get(reference)
        if now is None:
            if digest is not None:
                absent.append(reference)
            now = digest
        resources.append((reference, now))
    if absent:
        check.notes.append(
            f"{len(absent)} files the page draws on are not beside the report and were not "
            f"checked: {', '.join(absent)}"
        )
    # references added to the page are part of the structure digest, which then differs
    return Statement(
        report_number=signed.report_number,
        verify_url=signed.verify_url,
        hints=signed.hints,
        structure=page.content.structure,
        resources=tuple(resources),
        lines=tuple(page.content.lines),
    )


def _explain_html(
    check: SignatureCheck, page: ReadPage, shown: Statement, trust: Trust
) -> bool | None:
    """Say what no longer matches: the signed statement is checked on its own, then compared
    with what the file shows. Returns whether the signer is trusted (None: the signature
    block itself was altered)."""
    signed = page.block.statement
    try:
        own, _ = _cms_status(signed.encode(), page.block.cms, trust)
        genuine = bool(own.intact and own.valid)
    except Exception:
        genuine = False
    if not genuine:
        check.problems.append(
            "the signature does not match its own signed statement: the signature block was altered"
        )
    signed_lines = [t for _k, t in signed.lines]
    shown_lines = [t for _k, t in shown.lines]
    if signed_lines != shown_lines:
        check.problems.append(
            "the text a reader sees differs from what the laboratory signed:\n"
            + "\n".join(first_differences(signed_lines, shown_lines))
        )
    elif signed.structure != shown.structure:
        check.problems.append(
            "the page's markup (styles, scripts, attributes or images) differs from what the "
            "laboratory signed, although its text reads the same"
        )
    changed = [
        r for (r, d), (_r, e) in zip(signed.resources, shown.resources, strict=True) if d != e
    ]
    if changed:
        check.problems.append(
            "files the page draws on changed since signing: " + ", ".join(changed)
        )
    if genuine and len(check.problems) == 0:
        check.problems.append("the signature does not match the report's content")
    return bool(own.trusted) if genuine else None


# --------------------------------------------------------------------------- PDF
def _check_pdf(data: bytes, source: Path, trust: Trust, now: dt.datetime) -> SignatureCheck:
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    quiet_pyhanko()
    check = SignatureCheck("PDF")
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise SignatureError(
            f"the PDF is damaged or altered: it cannot be read ({type(exc).__name__}: {exc})"
        ) from exc
    if not signatures:
        raise SignatureError("this PDF carries no laboratory signature")
    ours = [s for s in signatures if s.field_name == PDF_FIELD] or signatures
    signature = ours[-1]
    try:
        embedded = [bytes(signature.signer_cert.dump())]
        embedded += [bytes(c.dump()) for c in signature.other_embedded_certs]
        context = _validation_context(trust, embedded)
        status = validate_pdf_signature(signature, context)
    except Exception as exc:
        raise SignatureError(
            f"the PDF signature cannot be checked ({type(exc).__name__}: {exc})"
        ) from exc
    check.signer = Signer.from_der(bytes(status.signing_cert.dump()))
    if not status.intact:
        check.problems.append(
            "the PDF was changed after signing: the signed bytes no longer match the signature"
        )
    elif not status.valid:
        check.problems.append("the PDF signature is not valid (bad cryptographic signature)")
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        coverage = status.coverage.name if status.coverage is not None else "unclear"
        check.problems.append(
            "the signature does not cover the whole file: the PDF was re-written or had content "
            f"added after signing ({coverage.lower().replace('_', ' ')})"
        )
    if len(signatures) > 1:
        check.problems.append(f"the PDF carries {len(signatures)} signatures; expected one")
    _read_pdf_statement(reader, check, trust)
    _trust_findings(check, bool(status.trusted) if status.intact else None, trust, now)
    return check


def _read_pdf_statement(reader: Any, check: SignatureCheck, trust: Trust) -> None:
    """The signed statement of the HTML the PDF was rendered from (an attachment covered by
    the PDF signature)."""
    try:
        names = reader.root["/Names"]["/EmbeddedFiles"]["/Names"]
        pairs = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        raw = pairs[PDF_ATTACHMENT].get_object()["/EF"]["/F"].get_object().data
        block = SignatureBlock.from_json_text(raw.decode("utf-8"), PDF_ATTACHMENT)
    except (KeyError, TypeError, AttributeError, UnicodeDecodeError, InputError):
        check.notes.append(
            f"no signed statement attached ({PDF_ATTACHMENT}): the PDF states no report "
            "number, language or report date of its own"
        )
        return
    status, _ = _cms_status(block.statement.encode(), block.cms, trust)
    if not (status.intact and status.valid):
        check.problems.append("the statement attached to the PDF does not match its signature")
        return
    check.statement = block.statement
    check.signature_digest = block.digest


# --------------------------------------------------------------------------- entry
def check_signature(
    path: str | Path, trust: Trust, *, now: dt.datetime | None = None
) -> SignatureCheck:
    """Check the laboratory signature of an HTML or PDF report.

    Raises
    ------
    InputError
        The file cannot be read, or is neither a PDF nor an HTML document (exit 2).
    SignatureError
        The report carries no signature, or one too damaged to check (exit 1).
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the report: {exc.strerror}", source=str(path)) from exc
    when = now or dt.datetime.now(dt.UTC)
    if data.startswith(b"%PDF"):
        return _check_pdf(data, path, trust, when)
    # a damaged byte must not hide the rest of the page: undecodable bytes read as U+FFFD
    text = data.decode("utf-8", errors="replace")
    if "<html" not in text[:2000].lower():
        raise InputError("not a report: expected an HTML or PDF file", source=str(path))
    return _check_html(text, path, trust, when)


def describe(check: SignatureCheck, extra: Sequence[str] = ()) -> str:
    """The lines ``luxcheck verify`` prints about the signature."""
    head = "OK" if check.ok and not extra else "FAILED"
    lines = [f"{head}: {check.kind} report signature"]
    lines += [f"  {line}" for line in check.summary()]
    if check.trusted:
        lines.append("  certificate: trusted")
    lines += [f"  problem: {p}" for p in check.problems]
    lines += [f"  problem: {p}" for p in extra]
    lines += [f"  note: {n}" for n in check.notes]
    return "\n".join(lines)
