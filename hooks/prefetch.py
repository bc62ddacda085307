"""The guide pages' prefetch hint: once idle, the browser may fetch the validator's runtime files.

Most users open the validator once, from step 6 of the guide, so its start-up is a cold start by a
navigation from a guide page. `site_assets/prefetch.js`, added to the pages in `HINT_PAGES`, waits until the
page is idle and then adds ``<link rel="prefetch">`` for the files the validator page's worker fetches first
(the worker script with its query, Pyodide's two scripts, the wasm and the bundle): same origin, the
browser's lowest priority, never when ``navigator.connection.saveData`` is set. It runs no Pyodide and no
worker. The figures that decided it are in operators/benchmarks.md (`nox -s bench`, "guide_path").

The runtime's URLs go in a JSON data block (never executed, so the CSP needs no hash for it) and the script
is a same-origin file, which the site's policy (`script-src 'self'`) allows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

HINT_SCRIPT = "assets/nuvy/prefetch.js"  # site_assets/prefetch.js, copied by nuvy_site._copy_site_assets
BLOCK_ID = "nuvy-prefetch"
# The pages that lead to the validator: the overview, the quickstart and the guide (step 6 links to it).
HINT_PAGES = frozenset({"index.md", "quickstart.md", "guide.md"})
_BODY_END = "</body>"


class PrefetchError(ValueError):
    """A hint page cannot take the hint; the message says why."""


def wants_hint(src_uri: str, output: str, data_marker: str) -> bool:
    """Whether the page at `src_uri` gets the hint: a guide page, never the validator page itself."""
    return src_uri in HINT_PAGES and data_marker not in output


def hint_tags(runtime: Mapping[str, Any], script_url: str) -> str:
    """The data block (the validator page's `runtime` URLs, relative to this page) and the hint script."""
    fields = ("worker_url", "pyodide_url", "index_url", "bundle_url", "bundle_sha256")
    data = json.dumps({name: runtime[name] for name in fields}, sort_keys=True, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (
        f'<script type="application/json" id="{BLOCK_ID}">{data}</script>\n'
        f'<script src="{script_url}" defer></script>\n'
    )


def with_hint(output: str, tags: str) -> str:
    """`output` with `tags` just before ``</body>``: the hint waits for the page anyway."""
    at = output.rfind(_BODY_END)
    if at < 0:
        raise PrefetchError("the page has no </body>; check the theme overrides")
    return output[:at] + tags + output[at:]
