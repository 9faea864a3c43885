"""The inline Markdown syntax of cells and prose: one parser configuration for reader and renderer.

The reader must find exactly the images and links the renderer will draw (a ``$![x](y)$`` is
math, a ``\\`![x](y)\\``` is code: neither is an image to check or ship), so both build their
markdown-it-py instance from :func:`make_syntax`. The renderer adds its render rules on top
(``markup.py``); the reader only parses.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin


def make_syntax() -> MarkdownIt:
    """Build a markdown-it-py parser for cell and prose Markdown (no render rules).

    Returns:
        CommonMark with raw HTML tokenized, GFM tables and strikethrough, no typographer or
        linkify, and mdit-py-plugins' dollarmath for ``$…$`` / ``$$…$$`` (code spans win);
        ``$$…$$`` inside a line (a table cell) is display math too (``math_inline_double``),
        not a ``$`` around inline math.
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False,
           double_inline=True)
    return md


MAX_HTML_NESTING = 16
"""How deep allowed raw HTML tags (``<sup>``, ``<sub>``, ``<kbd>``) may nest in one text; deeper
ones are shown as text. Real sheets nest two or three; 20,000 nested ``<sup>`` made the site
build take minutes (issue 11 item 6: MkDocs' HTML passes are superlinear in nesting depth)."""

_NESTING_TAG = re.compile(r"<(/?)(sup|sub|kbd)>", re.IGNORECASE)


def html_nesting_depth(text: str) -> int:
    """Return the deepest nesting of attribute-less ``<sup>``/``<sub>``/``<kbd>`` tags in
    ``text`` (0 for none), counting as the renderer does: a closing tag closes only a tag of
    its name that is open. One pass, O(len(text))."""
    open_by_name: dict[str, int] = {}
    depth = deepest = 0
    for match in _NESTING_TAG.finditer(text):
        name = match.group(2).lower()
        if match.group(1):
            if open_by_name.get(name):
                open_by_name[name] -= 1
                depth -= 1
        else:
            open_by_name[name] = open_by_name.get(name, 0) + 1
            depth += 1
            deepest = max(deepest, depth)
    return deepest
