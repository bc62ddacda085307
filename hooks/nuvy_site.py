"""MkDocs hooks of the Nuvy portal (the one entry listed under `hooks:` in mkdocs.yml).

MkDocs loads this file by path, outside any package. The logic lives in the `hooks` package next to
it, imported as `hooks.<module>` so that names such as `runtime` cannot collide with other top-level
modules; the project root is put on sys.path for that. Each event only wires the modules together:

- hooks.environments: read `extra.environments`, fingerprint each CA, fail on bad CAs;
- hooks.release: with NUVY_RELEASE=1, fail unless every CA is the one Nuvy publishes;
- hooks.guards: fail when a private key would be published;
- hooks.runtime: vendored Pyodide and the validator bundle, checked by hash;
- hooks.pages: the download section and the validator's JSON data;
- hooks.details: the "Your details" form that fills a page's commands;
- hooks.prefetch: the guide pages' hint to fetch the validator's runtime files once idle;
- hooks.csp: the Content-Security-Policy meta and `_headers`;
- hooks.wheel: the command-line validator's wheel, from the sources the browser bundle pins.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

# First on the path, so a build of another checkout (a test copy, say) uses that checkout's hooks.
_PROJECT_ROOT = str(Path(__file__).resolve().parent.parent)
if sys.path[:1] != [_PROJECT_ROOT]:
    sys.path.insert(0, _PROJECT_ROOT)

from hooks import a11y, csp, details, guards, pages, prefetch, release  # noqa: E402 - needs the path set above.
from hooks.environments import CaConfigError, CaEnvironment, load_environments  # noqa: E402
from hooks.runtime import RuntimePlan, VendorError, check_bundle_pin, load_pins, plan_runtime  # noqa: E402
from hooks.wheel import Wheel, WheelError, build_wheel, with_wheel  # noqa: E402

# Directories whose files end up on the site and so must never hold a private key.
PUBLISHED_DIRS = ("docs", "site_assets")


@dataclass
class _Build:
    """Everything one build decided in on_pre_build and collects while rendering pages."""

    root: Path
    docs_dir: Path
    environments: tuple[CaEnvironment, ...]
    runtime: RuntimePlan
    limits: dict[str, int]
    wheel: Wheel
    script_hashes: set[str] = field(default_factory=set)


# MkDocs hooks are plain functions; the current build's state lives here between events.
_CURRENT: dict[str, _Build] = {}


def _build() -> _Build:
    if "build" not in _CURRENT:
        raise PluginError("nuvy hooks: on_pre_build did not run; build the site with `mkdocs build`")
    return _CURRENT["build"]


def on_pre_build(config: Any) -> None:
    root = Path(config.config_file_path).resolve().parent
    docs_dir = Path(config.docs_dir).resolve()
    leaked = guards.files_with_private_keys(root, PUBLISHED_DIRS)
    if leaked:
        raise PluginError(guards.private_key_message(leaked))
    try:
        loaded = load_environments(config.extra.get("environments"), docs_dir, dt.datetime.now(dt.UTC))
        if release.is_release(os.environ):
            release.check_release(loaded)
        # The bundle's pin is checked last, in on_post_build, so a guard on the pages reports first.
        plan = plan_runtime(root, check_pin=False)
        wheel = build_wheel(root)
    except (CaConfigError, release.ReleaseError, VendorError, WheelError) as error:
        raise PluginError(str(error)) from error
    _CURRENT["build"] = _Build(root, docs_dir, loaded, plan, pages.input_limits(), wheel)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    environments = _build().environments
    try:
        markdown = pages.with_demo_notice(markdown, environments)
    except pages.PageDataError as error:
        raise PluginError(f"docs/{page.file.src_uri}: {error}") from error
    markdown = with_wheel(markdown, _build().wheel, page.url)
    markdown = details.with_details(markdown, environments, page.url)
    if pages.DOWNLOADS_MARKER not in markdown:
        return markdown
    section = pages.downloads_markdown(environments, page.url)
    return markdown.replace(pages.DOWNLOADS_MARKER, section)


def _with_policy(output: str, shown: str) -> str:
    try:
        output, hashes = csp.with_policy_meta(output)
    except csp.MissingHeadError as error:
        raise PluginError(f"{shown}: {error}; check the theme overrides") from error
    _build().script_hashes.update(hashes)
    return output


def on_post_page(output: str, page: Any, config: Any) -> str:
    if pages.DATA_MARKER in output:
        build = _build()
        try:
            pems = pages.samples(build.environments, build.docs_dir)
            data = pages.page_data(build.environments, build.runtime, page.url, build.limits, pems)
            boot = (build.root / pages.BOOT_SCRIPT).read_text(encoding="utf-8")
            output = pages.with_head_tags(output, pages.head_tags(data, boot))
        except pages.PageDataError as error:
            raise PluginError(f"docs/{page.file.src_uri}: {error}") from error
        except OSError as error:
            shown = pages.BOOT_SCRIPT
            raise PluginError(f"{shown}: cannot be read ({error}); restore it from git") from error
    elif prefetch.wants_hint(page.file.src_uri, output, pages.DATA_MARKER):
        output = _with_prefetch_hint(output, page.url)
    return _with_policy(a11y.name_search_dialog(output), f"docs/{page.file.src_uri}")


def _with_prefetch_hint(output: str, page_url: str) -> str:
    build = _build()
    runtime = pages.page_data(build.environments, build.runtime, page_url, build.limits, {})["runtime"]
    tags = prefetch.hint_tags(runtime, get_relative_url(prefetch.HINT_SCRIPT, page_url))
    try:
        return prefetch.with_hint(output, tags)
    except prefetch.PrefetchError as error:
        raise PluginError(f"{page_url or 'index'}: {error}") from error


def on_post_template(output_content: str, template_name: str, config: Any) -> str:
    # Theme pages such as 404.html are rendered outside on_post_page and need the policy too.
    if not template_name.endswith(".html"):
        return output_content
    return _with_policy(a11y.name_search_dialog(output_content), template_name)


def _copy_site_assets(root: Path, site_dir: Path) -> None:
    source = root / "site_assets"
    if source.is_dir():
        shutil.copytree(source, site_dir / "assets" / "nuvy", dirs_exist_ok=True)


def on_post_build(config: Any) -> None:
    build = _build()
    try:
        check_bundle_pin(load_pins(build.root), build.runtime.manifest, build.runtime.bundle_path)
    except VendorError as error:
        raise PluginError(str(error)) from error
    site_dir = Path(config.site_dir)
    for environment in build.environments:
        target = site_dir / pages.site_ca_path(environment)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(build.docs_dir / environment.ca_path, target)
        if environment.crl is not None:
            crl_target = site_dir / pages.site_crl_path(environment)
            shutil.copyfile(build.docs_dir / environment.crl.path, crl_target)
    build.runtime.write(site_dir)
    wheel_path = site_dir / build.wheel.site_path
    wheel_path.parent.mkdir(parents=True, exist_ok=True)
    wheel_path.write_bytes(build.wheel.data)
    _copy_site_assets(build.root, site_dir)
    summary = [
        {"id": env.id, "name": env.name, "host": env.host, "ca_pem": env.ca_pem, "sha256": env.sha256}
        for env in build.environments
    ]
    environments_json = json.dumps(summary, indent=2) + "\n"
    (site_dir / "assets" / "environments.json").write_text(environments_json, encoding="utf-8")
    (site_dir / "_headers").write_text(csp.headers_file(build.script_hashes), encoding="utf-8")
    _CURRENT.pop("build", None)
