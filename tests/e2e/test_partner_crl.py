"""The validator page's CRL box: a partner's CRL, pasted or dropped (PEM or DER), checks a partner chain
for revocation, and it gets the same private-key guard as every other box."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from tests import pki as mk
from tests.e2e.validator_page import Outcome, ValidatorPage

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def partner() -> tuple[mk.Issued, mk.Issued, mk.Issued, mk.CRL]:
    root = mk.make_ca("Partner Root", key_slot=40)
    inter = mk.make_ca("Partner Issuing CA", parent=root, key_type="rsa2048", key_slot=41)
    # Valid around the real clock, because the page checks at the browser's time.
    leaf = mk.make_client(inter, key_slot=42, not_before=mk.NOW - 3 * mk.YEAR, not_after=mk.NOW + 3 * mk.YEAR)
    crl = mk.make_crl(inter, [leaf.cert.serial_number], last_update=mk.NOW - 3 * mk.YEAR,
                      next_update=mk.NOW + 3 * mk.YEAR)
    return root, inter, leaf, crl


def _chain(vp: ValidatorPage, partner: tuple[mk.Issued, mk.Issued, mk.Issued, mk.CRL]) -> Outcome:
    root, inter, leaf, _ = partner
    for cert in (root, inter, leaf):
        vp.remember(cert.der)
    vp.page.fill("#nuvy-crl", "")
    return vp.paste(leaf.pem + inter.pem + root.pem)


def test_pasted_crl_revokes_the_partner_leaf(vp: ValidatorPage, partner: tuple[mk.Issued, ...]) -> None:
    before = _chain(vp, partner)
    assert before.kind == "chain"
    assert before.status("revocation.status") == "not_applicable"
    crl = partner[3]
    after = vp.act(lambda: vp.page.fill("#nuvy-crl", crl.pem))
    assert after.status("revocation.crl_signature") == "pass"
    assert after.status("revocation.status") == "fail"
    revoked = after.message("revocation.status")
    assert "was revoked by intermediate certificate 1 (Partner Issuing CA)" in revoked
    vp.assert_private()


def test_dropped_der_crl_is_used_as_bytes(vp: ValidatorPage, partner: tuple[mk.Issued, ...]) -> None:
    _chain(vp, partner)
    der = partner[3].crl.public_bytes(serialization.Encoding.DER)
    script = """
    ([name, bytes]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(bytes)], name));
      const target = document.getElementById("nuvy-crl-drop");
      const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
      target.dispatchEvent(new DragEvent("dragover", init));
      target.dispatchEvent(new DragEvent("drop", init));
    }
    """
    outcome = vp.act(lambda: vp.page.evaluate(script, ["partner.crl", list(der)]))
    assert outcome.status("revocation.status") == "fail"
    assert vp.page.text_content("#nuvy-crl-file-name") == f"File: partner.crl ({len(der):,} bytes)"
    vp.assert_private()


def test_a_private_key_in_the_crl_box_is_cleared(vp: ValidatorPage, partner: tuple[mk.Issued, ...]) -> None:
    _chain(vp, partner)
    key = partner[2].key_pem
    vp.act(lambda: vp.page.fill("#nuvy-crl", key))
    assert vp.page.input_value("#nuvy-crl") == ""
    assert "private key" in (vp.outcome().notice or "").lower()
