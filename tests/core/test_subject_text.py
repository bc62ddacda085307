"""The CSR pre-flight's two subject checks: text garbled by a missing -utf8, and the guide's placeholders.

The openssl cases run the real `openssl req` (OpenSSL 3.0 on Debian) with each `string_mask` a
configuration file can set, with and without -utf8, and first assert what it writes: the test documents
the mistake the check is for, and fails if a future OpenSSL writes something else.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from asn1crypto import csr as asn1_csr
from asn1crypto import pem as asn1_pem
from cryptography import x509
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID

from tests import pki as mk
from tests.conftest import NuvyPKI
from validator_py import Environment, Report, Status, validate
from validator_py.subject_text import openssl_subject, repaired

P, W, F = Status.PASS, Status.WARN, Status.FAIL
ROOT = Path(__file__).resolve().parents[2]

SUBJECT = "/C=BR/O=São João/OU=Production/CN=sao-joao-api"
GARBLED = "SÃ£o JoÃ£o"
FIXED_COMMAND = (
    'openssl req -new -utf8 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr '
    '-subj "/C=BR/O=São João/OU=Production/CN=sao-joao-api"'
)


def check_csr(p: NuvyPKI, data: str | bytes) -> Report:
    return validate(data, [], selected="", at=p.now)


# What openssl writes ----------------------------------------------------------------------------------

# (string_mask, -utf8?) -> (asn1crypto's name of the O value's type, its content bytes)
OPENSSL_WRITES = {
    (None, False): ("utf8_string", GARBLED.encode()),  # the system openssl.cnf: string_mask = utf8only
    (None, True): ("utf8_string", "São João".encode()),
    ("utf8only", False): ("utf8_string", GARBLED.encode()),
    ("utf8only", True): ("utf8_string", "São João".encode()),
    ("default", False): ("teletex_string", "São João".encode()),  # the UTF-8 bytes in a T61String
    ("default", True): ("teletex_string", "São João".encode("latin-1")),
    ("nombstr", False): ("teletex_string", "São João".encode()),
    ("nombstr", True): ("teletex_string", "São João".encode("latin-1")),
    ("pkix", False): ("bmp_string", GARBLED.encode("utf-16-be")),
    ("pkix", True): ("bmp_string", "São João".encode("utf-16-be")),
}


@pytest.fixture(scope="module")
def key_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("subject-key") / "nuvy-client.key"
    path.write_text(mk.key_pem(mk.private_key("rsa2048", 31)))
    return path


def openssl_csr(key_file: Path, mask: str | None, *, utf8: bool) -> bytes:
    command = ["/usr/bin/openssl", "req", "-new", "-key", str(key_file), "-subj", SUBJECT]
    if mask is not None:
        config = key_file.parent / f"{mask}.cnf"
        config.write_text(f"[req]\ndistinguished_name = dn\nstring_mask = {mask}\n[dn]\n")
        command += ["-config", str(config)]
    if utf8:
        command.append("-utf8")
    done = subprocess.run(command, capture_output=True, check=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"})
    return done.stdout


def organization_value(pem_bytes: bytes) -> tuple[str, bytes]:
    _, _, der = asn1_pem.unarmor(pem_bytes)
    subject = asn1_csr.CertificationRequest.load(der)["certification_request_info"]["subject"]
    for rdn in subject.chosen:
        for attribute in rdn:
            if attribute["type"].native == "organization_name":
                return attribute["value"].name, bytes(attribute["value"].chosen.contents)
    raise AssertionError("no O in the CSR")


CASES = sorted(OPENSSL_WRITES, key=lambda case: (case[0] or "", case[1]))


@pytest.mark.parametrize(
    ("mask", "utf8"), CASES, ids=[f"{m or 'system'}-{'utf8' if u else 'bytes'}" for m, u in CASES]
)
def test_openssl_writes_and_the_preflight_judges(
    pki: NuvyPKI, key_file: Path, mask: str | None, *, utf8: bool
) -> None:
    pem = openssl_csr(key_file, mask, utf8=utf8)
    assert organization_value(pem) == OPENSSL_WRITES[mask, utf8]
    result = check_csr(pki, pem).check("subject.encoding")
    if mask in (None, "utf8only") and utf8:
        assert result.status is P, result
        assert result.message == "The subject's text is plain UTF-8, with no sign of a missing -utf8."
        return
    assert result.status is F, result
    assert result.message.endswith(
        f"Nuvy would sign the name as it is. Make the CSR again with -utf8: {FIXED_COMMAND}."
    )
    if not utf8:
        garbled = f"O is '{GARBLED}', which is 'São João' with each UTF-8 byte read as a letter"
        assert garbled in result.message
        assert "-utf8 is missing" in result.message
    if mask in ("default", "nombstr", "pkix"):
        kind = "BMPString" if mask == "pkix" else "T61String (teletexString)"
        assert f"O is stored as a {kind}, which programs read in different ways" in result.message
        assert "set string_mask = utf8only in its [req] section" in result.message


def test_the_cli_names_the_fix(pki: NuvyPKI, key_file: Path, tmp_path: Path) -> None:
    csr_file = tmp_path / "nuvy-client.csr"
    csr_file.write_bytes(openssl_csr(key_file, None, utf8=False))
    done = subprocess.run([sys.executable, "-m", "validator_py", "check", str(csr_file)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "COLUMNS": "400"})
    assert done.returncode == 1, done.stdout + done.stderr
    flat = " ".join(done.stdout.split())
    assert "subject.encoding" in flat
    assert f"O is '{GARBLED}', which is 'São João'" in flat
    assert "-utf8" in flat
    assert "Verdict: FAIL" in flat


# Garbled text in generated CSRs and certificates --------------------------------------------------------

def test_garbled_csr_fails_with_the_repaired_command(pki: NuvyPKI) -> None:
    report = check_csr(pki, mk.make_csr(o=GARBLED, cn="JosÃ©", ou="QA").pem)
    result = report.check("subject.encoding")
    assert result.status is F
    assert report.verdict is F
    assert result.message == (
        f"O is '{GARBLED}', which is 'São João' with each UTF-8 byte read as a letter; CN is 'JosÃ©', which "
        "is 'José' with each UTF-8 byte read as a letter: openssl req writes that when -subj has accented "
        "letters and -utf8 is missing. Nuvy would sign the name as it is. Make the CSR again with -utf8: "
        "openssl req -new -utf8 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr "
        '-subj "/C=BR/O=São João/OU=QA/CN=José".'
    )


def test_garbled_certificate_warns_and_asks_for_a_new_csr(pki: NuvyPKI) -> None:
    envs = [Environment("qa", "QA", pki.qa.pem)]
    report = validate(mk.make_client(pki.qa, o=GARBLED, cn="sjp").pem, envs, selected="qa", at=pki.now)
    result = report.check("subject.encoding")
    assert result.status is W, result
    assert report.verdict is W
    assert result.message.endswith(
        "The CSR it was issued from had this mistake. Make a new CSR with -utf8 (openssl req -new -utf8 -key "
        'nuvy-client-<env>.key -out nuvy-client-<env>.csr -subj "/C=BR/O=São João/OU=Production/CN=sjp") '
        "and ask Nuvy to re-issue the certificate from it."
    )


def test_accented_names_in_utf8_pass(pki: NuvyPKI) -> None:
    for name in ("São João", "Müller & Söhne", "Straße", "Ação Ltda", "Crème brûlée", "Ñandú"):
        result = check_csr(pki, mk.make_csr(o=name, cn="acme-api").pem).check("subject.encoding")
        assert result.status is P, (name, result)


@pytest.mark.parametrize(
    ("value", "meant"),
    [
        (GARBLED, "São João"),
        ("JosÃ©", "José"),
        ("MÃ¼ller", "Müller"),
        ("AÃ§Ã£o", "Ação"),
        ("SÃ\x83Â£o", "SÃ£o"),  # garbled twice: one layer is undone at a time
        ("São João", None),
        ("ACME", None),
        ("Ã", None),  # a lone lead byte is not UTF-8
        ("Â", None),
        ("Ðœ", None),  # "Ð" then a character beyond Latin-1: not what openssl writes
        ("JosÃ©\u0100", None),  # U+0100, the first character beyond Latin-1, has no byte to undo
        ("日本", None),
    ],
)
def test_repaired(value: str, meant: str | None) -> None:
    assert repaired(value) == meant


def test_openssl_subject_escapes_slashes() -> None:
    assert openssl_subject((("O", "A/B"), ("CN", "x\\y"))) == "/O=A\\/B/CN=x\\\\y"


# The guide's placeholders -----------------------------------------------------------------------------

ASK_O = "/C=BR/O=<your company name>/OU=Production/CN=acme-api"
ASK_CN = "/C=BR/O=ACME/OU=Production/CN=<the client identifier agreed with Nuvy>"


@pytest.mark.parametrize(
    ("fields", "listed", "subject"),
    [
        ({"o": "Example Client", "cn": "acme-api"}, "O is 'Example Client'", ASK_O),
        ({"o": "ACME", "cn": "example-client"}, "CN is 'example-client'", ASK_CN),
        ({"o": "CLIENT_NAME", "cn": "acme-api"}, "O is 'CLIENT_NAME'", ASK_O),
        ({"o": "ACME", "cn": "client-name"}, "CN is 'client-name'", ASK_CN),
        ({"o": "example_client", "cn": "acme-api"}, "O is 'example_client'", ASK_O),
        ({"o": " Client Name ", "cn": "acme-api"}, "O is ' Client Name '", ASK_O),
    ],
)
def test_one_placeholder_fails(pki: NuvyPKI, fields: dict[str, str], listed: str, subject: str) -> None:
    report = check_csr(pki, mk.make_csr(**fields).pem)
    result = report.check("subject.placeholder")
    assert result.status is F, result
    assert report.verdict is F
    assert result.message.startswith(
        f"{listed}: the guide's placeholder (step 3), not your name, and Nuvy would issue"
    )
    assert result.message.endswith(
        'then make the CSR again (with -utf8, so accented letters survive): openssl req -new -utf8 -key '
        f'nuvy-client-<env>.key -out nuvy-client-<env>.csr -subj "{subject}".'
    )


def test_the_guides_unedited_subject_fails_on_both_fields(pki: NuvyPKI) -> None:
    for o, cn in (("Example Client", "example-client"), ("CLIENT_NAME", "client-name")):
        result = check_csr(pki, mk.make_csr(o=o, cn=cn, ou="QA").pem).check("subject.placeholder")
        assert result.status is F
        assert result.message == (
            f"O is {o!r} and CN is {cn!r}: the guide's placeholders (step 3), not your name, and Nuvy would "
            "issue the certificate in them. Put your company name in O and the client identifier agreed with "
            "Nuvy in CN, then make the CSR again (with -utf8, so accented letters survive): openssl req -new "
            "-utf8 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr -subj "
            '"/C=BR/O=<your company name>/OU=QA/CN=<the client identifier agreed with Nuvy>".'
        )


@pytest.mark.parametrize(
    "name", ["Example Clients Ltda", "acme-client", "client-names", "Nuvy Client", "ACME"]
)
def test_real_names_that_look_alike_pass(pki: NuvyPKI, name: str) -> None:
    result = check_csr(pki, mk.make_csr(o=name, cn="acme-api").pem).check("subject.placeholder")
    assert result.status is P, result
    assert re.fullmatch(r"No subject field holds one of the guide's placeholders .*\.", result.message)


def test_a_garbled_name_and_two_legacy_strings_are_both_reported(pki: NuvyPKI) -> None:
    """Both findings at once, and two attributes of one legacy type named together ("O and OU are")."""
    subject = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "São João", _ASN1Type.BMPString),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Produção", _ASN1Type.BMPString),
        x509.NameAttribute(NameOID.COMMON_NAME, "JosÃ©"),
    ])
    result = check_csr(pki, mk.make_csr(subject=subject).pem).check("subject.encoding")
    assert (result.status, result.message) == (
        F,
        "CN is 'JosÃ©', which is 'José' with each UTF-8 byte read as a letter: openssl req writes that when "
        "-subj has accented letters and -utf8 is missing. O and OU are stored as a BMPString, which programs "
        "read in different ways (some refuse it); RFC 5280 asks for UTF8String. Your openssl.cnf sets "
        "string_mask to something other than utf8only: set string_mask = utf8only in its [req] section "
        "(OpenSSL's default). Nuvy would sign the name as it is. Make the CSR again with -utf8: openssl req "
        '-new -utf8 -key nuvy-client-<env>.key -out nuvy-client-<env>.csr -subj "/C=BR/O=São João/'
        'OU=Produção/CN=José".',
    )
