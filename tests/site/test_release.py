"""A release build (NUVY_RELEASE=1) ships only the CAs Nuvy publishes; an ordinary build keeps the demo CAs.

mkdocs.yml records, per environment, the fingerprint Nuvy publishes (`published_sha256`). The onboarding
guide publishes one, for QA: the release build must refuse the committed demo CAs and name each file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped]  # PyYAML ships no type hints.
from site_helpers import ROOT, CertMaker, run_build

from hooks import environments, release

NOW = dt.datetime.now(dt.UTC)
QA_CA = "docs/assets/ca/qa/nuvy-ca.crt"
PRODUCTION_CA = "docs/assets/ca/production/nuvy-ca.crt"
# The SHA-256 the source guide's download page shows under "Select environment".
GUIDE_FINGERPRINT = (
    "0C:FD:52:FF:F8:B9:F7:99:5A:F2:B3:7C:B7:89:73:27:88:16:30:A1:AB:F9:DE:DF:42:43:11:42:37:52:3C:60"
)


def _config(root: Path) -> dict[str, Any]:
    loaded = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _environments(root: Path) -> dict[str, dict[str, Any]]:
    return {str(entry["id"]): entry for entry in _config(root)["extra"]["environments"]}


def _rewrite_environment(project: Path, env_id: str, **changes: Any) -> None:
    config = _config(project)
    for entry in config["extra"]["environments"]:
        if entry["id"] == env_id:
            entry.update(changes)
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")


def _entry(**overrides: Any) -> dict[str, Any]:
    return {"id": "qa", "name": "QA", "ca": "ca.crt", "host": "qa.example", **overrides}


def _load(docs: Path, **overrides: Any) -> environments.CaEnvironment:
    return environments.load_environments([_entry(**overrides)], docs, NOW)[0]


# ---------------------------------------------------------------------------------------- the config


def test_every_environment_records_what_nuvy_publishes() -> None:
    recorded = _environments(ROOT)
    assert set(recorded) == {"qa", "production"}
    for env_id, entry in recorded.items():
        assert "published_sha256" in entry, f"environment {env_id!r} does not say what Nuvy publishes"
    # The guide's curl and s_client examples connect to qa.mtls.nuvy.ai: its fingerprint is QA's.
    assert recorded["qa"]["published_sha256"] == GUIDE_FINGERPRINT
    assert recorded["qa"]["host"] == "qa.mtls.nuvy.ai"
    # The guide publishes nothing for Production; a release must not guess.
    assert recorded["production"]["published_sha256"] is None


# ------------------------------------------------------------------------------------ NUVY_RELEASE


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, False),
        ({"NUVY_RELEASE": ""}, False),
        ({"NUVY_RELEASE": "0"}, False),
        ({"NUVY_RELEASE": "1"}, True),
    ],
)
def test_release_is_asked_for_with_nuvy_release_1(environ: dict[str, str], expected: bool) -> None:
    assert release.is_release(environ) is expected


@pytest.mark.parametrize("value", ["yes", "true", "2"])
def test_any_other_value_is_an_error_not_an_ordinary_build(value: str) -> None:
    expected = rf"NUVY_RELEASE='{value}': set it to 1 for a release build"
    with pytest.raises(release.ReleaseError, match=expected):
        release.is_release({"NUVY_RELEASE": value})


# ------------------------------------------------------------------------------------ the checks


def test_published_fingerprint_is_normalised(tmp_path: Path, make_cert: CertMaker) -> None:
    (tmp_path / "ca.crt").write_bytes(make_cert(common_name="Nuvy QA CA"))
    actual = _load(tmp_path).sha256
    loaded = _load(tmp_path, published_sha256=actual.replace(":", "").lower())
    assert loaded.published_sha256 == actual
    release.check_release([loaded])  # the published CA, not a demo: a release may ship it


@pytest.mark.parametrize("value", ["AB:CD", "ZZ" * 32, 1234])
def test_malformed_published_fingerprint_is_a_config_error(
    tmp_path: Path, make_cert: CertMaker, value: object
) -> None:
    (tmp_path / "ca.crt").write_bytes(make_cert())
    with pytest.raises(
        environments.CaConfigError, match=r"extra.environments\[0\].published_sha256 .* is not a SHA-256"
    ):
        _load(tmp_path, published_sha256=value)


def test_demo_ca_is_refused_naming_the_file(tmp_path: Path, make_cert: CertMaker) -> None:
    (tmp_path / "ca.crt").write_bytes(make_cert(common_name="Nuvy DEMO QA CA"))
    demo = _load(tmp_path)
    demo = _load(tmp_path, published_sha256=demo.sha256)  # even the published fingerprint: a demo is a demo
    assert release.environment_problems(demo) == [
        "docs/ca.crt: is a DEMO CA (CN=Nuvy DEMO QA CA); replace it with the CA certificate Nuvy publishes "
        "for environment 'qa'"
    ]


def test_ca_other_than_the_published_one_is_refused_naming_the_file(
    tmp_path: Path, make_cert: CertMaker
) -> None:
    (tmp_path / "ca.crt").write_bytes(make_cert(common_name="Nuvy QA CA"))
    other = _load(tmp_path, published_sha256=GUIDE_FINGERPRINT)
    with pytest.raises(release.ReleaseError) as raised:
        release.check_release([other])
    assert str(raised.value) == (
        "release build (NUVY_RELEASE=1) refused: it ships only the CAs Nuvy publishes.\n"
        f"  - docs/ca.crt: SHA-256 fingerprint {other.sha256} differs from {GUIDE_FINGERPRINT}, the one Nuvy "
        "publishes for environment 'qa'; put the published CA certificate there"
    )


def test_environment_without_a_published_fingerprint_is_refused(tmp_path: Path, make_cert: CertMaker) -> None:
    (tmp_path / "ca.crt").write_bytes(make_cert(common_name="Nuvy QA CA"))
    assert release.environment_problems(_load(tmp_path, published_sha256=None)) == [
        "docs/ca.crt: environment 'qa' has no published_sha256 in mkdocs.yml; record the SHA-256 fingerprint "
        "Nuvy publishes for this environment's CA there"
    ]


# ------------------------------------------------------------------------------------ real builds
# The ordinary build of the demo CAs is test_build.py's (run_build unsets NUVY_RELEASE).


def test_release_build_refuses_the_committed_demo_cas_naming_each_file(project: Path) -> None:
    result = run_build(project, nuvy_release="1")
    assert result.returncode != 0, result.output
    assert "release build (NUVY_RELEASE=1) refused" in result.output
    assert f"{QA_CA}: is a DEMO CA" in result.output
    assert f"{QA_CA}: SHA-256 fingerprint 7F:81:52:6B" in result.output
    assert f"differs from {GUIDE_FINGERPRINT}, the one Nuvy publishes for environment 'qa'" in result.output
    assert f"{PRODUCTION_CA}: is a DEMO CA" in result.output
    assert f"{PRODUCTION_CA}: environment 'production' has no published_sha256 in mkdocs.yml" in result.output
    assert "Traceback" not in result.output
    assert not (project / "site" / "index.html").exists(), "a refused release must not leave a site"


def test_release_build_names_only_the_files_that_are_not_published(
    project: Path, make_cert: CertMaker
) -> None:
    # QA holds a CA that matches what is recorded as published; Production is still the demo.
    (project / QA_CA).write_bytes(make_cert(common_name="Nuvy QA Client CA"))
    fingerprint = _load(project / "docs", ca="assets/ca/qa/nuvy-ca.crt").sha256
    # The committed CRL is the demo CA's, which this CA did not sign: no CRL for QA here.
    _rewrite_environment(project, "qa", sha256=fingerprint, published_sha256=fingerprint, crl=None)
    result = run_build(project, nuvy_release="1")
    assert result.returncode != 0, result.output
    assert f"{PRODUCTION_CA}: is a DEMO CA" in result.output
    assert QA_CA not in result.output, result.output


def test_release_variable_with_another_value_stops_the_build(project: Path) -> None:
    result = run_build(project, nuvy_release="true")
    assert result.returncode != 0, result.output
    assert "NUVY_RELEASE='true': set it to 1 for a release build, or to 0" in result.output
    assert "Traceback" not in result.output
