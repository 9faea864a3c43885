"""The print view's body goes around MkDocs' Markdown conversion, which would copy it verbatim.

Below its title a sheet's print view (``_print.md``) is one raw HTML block, ``<div
class="cd-print">`` … ``</div>`` (:func:`cheatdeck.site.pages.render_site_pages`), holding every
card of the sheet; an edit anywhere in the sheet changes it. Python-Markdown keeps a raw HTML
block as it is, yet tokenizes all of it on the way (its raw-HTML extractor, then MkDocs' pass
that collects anchors): for the one page that grows with a whole sheet that was the largest
part of a rebuild after one edit (issue 15). This plugin, added by
:func:`cheatdeck.site.mkdocs_build.run_mkdocs` only (a plain ``mkdocs build`` converts the page
as usual, to the same HTML), hands MkDocs the page with an empty ``<div class="cd-print">`` in
place of the body, then puts the body back into the HTML and its ``id``\\ s into the page's
anchors. The body gets the whitespace normalization Python-Markdown applies to every source
(tabs expanded, blank lines emptied), so the HTML is the same as a full conversion's
(tests/test_site_print_body.py compares both).
"""

from __future__ import annotations

import html
import re

from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

BODY_START = '\n<div class="cd-print">\n'
"""How the print view's body begins (after a blank line: a raw HTML block of its own)."""

BODY_END = "\n</div>\n"
"""How the print view's body, and the page, end."""

EMPTY_BODY = '<div class="cd-print"></div>'
"""What MkDocs converts in place of the body, and finds again in the HTML."""

_TAB_LENGTH = 4  # Python-Markdown's default; MkDocs does not change it
_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')
_BLANK_LINE = re.compile(r"(?<=\n) +\n")


def split_body(markdown: str) -> tuple[str, str] | None:
    """Return ``(page without its body, body as Python-Markdown would keep it)``, or None for
    a page that has no print body (any other page).

    The body is normalized as ``markdown.preprocessors.NormalizeWhitespace`` normalizes a
    source: STX/ETX removed, line ends made ``\\n``, tabs expanded, spaces-only lines emptied.
    """
    start = markdown.find(BODY_START)
    if start < 0 or not markdown.endswith(BODY_END):
        return None
    body = markdown[start + 1:-1]
    body = body.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
    body = _BLANK_LINE.sub("\n", "\n" + body.expandtabs(_TAB_LENGTH))[1:]
    return markdown[:start + 1] + EMPTY_BODY + "\n", body


def body_anchors(body: str) -> set[str]:
    """The ``id`` of every element of the body: what MkDocs collects from raw HTML for its
    anchor check (our body's ids are slugs on headings; fragments carry none, markup.py)."""
    return {html.unescape(found) for found in _ID.findall(body)}


class PrintBody(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # MkDocs' own
    """A MkDocs plugin object that converts print views without their body (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._bodies: dict[str, str] = {}  # src_uri → body taken out of the page's Markdown

    @event_priority(-90)  # after other plugins' edits, before the page cache keys the page
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Take the body out of a print view's Markdown."""
        split = split_body(markdown)
        if split is None:
            self._bodies.pop(page.file.src_uri, None)
            return markdown
        self._bodies[page.file.src_uri] = split[1]
        return split[0]

    @event_priority(90)  # after the page cache put a conversion back, before other plugins
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Put the body back into the HTML, and its ids into the page's anchors."""
        body = self._bodies.pop(page.file.src_uri, None)
        if body is None:
            return html
        if html.count(EMPTY_BODY) != 1:
            raise PluginError(f"{page.file.src_uri}: the print view's body lost its place")
        page.present_anchor_ids = (page.present_anchor_ids or set()) | body_anchors(body)
        return html.replace(EMPTY_BODY, body, 1)
