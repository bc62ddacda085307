"""The versions of the tools whose messages troubleshooting.md quotes, as this machine has them."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Mapping


def _first_line(command: list[str], env: Mapping[str, str]) -> str:
    done = subprocess.run(command, env=dict(env), capture_output=True, text=True, check=False, timeout=60)
    return (done.stdout + done.stderr).strip().splitlines()[0] if (done.stdout + done.stderr).strip() else ""


def _without(env: Mapping[str, str], name: str) -> dict[str, str]:
    # The launchers announce these variables on their first line; the version line must come first.
    return {key: value for key, value in env.items() if key != name}


def _curl(env: Mapping[str, str]) -> str:
    return " ".join(_first_line(["curl", "--version"], env).split()[:2])          # "curl 7.88.1"


def _openssl(env: Mapping[str, str]) -> str:
    return " ".join(_first_line(["/usr/bin/openssl", "version"], env).split()[:2])  # "OpenSSL 3.0.19"


def _python(env: Mapping[str, str]) -> str:
    return _first_line(["python3", "--version"], env)                            # "Python 3.11.7"


def _node(env: Mapping[str, str]) -> str:
    return "Node.js " + _first_line(["node", "--version"], _without(env, "NODE_OPTIONS")).lstrip("v")


def _java(env: Mapping[str, str]) -> str:
    text = _first_line(["java", "-version"], _without(env, "JDK_JAVA_OPTIONS"))
    match = re.search(r'version "([^"]+)"', text)
    return f"Java {match.group(1) if match else text}"


def _go(env: Mapping[str, str]) -> str:
    # "go version go1.19.8 linux/amd64" -> "Go 1.19.8"
    match = re.search(r"go version go(\S+)", _first_line(["go", "version"], env))
    return f"Go {match.group(1) if match else '?'}"


_PROBES: dict[str, Callable[[Mapping[str, str]], str]] = {
    "curl": _curl, "OpenSSL": _openssl, "Python": _python, "Node.js": _node, "Java": _java, "Go": _go,
}


def version_of(product: str, env: Mapping[str, str]) -> str:
    """E.g. version_of("curl", env) == "curl 7.88.1"; the product names are those of `seen with:` marks."""
    if product not in _PROBES:
        raise KeyError(f"unknown product {product!r} in a `seen with:` mark; use one of {sorted(_PROBES)}")
    return _PROBES[product](env)
