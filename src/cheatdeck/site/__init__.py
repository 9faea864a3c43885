"""The study site: Markdown pages from the model, built by MkDocs Material (DESIGN.md "Site").

``pages``/``quizdata``/``fragments`` render text (pure); ``mkdocs_build`` writes the docs dir and
runs MkDocs; ``serve`` rebuilds on source changes while MkDocs live-reloads.
"""

from __future__ import annotations

from cheatdeck.site.mkdocs_build import build_site, run_mkdocs, write_docs
from cheatdeck.site.pages import render_site_pages, site_nav

__all__ = [
    "build_site",
    "render_site_pages",
    "run_mkdocs",
    "site_nav",
    "write_docs",
]
