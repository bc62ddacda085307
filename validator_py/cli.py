"""``python -m validator_py check FILE... [--ca [LABEL=]FILE]... [--env LABEL] [--crl [LABEL=]FILE]
[--csr FILE] [--at ISO-8601] [--warn-days N] [--fail-on fail|warn] [--json]``

Exit status: 0 pass or warn, 1 fail (or warn, with ``--fail-on warn``), 2 unusable input or arguments
(message on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .inputs import InputError, opening
from .pipeline import Environment, validate
from .policy import Policy
from .report import Report, Status

EXIT_OK, EXIT_FAIL, EXIT_UNUSABLE = 0, 1, 2

_COLOURS = {Status.PASS: "32", Status.WARN: "33", Status.FAIL: "31", Status.NOT_APPLICABLE: "2"}
_LABELS = {Status.PASS: "PASS", Status.WARN: "WARN", Status.FAIL: "FAIL", Status.NOT_APPLICABLE: "N/A"}


class UsageError(Exception):
    """Arguments that cannot work (a missing file, an unknown --env); exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m validator_py",
        description="Check a Nuvy mTLS client certificate, CSR or partner chain (see the onboarding guide).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check",
        help="check certificates, CSRs or chains",
        description="Auto-detects a certificate, a CSR, a certificate plus its CSR, or a partner chain.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help="PEM or DER files (use - for stdin)")
    check.add_argument(
        "--ca", action="append", default=[], metavar="[LABEL=]FILE",
        help="a Nuvy CA certificate, optionally labelled with its environment (qa=nuvy-ca-qa.crt)",
    )
    check.add_argument("--env", metavar="LABEL", help="environment to check against (default: first --ca)")
    check.add_argument(
        "--crl", action="append", default=[], metavar="[LABEL=]FILE",
        help="a CRL: LABEL=FILE for an environment's, FILE alone for a partner chain's (matched by issuer)",
    )
    check.add_argument("--csr", metavar="FILE", help="check that the certificate belongs to this CSR")
    check.add_argument("--at", metavar="ISO-8601", help="check at this time, not now (UTC if no offset)")
    check.add_argument("--warn-days", type=int, default=Policy().warn_days, metavar="N",
                       help="warn when the certificate expires within N days (default: %(default)s)")
    check.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    check.add_argument(
        "--fail-on", choices=("fail", "warn"), default="fail",
        help="exit 1 on this verdict or worse (warn: a cron job fails before the certificate expires)",
    )
    return parser


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise UsageError(f"Cannot read {path}: {error.strerror or error}.") from None


def _labelled(value: str) -> tuple[str | None, str]:
    label, sep, path = value.partition("=")
    if sep and label and not Path(value).exists():
        return label, path
    return None, value


def _display_name(label: str) -> str:
    return label.upper() if len(label) <= 3 else opening(label)


def _environments(cas: Sequence[str], crls: Sequence[str]) -> list[Environment]:
    envs: list[Environment] = []
    for index, value in enumerate(cas, start=1):
        label, path = _labelled(value)
        env_id = label or (Path(path).stem if len(cas) > 1 else "ca")
        if any(env.id == env_id for env in envs):
            env_id = f"{env_id}-{index}"
        # An unlabelled CA is named by its file, so messages read "the CA in nuvy-ca.crt (ca)".
        name = _display_name(env_id) if label else f"CA in {Path(path).name}"
        envs.append(Environment(id=env_id, name=name, ca=_read(path)))
    for value in crls:
        label, path = _labelled(value)
        if label is None:
            continue  # An unlabelled CRL joins the input and covers whichever certificate its issuer issued.
        target = label
        match = [env for env in envs if env.id == target]
        if not match:
            raise UsageError(f"--crl {value}: there is no --ca labelled {target!r}.")
        envs = [Environment(e.id, e.name, e.ca, _read(path)) if e is match[0] else e for e in envs]
    return envs


