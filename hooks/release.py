"""Release builds: the site may ship only the CA certificates Nuvy publishes.

An ordinary build takes the committed DEMO CAs (their pages say so). A release build, asked for with
``NUVY_RELEASE=1`` in the environment, refuses any environment whose CA file is a demo CA, whose
SHA-256 differs from the fingerprint Nuvy publishes for it (``published_sha256`` in mkdocs.yml), or for
which Nuvy publishes no fingerprint at all, naming the file each time. The checks read only the loaded
environments, so they do not depend on the site builder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hooks.environments import CaEnvironment

RELEASE_VARIABLE = "NUVY_RELEASE"


class ReleaseError(ValueError):
    """A release build would ship a CA that is not the one Nuvy publishes; the message says which files."""


def is_release(environ: Mapping[str, str]) -> bool:
    """True for ``NUVY_RELEASE=1``; unset, empty or ``0`` is an ordinary build; anything else is an error.

    A typo must not quietly produce an ordinary (demo) build where a release was asked for.
    """
    value = environ.get(RELEASE_VARIABLE, "").strip()
    if value in ("", "0"):
        return False
    if value == "1":
        return True
    raise ReleaseError(
        f"{RELEASE_VARIABLE}={value!r}: set it to 1 for a release build, or to 0 (or leave it unset) "
        "for an ordinary build with the demo CAs"
    )


def environment_problems(environment: CaEnvironment) -> list[str]:
    """Why a release build may not ship this environment's CA file, one sentence each, naming the file."""
    shown = f"docs/{environment.ca_path}"
    problems = []
    if environment.demo:
        problems.append(
            f"{shown}: is a DEMO CA ({environment.subject}); replace it with the CA certificate Nuvy "
            f"publishes for environment '{environment.id}'"
        )
    if environment.published_sha256 is None:
        problems.append(
            f"{shown}: environment '{environment.id}' has no published_sha256 in mkdocs.yml; record the "
            "SHA-256 fingerprint Nuvy publishes for this environment's CA there"
        )
    elif environment.sha256 != environment.published_sha256:
        problems.append(
            f"{shown}: SHA-256 fingerprint {environment.sha256} differs from "
            f"{environment.published_sha256}, the one Nuvy publishes for environment '{environment.id}'; "
            "put the published CA certificate there"
        )
    return problems


def check_release(environments: Sequence[CaEnvironment]) -> None:
    """Raise ReleaseError listing every problem of every environment; return if the release may ship."""
    problems = [problem for environment in environments for problem in environment_problems(environment)]
    if problems:
        raise ReleaseError(
            f"release build ({RELEASE_VARIABLE}=1) refused: it ships only the CAs Nuvy publishes.\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )
