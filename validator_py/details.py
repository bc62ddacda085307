"""JSON-safe descriptions of certificates and CSRs, shared by reports and the site's build hook."""

from __future__ import annotations

import base64
from typing import Any

from .inputs import InputError, check_depth, refuse_private_key_der
from .model import CSR, Certificate, certificate


def describe(cert: Certificate) -> dict[str, Any]:
    return {
        "subject": cert.subject.rfc4514,
        "subject_openssl": cert.subject.openssl,
        "issuer": cert.issuer.rfc4514,
        "serial": cert.serial_hex,
        "serial_decimal": str(cert.serial),
        "not_before": cert.not_before.isoformat(),
        "not_after": cert.not_after.isoformat(),
        "sha256_fingerprint": cert.sha256,
        "sha1_fingerprint": cert.sha1,
        "public_key": cert.public_key.describe(),
        "signature_algorithm": cert.algorithm.name,
        "is_ca": bool(cert.is_ca),
    }


def describe_csr(request: CSR) -> dict[str, Any]:
    return {
        "subject": request.subject.rfc4514,
        "subject_openssl": request.subject.openssl,
        "public_key": request.public_key.describe(),
        "public_key_sha256": request.public_key.sha256,
        "signature_algorithm": request.algorithm.name,
    }


def describe_certificate(der: bytes) -> dict[str, Any]:
    """Describe one DER certificate (used by the MkDocs hook for the download page).

    Raises ``InputError`` when the bytes are not one readable certificate. The hook reads files from
    the repository, not from users, but the same guards run first so a damaged CA fails the build with
    the validator's own message instead of an asn1crypto traceback.
    """
    refuse_private_key_der(der)
    check_depth(der, "the certificate")
    try:
        return describe(certificate(der))
    except Exception as error:  # Broad on purpose: asn1crypto raises many types on damaged input.
        raise InputError("unparseable", f"The certificate could not be read ({error}).") from None


def pem(cert: Certificate) -> str:
    body = base64.b64encode(cert.der).decode()
    lines = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN CERTIFICATE-----\n{lines}\n-----END CERTIFICATE-----\n"
