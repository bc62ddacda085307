"""In Pyodide, asn1crypto's IP address helpers are swapped for its pure-Python ones (`_compat`).

The swap runs only on Emscripten, where tests/hardening's verdict-parity suite exercises it in Chromium.
This runs the same swap under CPython, so that a certificate with IPv4 and IPv6 addresses in its SAN and
in name constraints reads the same with the portable helpers as with the platform's.
"""

from __future__ import annotations

import ipaddress

import pytest
from asn1crypto import util, x509
from cryptography import x509 as c_x509

from validator_py import _compat

from .oracles import our_report
from .path_cases import chain_mode, nc
from .pathkit import make_ca, make_leaf


def _swap(monkeypatch: pytest.MonkeyPatch) -> None:
    """`_compat`'s Pyodide swap, undone after the test (monkeypatch restores what it recorded)."""
    for module in (util, x509):
        monkeypatch.setattr(module, "inet_ntop", module.inet_ntop)
        monkeypatch.setattr(module, "inet_pton", module.inet_pton)
    _compat._use_portable_inet()


def _report_messages() -> dict[str, str]:
    san = [c_x509.IPAddress(ipaddress.ip_address(text)) for text in ("192.0.2.7", "2001:db8::7")]
    networks = ("192.0.2.0/24", "2001:db8::/32")
    constraints = nc([c_x509.IPAddress(ipaddress.ip_network(text)) for text in networks])
    root = make_ca("Inet Root")
    inter = make_ca("Inet CA", root, name_constraints=constraints)
    report = our_report(chain_mode(make_leaf(inter, san=san), [inter], root), "chain")
    return {check.id: check.message for check in report.checks}


def test_the_portable_helpers_are_the_ones_asn1crypto_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    from asn1crypto import _inet

    _swap(monkeypatch)
    assert (util.inet_ntop, util.inet_pton) == (_inet.inet_ntop, _inet.inet_pton)
    assert (x509.inet_ntop, x509.inet_pton) == (_inet.inet_ntop, _inet.inet_pton)
    assert x509.IPAddress.load(x509.IPAddress("2001:db8::7").dump()).native == "2001:db8::7"


def test_ip_addresses_read_the_same_with_the_portable_helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    platform = _report_messages()
    _swap(monkeypatch)
    assert _report_messages() == platform
    assert platform["path.name_constraints"].startswith("Every name")
