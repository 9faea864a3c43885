"""Make markup.py's HTML fragments safe to place inside a Markdown page.

MkDocs runs every page through Python-Markdown, which would read ``*``, ``_``, backticks, ``\\``,
``[`` … in a fragment's text as Markdown a second time (``vocab_size × dim_`` would turn italic,
``\\(x\\)`` would lose its backslashes, a ``#`` would close a heading). So every such character
in a *text node* is written as a numeric character reference, which Python-Markdown passes
through untouched and the browser shows as the same character. Tags are kept byte for byte:
they come from markup.py, which already sanitized them.

A fragment is nh3's serialization (markup.py ``_finish``): every ``<`` and ``>`` of a text node
or an attribute value is written ``&lt;``/``&gt;``, so the text nodes are exactly what lies
between one tag's ``>`` and the next ``<``. Splitting there gives what Python's HTMLParser gives
for such a fragment (tests/test_site_fragments.py compares both), without a parser callback per
tag: with a formula's MathML in every answer that parse was a tenth of a site build (issue 15).
"""

from __future__ import annotations

import html
import re

# Characters Python-Markdown (with the extensions in mkdocs.yml) may treat as syntax mid-line:
# emphasis, code, escapes, links/images, heading closers, attr_list braces, table pipes; and the
# three that HTML itself needs escaped.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]!#{}|<>&]")
_NAMED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_WHITESPACE = re.compile(r"\s+")
_ENTITY = re.compile(r"(&#?[0-9A-Za-z]+;)")
_TAG = re.compile(r"(<[^>]*>)")  # split keeps the tags at odd indexes
_TAG_NAME = re.compile(r"</?([a-zA-Z][^\s/>]*)")


def _reference(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"&#{ord(char)};"


def for_markdown(fragment: str) -> str:
    """Return ``fragment`` rewritten so Python-Markdown leaves it exactly as it is.

    Args:
        fragment: an HTML fragment from :class:`cheatdeck.markup.MarkupRenderer` (well-formed,
            sanitized: no ``<`` or ``>`` but those of its tags).

    Returns:
        The same HTML, with Markdown-significant characters of text nodes (``\\ ` * _ [ ] ! #
        { } |``) as ``&#N;`` references and ``< > &`` as named ones. The browser renders it identically; it can
        be put in a heading, a table cell, a link text or a raw HTML block.
    """
    if "<" not in fragment:
        # Text only (most cells): its text is already escaped, so every "&" starts a character
        # reference, which is kept; the rest is escaped as above.
        parts = _ENTITY.split(fragment)
        parts[::2] = [_MARKDOWN_SYNTAX.sub(_reference, part) for part in parts[::2]]
        return "".join(parts)
    # Between tags: the text as a parser reads it (references resolved), then escaped once.
    parts = _TAG.split(fragment)
    parts[::2] = [_MARKDOWN_SYNTAX.sub(_reference, html.unescape(part)) if part else part
                  for part in parts[::2]]
    return "".join(parts)


def plain_text(fragment: str) -> str:
    """Return the visible text of an HTML fragment, whitespace collapsed (no escaping).

    Used where only text is allowed (navigation titles, the quiz's deck menu, table-of-contents
    labels); the caller escapes it for its context. A formula counts as its readable text (the
    hidden span after its ``<math>``), not as the letters of its MathML tree; a ``<br>``
    separates words.

    Args:
        fragment: an HTML fragment from :class:`cheatdeck.markup.MarkupRenderer`.
    """
    text: list[str] = []
    in_math = 0
    for index, part in enumerate(_TAG.split(fragment)):
        if index % 2 == 0:
            if part and not in_math:
                text.append(html.unescape(part))
            continue
        name = _TAG_NAME.match(part)
        tag = name.group(1).lower() if name else ""
        if part.startswith("</"):
            in_math -= tag == "math"
        elif not part.endswith("/>"):
            in_math += tag == "math"
            if tag == "br":
                text.append(" ")
    return _WHITESPACE.sub(" ", "".join(text)).strip()
