"""Cheatdeck's raw HTML blocks go around MkDocs' Markdown conversion, which would copy them verbatim.

A section page holds one raw HTML block per card (``<details class="cd-answer …">``), fact table
(``<div class="cd-facts" …>``) and note (``<div class="cd-prose">``), and a print view one block
for the whole sheet (``<div class="cd-print">``): :mod:`cheatdeck.site.pages`. Python-Markdown
keeps a raw HTML block as it is, yet tokenizes all of it on the way, twice (its raw-HTML
extractor, then MkDocs' pass that collects anchors): with MathML in every answer, that was the
largest part of MkDocs' conversion of a site (issue 15: 17,314 start tags for 1,000 cards).

This plugin, added by :func:`cheatdeck.site.mkdocs_build.run_mkdocs` only (a plain ``mkdocs
build`` of the docs dir converts the pages as usual, to the same HTML), hands MkDocs each page
with every such block replaced by a short block of the same element,
``<details data-cd-raw="3"></details>``, and puts the block back into the HTML, its ``id``\\ s into
the page's anchors. The stand-in sits where the block sat and begins with the same tag, so
Python-Markdown treats it as it treats the block: it stores it, keeps it out of paragraphs and
writes it back unchanged. The block gets the whitespace normalization Python-Markdown applies
to every source (tabs expanded, blank lines emptied), so the HTML is the same as a full
conversion's (tests/test_site_raw_blocks.py compares both, byte for byte).

The questions stay Markdown headings: the table of contents, ids and permalinks still come from
MkDocs. Limits (README "Publishing the site"): the blocks go around the conversion only when the
configured Markdown extensions add no preprocessor or postprocessor besides MkDocs' own (those
read or rewrite the whole text, raw blocks included; with one, every page is converted in full,
as before), and a
plugin of the user's sees the stand-ins only if it edits a page's Markdown after priority -90 or
its HTML before priority 90 (MkDocs' event priorities; the default is 0).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.postprocessors import AndSubstitutePostprocessor, RawHtmlPostprocessor
from markdown.preprocessors import HtmlBlockPreprocessor, NormalizeWhitespace
from mkdocs.config.base import LegacyConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

# The opening line of each raw block cheatdeck's page templates write (card.md.j2, table.md.j2,
# prose.md.j2, print.md.j2), after a blank line (a page never starts with one: it has a title).
_START = re.compile(r'\n\n<(details|div) class="cd-(?:answer|facts|prose|print)[ "]')
# The tags that decide where a block of each element ends. A "<" is never in a text node or an
# attribute value of cheatdeck's HTML (nh3 and Jinja escape it, markup.py, fragments.py), so
# every "<" followed by a letter starts a tag. "<!" (comment, declaration), "<?" and a script or
# style element make HTMLParser read what follows in other ways: a block holding one stays.
_ENDS = {name: re.compile(rf"""<(/?){name}(?=[\s/>])(?:[^>"']|"[^"]*"|'[^']*')*>"""
                          r"|<(?:script|style)(?=[\s/>])|<[!?]", re.IGNORECASE)
         for name in ("details", "div")}
_STAND_IN = re.compile(r'<(details|div) data-cd-raw="([0-9]+)"></\1>')
_MARK = "data-cd-raw"
# A line fenced_code (which MkDocs always adds) may read as a code fence: it runs before the
# raw-HTML extractor and could take a fence's text across blocks; such a page stays whole.
_FENCES = ("```", "~~~")
# A start tag that may have an id or a name (no ">" in an attribute value: nh3 and Jinja escape it).
_ANCHOR_TAG = re.compile(r"<([a-zA-Z][^\s/>]*)\s[^>]*?(?:id|name)\s*=[^>]*>")
# An attribute of a start tag's text, as HTMLParser's ``attrfind_tolerant`` reads one.
_ATTRIBUTE = re.compile(r"""[\s/]+([^\s/>][^\s/=>]*)(?:\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?""")
_BLANK_LINE = re.compile(r"(?<=\n) +\n")

_KNOWN_PREPROCESSORS = {NormalizeWhitespace, FencedBlockPreprocessor, HtmlBlockPreprocessor}
_KNOWN_POSTPROCESSORS = {RawHtmlPostprocessor, AndSubstitutePostprocessor}


@dataclass(frozen=True, slots=True)
class Split:
    """A page's Markdown with its raw blocks taken out.

    Attributes:
        markdown: the text MkDocs converts, each block replaced by its stand-in
            ``<details data-cd-raw="N"></details>`` (N counts from 0 in page order).
        blocks: the blocks, normalized as Python-Markdown normalizes a source, in that order.
    """

    markdown: str
    blocks: tuple[str, ...]


def block_end(text: str, start: int, name: str) -> int | None:
    """Return where the raw HTML block of a ``name`` element opening at ``start`` ends, or None
    if it is not one to take out.

    Python-Markdown's raw-HTML extractor ends a block at the end tag that closes its first
    element (an end tag closes the innermost open element of its name, markdown/htmlparser.py);
    so does this, counting that element's start and end tags (``name``: ``details`` or
    ``div``). The end tag must end its line. None for a block holding a comment, a declaration,
    a processing instruction, a script or a style element, or one that is never closed.
    """
    depth = 0
    for tag in _ENDS[name].finditer(text, start):
        if tag.group(1) is None:
            return None  # "<!", "<?", <script>, <style>
        if tag.group(1):
            depth -= 1
            if depth == 0:
                end = tag.end()
                return end if text.startswith("\n", end) or end == len(text) else None
        elif not tag.group().endswith("/>"):
            depth += 1
    return None


