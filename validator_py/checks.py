"""The certificate report's environment check: which configured Nuvy CA issued the certificate.

Path validation (``path/``) answers whether the chain up to the selected environment's CA is valid; this
check names the environment that did issue it when that is another one, so a QA certificate checked
against Production says so instead of only failing.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import CRL, Certificate
from .record import record
from .runner import Check, F, Outcome, P


@record
class EnvironmentCA:
    """A configured environment with its CA (and CRL) parsed."""

    id: str
    name: str
    ca: Certificate
    crl: CRL | None

    @property
    def label(self) -> str:
        # "the QA CA (qa)"; a name that already says CA ("CA in nuvy-ca.crt") is not told twice.
        what = self.name if self.name.startswith("CA ") or self.name.endswith(" CA") else f"{self.name} CA"
        return f"the {what} ({self.id})"


@record
class EnvironmentContext:
    cert: Certificate
    selected: EnvironmentCA
    environments: tuple[EnvironmentCA, ...]
    # environment id -> True when a path whose every signature verifies reaches that environment's CA,
    # False when none does, None when the names chain there but a signature could not be checked.
    reaches: Mapping[str, bool | None]
    unverifiable: str  # why a signature could not be checked, for the None case


def _environment(context: EnvironmentContext) -> Outcome:
    selected = context.selected
    if context.reaches.get(selected.id) is True:
        return P, f"Issued under {selected.label}, the environment you selected."
    for env in context.environments:
        if env.id != selected.id and context.reaches.get(env.id) is True:
            return F, (
                f"This certificate was issued by {env.label}, not by {selected.label} you selected. "
                f"Use it against {env.name}, or ask Nuvy for a {selected.name} certificate."
            )
    for env in context.environments:
        if context.reaches.get(env.id) is None:
            return F, (
                f"The issuer name is that of {env.label}, but which CA signed it could not be confirmed: "
                f"{context.unverifiable}. Ask Nuvy for a certificate signed with SHA-256."
            )
    configured = ", ".join(env.label for env in context.environments)
    return F, (
        f"None of the configured CAs ({configured}) issued this certificate. It is from another CA; "
        "a server trusting Nuvy's CA refuses it in the TLS handshake, and an AWS load balancer logs "
        "ClientCertUntrusted (guide step 11)."
    )


ENVIRONMENT_CHECKS: list[Check[EnvironmentContext]] = [
    Check("environment.issuer", "Issued by the selected environment", _environment),
]
