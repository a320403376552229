"""The laboratory's signature on its reports, with pyHanko and ``cryptography``.

- :func:`load_signer` reads the key and certificate named in the laboratory profile's
  ``[signing]`` table: PEM files (``key`` + ``certificate``) or a PKCS#12 bundle (``pkcs12``,
  its password in the environment variable ``pkcs12_password_env``). A key on a hardware token
  is used through pyHanko's PKCS#11 signer (``pyhanko.sign.pkcs11.PKCS11Signer``); the
  :class:`LabSigner` record takes any pyHanko ``Signer``, so a laboratory that signs with a
  token writes a function that builds one and names it in the profile (``signer =
  "module:function"``; see the README, "Signing reports").
- :meth:`LabSigner.sign_data` makes a detached CMS signature (RFC 5652) over arbitrary bytes:
  the signed statement of an HTML report's visible content (:mod:`luxcheck.report.visible`).
- :meth:`LabSigner.sign_pdf` signs a PDF as PAdES baseline B-B (ETSI EN 319 142-1), or B-T when
  the profile names an RFC 3161 timestamp server (``timestamp_url``).

Both signatures carry the signer's certificate, so a reader needs nothing but the report and,
to decide whether to trust it, the laboratory's certificate or its SHA-256 fingerprint.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from luxcheck.errors import InputError
from luxcheck.lab import LabProfile, Signing
from luxcheck.report.visible import SignatureBlock, sign_html

#: The PDF form field that holds the laboratory's signature.
PDF_FIELD = "LabSignature"
#: The digest algorithm of every signature luxcheck makes.
DIGEST_ALGORITHM = "sha256"


def quiet_pyhanko() -> None:
    """pyHanko logs validation problems with tracebacks; luxcheck reports them itself."""
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def fingerprint(certificate_der: bytes) -> str:
    """The SHA-256 fingerprint of a DER certificate, as 64 lowercase hex digits."""
    return hashlib.sha256(certificate_der).hexdigest()


def spaced(fingerprint_hex: str) -> str:
    """A fingerprint in groups of four, as a person reads it aloud or compares it on paper."""
    return " ".join(fingerprint_hex[i : i + 4] for i in range(0, len(fingerprint_hex), 4))


@dataclass(frozen=True)
class LabSigner:
    """A pyHanko signer with the laboratory's certificate, and how to timestamp."""

    signer: Any  # pyhanko.sign.signers.Signer (SimpleSigner, PKCS11Signer, ...)
    timestamp_url: str | None
    source: str

    @property
    def certificate_der(self) -> bytes:
        return bytes(self.signer.signing_cert.dump())

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.certificate_der)

    @property
    def subject(self) -> str:
        return str(self.signer.signing_cert.subject.human_friendly)

    def _timestamper(self) -> Any:
        if not self.timestamp_url:
            return None
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(self.timestamp_url)

    @cached_property
    def _openssl(self) -> tuple[Any, Any] | None:
        """The key and certificate as ``cryptography`` objects, when the key is at hand (a key
        file, not a token) and of a kind its CMS builder signs with (RSA, ECDSA)."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        key_info = getattr(self.signer, "signing_key", None)
        if key_info is None:
            return None
        key = serialization.load_der_private_key(bytes(key_info.dump()), password=None)
        if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            return None
        return key, x509.load_der_x509_certificate(self.certificate_der)

    def sign_data(self, data: bytes) -> bytes:
        """A detached CMS SignedData (DER) over ``data``, with the signer's certificate.

        With a key file and no timestamp server, OpenSSL's CMS builder (through
        ``cryptography``) makes it, about a hundred times faster than pyHanko's pure-Python
        ASN.1 (which signs with tokens and adds timestamps); both are RFC 5652 SignedData with
        the same signed attributes that matter here (content type, message digest, signing
        time), and :mod:`luxcheck.report.verification` validates either with pyHanko.
        """
        if self._openssl is not None and not self.timestamp_url:
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.serialization import pkcs7

            key, certificate = self._openssl
            options = [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]
            builder = pkcs7.PKCS7SignatureBuilder().set_data(data)
            builder = builder.add_signer(certificate, key, hashes.SHA256())
            return bytes(builder.sign(serialization.Encoding.DER, options))
        quiet_pyhanko()
        try:
            content_info = asyncio.run(
                self.signer.async_sign_general_data(
                    data, DIGEST_ALGORITHM, detached=True, timestamper=self._timestamper()
                )
            )
        except Exception as exc:  # network (timestamp server) or token errors
            raise InputError(f"cannot sign: {exc}", source=self.source) from exc
        return bytes(content_info.dump())

    def sign_pdf(self, pdf: bytes, *, reason: str, name: str) -> bytes:
        """``pdf`` with the laboratory's PAdES signature (B-B, or B-T with a timestamp server)
        appended as an incremental update covering the whole file."""
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        quiet_pyhanko()
        meta = signers.PdfSignatureMetadata(
            field_name=PDF_FIELD,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm=DIGEST_ALGORITHM,
            reason=reason,
            name=name,
        )
        out = io.BytesIO()
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
            signers.sign_pdf(
                writer, meta, signer=self.signer, timestamper=self._timestamper(), output=out
            )
        except Exception as exc:
            raise InputError(f"cannot sign the PDF: {exc}", source=self.source) from exc
        return out.getvalue()


def _password(signing: Signing) -> bytes | None:
    if not signing.pkcs12_password_env:
        return None
    value = os.environ.get(signing.pkcs12_password_env)
    if value is None:
        raise InputError(
            f"the PKCS#12 password is read from ${signing.pkcs12_password_env}, which is not set",
            source=str(signing.pkcs12),
            column="signing.pkcs12_password_env",
        )
    return value.encode("utf-8")


@cache
def load_signer(signing: Signing) -> LabSigner:
    """The laboratory's signer from its profile's ``[signing]`` table (cached per process).

    Raises
    ------
    InputError
        The key or certificate cannot be read, the password is wrong or missing, the key does
        not belong to the certificate, or the profile's ``signer`` function fails.
    """
    from pyhanko.sign import signers

    quiet_pyhanko()
    if signing.signer is not None:  # the laboratory's own function (a hardware token)
        return _from_factory(signing.signer)
    if signing.pkcs12 is not None:
        source = str(signing.pkcs12)
        try:
            signer = signers.SimpleSigner.load_pkcs12(  # type: ignore[no-untyped-call]
                str(signing.pkcs12), passphrase=_password(signing)
            )
        except InputError:
            raise
        except Exception as exc:
            raise InputError(f"cannot read the PKCS#12 bundle: {exc}", source=source) from exc
    else:
        assert signing.key is not None
        assert signing.certificate is not None
        source = str(signing.key)
        try:
            signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
                str(signing.key), str(signing.certificate)
            )
        except Exception as exc:
            raise InputError(f"cannot read the key or certificate: {exc}", source=source) from exc
    if signer is None:
        raise InputError(
            "cannot read the signing key and certificate (wrong password, or not a key and "
            "certificate of PEM or PKCS#12 form)",
            source=source,
        )
    _check_pair(signer, source)
    return LabSigner(signer=signer, timestamp_url=signing.timestamp_url, source=source)


def _check_pair(signer: Any, source: str) -> None:
    """Refuse a key that does not belong to the certificate (their public keys differ)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    der = serialization.Encoding.DER
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    key = serialization.load_der_private_key(bytes(signer.signing_key.dump()), password=None)
    certificate = x509.load_der_x509_certificate(bytes(signer.signing_cert.dump()))
    if key.public_key().public_bytes(der, spki) != certificate.public_key().public_bytes(der, spki):
        raise InputError("the signing key does not belong to the certificate", source=source)