# A date, or a date and time, then an optional zone. The shape is checked first because Python's parser takes
# any character after a date as a separator: "2026-06-15+05:00" would read as 05:00, not that date at +05:00.
_AT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?P<time>[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?",
    re.ASCII,
)


def _moment(value: str | None) -> dt.datetime:
    """--at: no zone means UTC, as --help says; a date alone is its midnight in the zone given."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    shape = _AT.fullmatch(value)
    if shape is not None:
        # Python 3.11's parser reads "Z"; it refuses what has the shape of a time but no such day or hour.
        written = shape["date"] + (shape["time"] or "T00:00") + (shape["zone"] or "Z")
        try:
            return dt.datetime.fromisoformat(written)
        except ValueError:
            pass
    raise UsageError(f"--at {value!r} is not an ISO-8601 time, e.g. 2026-06-15T12:00:00Z.")


def _run(args: argparse.Namespace) -> Report:
    envs = _environments(args.ca, args.crl)
    selected = args.env or (envs[0].id if envs else "")
    if args.env and not any(env.id == args.env for env in envs):
        known = ", ".join(env.id for env in envs) or "none (add --ca LABEL=FILE)"
        raise UsageError(f"--env {args.env}: no such environment; configured: {known}.")
    if args.warn_days < 0:
        raise UsageError("--warn-days must be zero or positive.")
    data = [_read(path) for path in args.files]
    data += [_read(path) for label, path in map(_labelled, args.crl) if label is None]
    csr = _read(args.csr) if args.csr else None
    policy = Policy(warn_days=args.warn_days)
    at = _moment(args.at)
    try:
        return validate(data, envs, selected=selected, at=at, policy=policy, csr=csr)
    except InputError:
        raise
    except ValueError:
        # Past the input boundary, validate raises ValueError only for a certificate with no environment
        # to check it against: here, no --ca was given.
        raise UsageError(
            "A certificate is checked against a Nuvy CA: add --ca FILE "
            "(or --ca qa=FILE --ca production=FILE)."
        ) from None


def _colour(enabled: bool, status: Status, text: str) -> str:
    return f"\033[{_COLOURS[status]}m{text}\033[0m" if enabled else text


def render_table(report: Report, out: TextIO, colour: bool) -> None:
    data: dict[str, Any] = report.to_dict()
    details = data["details"]
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 140))
    print(f"Kind: {report.kind}", file=out)
    if "subject_openssl" in details:
        print(f"Subject as Nuvy sees it: {details['subject_openssl']}", file=out)
    for key in ("subject", "issuer", "serial", "not_before", "not_after", "sha256_fingerprint", "public_key"):
        if key in details:
            print(f"{key.replace('_', ' ').capitalize()}: {details[key]}", file=out)
    if "csr" in details:
        print(f"CSR subject: {details['csr']['subject_openssl']}", file=out)
    print(file=out)
    id_width = max(len(check.id) for check in report.checks)
    indent = 6 + id_width + 2
    for check in report.checks:
        wrapped = textwrap.wrap(check.message, width=max(30, width - indent)) or [""]
        status = _colour(colour, check.status, f"{_LABELS[check.status]:<4}")
        print(f"{status}  {check.id:<{id_width}}  {wrapped[0]}", file=out)
        for line in wrapped[1:]:
            print(" " * indent + line, file=out)
    print(file=out)
    print("Verdict: " + _colour(colour, report.verdict, report.verdict.value.upper()), file=out)
    if report.bundle_pem:
        print("\nCA certificates to send to Nuvy (guide step 12):\n", file=out)
        print(report.bundle_pem, end="", file=out)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        report = _run(args)
    except (InputError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        colour = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        render_table(report, sys.stdout, colour)
    failing = {Status.FAIL} if args.fail_on == "fail" else {Status.FAIL, Status.WARN}
    return EXIT_FAIL if report.verdict in failing else EXIT_OK
