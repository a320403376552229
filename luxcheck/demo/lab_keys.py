"""The demo laboratory's signing key: a self-signed certificate made on first use.

The demo lab (``luxcheck/data/demo-lab.toml``) is fictitious and ships without a key: the
package data is read-only in a wheel, and a private key must never be shipped. On first use
:func:`demo_lab_profile` makes, in the demo's output folder (``<out>/lab/``), an ECDSA P-256
key, a self-signed X.509 certificate naming the demo lab (RFC 5280; key usage digital
signature and non-repudiation, as PAdES signing certificates carry), and a copy of the demo
profile with a ``[signing]`` table pointing at them and pinning the certificate's SHA-256
fingerprint. Later runs reuse them, so reports of several runs verify against one certificate.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path

from luxcheck.errors import InputError
from luxcheck.lab import LabProfile, load_lab_profile
from luxcheck.resources import data_dir

DEMO_LAB = "demo-lab.toml"
KEY_NAME = "lab-key.pem"
CERTIFICATE_NAME = "lab-cert.pem"
PROFILE_NAME = "lab.toml"
#: How long the demo certificate is valid [days].
VALID_DAYS = 5 * 365
_FILE_RE = re.compile(r'^((?:logo|seal)\s*=\s*)"([^"]+)"', re.M)


def make_self_signed(
    key_path: Path,
    certificate_path: Path,
    *,
    organisation: str,
    common_name: str,
    not_before: dt.datetime | None = None,
    valid_days: int = VALID_DAYS,
) -> None:
    """Write a new ECDSA P-256 key (PKCS#8 PEM, mode 0600) and a self-signed certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=valid_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def certificate_fingerprint(certificate_path: Path) -> str:
    """The SHA-256 fingerprint (hex) of a PEM certificate file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    certificate = x509.load_pem_x509_certificate(certificate_path.read_bytes())
    return certificate.fingerprint(hashes.SHA256()).hex()


def demo_lab_profile(out: Path) -> LabProfile:
    """The demo lab's profile with a signing key in ``out/lab/`` (made on first use)."""
    folder = out / "lab"
    key_path, certificate_path = folder / KEY_NAME, folder / CERTIFICATE_NAME
    profile_path = folder / PROFILE_NAME
    source = data_dir() / DEMO_LAB
    text = source.read_text(encoding="utf-8")
    if "[signing]" in text:
        raise InputError("the shipped demo profile must not name a key", source=str(source))
    if not (key_path.is_file() and certificate_path.is_file()):
        data = tomllib.loads(text)
        make_self_signed(
            key_path,
            certificate_path,
            organisation=str(data["name"]),
            common_name=str(data.get("name_en") or data["name"]),
        )
    fingerprint = certificate_fingerprint(certificate_path)
    # files the shipped profile names (logo, seal) stay where the package keeps them
    text = _FILE_RE.sub(lambda m: f'{m.group(1)}"{(source.parent / m.group(2)).as_posix()}"', text)
    signing = (
        "\n# Added by `luxcheck demo`: the key and self-signed certificate made for the\n"
        "# fictitious demo laboratory on first use, and the certificate's SHA-256 pinned.\n"
        "[signing]\n"
        f'key = "{KEY_NAME}"\n'
        f'certificate = "{CERTIFICATE_NAME}"\n'
        f'trusted_fingerprints = ["{fingerprint}"]\n'
    )
    profile_path.write_text(text.rstrip("\n") + "\n" + signing, encoding="utf-8")
    return load_lab_profile(profile_path)