# --------------------------------------------------------------------------- rendering
@dataclass(frozen=True)
class SigningSetup:
    """What rendering needs to sign a campaign's reports (picklable: worker processes load the
    key themselves).

    ``report_numbers`` maps a classroom id to its issued report number; a classroom without
    one is signed as a draft (its QR code says ``DRAFT``). ``signer_factory``
    (``"module:function"``, a function returning a :class:`LabSigner`) replaces the key files
    of ``signing``: the way to sign with a key on a hardware token through PKCS#11 (pyHanko's
    ``PKCS11Signer``), opened once in each worker process.
    """

    signing: Signing
    lab_name: str
    verify_url: str | None = None
    report_numbers: tuple[tuple[str, str], ...] = ()
    signer_factory: str | None = None

    def signer(self) -> LabSigner:
        """The signer of this process (the factory's, or the profile's key files)."""
        if self.signer_factory:
            return _from_factory(self.signer_factory)
        return load_signer(self.signing)

    @staticmethod
    def from_lab(
        lab: LabProfile, report_numbers: Mapping[str, str] | None = None
    ) -> SigningSetup | None:
        """The setup of a laboratory profile; None when it has no ``[signing]`` table."""
        if lab.signing is None:
            return None
        return SigningSetup(
            lab.signing,
            lab.name,
            lab.verify_url,
            tuple(sorted((report_numbers or {}).items())),
            lab.signing.signer,
        )

    @cached_property
    def _numbers(self) -> dict[str, str]:
        return dict(self.report_numbers)

    def number(self, classroom_id: str) -> str | None:
        return self._numbers.get(classroom_id)

    def key(self, classroom_id: str) -> str:
        """What of the setup a classroom's rendered files depend on (part of its content key)."""
        signer = self.signer()
        return f"{signer.fingerprint}|{self.verify_url}|{self.number(classroom_id)}"

    def sign_html(
        self, text: str, html_path: Path, report_number: str | None, hints: Mapping[str, str]
    ) -> tuple[str, SignatureBlock]:
        """The page ``text`` (to be saved at ``html_path``) signed, with its QR code;
        ``report_number`` None for a draft, :data:`~luxcheck.report.visible.SUMMARY` for a campaign
        page (school summary, dashboard)."""
        return sign_html(
            text,
            self.signer().sign_data,
            base_dir=html_path.parent,
            report_number=report_number,
            verify_url=self.verify_url,
            hints=hints,
        )

    def sign_pdf(self, pdf: bytes) -> bytes:
        """A rendered PDF with the laboratory's PAdES signature."""
        return self.signer().sign_pdf(
            pdf, reason="Test report issued by the laboratory", name=self.lab_name
        )


@cache
def _from_factory(path: str) -> LabSigner:
    """Call the ``module:function`` that builds the laboratory's signer (once per process)."""
    import importlib

    module_name, _sep, function = path.partition(":")
    try:
        made = getattr(importlib.import_module(module_name), function)()
    except Exception as exc:
        raise InputError(f"cannot build the signer: {exc}", source=path) from exc
    if not isinstance(made, LabSigner):
        raise InputError(f"expected a LabSigner, got {type(made).__name__}", source=path)
    return made
