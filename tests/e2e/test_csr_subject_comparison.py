"""The validator page compares a CSR's subject with "Your details" typed on the same page, field by field."""

from __future__ import annotations

import pytest

from tests import pki as mk
from tests.e2e.validator_page import ValidatorPage

pytestmark = pytest.mark.e2e


def _type_details(vp: ValidatorPage, o: str, cn: str) -> None:
    for field, value in (("o", o), ("cn", cn), ("c", "BR"), ("stem", "nuvy-client")):
        vp.page.fill(f"#nuvy-details-{field}", value)
    vp.page.check("#nuvy-details-environment-qa")


def test_without_details_there_is_no_comparison(vp: ValidatorPage) -> None:
    csr = mk.make_csr(cn="acme-api", o="Acme Pagamentos", ou="QA", key_slot=30)
    outcome = vp.paste(csr.pem)
    assert outcome.kind == "csr"
    assert vp.page.locator("#nuvy-subject-diff").count() == 0


def test_a_matching_csr_is_said_to_match(vp: ValidatorPage) -> None:
    _type_details(vp, "Acme Pagamentos", "acme-api")
    csr = mk.make_csr(cn="acme-api", o="Acme Pagamentos", ou="QA", key_slot=30)
    vp.paste(csr.pem)
    expected = "The CSR's subject is exactly the one your details make."
    assert vp.page.text_content("#nuvy-subject-diff") == expected
    vp.assert_private()


def test_a_differing_field_is_named(vp: ValidatorPage) -> None:
    _type_details(vp, "Acme Pagamentos", "acme-api")
    csr = mk.make_csr(cn="acme-api", o="Acme Pagamento", ou="QA", key_slot=30)
    vp.paste(csr.pem)
    text = vp.page.text_content("#nuvy-subject-diff") or ""
    assert text.startswith("The CSR's subject differs from your details:")
    assert 'the CSR says "Acme Pagamento", your details say "Acme Pagamentos".' in text
    assert vp.page.locator("#nuvy-subject-diff li").count() == 1  # Only O differs.
