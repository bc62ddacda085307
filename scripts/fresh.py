"""`nox -s fresh`: run the README's two commands, exactly as written, on a new Debian 12 root.

What a developer's new machine has is a stock Debian 12 (bookworm): the system python3 (3.11.2, no pip, no
ensurepip), git, the CA certificates, and a clone of the project. This script builds such a root with
debootstrap, from the Debian mirror this machine's apt sources already name, and carries over only what
any machine here needs to reach the package registries: the CA bundle, DNS, and pip's and npm's
configuration (files and PIP_* / NPM_CONFIG_* variables). It clones the committed HEAD into the root and,
through chroot:

- runs the serve line until http://127.0.0.1:8000/validator/ answers with the validator page, then stops
  the server;
- runs the test line, twice in a row: both runs must be green with the same counts.

It prints the summary lines of each and always unmounts what it mounted (proc, sys, dev/pts, dev/shm:
Chromium needs the last two and /proc). Needs root (debootstrap, mount, chroot). Standard library only.
Logs go to build/fresh/logs/; the root is build/fresh/root, deleted at the end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "fresh"
SUITE = "bookworm"
# Debian 12's python3: the oldest Python pyproject.toml's requires-python admits, so the root proves that
# every pin installs on it (tests/fresh/test_fresh.py keeps the two in step).
OLDEST_PYTHON = "3.11.2"
# A stock Debian 12 machine that has cloned the project: python3 and git, nothing for Python packaging.
INCLUDE = ("python3", "git", "ca-certificates")
PROJECT_IN_ROOT = "/root/nuvy-portal"
SERVE_URL = "http://127.0.0.1:8000/validator/"
SERVE_PORT = 8000
VALIDATOR_MARK = 'id="nuvy-data"'
# Hang checks only: the serve line installs Debian, npm and pip packages before it serves; a test run
# is bounded like CI's.
SERVE_LIMIT_S = 45 * 60
TEST_LIMIT_S = 90 * 60
POLL_S = 2.0
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Where this machine keeps pip's and npm's configuration; those that exist are copied to the same place.
CONFIG_PATHS = (
    "/etc/pip.conf",
    "/etc/xdg/pip",
    "~/.config/pip",
    "~/.pip/pip.conf",
    "/etc/npmrc",
    "/usr/etc/npmrc",
    "/usr/local/etc/npmrc",
    "~/.npmrc",
)
# Variables that say how to reach the registries: pip's and npm's settings, the CA bundle, proxies.
REGISTRY_VARIABLES = re.compile(
    r"^(PIP_\w+|NPM_CONFIG_\w+|npm_config_\w+|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|CURL_CA_BUNDLE"
    r"|NODE_EXTRA_CA_CERTS|HTTPS?_PROXY|https?_proxy|NO_PROXY|no_proxy)$"
)
BASE_ENV = {
    "HOME": "/root",
    "USER": "root",
    "LOGNAME": "root",
    "LANG": "C.UTF-8",
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
}
# pytest's closing line ("==== 1140 passed, 2 skipped in 401.22s ====") and nox's session results.
_PYTEST_SUMMARY = re.compile(r"^=+ (.*\b(passed|failed|errors?|skipped|no tests ran)\b.*) =+$")
_NOX_SUMMARY = re.compile(r"^nox > (Session \S+ (was successful|failed|raised)|\* \S+: \w+)")
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)")


class FreshError(RuntimeError):
    """The check failed; the message says where and what to read."""


# ------------------------------------------------------------------------------------------- pure parts


@dataclass(frozen=True)
class AptSource:
    uris: tuple[str, ...]
    suites: tuple[str, ...]
    components: tuple[str, ...]


def parse_apt_sources(text: str, *, deb822: bool) -> list[AptSource]:
    """The `deb` entries of a sources file: one-line format (.list) or deb822 (.sources)."""
    sources = []
    if deb822:
        for stanza in re.split(r"\n\s*\n", text):
            fields: dict[str, str] = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line or line[:1].isspace():
                    continue
                key, value = line.split(":", 1)
                fields[key.strip().lower()] = value.strip()
            if "deb" in fields.get("types", "").split() and fields.get("enabled", "yes") != "no":
                sources.append(
                    AptSource(
                        tuple(fields.get("uris", "").split()),
                        tuple(fields.get("suites", "").split()),
                        tuple(fields.get("components", "").split()),
                    )
                )
        return sources
    for line in text.splitlines():
        words = re.sub(r"\[[^\]]*\]", "", line.split("#", 1)[0]).split()
        if len(words) >= 3 and words[0] == "deb":
            sources.append(AptSource((words[1],), (words[2],), tuple(words[3:])))
    return sources


def host_apt_sources(etc: Path = Path("/etc/apt")) -> list[AptSource]:
    """Every enabled `deb` entry apt reads on this machine (sources.list, sources.list.d/*.list|.sources)."""
    files = [etc / "sources.list"]
    parts = etc / "sources.list.d"
    if parts.is_dir():
        files += sorted(parts.glob("*.list")) + sorted(parts.glob("*.sources"))
    sources = []
    for path in files:
        if path.is_file():
            sources += parse_apt_sources(path.read_text(encoding="utf-8"), deb822=path.suffix == ".sources")
    return sources


def debian_sources(sources: Sequence[AptSource], suite: str = SUITE) -> list[AptSource]:
    """The entries for `suite` and its -updates/-security suites, with only those suites and `main`."""
    wanted = (suite, f"{suite}-updates", f"{suite}-security")
    found = []
    for source in sources:
        suites = tuple(name for name in source.suites if name in wanted)
        if suites and "main" in source.components:
            found.append(AptSource(source.uris, suites, ("main",)))
    return found


def mirror(sources: Sequence[AptSource], suite: str = SUITE) -> str:
    """The archive that serves `suite` itself: what debootstrap builds the root from."""
    for source in sources:
        if suite in source.suites and source.uris:
            return source.uris[0]
    raise FreshError(
        f"no apt source on this machine serves Debian {suite} (main); "
        "read /etc/apt/sources.list and /etc/apt/sources.list.d/"
    )


def sources_file(sources: Sequence[AptSource]) -> str:
    """The root's /etc/apt/sources.list.d/debian.sources."""
    stanzas = [
        "\n".join(
            [
                "Types: deb",
                f"URIs: {' '.join(source.uris)}",
                f"Suites: {' '.join(source.suites)}",
                f"Components: {' '.join(source.components)}",
                "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
            ]
        )
        for source in sources
    ]
    return "\n\n".join(stanzas) + "\n"


@dataclass(frozen=True)
class ReadmeCommands:
    serve: str
    test: str


def readme_commands(readme: str) -> ReadmeCommands:
    """The README's two commands: the first indented block, one line that serves and one that tests."""
    block: list[str] = []
    for line in readme.splitlines():
        if line.startswith("    ") and line.strip():
            block.append(line.strip())
        elif block:
            break
    if len(block) != 2:
        raise FreshError(f"README.md: the first code block must be the two commands; found {block}")
    serve = [line for line in block if re.search(r"\s-s serve\b", line)]
    test = [line for line in block if line not in serve]
    if len(serve) != 1:
        raise FreshError(f"README.md: exactly one of {block} must run `-s serve`")
    return ReadmeCommands(serve=serve[0], test=test[0])


def registry_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of this machine that say how to reach PyPI and npm."""
    return {name: value for name, value in sorted(environ.items()) if REGISTRY_VARIABLES.match(name)}


def split_pem_bundle(text: str) -> list[str]:
    """Each certificate of a PEM bundle, as its own PEM text."""
    return re.findall(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----\n?", text, flags=re.DOTALL)


def summary_lines(log: str) -> list[str]:
    """pytest's closing lines and nox's session results, in order."""
    lines = []
    for line in log.splitlines():
        text = line.strip()
        if _PYTEST_SUMMARY.match(text) or _NOX_SUMMARY.match(text):
            lines.append(text)
    return lines


def pytest_counts(lines: Sequence[str]) -> dict[str, int]:
    """The counts of pytest's last closing line ({"passed": 1140, "skipped": 2}); empty when none."""
    closing = [line for line in lines if _PYTEST_SUMMARY.match(line)]
    if not closing:
        return {}
    counts = {}
    for number, word in _COUNT.findall(closing[-1]):
        counts[word.rstrip("s") if word in ("errors", "warnings") else word] = int(number)
    return counts


def green(counts: Mapping[str, int]) -> bool:
    return counts.get("passed", 0) > 0 and not counts.get("failed") and not counts.get("error")


# ------------------------------------------------------------------------------------------ the root


def _run(command: Sequence[str], **kwargs: object) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]


def _mounted_under(root: Path) -> list[str]:
    prefix = str(root.resolve()) + "/"
    mounts = Path("/proc/self/mounts").read_text(encoding="utf-8").splitlines()
    points = [line.split()[1].replace("\\040", " ") for line in mounts if len(line.split()) > 1]
    return [point for point in points if point.startswith(prefix)]


def _processes_in(root: Path) -> list[int]:
    """Processes whose root directory is `root`: only ever ones this script started there."""
    found = []
    target = str(root.resolve())
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                if os.readlink(entry / "root") == target:
                    found.append(int(entry.name))
    return found


def _stop_processes_in(root: Path) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = _processes_in(root)
        for pid in pids:
            with suppress(ProcessLookupError):
                os.kill(pid, sig)
        if pids:
            time.sleep(3)


@contextmanager
def mounted(root: Path) -> Iterator[None]:
    """proc, sys, a private dev/pts and dev/shm in the root; all unmounted on the way out, even on error.

    No host directory is bind-mounted, so nothing done in the root can reach the host's /dev.
    """
    mounts = [
        (["-t", "proc", "proc"], "proc"),
        (["-t", "sysfs", "sysfs"], "sys"),
        (["-t", "devpts", "-o", "newinstance,ptmxmode=0666", "devpts"], "dev/pts"),
        (["-t", "tmpfs", "-o", "mode=1777,size=4g", "shm"], "dev/shm"),
    ]
    done: list[Path] = []
    try:
        for options, where in mounts:
            point = root / where
            point.mkdir(parents=True, exist_ok=True)
            _run(["mount", *options, str(point)])
            done.append(point)
        yield
    finally:
        _stop_processes_in(root)
        for point in reversed(done):
            result = subprocess.run(["umount", str(point)], check=False)
            if result.returncode != 0:
                subprocess.run(["umount", "-l", str(point)], check=False)
        left = _mounted_under(root)
        if left:
            print(f"fresh: still mounted, unmount by hand: {left}", file=sys.stderr, flush=True)


def _copy_into(root: Path, host_path: Path, inside: Path | None = None) -> None:
    """Copy a file or directory of this machine into the root, at ``inside`` (an absolute path in the
    root; by default the same path as on this machine)."""
    target = root / (inside or host_path).relative_to("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if host_path.is_dir():
        shutil.copytree(host_path, target, dirs_exist_ok=True)
    else:
        shutil.copy2(host_path, target)


def carry_over(root: Path) -> list[str]:
    """What the root gets from this machine: CA bundle, DNS, pip's and npm's configuration."""
    carried = []
    _copy_into(root, CA_BUNDLE)
    bundle = CA_BUNDLE.read_text(encoding="ascii")
    # Installing a package that runs update-ca-certificates rebuilds the bundle from these directories,
    # so every certificate of this machine's bundle also goes there; the rebuilt bundle keeps them.
    extra = root / "usr/local/share/ca-certificates/fresh-host"
    extra.mkdir(parents=True, exist_ok=True)
    certificates = split_pem_bundle(bundle)
    for index, pem in enumerate(certificates):
        (extra / f"{index:04d}.crt").write_text(pem, encoding="ascii")
    carried.append(f"{CA_BUNDLE} ({len(certificates)} certificates)")
    for name in ("resolv.conf", "hosts"):
        _copy_into(root, Path("/etc") / name)
        carried.append(f"/etc/{name}")
    for spelled in CONFIG_PATHS:
        # "~" is this machine's home here, and root's home (where the tests run) inside the root.
        inside = Path(spelled.replace("~", "/root", 1)) if spelled.startswith("~") else Path(spelled)
        host = Path(os.path.expanduser(spelled))
        if host.exists():
            _copy_into(root, host, inside)
            carried.append(spelled)
    # Packages must not start services (nginx) in the root: they would outlive it on this machine's network.
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text("#!/bin/sh\n# nox -s fresh: no service starts inside the root.\nexit 101\n")
    policy.chmod(0o755)
    return carried


def build_root(root: Path, archive: str, sources: Sequence[AptSource]) -> None:
    if _mounted_under(root):
        raise FreshError(f"{root}: something is still mounted there; unmount it first")
    shutil.rmtree(root, ignore_errors=True)
    root.parent.mkdir(parents=True, exist_ok=True)
    _run(["debootstrap", "--variant=minbase", f"--include={','.join(INCLUDE)}", SUITE, str(root), archive])
    apt = root / "etc/apt"
    (apt / "sources.list").write_text("")
    (apt / "sources.list.d").mkdir(parents=True, exist_ok=True)
    (apt / "sources.list.d/debian.sources").write_text(sources_file(sources), encoding="utf-8")


def clone_head(root: Path, project: Path) -> str:
    head = subprocess.run(
        ["git", "-C", str(project), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(project), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True, text=True, check=True,
    ).stdout
    if dirty.strip():
        print("fresh: uncommitted changes are not part of the check (it clones HEAD)", flush=True)
    target = root / PROJECT_IN_ROOT.lstrip("/")
    _run(["git", "clone", "--quiet", "--no-checkout", str(project), str(target)])
    _run(["git", "-C", str(target), "checkout", "--quiet", "--detach", head])
    return head


def _in_root(root: Path, line: str, environment: Mapping[str, str]) -> list[str]:
    variables = [f"{name}={value}" for name, value in {**environment, **BASE_ENV}.items()]
    return [
        "chroot", str(root), "/usr/bin/env", "-i", *variables,
        "/bin/bash", "-c", f"cd {PROJECT_IN_ROOT} && {line}",
    ]


def _tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _validator_page() -> str | None:
    try:
        with urllib.request.urlopen(SERVE_URL, timeout=10) as response:
            body = response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, OSError):
        return None
    return body if VALIDATOR_MARK in body else None


def _stop(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_serve(root: Path, line: str, environment: Mapping[str, str], log: Path) -> list[str]:
    if not _port_free(SERVE_PORT):
        raise FreshError(f"port {SERVE_PORT} is already in use on this machine; the serve line needs it")
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            _in_root(root, line, environment), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            page = None
            while page is None:
                if process.poll() is not None:
                    code = process.returncode
                    raise FreshError(f"the serve line exited ({code}) before serving:\n{_tail(log)}")
                if time.monotonic() - started > SERVE_LIMIT_S:
                    raise FreshError(f"{SERVE_URL} did not answer within {SERVE_LIMIT_S} s:\n{_tail(log)}")
                time.sleep(POLL_S)
                page = _validator_page()
        finally:
            _stop(process)
    title = re.search(r"<title>(.*?)</title>", page, flags=re.DOTALL)
    shown = title.group(1).strip() if title else "?"
    output = log.read_text(encoding="utf-8", errors="replace").splitlines()
    built = [line.strip() for line in output if "Documentation built" in line]
    return [
        *built[-1:],
        f"{SERVE_URL} answered with the validator page ({shown!r}) "
        f"{time.monotonic() - started:.0f} s after the serve line started; server stopped",
    ]


def run_tests(root: Path, line: str, environment: Mapping[str, str], log: Path) -> tuple[int, list[str]]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            _in_root(root, line, environment), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=TEST_LIMIT_S)
        except subprocess.TimeoutExpired:
            _stop(process)
            raise FreshError(f"the test line did not finish within {TEST_LIMIT_S} s:\n{_tail(log)}") from None
    return code, summary_lines(log.read_text(encoding="utf-8", errors="replace"))


def _python_in_root(root: Path) -> str:
    result = subprocess.run(
        ["chroot", str(root), "/usr/bin/python3", "--version"], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or result.stderr.strip()


def prepare_root(project: Path, root: Path) -> None:
    """Build the root, carry over what reaches the registries, check its Python, clone HEAD into it."""
    sources = debian_sources(host_apt_sources())
    archive = mirror(sources)
    print(f"fresh: Debian {SUITE} from {archive} into {root}", flush=True)
    build_root(root, archive, sources)
    carried = carry_over(root)
    variables = ", ".join(registry_environment(os.environ)) or "none"
    print(f"fresh: carried over {', '.join(carried)}; variables {variables}", flush=True)
    python = _python_in_root(root)
    if python != f"Python {OLDEST_PYTHON}":
        raise FreshError(
            f"the root's python3 is {python!r}, not {OLDEST_PYTHON}, the oldest Python that pyproject.toml "
            "admits; the check would not prove the pins install on it"
        )
    head = clone_head(root, project)
    print(f"fresh: {head[:12]} cloned into {PROJECT_IN_ROOT}; {python}", flush=True)


def verdict(results: Sequence[tuple[int, list[str]]], logs: Path) -> list[str]:
    """What is wrong with the test runs: one that is not green, or runs that counted differently."""
    problems = []
    counted = [pytest_counts(summary) for _, summary in results]
    for run, ((code, _), counts) in enumerate(zip(results, counted, strict=True), start=1):
        if code != 0 or not green(counts):
            log = logs / f"test-{run}.log"
            problems.append(f"test run {run} was not green (exit {code}, {counts}); read {log}")
    if any(counts != counted[0] for counts in counted):
        problems.append(f"the runs counted differently: {counted}")
    return problems


def check(project: Path, work: Path, runs: int, keep: bool) -> int:
    if os.geteuid() != 0:
        raise FreshError("needs root (debootstrap, mount, chroot); run it as root")
    commands = readme_commands((project / "README.md").read_text(encoding="utf-8"))
    environment = registry_environment(os.environ)
    root = work / "root"
    logs = work / "logs"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    prepare_root(project, root)
    results: list[tuple[int, list[str]]] = []
    with mounted(root):
        print(f"fresh: serve line: {commands.serve}", flush=True)
        for line in run_serve(root, commands.serve, environment, logs / "serve.log"):
            print(f"fresh: serve: {line}", flush=True)
        for run in range(1, runs + 1):
            print(f"fresh: test line, run {run} of {runs}: {commands.test}", flush=True)
            code, summary = run_tests(root, commands.test, environment, logs / f"test-{run}.log")
            for line in summary:
                print(f"fresh: test run {run}: {line}", flush=True)
            print(f"fresh: test run {run}: exit {code}", flush=True)
            results.append((code, summary))
    problems = verdict(results, logs)
    if not keep:
        if _mounted_under(root):
            problems.append(f"{root} was kept: something is still mounted there")
        else:
            shutil.rmtree(root, ignore_errors=True)
    for problem in problems:
        print(f"fresh: FAILED: {problem}", file=sys.stderr, flush=True)
    if problems:
        return 1
    counts = pytest_counts(results[0][1])
    print(f"fresh: OK: {runs} test runs green with the same counts {counts}", flush=True)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=2, help="how many times to run the test line (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the root (build/fresh/root) afterwards")
    args = parser.parse_args(argv)
    try:
        return check(ROOT, WORK, args.runs, args.keep)
    except (FreshError, subprocess.CalledProcessError) as error:
        print(f"fresh: FAILED: {error}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
