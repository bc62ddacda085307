"""What every path rule reads: the path built, the time, the policy, and how to name a certificate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ..inputs import opening
from ..model import Certificate
from ..policy import Policy
from ..record import record
from .building import Built, Path

# The checks the guide and the partner page teach, named in messages so a user can confirm a finding.
VERIFY = {
    "certificate": (
        "`openssl verify -CAfile nuvy-ca-<env>.crt -untrusted intermediates.crt nuvy-client-<env>.crt`"
    ),
    "chain": (
        "`openssl verify -CAfile partner-root.crt -untrusted partner-intermediate.crt partner-client.crt`"
    ),
}


@record
class PathContext:
    """The built path and its inputs. ``cert`` and ``policy`` make it a context for the profile checks."""

    built: Built
    at: dt.datetime
    policy: Policy
    mode: str  # "certificate" (anchor: an environment CA) or "chain" (anchor: a self-signed root given)
    anchor_labels: Mapping[bytes, str]  # anchor DER -> "the QA CA (qa)"; chain roots are not listed

    @property
    def path(self) -> Path:
        return self.built.path

    @property
    def certs(self) -> tuple[Certificate, ...]:
        return self.built.path.certs

    @property
    def cert(self) -> Certificate:
        return self.certs[0]

    @property
    def verify_command(self) -> str:
        return VERIFY[self.mode]

    @property
    def moment(self) -> dt.datetime:
        """The time of the check in whole seconds: certificates carry no fractions (RFC 5280 §4.1.2.5)."""
        return self.at.replace(microsecond=0)

    def is_anchor(self, index: int) -> bool:
        return self.path.complete and index == len(self.certs) - 1

    def label(self, index: int) -> str:
        if index == 0:
            return "the leaf certificate"
        if self.is_anchor(index):
            return self.anchor_labels.get(self.certs[index].der, "the root certificate")
        return f"intermediate certificate {index}"

    def name(self, index: int) -> str:
        """A certificate by position and CN, as certvalidator words it: "intermediate certificate 1 (X)"."""
        if self.is_anchor(index) and self.certs[index].der in self.anchor_labels:
            return self.label(index)  # "the QA CA (qa)" already names it.
        cn = self.certs[index].subject.get("CN")
        return f"{self.label(index)} ({cn[0]})" if cn else self.label(index)

    def sentence_name(self, index: int) -> str:
        """``name`` to open a sentence with: "The leaf certificate (client-name)"."""
        return opening(self.name(index))

    def issuers(self) -> range:
        """Positions of the certificates that issued another one on the path (trust anchor included)."""
        return range(1, len(self.certs))


def sentence(findings: Sequence[str]) -> str:
    """Findings as one sentence without its full stop, so each check adds its advice."""
    return opening("; ".join(findings))
