"""Small accessibility repairs to the theme's HTML, applied to every built page."""

from __future__ import annotations

# Material renders its search overlay as role="dialog" without a name, which screen readers announce as
# an unnamed dialog (axe: aria-dialog-name). Naming it here keeps the theme's templates unforked.
_UNNAMED_SEARCH = '<div class="md-search" data-md-component="search" role="dialog">'
_NAMED_SEARCH = '<div class="md-search" data-md-component="search" role="dialog" aria-label="Search">'


def name_search_dialog(html: str) -> str:
    """Give the theme's search dialog an accessible name."""
    return html.replace(_UNNAMED_SEARCH, _NAMED_SEARCH, 1)
