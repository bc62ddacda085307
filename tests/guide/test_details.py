""""Your details" fills the pages' commands with any value, and what it fills does what it says.

The filler is the page's own file, site_assets/details-fill.js, run under Node (details.py). For a table
of hostile values, the guide's step-2 and step-3 commands (every tab: bash, PowerShell, Git Bash) and the
quickstart's, filled with them, run against the test servers; each CSR must carry exactly the subject
typed, as OpenSSL prints it (`-nameopt RFC2253,utf8`) and as the validator's CSR details give it, and
pass the validator's pre-flight. The certificate the test CA makes of it must then pass the step-7 curl
command and the step-8 Python sample, filled too.

PowerShell is not on the test machine: its blocks run under bash after mapping.powershell_as_bash, which
reads a single-quoted PowerShell string by PowerShell's rule (any two quote characters, typographic ones
included, stand for the second) and passes its value on, as PowerShell 7.3 and newer do for a native
command.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import stringprep
import subprocess
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from validator_py import Environment, InputError, validate

from . import details, mapping
from .blocks import CodeBlock, collect
from .conftest import DOCS
from .harness import Stage, play_nuvy, prepare_workdir, run_block

pytestmark = pytest.mark.guide

DETAILS_PAGES = ("guide.md", "quickstart.md", "troubleshooting.md")
BLOCKS = [block for block in collect(DOCS) if block.page in DETAILS_PAGES] if DOCS.is_dir() else []
STEM = "acme-corp"


def _one(blocks: list[CodeBlock], what: str) -> list[CodeBlock]:
    assert blocks, f"no block found for {what}"
    return blocks


def _guide(predicate: object) -> list[CodeBlock]:
    return [block for block in BLOCKS if block.page == "guide.md" and predicate(block)]  # type: ignore[operator]


GENRSA = _one(_guide(lambda b: "openssl genrsa" in b.text and b.language == "bash"), "step 2")
SUBJ = _one([b for b in BLOCKS if "-subj '" in b.text and b.not_runnable is None], "the -subj commands")
CURL = _one(_guide(lambda b: b.tab == "QA" and "curl --cert" in b.text), "step 7 (QA)")
PYTHON = _one(_guide(lambda b: b.sample == "python"), "the Python sample")


@dataclass(frozen=True)
class Hostile:
    name: str
    o: str
    cn: str
    environment: str = "qa"


LONG_CN = ("cliente-" + "0123456789" * 6)[:64]
HOSTILE = [
    Hostile("apostrophe", "D'Ávila Pagamentos", "d'avila"),
    Hostile("typographic-apostrophe", "D\u2019Ávila Pagamentos", "d\u2019avila", "production"),
    Hostile("double-quote", 'Pão "Quente" Ltda', 'pao "quente"'),
    Hostile("command-substitution", "$(touch pwned) Ltda", "$(touch pwned)", "production"),
    Hostile("backtick", "`touch pwned` Ltda", "`touch pwned`"),
    Hostile("slash", "Pão & Cia / Filial 2", "pao/filial-2", "production"),
    Hostile("plus", "A+B Serviços", "a+b"),
    Hostile("equals", "x=y Ltda", "cn=x,o=y", "production"),
    Hostile("backslash", "Back\\slash \\ Ltda\\", "back\\slash\\"),
    Hostile("hash-first", "#1 Pagamentos", "#1", "production"),
    Hostile("accents", "São Paulo Comércio Ação", "são-paulo"),
    Hostile("shell-soup", "a;b|c&d<e>f*g?h~i!j%k{l}m[n]", "!!;$HOME;%PATH%", "production"),
    Hostile("64-characters", "Ç" + "a" * 62 + "ã", LONG_CN),
    # Emoji are refused (see test_an_emoji_is_refused_because_no_name_comparison_can_read_it).
    Hostile("symbols", "Ação ™ € ‰ Ω Ltda", "client-ß"),
]


def _values(case: Hostile) -> dict[str, str]:
    return details.values(case.o, case.cn, environment=case.environment, stem=STEM)


def _intended(case: Hostile, environment_name: str) -> x509.Name:
    nfc = lambda text: unicodedata.normalize("NFC", text)  # noqa: E731 - the form's NFC, in one place
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "BR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, nfc(case.o)),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, environment_name),
        x509.NameAttribute(NameOID.COMMON_NAME, nfc(case.cn)),
    ])


def _environment_of(block: CodeBlock, chosen: str) -> dict[str, str]:
    for environment in details.environments():
        if environment["name"] == block.tab:
            return environment
    return next(e for e in details.environments() if e["id"] == chosen)


def _filled(blocks: list[CodeBlock], values: dict[str, str]) -> list[CodeBlock]:
    texts = details.call([
        {"op": "fill", "text": b.text, "language": b.language, "tab": b.tab, "values": values} for b in blocks
    ])
    return [replace(block, text=text) for block, text in zip(blocks, texts, strict=True)]


def _openssl_subject(csr: Path) -> x509.Name:
    done = subprocess.run(
        ["/usr/bin/openssl", "req", "-in", csr.name, "-noout", "-subject", "-nameopt", "RFC2253,utf8"],
        cwd=csr.parent, capture_output=True, text=True, check=True, timeout=30,
    )
    line = done.stdout.strip()
    assert line.startswith("subject="), line
    return x509.Name.from_rfc4514_string(line.removeprefix("subject="))


def _preflight(stage: Stage, csr: Path) -> tuple[x509.Name, dict[str, str]]:
    report = validate(
        csr.read_bytes(), [Environment("qa", "QA", stage.pki.client_ca.pem)], selected="qa",
        at=dt.datetime.now(dt.UTC),
    )
    assert report.kind == "csr", report.to_dict()
    statuses = {check.id: check.status.value for check in report.checks}
    assert report.verdict.value != "fail", statuses
    return x509.Name.from_rfc4514_string(str(report.details["subject"])), statuses


def _same_rdns(name: x509.Name) -> list[tuple[str, str, str]]:
    return [(a.oid.dotted_string, str(a.value), type(a.value).__name__) for a in name]


@pytest.fixture
def hostile_workdir(stage: Stage, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    server_trust = prepare_workdir(stage, tmp_path)
    return tmp_path, stage.environment(server_trust)


@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
def test_hostile_values_make_the_subject_typed_and_a_working_certificate(
    stage: Stage, hostile_workdir: tuple[Path, dict[str, str]], case: Hostile,
) -> None:
    workdir, env = hostile_workdir
    values = _values(case)
    checked = details.check(values)
    assert checked["ok"], checked["errors"]

    # Step 2, for both environments: the Production tab of step 3 needs its own key.
    for environment in ("qa", "production"):
        for block in _filled(GENRSA, {**values, "environment": environment}):
            run = run_block(block, workdir, env)
            assert run.ok, f"{block.where} filled:\n{block.text}\n{run.output}"

    for original, block in zip(SUBJ, _filled(SUBJ, values), strict=True):
        environment = _environment_of(original, case.environment)
        csr = workdir / mapping.client_file("csr", environment["id"], STEM)
        csr.unlink(missing_ok=True)
        run = run_block(block, workdir, env)
        said = f"{original.where} filled for {case.name}:\n{block.text}\n{run.output}"
        assert run.ok, said
        intended = _intended(case, environment["name"])
        request = x509.load_pem_x509_csr(csr.read_bytes())
        # The DER itself: exactly these four RDNs, C a PrintableString, the others UTF8String.
        assert _same_rdns(request.subject) == _same_rdns(intended), said
        assert [a._type.name for a in request.subject] == [  # the ASN.1 string types
            "PrintableString", "UTF8String", "UTF8String", "UTF8String"], said
        assert _openssl_subject(csr) == intended, said
        subject, statuses = _preflight(stage, csr)
        assert subject == intended, f"{said}\nthe validator read {subject.rfc4514_string()}"
        for check_id in ("subject.c", "subject.o", "subject.ou", "subject.cn", "csr.signature"):
            assert statuses[check_id] == "pass", (check_id, statuses)
        utf8 = "-utf8" in block.text
        assert utf8 == bool(re.search(r"[^\x00-\x7f]", case.o + case.cn)), said

    play_nuvy(stage, workdir)
    for block in [*_filled(CURL, values), *_filled(PYTHON, values)]:
        run = run_block(block, workdir, env)
        assert run.written_file or (run.ok and "404" in run.output.splitlines()), (
            f"{block.where} filled for {case.name} against {stage.kind}:\n{block.text}\n{run.output}"
        )
    assert not list(workdir.glob("pwned*")), "a value was run as a command"


def test_the_pages_show_the_commands_filled_with_the_defaults() -> None:
    """Without JavaScript a page shows what the form makes of its defaults, so the suite runs exactly that."""
    requests = [
        {"op": "fill", "text": b.text, "language": b.language, "tab": b.tab,
         "values": details.values("Example Client", "example-client", environment="qa")}
        for b in BLOCKS
    ]
    differ = [b.where for b, text in zip(BLOCKS, details.call(requests), strict=True) if text != b.text]
    assert not differ, f"these blocks are not what the form makes of its defaults: {differ}"


def test_every_file_name_carries_its_environment() -> None:
    """One convention on every page: nuvy-ca-<env>.crt/.crl and <stem>-<env>.<ext>, never the shared names."""
    old = re.compile(r"(?<![\w.-])nuvy-(?:ca|client)\.(?:crt|crl|key|csr|p12|pfx)\b")
    found = [b.where for b in collect(DOCS) if old.search(b.text)]
    assert not found, f"blocks with a file name that does not say its environment: {found}"


CHECKS = [
    ({"c": "br"}, "c", "must be in capitals: write BR"),
    ({"c": "BRA"}, "c", "two-letter country code"),
    ({"c": ""}, "c", "is empty"),
    ({"o": ""}, "o", "Company name (O) is empty"),
    ({"cn": ""}, "cn", "Client id (CN) is empty"),
    ({"o": " Pão"}, "o", "starts with a space: remove it"),
    ({"cn": "pao "}, "cn", "ends with a space: remove it"),
    ({"o": "a" * 65}, "o", "has 65 characters; a certificate takes at most 64 (RFC 5280, ub-organization-"),
    ({"cn": "\U0001d400" * 65}, "cn", "has 65 characters; a certificate takes at most 64 (RFC 5280, ub-"),
    ({"o": "Pão\nCia"}, "o", "control character (U+000A"),
    ({"cn": "a\u202eb"}, "cn", "invisible character (U+202E)"),
    ({"stem": "../keys"}, "stem", 'only letters A\u2013Z, digits, ".", "-" and "_"'),
    ({"stem": "my files"}, "stem", "only letters"),
    ({"stem": ""}, "stem", "is empty"),
]


@pytest.mark.parametrize(
    ("change", "field", "message"), CHECKS, ids=[f"{case[1]}-{index}" for index, case in enumerate(CHECKS)],
)
def test_values_are_refused_with_a_message_that_says_what_to_change(
    change: dict[str, str], field: str, message: str,
) -> None:
    result = details.check({**details.values("Pão & Cia", "pao"), **change})
    assert not result["ok"]
    assert list(result["errors"]) == [field], result["errors"]
    assert message in result["errors"][field]


def test_an_emoji_is_refused_because_no_name_comparison_can_read_it(stage: Stage, tmp_path: Path) -> None:
    """OpenSSL would encode it, but RFC 5280 compares names by LDAP StringPrep (RFC 4518), which refuses
    code points Unicode 3.2 did not assign: the validator (asn1crypto) cannot read such a CSR at all."""
    result = details.check(details.values("Café ☕ Ltda 🚀", "client-🚀"))
    assert not result["ok"]
    assert result["errors"]["o"].startswith('Company name (O) contains "☕" (U+2615), which a certificate')
    assert result["errors"]["cn"].startswith('Client id (CN) contains "🚀" (U+1F680)')
    prepare_workdir(stage, tmp_path)
    subprocess.run(
        ["/usr/bin/openssl", "req", "-new", "-key", mapping.CLIENT_KEY_NAME, "-out", "emoji.csr", "-utf8",
         "-subj", "/C=BR/O=Café ☕ Ltda 🚀/OU=QA/CN=client"],
        cwd=tmp_path, check=True, capture_output=True, timeout=30,
    )
    with pytest.raises(InputError, match="unassigned code points"):
        _preflight(stage, tmp_path / "emoji.csr")


def test_the_filler_refuses_exactly_what_stringprep_calls_unassigned() -> None:
    """details-fill.js's copy of RFC 3454 table A.1 is Python's stringprep table, which the validator uses."""
    expected: list[list[int]] = []
    for point in range(0x110000):
        if stringprep.in_table_a1(chr(point)):
            if expected and expected[-1][1] == point - 1:
                expected[-1][1] = point
            else:
                expected.append([point, point])
    script = (
        "process.stdout.write(JSON.stringify(require(process.argv[1]).UNASSIGNED_IN_UNICODE_3_2))"
    )
    done = subprocess.run(
        ["node", "-e", script, str(details.FILLER)], capture_output=True, text=True, check=True, timeout=60,
    )
    assert json.loads(done.stdout) == expected


def test_limits_count_characters_not_utf16_units() -> None:
    assert details.check(details.values("\U0001d400" * 64, LONG_CN))["ok"]  # U+1D400: two UTF-16 units each
    assert details.check(details.values("Ç" * 64, "c"))["ok"]


def test_a_decomposed_accent_is_written_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "São Paulo")
    assert details.check(details.values(decomposed, "c"))["values"]["o"] == "São Paulo"


def test_the_csr_comparison_names_the_field_that_differs() -> None:
    values = details.values("Pão & Cia / Filial 2", "a+b")
    same, split, wrong_ou = details.call([
        {"op": "compare", "subject": r"CN=a\+b,OU=QA,O=Pão & Cia / Filial 2,C=BR", "values": values},
        {"op": "compare", "subject": "CN=a+CN=b,OU=QA,O=Pão & Cia ,C=BR", "values": values},
        {"op": "compare", "subject": r"CN=a\+b,OU=Production,O=Pão & Cia / Filial 2,C=BR", "values": values},
    ])
    assert same == []
    assert split[0].startswith('Company name (O): the CSR says "Pão & Cia ", your details say')
    assert split[1].startswith("Client id (CN): the CSR has 2 CN values")
    assert wrong_ou == ['Environment (OU): the CSR says "Production", your details say "QA".']