def normalize(block: str, tab_length: int) -> str:
    """Return ``block`` as ``markdown.preprocessors.NormalizeWhitespace`` leaves it in a source:
    STX/ETX removed, line ends made ``\\n``, tabs expanded, spaces-only lines emptied. (A block
    starts a line, so its tab stops are the source's.)"""
    if "\x02" in block or "\x03" in block:
        block = block.replace("\x02", "").replace("\x03", "")
    if "\r" in block:
        block = block.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in block:
        block = block.expandtabs(tab_length)
    if " \n" in block:  # (the regular expression alone costs more than the conversion saves)
        block = _BLANK_LINE.sub("\n", "\n" + block)[1:]
    return block


def split_blocks(text: str, tab_length: int = 4) -> Split:
    """Take cheatdeck's raw HTML blocks out of a page's Markdown (module docstring).

    Args:
        text: the page's Markdown, as MkDocs would convert it.
        tab_length: Python-Markdown's tab stops (``Markdown.tab_length``, 4 unless configured).

    Returns:
        The :class:`Split`; no blocks (and ``text`` unchanged) for a page without any, one
        that already holds the stand-ins' marker, or one with a line that opens a code fence.
    """
    if _MARK in text or any(f"\n{fence}" in text or text.startswith(fence) for fence in _FENCES):
        return Split(text, ())
    parts: list[str] = []
    blocks: list[str] = []
    done = 0
    for found in _START.finditer(text):
        start, tag = found.start() + 2, found.group(1)
        if start < done:
            continue  # inside a block taken out
        end = block_end(text, start, tag)
        if end is None:
            continue
        parts.append(text[done:start])
        parts.append(f'<{tag} {_MARK}="{len(blocks)}"></{tag}>')
        blocks.append(normalize(text[start:end], tab_length))
        done = end
    parts.append(text[done:])
    return Split("".join(parts), tuple(blocks))


def put_back(converted: str, blocks: tuple[str, ...]) -> str:
    """Return the converted HTML with each stand-in replaced by its block.

    Raises:
        PluginError: a stand-in is missing or repeated (something rewrote the HTML).
    """
    seen: list[int] = []

    def block(found: re.Match[str]) -> str:
        number = int(found.group(2))
        seen.append(number)
        return blocks[number] if number < len(blocks) else found.group()

    restored = _STAND_IN.sub(block, converted)
    if sorted(seen) != list(range(len(blocks))):
        raise PluginError("cheatdeck: a raw HTML block lost its place in the converted page")
    return restored


def block_anchors(block: str) -> set[str]:
    """The anchors MkDocs collects from a raw block for its anchor check: every element's
    ``id`` and every ``<a>``'s ``name`` (mkdocs/structure/pages.py ``_HTMLHandler``)."""
    found: set[str] = set()
    for tag in _ANCHOR_TAG.finditer(block):
        text, name = tag.group(), tag.group(1).lower()
        for attribute in _ATTRIBUTE.finditer(text, 1 + len(name)):
            key, value = attribute.group(1).lower(), attribute.group(2)
            if value is not None and (key == "id" or (key == "name" and name == "a")):
                if value[:1] in ("'", '"'):
                    value = value[1:-1]
                found.add(html.unescape(value))
    return found


def splits_safely(config: MkDocsConfig) -> tuple[bool, int]:
    """Return whether the configured Markdown extensions leave raw blocks to Python-Markdown's
    own extractor and restorer only (no other preprocessor or postprocessor reads the text),
    and the tab length their Markdown instance uses."""
    probe = markdown.Markdown(extensions=config.markdown_extensions,
                              extension_configs=config.mdx_configs)
    safe = ({type(p) for p in probe.preprocessors} <= _KNOWN_PREPROCESSORS
            and {type(p) for p in probe.postprocessors} <= _KNOWN_POSTPROCESSORS)
    return safe, probe.tab_length


class RawBlocks(BasePlugin[LegacyConfig]):  # type: ignore[no-untyped-call]  # MkDocs' own
    """A MkDocs plugin object that converts pages without their raw blocks (module docstring)."""

    def __init__(self) -> None:
        super().__init__()
        self._blocks: dict[str, tuple[str, ...]] = {}  # src_uri → blocks taken out of the page
        self._safe = False
        self._tab_length = 4

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Check the Markdown extensions once per build (:func:`splits_safely`)."""
        self._safe, self._tab_length = splits_safely(config)
        return config

    @event_priority(-90)  # after other plugins' edits, before the page cache keys the page
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        """Take the raw blocks out of a page's Markdown."""
        self._blocks.pop(page.file.src_uri, None)
        if not self._safe:
            return markdown
        split = split_blocks(markdown, self._tab_length)
        if split.blocks:
            self._blocks[page.file.src_uri] = split.blocks
        return split.markdown

    @event_priority(90)  # after the page cache put a conversion back, before other plugins
    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        """Put the blocks back into the HTML, and their ids into the page's anchors."""
        blocks = self._blocks.pop(page.file.src_uri, None)
        if not blocks:
            return html
        anchors = set(page.present_anchor_ids or ())
        for block in blocks:
            anchors |= block_anchors(block)
        page.present_anchor_ids = anchors
        return put_back(html, blocks)
