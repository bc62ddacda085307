"""THE one place that maps the guide's real names to the test ones.

The samples in docs/ run unchanged. What differs between a user's machine and the test machine is
decided here, and only here:

Hosts
    `qa.mtls.nuvy.ai:443` and `mtls.nuvy.ai:443` resolve to the test server of the run: the load
    balancer (HAProxy) or nginx, both on 127.0.0.1:<free port> (see servers.py).
    - curl, Python requests, Go and Java reach them through a local HTTP CONNECT proxy given in the
      standard proxy settings (`https_proxy` / `HTTPS_PROXY`, `-Dhttps.proxyHost` in `JDK_JAVA_OPTIONS`).
    - `openssl s_client` gets `-proxy` added by a wrapper named `openssl` that comes first on PATH;
      every other openssl command passes through untouched.
    - Node.js loads a preload (`NODE_OPTIONS=--require`) that points `tls.connect` at a local TCP
      forwarder to the server (Node has no proxy setting).
    Inside the tunnel the TLS session still uses the real name, so SNI and hostname checks stay on:
    the test server certificate has both real names as SANs.

Files (put into each page's working directory under the names the guide uses: one set per environment,
`nuvy-ca-<env>.crt` and `nuvy-client-<env>.<ext>`, so QA's files never overwrite Production's)
    nuvy-ca-<env>.crt      the test client CA: what "Nuvy" uses to check the client certificate (step 1).
                           Both environments get the same test CA: the test servers trust one client CA.
    nuvy-ca-<env>.crl      the test client CA's current CRL (step 9); it revokes no certificate the pages use.
    server-ca.crt          the public test root CA: the root of the API's TLS certificate chain.
    nuvy-client-<env>.crt  issued by the harness from nuvy-client-<env>.csr, playing Nuvy in step 5.
    Except on the pages in PUBLISHED_CA_PAGES (the download page): there, the commands check the CA
    file the site publishes, so nuvy-ca-<env>.crt is the CA of the environment named by the block's tab.

The system trust store (what users get when a sample leaves the server CA out)
    is the public test root CA, "Test Public Root CA", given through `CURL_CA_BUNDLE`,
    `REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE` (OpenSSL, Python and Go read it) and `NODE_EXTRA_CA_CERTS`.
    The servers send their certificate with the issuing CA, so the clients build the chain to that root
    as they do to a public CA. Never a nuvy-ca-<env>.crt: the samples are tested with the trust a user has.

Windows
    PowerShell is not on the test machine. A `powershell` block that holds only native commands
    (`openssl`, `curl.exe`) runs under bash after the rewrites in `powershell_as_bash` ($env:NAME,
    backtick line ends, NUL); `curl.exe` is Debian's curl (OpenSSL, not Windows' Schannel). A block with
    anything else (cmdlets, variables) must be marked not runnable with its reason.

Go
    `go run` builds with the standard library only: GOPROXY=off (no module download), GOFLAGS empty,
    GOCACHE and GOPATH in the session's temporary directory.

Side effects of the tunnel that users never see are hidden
    `$HOME/.curlrc` (a private HOME) holds `suppress-connect-headers`, and Java's launcher notice
    "Picked up JDK_JAVA_OPTIONS" is simply extra output that no expectation depends on.

Secrets the guide reads from the environment
    `NUVY_P12_PASSWORD`: the PKCS#12 password of the Java and Windows steps.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

REAL_HOSTS = ("qa.mtls.nuvy.ai", "mtls.nuvy.ai")
REAL_PORT = 443

# The environments' ids, as in mkdocs.yml; the pages show QA's names unless a tab or the form says otherwise.
ENVIRONMENT_IDS = ("qa", "production")
DEFAULT_ENVIRONMENT = ENVIRONMENT_IDS[0]
CLIENT_STEM = "nuvy-client"


def client_ca_name(environment: str = DEFAULT_ENVIRONMENT) -> str:
    return f"nuvy-ca-{environment}.crt"


def client_file(extension: str, environment: str = DEFAULT_ENVIRONMENT, stem: str = CLIENT_STEM) -> str:
    return f"{stem}-{environment}.{extension}"


def client_crl_name(environment: str = DEFAULT_ENVIRONMENT) -> str:
    return f"nuvy-ca-{environment}.crl"


CLIENT_CA_NAME = client_ca_name()
SERVER_CA_NAME = "server-ca.crt"
CLIENT_CERT_NAME = client_file("crt")
CLIENT_KEY_NAME = client_file("key")
CLIENT_CSR_NAME = client_file("csr")
CLIENT_P12_NAME = client_file("p12")

PUBLISHED_CA_PAGES = frozenset({"download.md"})

P12_PASSWORD_VARIABLE = "NUVY_P12_PASSWORD"
P12_PASSWORD = "test-only-p12-password"

_OPENSSL_WRAPPER = """\
#!/bin/sh
# Written by tests/guide/mapping.py: tunnel `openssl s_client` to the test server, pass the rest through.
if [ "$1" = s_client ]; then
    shift
    exec /usr/bin/openssl s_client -proxy {proxy} "$@"
