""""Your details": the form that fills the commands of a page with a client's own values.

A page asks for it with the marker `<!-- nuvy:details -->` (the guide, the quickstart, troubleshooting).
The marker becomes the form, hidden until its script runs: without JavaScript the page shows the commands
as written, with the placeholders. The form's data (each environment's id, name and host) is a JSON data
block, which the CSP does not need to allow; the logic is two same-origin scripts from site_assets/:
`details-fill.js` (checks the values and fills a block's text; the guide suite runs the same file under
Node) and `details-form.js` (the form and the page's code blocks). Nothing typed is stored or sent.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence

from mkdocs.utils import get_relative_url

from hooks.environments import CaEnvironment

DETAILS_MARKER = "<!-- nuvy:details -->"
SCRIPTS = ("assets/nuvy/details-fill.js", "assets/nuvy/details-form.js")
STYLESHEET = "assets/nuvy/details.css"
FORM_ID = "your-details"

# (field, label, hint, placeholder, initial value); the initial values are details-fill.js's DEFAULTS for
# the fields a client rarely changes; the company name and the client id start empty.
_FIELDS = (
    ("o", "Company name (O)", "As your company is registered; at most 64 characters.", "Example Client", ""),
    ("cn", "Client id (CN)", "The client identifier agreed with Nuvy; at most 64 characters.",
     "example-client", ""),
    ("c", "Country (C)", "Two capital letters (ISO 3166).", "BR", "BR"),
    ("stem", "File-name stem", "Your files are named STEM-ENVIRONMENT.key, .csr, .crt.",
     "nuvy-client", "nuvy-client"),
)


def _field(name: str, label: str, hint: str, placeholder: str, value: str) -> str:
    base = f"nuvy-details-{name}"
    return (
        f'<div class="nuvy-details__field">'
        f'<label for="{base}">{html.escape(label)}</label>'
        f'<input id="{base}" name="{name}" type="text" value="{html.escape(value)}" '
        f'placeholder="{html.escape(placeholder)}" autocomplete="off" autocapitalize="off" '
        'spellcheck="false" '
        f'aria-describedby="{base}-hint {base}-error">'
        f'<span id="{base}-hint" class="nuvy-details__hint">{html.escape(hint)}</span>'
        f'<span id="{base}-error" class="nuvy-details__error" aria-live="polite"></span>'
        f"</div>"
    )


def _environment_option(environment: CaEnvironment, checked: bool) -> str:
    base = f"nuvy-details-environment-{environment.id}"
    state = " checked" if checked else ""
    return (
        f'<span class="nuvy-details__option">'
        f'<input type="radio" id="{base}" name="environment" value="{html.escape(environment.id)}"{state}>'
        f'<label for="{base}">{html.escape(environment.name)} '
        f'<span class="nuvy-details__host">(OU={html.escape(environment.name)}, '
        f"{html.escape(environment.host)})</span></label></span>"
    )


def details_data(environments: Sequence[CaEnvironment]) -> str:
    data = {
        "environments": [
            {"id": environment.id, "name": environment.name, "host": environment.host}
            for environment in environments
        ],
        "default_environment": environments[0].id,
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="nuvy-details-data">{text}</script>'


def details_html(environments: Sequence[CaEnvironment], page_url: str) -> str:
    """The form (hidden until details-form.js shows it), its data and its same-origin scripts and styles."""
    options = "".join(_environment_option(env, index == 0) for index, env in enumerate(environments))
    fields = "".join(_field(*field) for field in _FIELDS)
    scripts = "".join(
        f'<script src="{get_relative_url(script, page_url)}" defer></script>' for script in SCRIPTS
    )
    return (
        f'<div class="nuvy-details" id="{FORM_ID}" hidden>'
        f'<link rel="stylesheet" href="{get_relative_url(STYLESHEET, page_url)}">'
        '<form id="nuvy-details-form" class="nuvy-details__form" autocomplete="off" novalidate '
        'aria-labelledby="nuvy-details-title" aria-describedby="nuvy-details-intro">'
        '<h2 id="nuvy-details-title" class="nuvy-details__title">Your details</h2>'
        '<p id="nuvy-details-intro" class="nuvy-details__intro">Type them once: every command and code '
        "sample on this page, in every tab, is then written with them, and the copy buttons copy that text. "
        "They stay in this page: nothing is stored or sent, and they are gone when you leave or reload "
        "it.</p>"
        '<fieldset class="nuvy-details__environments"><legend>Environment</legend>'
        f"{options}</fieldset>"
        f'<div class="nuvy-details__fields">{fields}</div>'
        '<p id="nuvy-details-status" class="nuvy-details__status" role="status" aria-live="polite"></p>'
        "</form>"
        f"{details_data(environments)}{scripts}"
        "</div>"
    )


_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<language>[A-Za-z][\w+-]*)(?P<rest>[^`{]*)$"
)


def _with_language_classes(markdown: str) -> str:
    """Each fence `\u0060\u0060\u0060LANG rest` as `\u0060\u0060\u0060{.LANG .nuvy-lang-LANG rest}`.

    The rendered block then says its language (a class on its `div.highlight`), which details-form.js needs
    to quote a value for the block's shell: PowerShell quotes differently from bash.
    """
    lines = markdown.split("\n")
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match:
            language, rest = match.group("language"), match.group("rest").strip()
            attributes = f"{{.{language} .nuvy-lang-{language}{' ' + rest if rest else ''}}}"
            lines[index] = f"{match.group('indent')}{match.group('fence')}{attributes}"
    return "\n".join(lines)


def with_details(markdown: str, environments: Sequence[CaEnvironment], page_url: str) -> str:
    """`markdown` with its details marker (if any) replaced by the form, its fences naming their language."""
    if DETAILS_MARKER not in markdown:
        return markdown
    markdown = _with_language_classes(markdown)
    return markdown.replace(DETAILS_MARKER, "\n" + details_html(environments, page_url) + "\n", 1)
