"""The client-certificate profile's messages in full (Key Usage, key strength, subject fields), which issue
17's mutation sample found asserted by status or by a fragment only."""

from __future__ import annotations

import pytest

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, Report, Status, validate
from validator_py.profile import NEW_KEY

P, W, F = Status.PASS, Status.WARN, Status.FAIL


def _run(p: NuvyPKI, leaf: mk.Issued) -> Report:
    return validate(leaf.pem, [Environment("qa", "QA", p.qa.pem)], selected="qa", at=p.now)


@pytest.mark.parametrize(
    ("options", "check_id", "status", "message"),
    [
        (
            {"key_usage_flags": {}}, "ku.digital_signature", F,
            "The certificate has no Key Usage extension; Nuvy's profile sets digitalSignature (guide step "
            "5). Ask Nuvy to re-issue it.",
        ),
        (
            {"key_usage_flags": {"key_encipherment": True}}, "ku.digital_signature", F,
            "Key Usage lacks digitalSignature, which a TLS client needs to prove it holds the key. Ask Nuvy "
            "to re-issue the certificate (guide step 5).",
        ),
        (
            {}, "ku.key_encipherment", P,
            "Key Usage includes keyEncipherment, as Nuvy's profile sets for RSA keys.",
        ),
        ({"key_type": "ed25519"}, "key.strength", P, "The key is Ed25519."),
        (
            {"key_type": "rsa1024"}, "key.strength", F,
            "The key is RSA 1024-bit; Nuvy requires at least 2048 bits, because shorter keys can be "
            f"factored. {NEW_KEY}.",
        ),
        (
            {"cn": None}, "subject.cn", F,
            'The certificate has no Common Name (CN). The CN is your unique client identifier (guide step 3: '
            '-subj "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name").',
        ),
        (
            {"o": None}, "subject.o", W,
            "The certificate has no O (company name); the guide's subject is "
            "/C=BR/O=CLIENT_NAME/OU=Production/CN=client-name.",
        ),
    ],
    ids=["no-key-usage", "no-digital-signature", "key-encipherment", "ed25519", "rsa1024", "no-cn", "no-o"],
)
def test_profile_messages(
    pki: NuvyPKI, options: dict[str, object], check_id: str, status: Status, message: str
) -> None:
    result = _run(pki, mk.make_client(pki.qa, **options)).check(check_id)  # type: ignore[arg-type]
    assert (result.status, result.message) == (status, message)
