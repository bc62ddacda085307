"""Generate the demo Nuvy CAs, their CRLs and the public sample files the validator page offers.

Every private key lives only in memory and is thrown away when the script ends: the outputs are
public certificates, one CSR and one CRL per CA, safe to commit. Since the CA keys are gone, a CRL
can never be re-signed: to change a CRL, run the script again and commit the whole new demo PKI (then
update the `sha256:` pins in mkdocs.yml and run `nox -s pin`). Replace the demo CAs and CRLs with the
real ones before production (see docs/assets/ca/README.md).

Each environment gets a CA, a valid client certificate, a revoked one, and a CRL that lists the revoked
one. The CRL carries a CRL number (RFC 5280 section 5.2.3, the validator requires it) and an authority
key identifier (section 5.2.1).

    python scripts/make_demo_pki.py            # writes docs/assets/ca/ and docs/assets/samples/
    python scripts/make_demo_pki.py --out DIR  # writes DIR/ca/ and DIR/samples/ instead
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "assets"

CA_KEY_BITS = 4096
CLIENT_KEY_BITS = 2048
CA_LIFETIME = dt.timedelta(days=3653)
CLIENT_LIFETIME = dt.timedelta(days=1826)
# A real CA publishes a new CRL every few days, each with a nextUpdate a week or so ahead. The demo CAs'
# keys are thrown away, so their CRLs can never be renewed: each must last as long as the demo PKI it
# belongs to. It lasts as long as the demo client certificates, so the build's stale-CRL guard and the
# samples' expiry come due on the same day, and one run of this script renews all of them.
CRL_LIFETIME = CLIENT_LIFETIME
CRL_NUMBER = 1


@dataclass(frozen=True)
class Issuer:
    """A CA certificate together with the in-memory key that signs with it."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


def _name(*pairs: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def _new_key(bits: int) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


# x509.KeyUsage takes all nine flags as keywords; naming only the granted ones keeps each profile readable.
_KEY_USAGE_FLAGS = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)


def _key_usage(*granted: str) -> x509.KeyUsage:
    flags = dict.fromkeys(_KEY_USAGE_FLAGS, False)
    flags.update(dict.fromkeys(granted, True))
    return x509.KeyUsage(**flags)


def make_ca(
    subject: x509.Name,
    *,
    now: dt.datetime,
    bits: int = CA_KEY_BITS,
    parent: Issuer | None = None,
    path_length: int | None = None,
) -> Issuer:
    """Make a CA (self-signed when there is no parent) valid for about ten years from `now`."""
    key = _new_key(bits)
    issuer_name = parent.certificate.subject if parent else subject
    signing_key = parent.key if parent else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + CA_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_key_usage("key_cert_sign", "crl_sign"), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if parent:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key()), critical=False
        )
    return Issuer(builder.sign(signing_key, hashes.SHA256()), key)


def make_client(subject: x509.Name, issuer: Issuer, *, now: dt.datetime) -> x509.Certificate:
    """Issue a client certificate with the profile of step 5 of the guide."""
    key = _new_key(CLIENT_KEY_BITS)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + CLIENT_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage("digital_signature", "key_encipherment"), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
        .sign(issuer.key, hashes.SHA256())
    )


def make_csr(subject: x509.Name) -> x509.CertificateSigningRequest:
    """Make a CSR like the `openssl req -new ... -subj` of step 3 (no extensions)."""
    return (
        x509.CertificateSigningRequestBuilder()
        .subject_name(subject)
        .sign(_new_key(CLIENT_KEY_BITS), hashes.SHA256())
    )


# The samples' subject: a demo client's own names, not the guide's placeholders (Example Client,
# example-client), which the CSR pre-flight refuses as unedited.
DEMO_CLIENT_ORGANIZATION = "Demo Client Ltda"
DEMO_CLIENT_CN = "demo-client"


def client_subject(ou: str, cn: str = DEMO_CLIENT_CN) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "BR"),
        (NameOID.ORGANIZATION_NAME, DEMO_CLIENT_ORGANIZATION),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        (NameOID.COMMON_NAME, cn),
    )


def nuvy_demo_ca_subject(label: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "BR"),
        (NameOID.ORGANIZATION_NAME, "Nuvy (demo - replace before production)"),
        (NameOID.COMMON_NAME, f"Nuvy DEMO {label} Client CA"),
    )


def make_crl(
    issuer: Issuer, revoked: Sequence[x509.Certificate], *, now: dt.datetime
) -> x509.CertificateRevocationList:
    """The CA's CRL: `revoked` listed with reason keyCompromise, number CRL_NUMBER, valid CRL_LIFETIME."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + CRL_LIFETIME)
        .add_extension(x509.CRLNumber(CRL_NUMBER), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    for certificate in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(certificate.serial_number)
            .revocation_date(now - dt.timedelta(minutes=5))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256())


def _pem(obj: x509.Certificate | x509.CertificateSigningRequest | x509.CertificateRevocationList) -> bytes:
    return obj.public_bytes(serialization.Encoding.PEM)


def build_outputs(now: dt.datetime) -> dict[str, bytes]:
    """Return every public file to write, keyed by its path relative to the output directory."""
    outputs: dict[str, bytes] = {}
    for env_id, label, ou in (("qa", "QA", "QA"), ("production", "Production", "Production")):
        ca = make_ca(nuvy_demo_ca_subject(label), now=now, path_length=0)
        revoked = make_client(client_subject(ou, f"{DEMO_CLIENT_CN}-revoked"), ca, now=now)
        outputs[f"ca/{env_id}/nuvy-ca.crt"] = _pem(ca.certificate)
        outputs[f"ca/{env_id}/nuvy-ca.crl"] = _pem(make_crl(ca, [revoked], now=now))
        outputs[f"samples/client-{env_id}.crt"] = _pem(make_client(client_subject(ou), ca, now=now))
        outputs[f"samples/client-{env_id}-revoked.crt"] = _pem(revoked)
    outputs["samples/client.csr"] = _pem(make_csr(client_subject("Production")))
    outputs["samples/partner-chain.pem"] = _partner_chain(now)
    return outputs


def _partner_name(common_name: str) -> x509.Name:
    return _name(
        (NameOID.COUNTRY_NAME, "US"),
        (NameOID.ORGANIZATION_NAME, "Example Partner (demo)"),
        (NameOID.COMMON_NAME, common_name),
    )


def _partner_chain(now: dt.datetime) -> bytes:
    # A fictional partner PKI for step 12: leaf first, then the intermediate, then the root.
    root = make_ca(_partner_name("Example Partner Root CA"), now=now, bits=CLIENT_KEY_BITS, path_length=1)
    intermediate = make_ca(
        _partner_name("Example Partner Issuing CA 1"),
        now=now,
        bits=CLIENT_KEY_BITS,
        parent=root,
        path_length=0,
    )
    leaf = make_client(client_subject("Production"), intermediate, now=now)
    return b"".join(_pem(cert) for cert in (leaf, intermediate.certificate, root.certificate))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: docs/assets)"
    )
    args = parser.parse_args(argv)
    for relative, data in build_outputs(dt.datetime.now(dt.UTC)).items():
        target = args.out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
