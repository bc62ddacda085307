"""The pure parts of `nox -s fresh` (scripts/fresh.py) and how it stays in step with README.md, .ci/run and
pyproject.toml. The check itself (debootstrap, chroot, two full test runs) is `nox -s fresh`, run by hand.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from scripts import fresh

ROOT = Path(__file__).resolve().parents[2]

DEB822 = """\
Types: deb
# a comment inside a stanza
URIs: http://mirror.invalid/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.invalid/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://mirror.invalid/debian
Suites: bookworm
Components: main

Types: deb
Enabled: no
URIs: http://off.invalid/debian
Suites: bookworm
Components: main
"""

ONE_LINE = """\
# deb http://commented.invalid/debian bookworm main
deb [signed-by=/usr/share/keyrings/x.gpg arch=amd64] http://mirror.invalid/debian bookworm main
deb http://other.invalid/apt cloud-sdk-bookworm main
deb-src http://mirror.invalid/debian bookworm main
"""


def test_deb822_sources_keep_enabled_deb_entries() -> None:
    sources = fresh.parse_apt_sources(DEB822, deb822=True)
    assert sources == [
        fresh.AptSource(
            ("http://mirror.invalid/debian",), ("bookworm", "bookworm-updates"), ("main", "contrib")
        ),
        fresh.AptSource(("http://mirror.invalid/debian-security",), ("bookworm-security",), ("main",)),
    ]


def test_one_line_sources_drop_options_and_comments() -> None:
    sources = fresh.parse_apt_sources(ONE_LINE, deb822=False)
    assert sources == [
        fresh.AptSource(("http://mirror.invalid/debian",), ("bookworm",), ("main",)),
        fresh.AptSource(("http://other.invalid/apt",), ("cloud-sdk-bookworm",), ("main",)),
    ]


def test_the_root_gets_the_debian_suites_and_debootstrap_the_main_archive() -> None:
    sources = fresh.parse_apt_sources(DEB822, deb822=True) + fresh.parse_apt_sources(ONE_LINE, deb822=False)
    debian = fresh.debian_sources(sources)
    assert [source.suites for source in debian] == [
        ("bookworm", "bookworm-updates"),
        ("bookworm-security",),
        ("bookworm",),
    ]
    assert all(source.components == ("main",) for source in debian)
    assert fresh.mirror(debian) == "http://mirror.invalid/debian"
    text = fresh.sources_file(debian[:2])
    first, second = text.split("\n\n")
    assert first.splitlines()[:3] == [
        "Types: deb",
        "URIs: http://mirror.invalid/debian",
        "Suites: bookworm bookworm-updates",
    ]
    assert second.splitlines()[1:4] == [
        "URIs: http://mirror.invalid/debian-security",
        "Suites: bookworm-security",
        "Components: main",
    ]


def test_no_debian_source_is_an_error_that_says_where_to_look() -> None:
    trixie_only = ONE_LINE.replace(" bookworm ", " trixie ")
    trixie = fresh.debian_sources(fresh.parse_apt_sources(trixie_only, deb822=False))
    with pytest.raises(fresh.FreshError, match=r"no apt source on this machine serves Debian bookworm"):
        fresh.mirror(trixie)


def test_readme_has_a_serve_line_and_a_test_line() -> None:
    commands = fresh.readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands.serve.endswith("-s serve")
    assert commands.test.endswith("-s lint tests")
    for line in (commands.serve, commands.test):
        # The system python3 only starts the venv script; nothing is pip-installed into it.
        assert line.startswith("python3 scripts/venv.py && .venv/bin/nox "), line
        assert "--break-system-packages" not in line
        assert "pip install" not in line


def test_ci_runs_the_readme_test_line_verbatim() -> None:
    commands = fresh.readme_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    lines = [line for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[-1] == commands.test, lines


def test_a_readme_without_two_commands_is_refused() -> None:
    with pytest.raises(fresh.FreshError, match=r"the first code block must be the two commands"):
        fresh.readme_commands("# Title\n\n    only-one-line\n\ntext\n")
    with pytest.raises(fresh.FreshError, match=r"exactly one of .* must run `-s serve`"):
        fresh.readme_commands("# Title\n\n    nox -s build\n    nox -s tests\n")


def test_requires_python_is_the_python_the_fresh_root_tests_on() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == f">={fresh.OLDEST_PYTHON}"


def test_only_registry_variables_are_carried_into_the_root() -> None:
    environ = {
        "PIP_CERT": "/etc/ssl/certs/ca-certificates.crt",
        "PIP_INDEX_URL": "https://index.invalid/simple",
        "NPM_CONFIG_REGISTRY": "https://npm.invalid/",
        "npm_config_cafile": "/etc/ssl/certs/ca-certificates.crt",
        "NODE_EXTRA_CA_CERTS": "/etc/ssl/certs/ca-certificates.crt",
        "HTTPS_PROXY": "http://proxy.invalid:3128",
        "HOME": "/home/someone",
        "PATH": "/opt/elsewhere/bin",
        "AWS_SECRET_ACCESS_KEY": "x",
        "PIPX_HOME": "/x",
    }
    assert sorted(fresh.registry_environment(environ)) == [
        "HTTPS_PROXY",
        "NODE_EXTRA_CA_CERTS",
        "NPM_CONFIG_REGISTRY",
        "PIP_CERT",
        "PIP_INDEX_URL",
        "npm_config_cafile",
    ]


def test_the_root_runs_a_line_in_the_clone_with_a_clean_environment() -> None:
    command = fresh._in_root(Path("/r"), "make it", {"PIP_CERT": "/c", "PATH": "/host/bin"})
    assert command[:4] == ["chroot", "/r", "/usr/bin/env", "-i"]
    assert "PIP_CERT=/c" in command
    # The root's own PATH and HOME, whatever the caller passes.
    assert f"PATH={fresh.BASE_ENV['PATH']}" in command
    assert "PATH=/host/bin" not in command
    assert command[-3:] == ["/bin/bash", "-c", f"cd {fresh.PROJECT_IN_ROOT} && make it"]


def test_a_pem_bundle_splits_into_its_certificates() -> None:
    one = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    two = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n"
    assert fresh.split_pem_bundle(f"# label\n{one}\n{two}") == [one, two]


LOG = """\
nox > Running session lint
All checks passed!
nox > Session lint was successful in 12 seconds.
nox > Running session tests
tests/site/test_build.py ....                                      [100%]
=================== 1140 passed, 2 skipped, 1 xfailed in 401.22s (0:06:41) ===================
nox > Session tests was successful in 9 minutes.
nox > Ran multiple sessions:
nox > * lint: success
nox > * tests: success
"""


def test_summary_lines_are_pytests_closing_line_and_noxs_results() -> None:
    lines = fresh.summary_lines(LOG)
    assert lines == [
        "nox > Session lint was successful in 12 seconds.",
        "=================== 1140 passed, 2 skipped, 1 xfailed in 401.22s (0:06:41) ===================",
        "nox > Session tests was successful in 9 minutes.",
        "nox > * lint: success",
        "nox > * tests: success",
    ]
    counts = fresh.pytest_counts(lines)
    assert counts == {"passed": 1140, "skipped": 2, "xfailed": 1}
    assert fresh.green(counts)


def test_a_failed_or_missing_run_is_not_green() -> None:
    failed = fresh.summary_lines("==== 2 failed, 1132 passed in 168.00s (0:02:47) ====\n")
    assert fresh.pytest_counts(failed) == {"failed": 2, "passed": 1132}
    assert not fresh.green(fresh.pytest_counts(failed))
    errors = fresh.pytest_counts(fresh.summary_lines("==== 1 passed, 3 errors in 1.00s ====\n"))
    assert errors == {"passed": 1, "error": 3}
    assert not fresh.green(errors)
    assert not fresh.green(fresh.pytest_counts(fresh.summary_lines("nox > Session tests failed.\n")))


def test_the_verdict_wants_every_run_green_with_the_same_counts(tmp_path: Path) -> None:
    same = fresh.summary_lines(LOG)
    assert fresh.verdict([(0, same), (0, same)], tmp_path) == []
    other = [line.replace("1140 passed", "1139 passed") for line in same]
    assert fresh.verdict([(0, same), (0, other)], tmp_path) == [
        "the runs counted differently: [{'passed': 1140, 'skipped': 2, 'xfailed': 1}, "
        "{'passed': 1139, 'skipped': 2, 'xfailed': 1}]"
    ]
    problems = fresh.verdict([(1, same)], tmp_path)
    assert len(problems) == 1
    assert re.fullmatch(r"test run 1 was not green \(exit 1, .*\); read .*test-1\.log", problems[0])


def test_nothing_is_mounted_under_a_new_directory(tmp_path: Path) -> None:
    assert fresh._mounted_under(tmp_path) == []


def test_carry_over_copies_the_bundle_config_and_dns_to_their_places_in_the_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    two = "-----BEGIN CERTIFICATE-----\nBBBB\n-----END CERTIFICATE-----\n"
    bundle = tmp_path / "host/ca.crt"
    bundle.parent.mkdir(parents=True)
    bundle.write_text(one + two, encoding="ascii")
    home = tmp_path / "home"
    (home / ".config/pip").mkdir(parents=True)
    (home / ".config/pip/pip.conf").write_text("[global]\nindex-url = https://mirror.invalid/simple\n")
    system = tmp_path / "host/npmrc"
    system.write_text("registry=https://mirror.invalid/npm/\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(fresh, "CA_BUNDLE", bundle)
    monkeypatch.setattr(fresh, "CONFIG_PATHS", ("~/.config/pip", str(system), "~/.npmrc"))
    root = tmp_path / "root"
    (root / "usr/sbin").mkdir(parents=True)  # debootstrap made it

    carried = fresh.carry_over(root)

    assert carried == [
        f"{bundle} (2 certificates)", "/etc/resolv.conf", "/etc/hosts", "~/.config/pip", str(system)
    ]
    inside = root / bundle.relative_to("/")
    assert inside.read_text(encoding="ascii") == one + two
    extra = root / "usr/local/share/ca-certificates/fresh-host"
    assert sorted(p.name for p in extra.iterdir()) == ["0000.crt", "0001.crt"]
    assert (extra / "0001.crt").read_text(encoding="ascii").strip() == two.strip()
    # "~" means root's home inside the root, whoever runs the script here.
    assert (root / "root/.config/pip/pip.conf").read_text().startswith("[global]")
    assert (root / system.relative_to("/")).read_text() == system.read_text()
    assert (root / "etc/resolv.conf").read_bytes() == Path("/etc/resolv.conf").read_bytes()
    assert not (root / "root/.npmrc").exists()
    assert (root / "usr/sbin/policy-rc.d").read_text().endswith("exit 101\n")