fi
exec /usr/bin/openssl "$@"
"""

_NODE_PRELOAD = """\
// Written by tests/guide/mapping.py: send the guide's real hosts to the test server, keep SNI and checks.
"use strict";
const tls = require("node:tls");
const routes = JSON.parse(process.env.NUVY_TEST_ROUTES);
const connect = tls.connect;
tls.connect = function (...args) {
  const options = args[0];
  if (options && typeof options === "object") {
    const target = routes[`${options.host}:${options.port || 443}`];
    if (target) {
      options.servername = options.servername || options.host;
      options.host = target[0];
      options.port = target[1];
    }
  }
  return connect.apply(this, args);
};
"""


def routes(port: int) -> dict[str, tuple[str, int]]:
    """"host:443" -> a local port (the test server, or the forwarder to it), for every real host name."""
    return {f"{host}:{REAL_PORT}": ("127.0.0.1", port) for host in REAL_HOSTS}


def write_tools(tools_dir: Path, home: Path, proxy_port: int) -> None:
    """Write the openssl wrapper and the Node preload (first on PATH), and the private HOME's .curlrc."""
    tools_dir.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    # Without this, `curl --include` would also print the proxy's "200 Connection established".
    (home / ".curlrc").write_text("suppress-connect-headers\n")
    wrapper = tools_dir / "openssl"
    wrapper.write_text(_OPENSSL_WRAPPER.format(proxy=f"127.0.0.1:{proxy_port}"))
    wrapper.chmod(0o755)
    (tools_dir / "nuvy-hosts.cjs").write_text(_NODE_PRELOAD)
    # Windows ships curl as curl.exe; the PowerShell blocks call it by that name.
    curl_exe = tools_dir / "curl.exe"
    if not curl_exe.exists():
        curl_exe.symlink_to("/usr/bin/curl")


def tool_environment(
    *, tools_dir: Path, home: Path, proxy_port: int, node_port: int, server_trust: Path, go_dir: Path,
) -> dict[str, str]:
    """The environment every block runs in; `server_trust` plays the system trust store."""
    proxy = f"http://127.0.0.1:{proxy_port}"
    trust = str(server_trust)
    env = {
        "PATH": f"{tools_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        # A private HOME keeps a developer's ~/.curlrc or Java settings out of the results.
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "https_proxy": proxy,
        "HTTPS_PROXY": proxy,
        "NO_PROXY": "",
        "no_proxy": "",
        "CURL_CA_BUNDLE": trust,
        "REQUESTS_CA_BUNDLE": trust,
        "SSL_CERT_FILE": trust,
        "NODE_EXTRA_CA_CERTS": trust,
        "NODE_OPTIONS": f"--require {tools_dir / 'nuvy-hosts.cjs'}",
        "NUVY_TEST_ROUTES": json.dumps(routes(node_port)),
        "JDK_JAVA_OPTIONS": f"-Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort={proxy_port}",
        P12_PASSWORD_VARIABLE: P12_PASSWORD,
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GOFLAGS": "",
        "GOTOOLCHAIN": "local",
        "GOCACHE": str(go_dir / "cache"),
        "GOPATH": str(go_dir / "path"),
    }
    # Python must find the same interpreter and packages the tests run with.
    for name in ("VIRTUAL_ENV", "PYTHONPATH"):
        if name in os.environ:
            env[name] = os.environ[name]
    return env


_NATIVE_COMMANDS = ("openssl", "curl.exe")


# PowerShell takes the typographic single quotes as single quotes too (its tokenizer's IsSingleQuote).
_PS_QUOTES = "'\u2018\u2019\u201a\u201b"
_PS_STRING = re.compile(
    rf'(?P<double>"(?:[^"`]|`.)*")'
    rf"|[{_PS_QUOTES}](?P<single>(?:[^{_PS_QUOTES}]|[{_PS_QUOTES}]{{2}})*)[{_PS_QUOTES}]",
    re.DOTALL,
)


def powershell_single_quoted(text: str) -> str:
    """The value of a PowerShell single-quoted string's body: two quote characters stand for the second."""
    return re.sub(rf"[{_PS_QUOTES}]([{_PS_QUOTES}])", r"\1", text)


def bash_single_quoted(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def powershell_as_bash(text: str, where: str) -> str:
    """The bash form of a PowerShell block made only of native commands; ValueError for anything else.

    A single-quoted PowerShell string is passed to a native command as its value (PowerShell 7.3 and
    newer escape it for the program's command line, which OpenSSL and curl parse back); it becomes the
    bash single-quoted string of the same value. Nothing inside it is rewritten.
    """
    values: list[str] = []

    def hold(match: re.Match[str]) -> str:
        if match.group("double") is not None:
            return match.group(0)
        values.append(bash_single_quoted(powershell_single_quoted(match.group("single"))))
        return f"\x00{len(values) - 1}\x00"

    script = _PS_STRING.sub(hold, text)
    script = re.sub(r"`[ \t]*$", lambda _: "\\", script, flags=re.MULTILINE)  # backtick line end -> backslash
    script = re.sub(r"\$env:(\w+)", r"${\1}", script)
    script = re.sub(r"(?<=\s)NUL(?=\s|$)", "/dev/null", script)
    continued = False
    for line in script.splitlines():
        command = line.strip()
        runs = command and not command.startswith("#") and not continued
        if runs and command.split()[0] not in _NATIVE_COMMANDS:
            raise ValueError(
                f"{where}: this PowerShell block runs `{command.split()[0]}`, which is not a native "
                f"command the suite can run ({', '.join(_NATIVE_COMMANDS)}); mark it "
                "<!-- not-runnable: REASON -->"
            )
        continued = command.endswith("\\")
    return re.sub(r"\x00(\d+)\x00", lambda match: values[int(match.group(1))], script)
