"""The inline Markdown syntax of cells and prose: one parser configuration for reader and renderer.

The reader must find exactly the images and links the renderer will draw (a ``$![x](y)$`` is
math, a ``\\`![x](y)\\``` is code: neither is an image to check or ship), so both build their
markdown-it-py instance from :func:`make_syntax`. The renderer adds its render rules on top
(``markup.py``); the reader only parses.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin


def make_syntax() -> MarkdownIt:
    """Build a markdown-it-py parser for cell and prose Markdown (no render rules).

    Returns:
        CommonMark with raw HTML tokenized, GFM tables and strikethrough, no typographer or
        linkify, and mdit-py-plugins' dollarmath for ``$…$`` / ``$$…$$`` (code spans win).
    """
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_labels=False, allow_space=False, allow_digits=False)
    return md
