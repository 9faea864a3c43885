"""Converted pages held compressed between MkDocs' two passes over them (issue 15).

MkDocs converts every page first and writes them all afterwards (``mkdocs.commands.build``:
``_populate_page`` for each page, then ``_build_page`` for each), so every page's HTML is in
memory at once. Cheatdeck's pages are large (MathML in the answers) and a page with an emoji is
held at four bytes a character: in a 10k-card build that was 68 MB, the largest part of its
memory peak. This plugin, added by :func:`cheatdeck.site.mkdocs_build.run_mkdocs` only, keeps
each converted page zlib-compressed (about a tenth of its size) from the end of its conversion
(``on_page_content``, last) to the start of its writing (``on_page_context``, first), and lets
it go once it is written (``on_post_page``, last). The site is byte for byte the same.

Another plugin could read a page's HTML between the passes or after its writing (``on_env``,
``on_post_build``), and a template of the user's could read another page's
(``page.next_page.content``), so the store is used only when MkDocs runs no plugin but the
search plugin and cheatdeck's own, and the theme has no ``custom_dir`` and there are no
``extra_templates`` (:func:`applies`); Material's own templates read the current page's only.
"""

from __future__ import annotations

import zlib

from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

KNOWN_PLUGINS = frozenset({"search", "material/search", "cheatdeck/raw-blocks",
                           "cheatdeck/page-cache", "cheatdeck/search-cache",
                           "cheatdeck/content-store"})
"""The plugins known to read a page's HTML only while it is built (MkDocs' names in
``config.plugins``: Material's search plugin is ``material/search``)."""


def applies(config: MkDocsConfig) -> bool:
    """True when no plugin or template of the user's could read a page's HTML while the store
    holds it: every plugin is one of :data:`KNOWN_PLUGINS`, the theme has no ``custom_dir``
    (overrides) and the configuration names no ``extra_templates``.

    Args:
        config: the loaded MkDocs configuration, with cheatdeck's plugins added.
    """
    return (set(config.plugins) <= KNOWN_PLUGINS and not config.theme.custom_dir
            and not config.extra_templates)


class ContentStore(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # MkDocs' own
    """A MkDocs plugin object holding converted pages compressed (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._held: dict[str, bytes] = {}  # src_uri → the page's HTML, UTF-8, compressed

    @event_priority(-100)  # last: the HTML as every other plugin left it
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Keep the page's HTML compressed; the page holds ``""`` meanwhile."""
        self._held[page.file.src_uri] = zlib.compress(html.encode("utf-8"), 1)
        return ""

    @event_priority(100)  # first: the search plugin and the templates read the HTML
    def on_page_context(self, context: TemplateContext, /, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        """Give the page its HTML back before it is indexed and written."""
        held = self._held.pop(page.file.src_uri, None)
        if held is not None:
            page.content = zlib.decompress(held).decode("utf-8")
        return context

    @event_priority(-100)  # last: the page is written next
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        """Let the written page's HTML go."""
        page.content = ""
        return output
